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
    with pytest.raises(CheckFailed, match=r"raised ZeroDivisionError: .* for z = 0\. divide by something else"):
        call(lambda z: 1 / z, 0, name="inverse", where="for z = 0", hint="divide by something else")
