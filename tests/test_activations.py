"""Tests of nnlib.activations against central differences, hand formulas and properties."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlib import activations as act
from nnlib.tolerance import close
from tests.strategies import (PROPERTY, central_difference, elementwise_difference, kinkless_arrays,
                              logit_batches, real_arrays, reals)

ALPHAS = st.floats(0.0, 2.0, allow_nan=False)


# --- derivatives against central differences --------------------------------------------------

@pytest.mark.parametrize("name", ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu"])
@PROPERTY
@given(z=kinkless_arrays())
def test_registered_derivative_matches_central_difference(name, z):
    """Does each registered derivative equal the slope of its function (away from the kink at 0)?"""
    f, f_grad = act.ACTIVATIONS[name]
    assert close(f_grad(z), elementwise_difference(f, z))


@PROPERTY
@given(z=kinkless_arrays(), alpha=ALPHAS)
def test_leaky_relu_grad_matches_central_difference_for_any_alpha(z, alpha):
    """Does leaky_relu_grad follow the slope of leaky_relu for slopes other than the default?"""
    assert close(act.leaky_relu_grad(z, alpha), elementwise_difference(lambda v: act.leaky_relu(v, alpha), z))


@PROPERTY
@given(z=kinkless_arrays(), alpha=ALPHAS)
def test_prelu_grad_matches_central_difference(z, alpha):
    """Does prelu_grad (with respect to z) follow the slope of prelu?"""
    assert close(act.prelu_grad(z, alpha), elementwise_difference(lambda v: act.prelu(v, alpha), z))


@PROPERTY
@given(z=kinkless_arrays(), alpha=ALPHAS)
def test_elu_grad_matches_central_difference_for_any_alpha(z, alpha):
    """Does elu_grad follow the slope of elu for any alpha?"""
    assert close(act.elu_grad(z, alpha), elementwise_difference(lambda v: act.elu(v, alpha), z))


def test_prelu_takes_one_slope_per_unit():
    """Does prelu broadcast an array of slopes, one per column?"""
    z = np.array([[-1.0, -2.0], [3.0, -4.0]])
    alpha = np.array([0.1, 0.5])
    assert close(act.prelu(z, alpha), [[-0.1, -1.0], [3.0, -2.0]])
    assert close(act.prelu_grad(z, alpha), [[0.1, 0.5], [1.0, 0.5]])


# --- values at the kink (the z > 0 rule) ------------------------------------------------------

def test_relu_derivative_at_zero_is_zero():
    """Is ReLU's derivative at exactly 0 taken as 0, the course's convention?"""
    assert close(act.relu_grad(np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 1.0])


def test_left_branch_derivatives_apply_at_zero():
    """Do leaky ReLU, PReLU and ELU use their left-hand slope (alpha) at exactly 0?"""
    assert close(act.leaky_relu_grad(0.0), 0.01)
    assert close(act.leaky_relu_grad(0.0, alpha=0.2), 0.2)
    assert close(act.prelu_grad(0.0, 0.3), 0.3)
    assert close(act.elu_grad(0.0, alpha=0.7), 0.7)


# --- values against hand-written formulas -----------------------------------------------------

def test_values_match_textbook_formulas():
    """Do the activations agree with their formulas evaluated one number at a time by math?"""
    points = [-3.0, -0.5, 0.0, 0.25, 2.0]
    z = np.array(points)
    assert close(act.sigmoid(z), [1.0 / (1.0 + math.exp(-v)) for v in points])
    assert close(act.tanh(z), [(math.exp(v) - math.exp(-v)) / (math.exp(v) + math.exp(-v)) for v in points])
    assert close(act.relu(z), [max(0.0, v) for v in points])
    assert close(act.leaky_relu(z), [v if v > 0 else 0.01 * v for v in points])
    assert close(act.elu(z, 0.5), [v if v > 0 else 0.5 * (math.exp(v) - 1.0) for v in points])
    assert close(act.linear(z), points)
    assert close(act.linear_grad(z), np.ones(5))


def test_derivative_formulas_from_the_lecture_table():
    """Do the derivatives match 000's table: s(1 - s), 1 - tanh^2, and f(z) + alpha for ELU below 0?"""
    z = np.array([-2.0, -0.3, 0.4, 1.5])
    s = 1.0 / (1.0 + np.exp(-z))
    assert close(act.sigmoid_grad(z), s * (1.0 - s))
    assert close(act.tanh_grad(z), 1.0 - np.tanh(z) ** 2)
    negative = z[z < 0]
    assert close(act.elu_grad(negative, 1.5), act.elu(negative, 1.5) + 1.5)


# --- properties -------------------------------------------------------------------------------

@PROPERTY
@given(z=real_arrays(limit=700.0))
def test_sigmoid_is_symmetric(z):
    """Is sigmoid(-z) = 1 - sigmoid(z)?"""
    assert close(act.sigmoid(-z), 1.0 - act.sigmoid(z))


@PROPERTY
@given(z=real_arrays(limit=700.0))
def test_sigmoid_lies_in_unit_interval(z):
    """Does sigmoid stay within [0, 1]?"""
    s = act.sigmoid(z)
    assert np.all(s >= 0.0) and np.all(s <= 1.0)


@PROPERTY
@given(z=real_arrays(limit=50.0))
def test_tanh_is_odd(z):
    """Is tanh(-z) = -tanh(z)?"""
    assert close(act.tanh(-z), -act.tanh(z))


@PROPERTY
@given(z=logit_batches())
def test_softmax_rows_are_distributions(z):
    """Are softmax rows positive and do they sum to 1?"""
    s = act.softmax(z)
    assert np.all(s >= 0.0)
    assert close(s.sum(axis=1), np.ones(len(z)))


