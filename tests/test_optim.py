"""Tests of nnlib.optim: update formulas worked by hand, state, purity and convergence."""
import math

import numpy as np
import pytest
from hypothesis import given

from nnlib.optim import SGD, Adam, Momentum
from nnlib.tolerance import close
from tests.strategies import PROPERTY, param_lists

OPTIMISERS = [
    pytest.param(lambda: SGD(lr=0.1), id="SGD"),
    pytest.param(lambda: Momentum(lr=0.1, beta=0.9), id="Momentum"),
    pytest.param(lambda: Adam(lr=0.1), id="Adam"),
]


def test_sgd_step_by_hand():
    """Is one SGD step theta - lr * g?"""
    new = SGD(lr=0.5).step([np.array([1.0, -2.0]), np.array(3.0)], [np.array([0.2, 0.4]), np.array(-1.0)])
    assert close(new[0], [0.9, -2.2]) and close(new[1], 3.5)


def test_momentum_two_steps_by_hand():
    """Does momentum keep a velocity: v1 = -lr g1, v2 = beta v1 - lr g2, theta2 = theta0 + v1 + v2?"""
    opt = Momentum(lr=0.1, beta=0.5)
    p1 = opt.step([np.array([1.0])], [np.array([2.0])])  # v = -0.2
    p2 = opt.step(p1, [np.array([-1.0])])  # v = 0.5 * -0.2 + 0.1 = 0.0
    assert close(p1[0], [0.8]) and close(p2[0], [0.8])
    p3 = opt.step(p2, [np.array([0.0])])  # v = 0
    assert close(p3[0], [0.8])


def test_adam_two_steps_by_hand():
    """Do Adam's first two steps follow the bias-corrected formulas, written out here?"""
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    g1, g2 = 0.5, -0.25
    m1, v1 = (1 - b1) * g1, (1 - b2) * g1 ** 2
    theta1 = 1.0 - lr * (m1 / (1 - b1)) / (math.sqrt(v1 / (1 - b2)) + eps)
    m2, v2 = b1 * m1 + (1 - b1) * g2, b2 * v1 + (1 - b2) * g2 ** 2
    theta2 = theta1 - lr * (m2 / (1 - b1 ** 2)) / (math.sqrt(v2 / (1 - b2 ** 2)) + eps)
    opt = Adam(lr=lr, beta1=b1, beta2=b2, eps=eps)
    p1 = opt.step([np.array([1.0])], [np.array([g1])])
    p2 = opt.step(p1, [np.array([g2])])
    assert close(p1[0], [theta1]) and close(p2[0], [theta2])
    # bias correction makes the first step about lr in size whatever the gradient's scale
    assert close(p1[0], [1.0 - lr * g1 / (abs(g1) + eps)])


def test_state_is_kept_per_position():
    """Does each position in the list get its own momentum, independent of the others?"""
    together = Momentum(lr=0.1, beta=0.9)
    alone = Momentum(lr=0.1, beta=0.9)
    params = [np.array([1.0]), np.array([5.0, 5.0])]
    for g in ([np.array([1.0]), np.array([0.0, -3.0])], [np.array([2.0]), np.array([1.0, 1.0])]):
        params = together.step(params, g)
    first = [np.array([1.0])]
    for g in (np.array([1.0]), np.array([2.0])):
        first = alone.step(first, [g])
    assert close(params[0], first[0])


def test_reset_forgets_the_state():
    """After reset, does Adam repeat its first step exactly?"""
    opt = Adam(lr=0.1)
    first = opt.step([np.array([1.0])], [np.array([0.3])])
    opt.step(first, [np.array([0.7])])
    opt.reset()
    assert close(opt.step([np.array([1.0])], [np.array([0.3])])[0], first[0])


@pytest.mark.parametrize("make", OPTIMISERS)
@PROPERTY
@given(pair=param_lists())
def test_optimisers_never_modify_their_inputs(make, pair):
    """Are params and grads left untouched, and the returned arrays new ones?"""
    params, grads = pair
    saved_params, saved_grads = [p.copy() for p in params], [g.copy() for g in grads]
    opt = make()
    new = opt.step(params, grads)
    new = opt.step(new, grads)
    assert all(close(p, s) for p, s in zip(params, saved_params))
    assert all(close(g, s) for g, s in zip(grads, saved_grads))
    assert all(n.shape == p.shape and not np.shares_memory(n, p) for n, p in zip(new, params))


@pytest.mark.parametrize("make", OPTIMISERS)
def test_optimisers_minimise_a_quadratic(make):
    """Does each optimiser bring f(x, y) = x^2 + 10 y^2 from (3, -2) near its minimum at 0?"""
    opt = make()
    if isinstance(opt, SGD):
        opt.lr = 0.05  # SGD on the steep direction needs lr < 2 / 20
    params = [np.array([3.0, -2.0])]
    for _ in range(500):
        x = params[0]
        params = opt.step(params, [np.array([2.0 * x[0], 20.0 * x[1]])])
    assert np.max(np.abs(params[0])) < 1e-2


@pytest.mark.parametrize("form", ["step", "update"])
@pytest.mark.parametrize("make", OPTIMISERS)
def test_mismatched_lists_are_refused(make, form):
    """Are a missing gradient or a gradient of the wrong shape refused clearly, by step and by its
    in-place form alike?"""
    with pytest.raises(ValueError, match="gradient"):
        getattr(make(), form)([np.zeros(2), np.zeros(3)], [np.zeros(2)])
    with pytest.raises(ValueError, match="shape"):
        getattr(make(), form)([np.zeros(2)], [np.zeros(3)])


@pytest.mark.parametrize("make", OPTIMISERS)
@PROPERTY
@given(pair=param_lists())
def test_update_writes_the_same_steps_as_step_into_the_arrays(make, pair):
    """Does update(params, grads) change params in place to exactly what step returns, step after step?"""
    params, grads = pair
    pure, in_place = make(), make()
    expected = params
    arrays = [p.copy() for p in params]
    for _ in range(3):
        expected = pure.step(expected, grads)
        in_place.update(arrays, grads)
    assert all(np.array_equal(a, e) for a, e in zip(arrays, expected))


@pytest.mark.parametrize("make", OPTIMISERS)
def test_float32_parameters_stay_float32(make):
    """Do the steps of a float32 network's parameters stay float32, in both forms?"""
    params = [np.ones((2, 3), dtype=np.float32), np.zeros(3, dtype=np.float32)]
    grads = [np.full((2, 3), 0.5, dtype=np.float32), np.ones(3, dtype=np.float32)]
    opt = make()
    assert [p.dtype for p in opt.step(params, grads)] == [np.float32, np.float32]
    opt.update(params, grads)
    assert [p.dtype for p in params] == [np.float32, np.float32]
