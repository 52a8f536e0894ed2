"""Checks that the notebooks' grade cells call, with messages a student can act on.

A failed check raises :class:`CheckFailed` (an ``AssertionError``, so nbgrader scores the cell 0)
whose message says what was wrong and what to look at, e.g.
``softmax returned nan for z = [1000, 0]: subtract the maximum before exponentiating``.

Hidden tests pass ``reveal=False``: the message then describes the input (its shape) and the
kind of error, but never prints the hidden input values or the expected answer.

How a failure reads, in the notebook, in Validate and on the feedback page
--------------------------------------------------------------------------
- One line. :func:`fail` joins the message into one line of at most :data:`MESSAGE_LIMIT`
  characters, the advice first and the numbers after it.
- No traceback. IPython shows an exception through its ``_render_traceback_`` when it has one;
  :class:`CheckFailed` renders as the single line ``CheckFailed: <message>``, so the kernel's
  error output (which nbgrader's Validator prints as "The error was") holds no frames and no
  paths into this file.
- No chain. Every failure is raised ``from None``: a check that turns a student's exception
  into advice does not also print "During handling of the above exception...".
- Whole. The command line ``nbgrader validate`` cuts each line at ``Validator.width - 3``
  characters (90 by default); the course's nbgrader configurations set the width so that a
  message of :data:`MESSAGE_LIMIT` characters fits.
- No false alarm. A grade cell with any stderr output counts as failed in Validate (nbgrader's
  IgnorePattern only applies when grading), so :func:`call` runs the student's code with Python
  warnings silenced: a right answer that makes numpy warn passes everywhere.

Rules (no loops, your own code)
-------------------------------
:func:`check_no_loops` and :func:`check_own_code` look at a function and at every helper it
reaches: the functions named by its global names and held in its closure, recursively (a loop
hidden in a module-level helper, or in the notebook's own ``standardise_loop``, counts).
They read nothing of a function but ``fn.__code__``, ``fn.__globals__``, ``fn.__closure__`` and
``inspect.getsource(fn)``. Keep it that way: the grading engine hands the checks stand-in
objects that carry exactly those attributes, built from the submitted source.
"""
import builtins
import contextlib
import copy
import dis
import functools
import inspect
import warnings

import numpy as np

from nnlib.tolerance import close, max_error

# The longest message a check writes; nbgrader_config.py sizes Validator.width to fit it.
MESSAGE_LIMIT = 300
# An echoed input or value longer than this is described by its shape instead.
ECHO_LIMIT = 60
# The text of a student's exception is cut to this length, so that the hint after it fits.
ERROR_LIMIT = 100


class CheckFailed(AssertionError):
    """A grade check that failed; the message explains why."""

    def _render_traceback_(self):
        # IPython calls this instead of formatting a traceback: the student sees one line.
        return [f"{type(self).__name__}: {self}"]


def one_line(message):
    """``message`` on one line, shortened to :data:`MESSAGE_LIMIT` characters (its end is cut)."""
    text = " ".join(str(message).split())
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT - 1] + "…"


def fail(message):
    """Raise :class:`CheckFailed` with ``message`` on one line, without a chained traceback."""
    raise CheckFailed(one_line(message)) from None


@contextlib.contextmanager
def exercise(label):
    """Prefix every failure inside the block with ``label`` ("Exercise 1, weighted_sum").

    Used by the units' check modules so that each message names the exercise it is about.
    """
    try:
        yield
    except CheckFailed as failure:
        message = str(failure)
        fail(message if message.startswith(label) else f"{label}: {message}")


