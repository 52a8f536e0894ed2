"""What every unit's check module builds on, beyond :mod:`nnlib.checks`.

How a failure is worded (the course's feedback pattern):

- an untouched stub is told only that it is not written yet (:func:`require_written`);
- a function that builds on earlier exercises first has those checked; if one it uses (directly or
  through a helper) is wrong and the function's output is wrong too, it is told to fix that
  exercise first, and no mistake is guessed (:func:`pieces_advice`);
- a recognised mistake gets its name and the fix first; otherwise the message points to the idea
  to re-read, without the formula (:func:`compare`);
- every failure names its exercise first (:func:`exercise`).
"""
import contextlib
import copy
import functools
import io

import numpy as np

from nnlib.checks import CheckFailed, check_function, fail, uses
from nnlib.checks import exercise as named_exercise
from nnlib.tolerance import ATOL, RTOL


def same(result, expected):
    """True when ``result`` equals ``expected`` within the course tolerance, nan where ``expected`` has nan."""
    try:
        result, expected = np.asarray(result, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return False
    return result.shape == expected.shape and bool(np.allclose(result, expected, rtol=RTOL, atol=ATOL, equal_nan=True))


def quietly(fn, *args):
    """``fn(*args)`` with numpy's overflow warnings silenced (a wrong answer may overflow on purpose)."""
    with np.errstate(all="ignore"):
        return fn(*copy.deepcopy(args))


def raised_inside(error, fn):
    """True when ``error`` was raised by ``fn``'s own code (not by a function it called)."""
    traceback = error.__traceback__
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    return traceback.tb_frame.f_code is getattr(fn, "__code__", None)


def require_written(fn, args, name=None):
    """Fail with "not written yet" when ``fn`` is still the stub (it raises NotImplementedError itself).

    A NotImplementedError raised by a function ``fn`` calls (an unfinished earlier exercise) is left
    to :func:`pieces_advice`, which names that exercise.
    """
    name = name or getattr(fn, "__name__", "your function")
    if not callable(fn):
        fail(f"{name} is not a function: did you overwrite it with a value?")
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            quietly(fn, *args)
    except NotImplementedError as error:
        if raised_inside(error, fn):
            fail(f"{name} is not written yet: replace `raise NotImplementedError()` with your code.")
    except Exception:  # any other error is reported by the check that follows, with advice
        pass


def pieces_advice(user, pieces, fn=None):
    """Advice when an earlier exercise that ``user`` builds on is not right yet, else ``""``.

    Parameters
    ----------
    user : str
        The name of the function under test.
    pieces : sequence of (callable, callable, str)
        ``(function, its check, "exercise N (name)")``; the check raises CheckFailed when the
        function is wrong and prints when it passes (its output is swallowed here).
    fn : callable, optional
        The function under test: a piece it does not use (directly or through its helpers) is
        not blamed.
    """
    for function, check, label in pieces:
        if function is None:  # the caller did not pass this piece
            continue
        if fn is not None and not uses(fn, label[label.index("(") + 1:-1]):
            continue
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                check(function)
        except CheckFailed as failure:
            state = "is not written yet" if "not written yet" in str(failure) else "is not right yet"
            return f"{user} builds on {label}, which {state}: fix {label} first, then run this cell again. ({failure})"
    return ""


def recognise(fn, args, expected, mistakes, probes):
    """The advice of the first known mistake the student's function matches on ``args``, else ``""``.

    ``mistakes`` are (wrong_function, advice): the student's output equals the wrong function's.
    ``probes`` are (rewrite, advice): the student's function, given ``rewrite(args)``, returns the
    right answer for ``args`` (e.g. a layer given W.T that then gives the right Z used W untransposed);
    this recognises mistakes that raise on the checked input.
    """
    try:
        result = quietly(fn, *args)
    except Exception:
        result = None
    if result is not None:
        for wrong, advice in mistakes:
            try:
                if same(result, quietly(wrong, *args)):
                    return advice
            except Exception:  # a mistake that does not apply to this input
                pass
    for rewrite, advice in probes:
        try:
            if same(quietly(fn, *rewrite(args)), expected):
                return advice
        except Exception:
            pass
    return ""


def compare(fn, reference, cases, name, mistakes=(), probes=(), hint="", error_hint="", reveal=True, broken="",
            shape_hint=""):
    """Check ``fn`` against ``reference`` case by case; on a failure the advice comes first.

    Parameters
    ----------
    fn, reference : callable
        Both take ``*case``; ``fn`` is usually a small wrapper that picks one part of the student's result.
    cases : iterable of tuple
    name : str
        How the result is named in messages ("the new w from perceptron_update").
    mistakes, probes : see :func:`recognise`; used only when ``broken`` is empty.
    hint : str
        Advice when the output is wrong and no mistake is recognised: the idea to check, not the formula.
    error_hint : str
        Advice when ``fn`` raises and no mistake is recognised.
    shape_hint : str
        Advice when the result has the wrong shape and no mistake is recognised (``hint`` otherwise).
    broken : str
        Advice from :func:`pieces_advice`; when set, a failure is blamed on the earlier exercise.
    """
    owner = name.split(" from ")[-1]
    for case in cases:
        case = tuple(case)
        given = copy.deepcopy(case)
        try:
            result = quietly(fn, *given)
        except CheckFailed:  # the result's structure is wrong; the check that raised said so
            raise
        except Exception:  # reported below, with advice
            result = NotImplemented
        if result is None:
            fail(f"{owner} returned None: did you forget the `return` statement?")
        for before, after in zip(case, given):
            if isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True):
                fail(f"{owner} changed its input array in place: work on a copy or build a new array.")
        try:
            check_function(fn, reference, [case], name=name, reveal=reveal)
        except CheckFailed as failure:
            if broken:
                fail(broken)
            if "not written yet" in str(failure):
                raise
            expected = np.asarray(quietly(reference, *case), dtype=float)
            advice = recognise(fn, case, expected, mistakes, probes)
            if not advice and result is NotImplemented:
                advice = error_hint or hint
            elif not advice and shape_hint and np.shape(result) != expected.shape:
                advice = shape_hint
            advice = advice or hint
            fail(f"{advice} ({failure})" if advice else str(failure))
    return True


def require_tuple(fn, args, size, what):
    """Fail unless ``fn(*args)`` returns a tuple (or list) of ``size`` items; errors are left to later checks."""
    try:
        result = quietly(fn, *args)
    except Exception:
        return
    if not isinstance(result, (tuple, list)) or len(result) != size:
        fail(f"{fn.__name__} returned {type(result).__name__}; it must return {what}, as its docstring says.")


def part_of(fn, index, name):
    """A function returning part ``index`` of ``fn``'s result, failing clearly when it is not a tuple."""
    def part(*args):
        result = fn(*args)
        if not isinstance(result, (tuple, list)):
            fail(f"{name} returned {type(result).__name__}; it must return a tuple, as its docstring says.")
        return result[index]
    part.__name__ = getattr(fn, "__name__", name)
    return part


def passed(message, reveal=True):
    """Say what passed, in visible tests only (hidden ones stay silent). Returns None, so a test
    cell whose last line is a check shows no ``True``."""
    if reveal:
        print(f"✓ {message}")


def exercise(label):
    """Decorator for a public check: its failures name the exercise first ("Exercise 1 (perceptron_output): ...")."""
    def wrap(check):
        @functools.wraps(check)
        def checked(*args, **kwargs):
            with named_exercise(label):
                return check(*args, **kwargs)
        return checked
    return wrap
