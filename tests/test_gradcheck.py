"""Tests of nnlib.gradcheck against derivatives known in closed form."""
import numpy as np
import pytest
from hypothesis import given

from nnlib import gradcheck
from nnlib.network import MLP
from nnlib.tolerance import GRAD_RTOL, close
from tests.strategies import PROPERTY, real_arrays


@PROPERTY
@given(x=real_arrays(limit=1.0))
def test_numerical_gradient_of_sum_of_cubes_is_three_x_squared(x):
    """Is the numerical gradient of sum(x**3) equal to 3 x**2?

    x stays in [-1, 1] so that the round-off of f (about |f| * 1e-16 / eps) stays under ATOL.
    """
    grad = gradcheck.numerical_gradient(lambda v: np.sum(v ** 3), x)
    assert grad.shape == x.shape
    # element-wise: the error of order eps**2 = 1e-10 sits under ATOL even where 3 x**2 is 0
    assert close(grad, 3.0 * x ** 2)


def test_numerical_gradient_passes_rel_error_away_from_zero():
    """Does the central difference of sum(x**3) come within GRAD_RTOL of 3 x**2 by rel_error?"""
    x = np.linspace(-2.0, 3.0, 7)
    grad = gradcheck.numerical_gradient(lambda v: np.sum(v ** 3), x)
    assert gradcheck.rel_error(grad, 3.0 * x ** 2) < GRAD_RTOL


@PROPERTY
@given(x=real_arrays(limit=10.0))
def test_numerical_gradient_of_sum_of_sines_is_cosine(x):
    """Is the numerical gradient of sum(sin x) equal to cos x?"""
    grad = gradcheck.numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    assert close(grad, np.cos(x))


def test_numerical_gradient_of_a_coupled_function():
    """Does it get the mixed terms right: f(x) = x0 * x1**2 + exp(x2) has gradient (x1², 2 x0 x1, e^x2)?"""
    x = np.array([1.5, -2.0, 0.3])
    grad = gradcheck.numerical_gradient(lambda v: v[0] * v[1] ** 2 + np.exp(v[2]), x)
    assert close(grad, [4.0, -6.0, np.exp(0.3)])


def test_numerical_gradient_leaves_x_unchanged():
    """Is the point of differentiation left as it was, even when f modifies what it receives?"""
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    saved = x.copy()

    def greedy(v):
        total = float(np.sum(v ** 2))
        v[...] = 0.0  # a badly behaved f must not corrupt the caller's x
        return total

    grad = gradcheck.numerical_gradient(greedy, x)
    assert close(x, saved)
    assert close(grad, 2.0 * saved)


def test_rel_error_follows_its_definition():
    """Is rel_error max|a - b| / max(|a| + |b|), and 0 for two zero arrays?"""
    a, b = np.array([1.0, -2.0, 0.0]), np.array([1.5, -2.0, 0.0])
    assert close(gradcheck.rel_error(a, b), 0.5 / 4.0)
    assert close(gradcheck.rel_error(np.zeros(3), np.zeros(3)), 0.0)
    assert close(gradcheck.rel_error(np.array([1e-3]), np.array([-1e-3])), 1.0)
    with pytest.raises(ValueError, match="shapes"):
        gradcheck.rel_error(np.zeros(2), np.zeros(3))


class TransposedHiddenGradient(MLP):
    """An MLP whose backward returns the gradient of the first weight matrix scaled wrongly."""

    def backward(self, dA_out):
        dWs, dbs = super().backward(dA_out)
        dWs[0] = 2.0 * dWs[0]  # a typical slip: a factor 2 too many
        return dWs, dbs


def test_check_model_gradients_passes_a_correct_model_and_restores_it():
    """Does a correct network pass the check, with its parameters left as they were?"""
    rng = np.random.default_rng(3)
    model = MLP([3, 4, 2], ["tanh", "softmax"], seed=0)
    before = model.get_params()
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 2, size=5)
    assert gradcheck.check_model_gradients(model, X, y, "cross_entropy") < GRAD_RTOL
    for saved, now in zip(before, model.get_params()):
        assert close(now, saved)


def test_check_model_gradients_catches_a_wrong_backward():
    """Does a wrong gradient (a factor 2 on the first layer) show up as a large relative error?"""
    rng = np.random.default_rng(4)
    model = TransposedHiddenGradient([3, 4, 2], ["sigmoid", "linear"], seed=1)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    assert gradcheck.check_model_gradients(model, X, y, "mse") > 0.1