@PROPERTY
@given(z=logit_batches(limit=20.0), shift=reals(100.0))
def test_softmax_ignores_a_common_shift(z, shift):
    """Is softmax(z + c) = softmax(z) for any constant c?"""
    assert close(act.softmax(z + shift), act.softmax(z))


@PROPERTY
@given(z=logit_batches(limit=20.0))
def test_softmax_axis_zero_works_on_columns(z):
    """Does axis=0 normalise columns, as softmax of the transpose does rows?"""
    assert close(act.softmax(z, axis=0), act.softmax(z.T).T)


def test_softmax_matches_the_definition():
    """Does softmax equal exp(z_k) / sum_j exp(z_j), written out by hand?"""
    z = [0.5, -1.0, 2.0]
    total = sum(math.exp(v) for v in z)
    assert close(act.softmax(np.array(z)), [math.exp(v) / total for v in z])


# --- numerical stability ----------------------------------------------------------------------

@pytest.mark.filterwarnings("error")
def test_sigmoid_is_finite_at_plus_and_minus_1000():
    """Does sigmoid give 0 and 1 at z = -1000 and 1000 without an overflow warning?"""
    s = act.sigmoid(np.array([-1000.0, 1000.0]))
    assert close(s, [0.0, 1.0])
    assert np.all(np.isfinite(act.sigmoid_grad(np.array([-1000.0, 1000.0]))))


@pytest.mark.filterwarnings("error")
def test_softmax_is_finite_at_logits_of_1000():
    """Does softmax stay finite for logits of ±1000 (the max is subtracted first)?"""
    s = act.softmax(np.array([[1000.0, 0.0], [-1000.0, 0.0], [1000.0, 1000.0], [-1000.0, -1000.0]]))
    assert close(s, [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.5, 0.5]])


@pytest.mark.filterwarnings("error")
def test_elu_and_tanh_are_finite_at_1000():
    """Do ELU and tanh (and their derivatives) avoid overflow at ±1000?"""
    z = np.array([-1000.0, 1000.0])
    for values in (act.elu(z), act.elu_grad(z), act.tanh(z), act.tanh_grad(z)):
        assert np.all(np.isfinite(values))
    assert close(act.elu(z), [-1.0, 1000.0])


# --- the softmax Jacobian ---------------------------------------------------------------------

@PROPERTY
@given(z=logit_batches(limit=10.0, max_rows=1))
def test_softmax_jacobian_matches_central_differences(z):
    """Is column j of softmax_jacobian(z) the derivative of softmax(z) with respect to z_j?"""
    z = z[0]
    jac = act.softmax_jacobian(z)
    for i in range(len(z)):
        assert close(jac[i], central_difference(lambda v: act.softmax(v)[i], z))


def test_softmax_jacobian_is_diag_minus_outer_product():
    """Is the Jacobian diag(s) - s s^T, symmetric, with rows summing to 0?"""
    z = np.array([0.3, -1.2, 2.0, 0.0])
    e = np.exp(z)
    s = e / e.sum()
    jac = act.softmax_jacobian(z)
    assert close(jac, np.diag(s) - np.outer(s, s))
    assert close(jac, jac.T)
    assert close(jac.sum(axis=1), np.zeros(4))


def test_softmax_jacobian_rejects_a_batch():
    """Does softmax_jacobian refuse a 2-D batch with a clear error?"""
    with pytest.raises(ValueError, match="one sample"):
        act.softmax_jacobian(np.zeros((2, 3)))


@PROPERTY
@given(z=logit_batches(limit=10.0), data=st.data())
def test_softmax_backward_is_the_jacobian_product_per_row(z, data):
    """Does softmax_backward multiply each row's upstream gradient by that row's Jacobian?"""
    upstream = data.draw(real_arrays(5.0, z.shape))
    expected = np.array([act.softmax_jacobian(row).T @ g for row, g in zip(z, upstream)])
    assert close(act.softmax_backward(z, upstream), expected)


# --- registry and purity ----------------------------------------------------------------------

def test_registry_maps_names_to_function_and_derivative():
    """Does the registry pair each name with its own function and derivative?"""
    assert set(act.ACTIVATIONS) == {"linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu"}
    assert act.get_activation("tanh") == (act.tanh, act.tanh_grad)
    assert act.get_activation("softmax") == (act.softmax, act.softmax_jacobian)


def test_unknown_activation_lists_known_names():
    """Does asking for an unknown activation raise a ValueError that lists the known names?"""
    with pytest.raises(ValueError, match="relu.*softmax"):
        act.get_activation("rectifier")


@pytest.mark.parametrize("name", sorted(act.ACTIVATIONS) + ["softmax"])
def test_activations_never_modify_their_input(name):
    """Do the activations and their derivatives leave the caller's array untouched and return new arrays?

    (The network writes each layer's delta into the derivative's array, so it must be a new one.)"""
    f, f_grad = act.get_activation(name)
    z = np.array([[-1.5, 0.0, 2.0]])
    saved = z.copy()
    out = f(z)
    assert out is not z and not np.shares_memory(out, z)
    slope = f_grad(z[0]) if name == "softmax" else f_grad(z)
    assert not np.shares_memory(slope, z)
    assert close(z, saved)


def test_scalars_and_lists_are_accepted():
    """Do the activations accept a plain number and a list as well as an array?"""
    assert close(act.sigmoid(0.0), 0.5)
    assert close(act.relu([-1.0, 3.0]), [0.0, 3.0])
    assert close(act.softmax([0.0, 0.0]), [0.5, 0.5])