def quietly(fn, *args):
    """``fn(*args)`` with Python warnings (numpy's overflow RuntimeWarning...) silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


def describe(value, reveal=True):
    """A short description of an argument: its values when small and revealed, else its shape."""
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value)) if reveal else "a bool"
    if isinstance(value, (int, float, np.floating, np.integer)):
        return repr(float(value)) if reveal else "a number"
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "biuf":
        return repr(float(value)) if reveal else "a number"
    if isinstance(value, np.ndarray):
        if reveal and value.size <= 12:
            text = np.array2string(value, precision=6, separator=", ")
            if len(text) <= ECHO_LIMIT:
                return " ".join(text.split())
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)) and reveal and len(value) <= 12 and len(repr(value)) <= ECHO_LIMIT:
        return repr(value)
    if callable(value):
        return getattr(value, "__name__", "a function")
    return type(value).__name__


def _inputs(args, reveal):
    """The arguments echoed; by their shapes when the values would make the message long."""
    text = ", ".join(describe(a, reveal) for a in args)
    return text if len(text) <= 2 * ECHO_LIMIT else ", ".join(describe(a, False) for a in args)


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


def check_type(value, name, returns=None, dtype=None):
    """Fail unless ``value`` is of the promised kind.

    ``returns="array"``: a numpy array or a number, never a Python list or tuple (a loop or a list
    comprehension builds a list; numpy operations build arrays). ``returns="numbers"``: the same,
    and never booleans (a comparison gives booleans). ``dtype="float64"``: floats of lower
    precision (float32, float16) are refused, as the course's tolerance is one only float64 meets.
    """
    if returns in ("array", "numbers") and isinstance(value, (list, tuple)):
        fail(f"{name} returned a Python {type(value).__name__}, but the docstring asks for a numpy array: "
             "build the result with numpy operations (a loop or a list comprehension builds a list).")
    if returns == "numbers" and (isinstance(value, (bool, np.bool_))
                                 or (isinstance(value, np.ndarray) and value.dtype.kind == "b")):
        fail(f"{name} returned booleans (True/False), but the docstring asks for numbers: "
             "a comparison gives booleans; turn them into numbers, e.g. with .astype(float).")
    if dtype == "float64":
        kind = getattr(value, "dtype", None)
        if kind is not None and kind.kind == "f" and kind.itemsize < 8:
            fail(f"{name} computes in {kind}: work in float64, numpy's default (the tests compare to about "
                 "1e-6 relative, which lower precision cannot meet).")
    return value


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


def _difference(array, expected, reveal):
    """The numbers that go after the advice: largest error, and the values when revealed."""
    text = f"largest error {max_error(array, expected):.3g}"
    got, wanted = describe(array, reveal), describe(expected, reveal)
    if reveal and not got.startswith("an array of shape"):
        text = f"got {got}, expected {wanted}; " + text
    return text


def check_close(actual, expected, name, hint="", reveal=True):
    """Fail unless ``actual`` matches ``expected`` in shape and, within the course tolerance, in value."""
    expected = np.asarray(expected, dtype=float)
    array = check_shape(actual, expected.shape, name, hint)
    if np.all(np.isfinite(expected)):
        check_finite(array, name, hint)
    if not close(array, expected):
        advice = f" {hint}" if hint else ""
        fail(f"{name} is not right.{advice} ({_difference(array, expected, reveal)})")
    return array


def call(fn, *args, name=None, where="", hint=""):
    """``fn(*args)``, with any exception turned into a :class:`CheckFailed` a student can act on.

    An untouched stub (NotImplementedError) is named as such and nothing more; any other error is
    reported with its type and message, then the ``hint``, then ``where`` (e.g. "for an input of
    shape (2, 3)") in brackets: advice first, so that nothing that matters is lost if cut. Python warnings raised by ``fn`` are silenced (see the module's docstring).
    """
    name = name or getattr(fn, "__name__", "your function")
    try:
        return quietly(fn, *args)
    except CheckFailed:  # a check inside ``fn`` has already said what is wrong
        raise
    except NotImplementedError:
        fail(f"{name} is not written yet: replace `raise NotImplementedError()` with your code.")
    except Exception as error:  # any student error becomes advice, never a bare traceback
        place = f" ({where})" if where else ""
        text = " ".join(str(error).split()).rstrip(".")
        text = text if len(text) <= ERROR_LIMIT else text[:ERROR_LIMIT - 1] + "…"  # leave room for the hint
        fail(f"{name} raised {type(error).__name__}: {text}." + (f" {hint}" if hint else "") + place)


def _matching_mistake(result, args, mistakes, name):
    """The advice of the first known mistake whose output equals ``result`` on ``args``, or ""."""
    for wrong, advice in mistakes:
        try:
            if close(as_array(result, name), quietly(wrong, *copy.deepcopy(args))):
                return advice
        except Exception:  # a mistake that does not apply to this input (shapes...) does not match
            continue
    return ""


def _raising_mistake(error, args, mistakes):
    """The advice of the first known mistake that raises the same type of error on ``args``, or ""."""
    if isinstance(error, (CheckFailed, NotImplementedError)):
        return ""
    for wrong, advice in mistakes:
        try:
            quietly(wrong, *copy.deepcopy(args))
        except type(error):
            return advice
        except Exception:
            continue
    return ""


def _mismatch(array, expected, reveal):
    """What is wrong with ``array`` against ``expected``: (the problem, the numbers after it), or None."""
    if array.shape != expected.shape:
        what = f"returned shape {array.shape}, expected {expected.shape}"
        if array.size == expected.size:
            what += " (the values may be right but laid out wrongly: a missing or extra axis, or a transpose?)"
        return what, ""
    if np.all(np.isfinite(expected)) and not np.all(np.isfinite(array)):
        bad = "nan" if np.any(np.isnan(array)) else "inf"
        return f"returned {bad}", ""
    if not close(array, expected):
        return "is not right", "; " + _difference(array, expected, reveal)
    return None


def check_function(fn, reference, cases, name=None, mistakes=(), hint="", reveal=True, error_hint="",
                   returns=None, dtype=None):
    """Check ``fn`` against ``reference`` on each case of arguments.

    Parameters
    ----------
    fn, reference : callable
        The student's function and the course's reference; both take ``*case``.
    cases : iterable of tuple
        Argument tuples. Each is deep-copied before the call, and the copy is compared afterwards,
        so a function that changes its inputs in place is caught.
    mistakes : sequence of (callable, str)
        Known wrong answers with the advice to give when the student's output matches one. This
        is where a formula may be named: the mistake has been recognised.
    hint : str
        Advice added when the output is wrong and matches no known mistake. It points to the idea
        to check, not to the formula.
    error_hint : str
        Advice added when the function raises (e.g. how a shape error usually arises); ``hint``
        is used when it is empty.
    reveal : bool
        False in hidden tests: inputs and expected values are not printed.
    returns, dtype : str, optional
        The promised kind of result, checked by :func:`check_type` ("array", "float64").
    """
    name = name or getattr(fn, "__name__", "your function")
    if not callable(fn):
        fail(f"{name} is not a function: did you overwrite it with a value?")
    for args in cases:
        args = tuple(args)
        given = copy.deepcopy(args)
        where = ("for input " if reveal else "for a hidden test input: ") + _inputs(args, reveal)
        try:
            result = quietly(fn, *given)
        except Exception as error:
            # A known mistake that raises the same kind of error on this input is named; else call() explains.
            advice = _raising_mistake(error, args, mistakes)
            result = call(fn, *copy.deepcopy(args), name=name, where=where, hint=advice or error_hint or hint)
        for before, after in zip(args, given):
            if isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True):
                fail(f"{name} changed its input array in place: work on a copy or build a new array ({where}).")
        try:
            check_type(result, name, returns, dtype)
            array = as_array(result, name)
        except CheckFailed as failure:
            fail(f"{failure} ({where})")
        expected = np.asarray(quietly(reference, *copy.deepcopy(args)), dtype=float)
        problem = _mismatch(array, expected, reveal)
        if problem:
            what, numbers = problem
            advice = _matching_mistake(result, args, mistakes, name) or hint
            fail(f"{name} {what}. {advice} ({where}{numbers})".replace(". . ", ". ").replace(".  (", ". ("))
    return True


# ---- rules: what a function and the helpers it reaches may use -------------------------------------

# Modules whose functions are tools, not the student's code: the rules do not look inside them.
LIBRARIES = ("numpy", "nnlib", "matplotlib", "scipy", "ipywidgets", "IPython", "math", "builtins")
# Built-ins that walk a Python iterable element by element: a loop in disguise.
LOOPING_BUILTINS = {"sum": builtins.sum, "map": builtins.map, "filter": builtins.filter, "zip": builtins.zip,
                    "enumerate": builtins.enumerate, "range": builtins.range, "sorted": builtins.sorted,
                    "reversed": builtins.reversed, "iter": builtins.iter, "reduce": functools.reduce}
# numpy functions that call Python code once per element.
LOOPING_NUMPY = {"vectorize", "frompyfunc", "apply_along_axis", "apply_over_axes", "fromiter"}


def _loaded_globals(code):
    """The global names ``code`` (nested functions and comprehensions included) loads."""
    names = {step.argval for step in dis.get_instructions(code) if step.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    for constant in code.co_consts:
        if hasattr(constant, "co_code"):
            names |= _loaded_globals(constant)
    return names


def _loaded_attributes(code):
    """The attribute names ``code`` (nested code included) reads, as in ``np.vectorize``."""
    names = {step.argval for step in dis.get_instructions(code)
             if step.opname in ("LOAD_ATTR", "LOAD_METHOD")}
    for constant in code.co_consts:
        if hasattr(constant, "co_code"):
            names |= _loaded_attributes(constant)
    return names


def _referenced(fn):
    """(name, object) for every global ``fn`` loads that exists, and every closure value."""
    code, scope = getattr(fn, "__code__", None), getattr(fn, "__globals__", None) or {}
    found = [(n, scope[n]) for n in sorted(_loaded_globals(code)) if n in scope] if code is not None else []
    for cell in getattr(fn, "__closure__", None) or ():
        try:
            found.append(("", cell.cell_contents))
        except ValueError:  # an empty closure cell
            continue
    return found


def _is_own_function(obj):
    """True for a Python function written outside the libraries (the notebook's, or a stand-in)."""
    if getattr(obj, "__code__", None) is None or not hasattr(obj, "__globals__"):
        return False
    module = str((getattr(obj, "__globals__", None) or {}).get("__name__", ""))
    return not module.split(".")[0] in LIBRARIES


def functions_reached(fn):
    """``fn`` and every own function it can reach through its globals and closure, recursively."""
    seen, reached, todo = set(), [], [fn]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        reached.append(current)
        todo += [obj for _, obj in _referenced(current) if _is_own_function(obj)]
    return reached


def _code_name(fn):
    code = getattr(fn, "__code__", None)
    return getattr(fn, "__name__", None) or (code.co_name if code is not None else "a helper")


def uses(fn, name):
    """True when ``fn``, or a helper it reaches, refers to the global ``name`` (e.g. "weighted_sum")."""
    return any(name in _loaded_globals(f.__code__) for f in functions_reached(fn)
               if getattr(f, "__code__", None) is not None)


def lookup(fn, name):
    """The object the global ``name`` refers to in ``fn`` or in the first helper that names it."""
    for f in functions_reached(fn):
        scope = getattr(f, "__globals__", None) or {}
        if name in _loaded_globals(f.__code__) and name in scope:
            return scope[name]
    return None


def check_piece(fn, piece_name, check, label, name=None):
    """Pieces before wholes: when ``fn`` uses ``piece_name``, that piece must pass ``check`` first.

    ``check(piece)`` is the earlier exercise's own check (on its visible cases). If it fails, the
    student is told to fix the earlier exercise first, and nothing of ``fn`` is blamed.
    """
    name = name or _code_name(fn)
    if not uses(fn, piece_name):
        return True
    piece = lookup(fn, piece_name)
    try:
        check(piece)
    except CheckFailed:
        fail(f"{name} uses your {piece_name}, which does not pass its own test yet: fix {label} first.")
    return True


def check_own_code(fn, forbidden=("nnlib",), name=None):
    """Fail if ``fn``, or a helper it reaches, uses a forbidden module (the exercise asks for the student's own code).

    Exercises that ask students to write, say, ``sigmoid`` themselves must not be passed by
    calling the course library's reference. A module counts as used when its name is in a
    function's source, or when a global or closure value comes from it (``from nnlib.activations
    import sigmoid as s`` in another cell). Sources that cannot be read are judged on the rest.
    """
    name = name or _code_name(fn)
    for f in functions_reached(fn):
        try:
            text = inspect.getsource(f)
        except (OSError, TypeError):
            text = ""
        borrowed = [getattr(obj, "__module__", None) or getattr(obj, "__name__", "") for _, obj in _referenced(f)]
        for module in forbidden:
            if module in text or any(str(b).startswith(module) for b in borrowed):
                where = "" if f is fn else f" (in {_code_name(f)}, which it calls)"
                fail(f"{name} uses {module}{where}: this exercise asks you to write it yourself with numpy.")
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


def _disguised_loops(fn):
    """Names of built-ins and numpy functions in ``fn`` that loop over elements in Python."""
    code, scope = fn.__code__, getattr(fn, "__globals__", None) or {}
    found = []
    for n in sorted(_loaded_globals(code)):
        obj = scope.get(n, LOOPING_BUILTINS.get(n))
        if any(obj is b for b in LOOPING_BUILTINS.values()) or (n in LOOPING_NUMPY and n not in scope):
            found.append(f"{n}(...)")
        elif getattr(obj, "__name__", None) in LOOPING_NUMPY and str(getattr(obj, "__module__", "")).startswith("numpy"):
            found.append(f"np.{obj.__name__}")
    found += [f"np.{n}" for n in sorted(_loaded_attributes(code) & LOOPING_NUMPY)]
    return found


def check_no_loops(fn, advice="", name=None):
    """Fail if ``fn``, or a helper it reaches, runs a Python loop: the exercise asks for numpy.

    A loop is a for, a while or a comprehension, and also a built-in that walks a Python iterable
    element by element (``sum``, ``map``, ``zip``, ``range``, ``functools.reduce``...) or a numpy
    function that calls Python once per element (``np.vectorize``, ``np.apply_along_axis``...).
    """
    name = name or _code_name(fn)
    for f in functions_reached(fn):
        code = getattr(f, "__code__", None)
        if code is None:
            continue
        where = "" if f is fn else f" in {_code_name(f)}, which it calls"
        if _loop_instructions(code):
            fail(f"{name} uses a Python loop (a for, a while or a comprehension){where}. " + advice)
        disguised = _disguised_loops(f)
        if disguised:
            fail(f"{name} loops in Python through {', '.join(disguised)}{where}: it takes the numbers one at a "
                 "time, like a for loop. " + advice)
    return True
