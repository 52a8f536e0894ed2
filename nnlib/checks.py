"""Checks that the notebooks' grade cells call, with messages a student can act on.

A failed check raises :class:`CheckFailed` (an ``AssertionError``, so nbgrader scores the cell 0)
whose message says what was wrong and what to look at, e.g.
``softmax returned nan for z = [1000, 0]: subtract the maximum before exponentiating``.

Hidden tests pass ``reveal=False``: the message then describes the input (its shape) and the
kind of error, but never prints the hidden input values or the expected answer.
"""
import copy
import dis

import numpy as np

from nnlib.tolerance import close, max_error


class CheckFailed(AssertionError):
    """A grade check that failed; the message explains why."""


def fail(message):
    """Raise :class:`CheckFailed` with ``message``."""
    raise CheckFailed(message)


def describe(value, reveal=True):
    """A short description of an argument: its values when small and revealed, else its shape."""
    if isinstance(value, (int, float, np.floating, np.integer)):
        return repr(float(value)) if reveal else "a number"
    if isinstance(value, np.ndarray):
        if reveal and value.size <= 12:
            return np.array2string(value, precision=6, separator=", ")
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)) and reveal and len(value) <= 12:
        return repr(value)
    return type(value).__name__


def _inputs(args, reveal):
    return ", ".join(describe(a, reveal) for a in args)


def as_array(value, name):
    """Convert a returned value to a float array, failing clearly on None or non-numbers."""
    if value is None:
        fail(f"{name} returned None: did you forget the `return` statement?")
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return value.astype(float, copy=False)
    try:
        if np.asarray(value).dtype.kind in "USV":  # text is not a number, even text like "0.5"
            raise TypeError
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        fail(f"{name} returned {type(value).__name__}, which is not a number or an array of numbers.")
    return array


def check_shape(value, expected_shape, name, hint=""):
    """Fail unless ``value`` has ``expected_shape``; the hint says how a wrong shape usually arises."""
    array = as_array(value, name)
    expected_shape = tuple(expected_shape)
    if array.shape != expected_shape:
        message = f"{name} returned shape {array.shape}, expected {expected_shape}."
        if array.size == int(np.prod(expected_shape)) and array.shape != expected_shape:
            message += " The values may be right but laid out wrongly: check for a missing or extra axis, or a transpose."
        if hint:
            message += " " + hint
        fail(message)
    return array


def check_finite(value, name, hint=""):
    """Fail if ``value`` holds nan or inf."""
    array = as_array(value, name)
    if not np.all(np.isfinite(array)):
        bad = "nan" if np.any(np.isnan(array)) else "inf"
        fail(f"{name} returned {bad}. " + (hint or "Look for an overflow in exp or a log of 0."))
    return array


def check_close(actual, expected, name, hint="", reveal=True):
    """Fail unless ``actual`` matches ``expected`` in shape and, within the course tolerance, in value."""
    expected = np.asarray(expected, dtype=float)
    array = check_shape(actual, expected.shape, name, hint)
    if np.all(np.isfinite(expected)):
        check_finite(array, name, hint)
    if not close(array, expected):
        message = f"{name} is not right (largest error {max_error(array, expected):.3g})."
        if reveal:
            message += f" Got {describe(array)}, expected {describe(expected)}."
        if hint:
            message += " " + hint
        fail(message)
    return array


def call(fn, *args, name=None, where="", hint=""):
    """``fn(*args)``, with any exception turned into a :class:`CheckFailed` a student can act on.

    An untouched stub (NotImplementedError) is named as such; any other error is reported with
    its type and message, ``where`` (e.g. "for an input of shape (2, 3)") and the ``hint``.
    """
    name = name or getattr(fn, "__name__", "your function")
    try:
        return fn(*args)
    except CheckFailed:  # a check inside ``fn`` has already said what is wrong
        raise
    except NotImplementedError:
        fail(f"{name} is not written yet: replace `raise NotImplementedError()` with your code.")
    except Exception as error:  # any student error becomes advice, never a bare traceback
        place = f" {where}" if where else ""
        fail(f"{name} raised {type(error).__name__}: {error}{place}." + (f" {hint}" if hint else ""))


