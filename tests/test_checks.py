"""Do the checks behind every grade cell fail when they should, with messages a student can act on?"""
import numpy as np
import pytest

from nnlib import tolerance
from nnlib.checks import (CheckFailed, check_close, check_finite, check_function, check_no_loops, check_own_code,
                          check_shape)


def reference(z):
    return 1.0 / (1.0 + np.exp(-z))


CASE = [(np.array([0.0, 2.0]),)]


def test_right_answer_passes():
    """Does a correct function pass, written differently from the reference?"""
    assert check_function(lambda z: np.exp(z) / (1.0 + np.exp(z)), reference, CASE)


def test_known_mistake_gets_its_advice():
    """Is the advice of a matching known mistake added to the message?"""
    wrong = lambda z: np.exp(-z)  # noqa: E731
    with pytest.raises(CheckFailed, match="you left out 1/\\(1 \\+ .\\)"):
        check_function(wrong, reference, CASE, mistakes=[(wrong, "you left out 1/(1 + .)")])


def test_unknown_wrong_answer_gets_the_general_hint_and_values():
    """Does a wrong answer that matches no known mistake get the hint, the input and the expected values?"""
    with pytest.raises(CheckFailed) as failure:
        check_function(lambda z: z, reference, CASE, hint="look at the formula")
    message = str(failure.value)
    assert "look at the formula" in message and "expected" in message and "0.5" in message


def test_hidden_checks_reveal_no_values():
    """With reveal=False, does the message hide the input and the expected values?"""
    with pytest.raises(CheckFailed) as failure:
        check_function(lambda z: z, reference, [(np.array([0.123456, 7.0]),)], reveal=False)
    message = str(failure.value)
    assert "0.123456" not in message and "0.5" not in message and "expected" not in message
    assert "shape (2,)" in message


def test_stub_returning_none_and_unfinished_stub_are_explained():
    """Are a forgotten return and an untouched stub told apart, in plain words?"""
    with pytest.raises(CheckFailed, match="forget the `return`"):
        check_function(lambda z: None, reference, CASE)

    def stub(z):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not written yet"):
        check_function(stub, reference, CASE)


def test_exception_is_reported_with_error_hint():
    """Does an exception inside the student's function become a message with the error hint?"""
    def broken(z):
        return z @ np.ones((3, 3))

    with pytest.raises(CheckFailed, match="raised ValueError.*check the shapes"):
        check_function(broken, reference, CASE, error_hint="check the shapes")


def test_changing_the_input_in_place_is_caught():
    """Is a function that overwrites its argument caught, even when its result is right?"""
    def in_place(z):
        z *= -1
        return 1.0 / (1.0 + np.exp(z))

    with pytest.raises(CheckFailed, match="in place"):
        check_function(in_place, reference, CASE)


def test_shape_message_names_the_shapes_and_the_likely_cause():
    """Does a wrong layout say both shapes and suggest a missing axis or transpose?"""
    with pytest.raises(CheckFailed, match=r"shape \(3,\), expected \(1, 3\).*missing or extra axis.*keep the batch axis"):
        check_shape(np.zeros(3), (1, 3), "dense", hint="keep the batch axis")


def test_close_within_the_course_tolerance_only():
    """Is a value within the tolerance accepted and one just outside it refused?"""
    check_close(1.0 + 0.5 * tolerance.RTOL, 1.0, "x")
    with pytest.raises(CheckFailed, match="largest error"):
        check_close(1.0 + 10 * tolerance.RTOL, 1.0, "x")


def test_nan_and_inf_are_named():
    """Are nan and inf results named as such?"""
    with pytest.raises(CheckFailed, match="returned nan"):
        check_finite(np.array([np.nan]), "softmax")
    with pytest.raises(CheckFailed, match="returned inf"):
        check_close(np.array([np.inf]), np.array([1.0]), "softmax")


def test_non_numeric_result_is_refused_clearly():
    """Is a string result refused with its type named, not with a numpy traceback?"""
    with pytest.raises(CheckFailed, match="returned str"):
        check_close("0.5", 0.5, "sigmoid")