def check_function(fn, reference, cases, name=None, mistakes=(), hint="", reveal=True, error_hint=""):
    """Check ``fn`` against ``reference`` on each case of arguments.

    Parameters
    ----------
    fn, reference : callable
        The student's function and the course's reference; both take ``*case``.
    cases : iterable of tuple
        Argument tuples. Each is deep-copied before the call, and the copy is compared afterwards,
        so a function that changes its inputs in place is caught.
    mistakes : sequence of (callable, str)
        Known wrong answers with the advice to give when the student's output matches one.
    hint : str
        Advice added when the output is wrong and matches no known mistake.
    error_hint : str
        Advice added when the function raises (e.g. how a shape error usually arises); ``hint``
        is used when it is empty.
    reveal : bool
        False in hidden tests: inputs and expected values are not printed.
    """
    name = name or getattr(fn, "__name__", "your function")
    if not callable(fn):
        fail(f"{name} is not a function: did you overwrite it with a value?")
    for args in cases:
        args = tuple(args)
        given = copy.deepcopy(args)
        where = f"for input {_inputs(args, reveal)}"
        result = call(fn, *given, name=name, where=where, hint=error_hint or hint)
        for before, after in zip(args, given):
            if isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True):
                fail(f"{name} changed its input array in place {where}: work on a copy or build a new array.")
        expected = np.asarray(reference(*copy.deepcopy(args)), dtype=float)
        try:
            check_close(result, expected, f"{name} {where}", reveal=reveal)
        except CheckFailed as failure:
            for wrong, advice in mistakes:
                try:
                    matches = close(as_array(result, name), wrong(*copy.deepcopy(args)))
                except Exception:
                    matches = False
                if matches:
                    fail(f"{failure} {advice}")
            if hint:
                fail(f"{failure} {hint}")
            raise
    return True


def check_own_code(fn, forbidden=("nnlib",), name=None):
    """Fail if the source of ``fn`` calls a forbidden module (an exercise asks for the student's own code).

    Exercises that ask students to write, say, ``sigmoid`` themselves must not be passed by
    calling the course library's reference. Functions whose source cannot be read pass.
    """
    import inspect

    name = name or getattr(fn, "__name__", "your function")
    try:
        text = inspect.getsource(fn)
    except (OSError, TypeError):
        text = ""
    # The globals the function reads, too: `from nnlib.activations import sigmoid as s` in another
    # cell leaves no trace of "nnlib" in the function's own source.
    code, scope = getattr(fn, "__code__", None), getattr(fn, "__globals__", {})
    used = [scope[n] for n in (code.co_names if code else ()) if n in scope]
    used += [cell.cell_contents for cell in (getattr(fn, "__closure__", None) or ())
             if cell.cell_contents is not None]
    borrowed = [getattr(obj, "__module__", None) or getattr(obj, "__name__", "") for obj in used]
    for module in forbidden:
        if module in text or any(str(b).startswith(module) for b in borrowed):
            fail(f"{name} uses {module}: this exercise asks you to write it yourself with numpy.")
    return True


def _loop_instructions(code):
    """Loop instructions in compiled code, nested functions and comprehensions included.

    Reading the bytecode (not the source) also works for functions defined in a notebook cell.
    ``FOR_ITER`` starts every for loop and comprehension; a backward jump closes every while loop.
    """
    found = [step.opname for step in dis.get_instructions(code)
             if "FOR_ITER" in step.opname or "BACKWARD" in step.opname or step.opname == "JUMP_ABSOLUTE"]
    for constant in code.co_consts:
        if hasattr(constant, "co_code"):
            found += _loop_instructions(constant)
    return found


def check_no_loops(fn, advice="", name=None):
    """Fail if ``fn`` runs a Python loop (for, while or a comprehension): the exercise asks for numpy."""
    name = name or getattr(fn, "__name__", "your function")
    code = getattr(fn, "__code__", None)
    if code is not None and _loop_instructions(code):
        fail(f"{name} uses a Python loop (a for, a while or a comprehension). " + advice)
    return True