def test_calling_the_library_is_refused_where_own_code_is_asked():
    """Does check_own_code refuse a function that calls nnlib, and accept one that does not?"""
    def borrowed(z):
        from nnlib import activations
        return activations.sigmoid(z)

    with pytest.raises(CheckFailed, match="write it yourself"):
        check_own_code(borrowed)
    assert check_own_code(reference)


def test_tolerance_has_an_absolute_floor_near_zero():
    """Are values near zero compared with the absolute floor rather than a relative error?"""
    assert tolerance.close(1e-12, 0.0)
    assert not tolerance.close(1e-6, 0.0)
    assert not tolerance.close(np.zeros(2), np.zeros(3))
    assert tolerance.max_error(np.array([1.0, np.nan]), np.array([1.0, 1.0])) == float("inf")


def test_borrowing_the_library_under_another_name_is_refused():
    """Is a reference function imported under another name caught through the function's globals?"""
    from nnlib.activations import sigmoid as s

    def renamed(z):
        return s(z)

    with pytest.raises(CheckFailed, match="uses nnlib"):
        check_own_code(renamed)


@pytest.mark.parametrize("looping", [
    lambda u, v: sum(a * b for a, b in zip(u, v)),
    lambda u, v: np.sum([a * b for a, b in zip(u, v)]),
], ids=["generator", "comprehension"])
def test_loops_are_found_in_comprehensions(looping):
    """Are comprehensions and generators counted as Python loops?"""
    with pytest.raises(CheckFailed, match="Python loop.*use u @ v"):
        check_no_loops(looping, "use u @ v")


def test_loops_are_found_in_for_and_while():
    """Are for and while loops found, and a vectorised function let through?"""
    def with_for(u, v):
        total = 0.0
        for a, b in zip(u, v):
            total += a * b
        return total

    def with_while(u, v):
        i, total = 0, 0.0
        while i < len(u):
            total, i = total + u[i] * v[i], i + 1
        return total

    for looping in (with_for, with_while):
        with pytest.raises(CheckFailed):
            check_no_loops(looping)
    assert check_no_loops(lambda u, v: u @ v)


def test_call_turns_errors_into_advice_and_passes_results_through():
    """Does call() return the result, name an untouched stub, and report any other error with the hint?"""
    from nnlib.checks import call

    assert call(lambda z: z + 1, 1) == 2

    def stub(z):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="stub is not written yet"):
        call(stub, 1)
    # The advice comes first; where it happened comes last.
    with pytest.raises(CheckFailed, match=r"raised ZeroDivisionError: .*\. divide by something else \(for z = 0\)$"):
        call(lambda z: 1 / z, 0, name="inverse", where="for z = 0", hint="divide by something else")


# ---- how a failure reads ---------------------------------------------------------------------------
def test_failure_renders_as_one_line_without_traceback_or_chain():
    """Does a failed check render in IPython as one line, with no frames, no paths and no chained exception?"""
    from nnlib.checks import call

    def stub(z):
        raise NotImplementedError()

    with pytest.raises(CheckFailed) as failure:
        call(stub, 1, name="sigmoid")
    rendered = failure.value._render_traceback_()
    assert rendered == ["CheckFailed: sigmoid is not written yet: replace `raise NotImplementedError()` with your code."]
    assert failure.value.__suppress_context__, "the NotImplementedError would be printed as a chained traceback"


def test_messages_are_one_line_and_at_most_the_limit():
    """Is a long, multi-line message joined into one line no longer than MESSAGE_LIMIT?"""
    from nnlib.checks import MESSAGE_LIMIT, fail

    with pytest.raises(CheckFailed) as failure:
        fail("first line\nsecond line " + "x" * 1000)
    message = str(failure.value)
    assert "\n" not in message and message.startswith("first line second line")
    assert len(message) <= MESSAGE_LIMIT


def test_validator_width_keeps_a_whole_message():
    """Do both nbgrader configurations give Validate room for the longest message on one line?"""
    from traitlets.config.loader import PyFileConfigLoader

    from nnlib.checks import MESSAGE_LIMIT
    from tests.notebook_harness import ROOT

    for folder in (ROOT, ROOT / "autograder" / "student"):
        config = PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()
        # nbgrader cuts a line at width - 3 and prints it as "    CheckFailed: <message>".
        assert config.Validator.width - 3 >= len("    CheckFailed: ") + MESSAGE_LIMIT, folder


def test_exercise_names_every_failure_once():
    """Does a failure inside `exercise(...)` start with the exercise's name, added only once?"""
    from nnlib.checks import exercise, fail

    with pytest.raises(CheckFailed, match=r"^Exercise 2: sigmoid is wrong\.$"):
        with exercise("Exercise 2"):
            with exercise("Exercise 2"):
                fail("sigmoid is wrong.")


def test_a_right_answer_that_warns_passes_silently(recwarn):
    """Does a right answer whose numpy warning would reach stderr pass, with the warning silenced?"""
    assert check_function(lambda z: 1.0 / (1.0 + np.exp(-z)), reference, [(np.array([-1000.0, 0.0]),)])
    assert not [w for w in recwarn.list if issubclass(w.category, RuntimeWarning)]


def test_advice_comes_before_the_numbers():
    """Is the advice of a matched mistake placed before the echoed numbers?"""
    wrong = lambda z: np.exp(-z)  # noqa: E731
    with pytest.raises(CheckFailed) as failure:
        check_function(wrong, reference, CASE, mistakes=[(wrong, "you left out 1/(1 + .)")])
    message = str(failure.value)
    assert message.index("you left out") < message.index("expected")


def test_a_mistake_that_raises_the_same_error_is_named():
    """When the student's function raises, is a known mistake that raises the same kind of error named?"""
    w_times_x = lambda x, w, b: w @ x + b  # noqa: E731
    with pytest.raises(CheckFailed, match="raised ValueError.*with samples as rows"):
        check_function(w_times_x, lambda x, w, b: x @ w + b, [(np.ones((2, 3)), np.ones(3), 0.5)],
                       mistakes=[(w_times_x, "with samples as rows the product is x @ w")])


# ---- types as promised -----------------------------------------------------------------------------
def test_lists_booleans_and_float32_are_told_so():
    """Are a list where an array is promised, booleans where numbers are, and float32 refused by name?"""
    from nnlib.checks import check_type

    with pytest.raises(CheckFailed, match="returned a Python list"):
        check_type([0.5], "weighted_sum", returns="array")
    with pytest.raises(CheckFailed, match="booleans"):
        check_type(np.array([True, False]), "perceptron_output", returns="numbers")
    with pytest.raises(CheckFailed, match="float32"):
        check_type(np.zeros(2, dtype=np.float32), "sigmoid", dtype="float64")
    assert check_type(np.float64(0.5), "weighted_sum", returns="numbers", dtype="float64") == 0.5
    assert check_type(np.array([True]), "relu_grad", returns="array") is not None  # booleans allowed here


# ---- rules follow the helpers ------------------------------------------------------------------------
def _notebook(source, **names):
    """Functions defined as in a notebook cell: in a namespace named __main__, holding ``names``."""
    namespace = {"__name__": "__main__", "np": np, **names}
    exec(compile(source, "<cell>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("source, where", [
    ("def helper(X):\n    return np.array([row.sum() for row in X])\n\ndef f(X):\n    return helper(X)", "in helper"),
    ("def inner(X):\n    for row in X:\n        pass\n    return X\n\ndef helper(X):\n    return inner(X)\n\n"
     "def f(X):\n    return helper(X)", "in inner"),
    ("def make():\n    def looping(X):\n        return [x for x in X]\n    return looping\n\nhidden = make()\n\n"
     "def f(X):\n    return hidden(X)", "in looping"),
], ids=["module-level-helper", "helper-of-a-helper", "closure-made-by-a-factory"])
def test_loops_are_found_in_the_helpers_a_function_reaches(source, where):
    """Is a loop found in a helper the function calls, through globals and recursively, and the helper named?"""
    f = _notebook(source)["f"]
    with pytest.raises(CheckFailed, match=f"Python loop.*{where}, which it calls"):
        check_no_loops(f)


def test_loops_are_found_through_a_closure():
    """Is a loop found in a function held in a closure (a decorator's wrapper, say)?"""
    def looping(X):
        return [x for x in X]

    def wrap(fn):
        def wrapper(X):
            return fn(X)
        return wrapper

    with pytest.raises(CheckFailed, match="looping, which it calls"):
        check_no_loops(wrap(looping))


@pytest.mark.parametrize("source, named", [
    ("def f(u, v):\n    return sum(map(lambda a, b: a * b, u, v))", "sum"),
    ("def f(u, v):\n    return sum(u * v)", "sum"),
    ("from functools import reduce\n\ndef f(u, v):\n    return reduce(lambda a, b: a + b, u * v)", "reduce"),
    ("def f(u, v):\n    return np.vectorize(lambda a, b: a * b)(u, v).sum()", "vectorize"),
], ids=["sum-of-map", "builtin-sum-over-an-array", "functools-reduce", "np-vectorize"])
def test_disguised_loops_are_loops(source, named):
    """Are built-ins and numpy functions that walk the elements in Python counted as loops?"""
    f = _notebook(source)["f"]
    with pytest.raises(CheckFailed, match=f"loops in Python through .*{named}"):
        check_no_loops(f)


def test_numpy_methods_named_like_builtins_are_not_loops():
    """Are X.sum(), np.sum and a vectorised helper let through (only the built-in sum is a loop)?"""
    namespace = _notebook("def helper(X):\n    return X - X.mean(axis=0)\n\n"
                          "def f(X):\n    return np.sum(helper(X), axis=0) + X.sum()")
    assert check_no_loops(namespace["f"])


def test_own_code_rule_follows_helpers():
    """Is a helper that calls nnlib found, and named, when the graded function only calls the helper?"""
    from nnlib import activations

    namespace = _notebook("def helper(z):\n    return s(z)\n\ndef sigmoid(z):\n    return helper(z)",
                          s=activations.sigmoid)
    with pytest.raises(CheckFailed, match="uses nnlib \\(in helper, which it calls\\)"):
        check_own_code(namespace["sigmoid"])


class StandIn:
    """What the grading engine hands the checks: only __code__, __globals__ and __closure__."""

    def __init__(self, fn):
        self.__code__, self.__globals__, self.__closure__ = fn.__code__, fn.__globals__, fn.__closure__

    def __call__(self, *args):
        raise AssertionError("rule checks must not call the function")


def test_rule_checks_work_on_stand_ins_with_only_code_globals_and_closure():
    """Do the rule checks judge an object that carries only __code__, __globals__ and __closure__?"""
    from nnlib import activations

    looping = _notebook("def helper(X):\n    return [x for x in X]\n\ndef f(X):\n    return helper(X)")
    with pytest.raises(CheckFailed, match="in helper"):
        check_no_loops(StandIn(looping["f"]), name="f")
    borrowing = _notebook("def f(z):\n    return s(z)", s=activations.sigmoid)
    with pytest.raises(CheckFailed, match="uses nnlib"):
        check_own_code(StandIn(borrowing["f"]), name="f")
    assert check_no_loops(StandIn(_notebook("def f(X):\n    return X @ X.T")["f"]), name="f")


# ---- pieces before wholes ------------------------------------------------------------------------------
def test_a_broken_piece_is_named_before_the_whole_is_judged():
    """When a function uses a piece that fails its own check, is the student told to fix that exercise first?"""
    from nnlib.checks import check_piece, uses

    namespace = _notebook("def weighted_sum(x, w, b):\n    return x @ w\n\n"
                          "def neuron_output(x, w, b, f):\n    return f(weighted_sum(x, w, b))")

    def weighted_sum_check(fn):
        check_close(fn(np.ones(2), np.ones(2), 1.0), 3.0, "weighted_sum")

    assert uses(namespace["neuron_output"], "weighted_sum")
    with pytest.raises(CheckFailed, match="uses your weighted_sum.*fix exercise 1 first"):
        check_piece(namespace["neuron_output"], "weighted_sum", weighted_sum_check, "exercise 1")
    inline = _notebook("def neuron_output(x, w, b, f):\n    return f(x @ w + b)")["neuron_output"]
    assert check_piece(inline, "weighted_sum", weighted_sum_check, "exercise 1")  # not used: not blamed
