"""Tests of nnlib.losses against central differences, hand formulas and edge cases."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib import losses
from nnlib.tolerance import close
from tests.strategies import (PROPERTY, binary_pairs, central_difference, gradients_agree, logit_batches,
                              matching_pairs, probability_batches)

# --- definitions, checked on numbers worked out by hand ---------------------------------------


def test_definitions_on_a_small_example():
    """Do the losses follow their documented definitions (½ sum, means over elements or samples)?"""
    y_hat = np.array([[0.5, 2.0], [1.0, -1.0]])
    y = np.array([[1.0, 1.0], [1.0, 1.0]])
    # differences -0.5, 1, 0, -2
    assert close(losses.squared_error(y_hat, y), 0.5 * (0.25 + 1.0 + 0.0 + 4.0))
    assert close(losses.mse(y_hat, y), (0.25 + 1.0 + 0.0 + 4.0) / 4)
    assert close(losses.mae(y_hat, y), (0.5 + 1.0 + 0.0 + 2.0) / 4)


def test_binary_cross_entropy_by_hand():
    """Is BCE the mean of -[y log p + (1 - y) log(1 - p)] over samples?"""
    p, y = np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 0.0])
    expected = -(math.log(0.9) + math.log(0.8) + math.log(0.4)) / 3
    assert close(losses.binary_cross_entropy(p, y), expected)
    assert close(losses.binary_cross_entropy(p.reshape(3, 1), y.reshape(3, 1)), expected)


def test_cross_entropy_by_hand_with_one_hot_and_labels():
    """Is CE the mean over samples of -log(probability of the true class), for one-hot and labels alike?"""
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    expected = -(math.log(0.7) + math.log(0.6)) / 2
    assert close(losses.cross_entropy(p, np.array([[1, 0, 0], [0, 0, 1]])), expected)
    assert close(losses.cross_entropy(p, np.array([0, 2])), expected)


def test_softmax_cross_entropy_by_hand():
    """Is softmax_cross_entropy the CE of softmax(logits), computed independently here?"""
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    labels = [1, 2]
    expected = 0.0
    for row, k in zip(z, labels):
        expected -= math.log(math.exp(row[k]) / sum(math.exp(v) for v in row))
    assert close(losses.softmax_cross_entropy(z, labels), expected / 2)


def test_single_sample_counts_as_a_batch_of_one():
    """Does a 1-D sample give the same loss and gradient as the same sample as a 1-row batch?"""
    p, y = np.array([0.2, 0.5, 0.3]), np.array([0.0, 1.0, 0.0])
    for name in ("cross_entropy", "softmax_cross_entropy", "mse", "mae", "binary_cross_entropy"):
        f, f_grad = losses.get_loss(name)
        assert close(f(p, y), f(p[None], y[None])), name
        assert close(f_grad(p, y), f_grad(p[None], y[None])[0]), name
    assert close(losses.cross_entropy(p, 1), -math.log(0.5))


def test_one_hot_encodes_labels():
    """Does one_hot put a single 1 at each label, with K given or inferred?"""
    assert close(losses.one_hot([2, 0], 4), [[0, 0, 1, 0], [1, 0, 0, 0]])
    assert close(losses.one_hot(np.array([1, 0, 1])), [[0, 1], [1, 0], [0, 1]])
    with pytest.raises(ValueError, match="0..2"):
        losses.one_hot([3], 3)


# --- gradients against central differences ----------------------------------------------------

def _check_gradient(name, y_hat, y):
    f, f_grad = losses.get_loss(name)
    numeric = central_difference(lambda v: f(v, y), y_hat)
    assert gradients_agree(f_grad(y_hat, y), numeric), name


@PROPERTY
@given(pair=matching_pairs())
def test_mse_and_squared_error_gradients_match_central_differences(pair):
    """Are the MSE and squared-error gradients the slopes of their losses?"""
    y_hat, y = pair
    _check_gradient("mse", y_hat, y)
    _check_gradient("squared_error", y_hat, y)


@PROPERTY
@given(pair=matching_pairs())
def test_mae_gradient_matches_central_differences(pair):
    """Is the MAE gradient the slope of MAE (away from y_hat = y, where |.| has a kink)?"""
    y_hat, y = pair
    y_hat = np.where(np.abs(y_hat - y) < 1e-3, y + 0.5, y_hat)
    _check_gradient("mae", y_hat, y)


@PROPERTY
@given(shape=hnp.array_shapes(max_dims=2, max_side=4), data=st.data())
def test_binary_cross_entropy_gradient_matches_central_differences(shape, data):
    """Is the BCE gradient the slope of BCE for probabilities inside (0, 1)?"""
    p = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0.01, 0.99)))
    y = data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0])))
    _check_gradient("binary_cross_entropy", p, y)


@PROPERTY
@given(batch=probability_batches())
def test_cross_entropy_gradient_matches_central_differences(batch):
    """Is the CE gradient the slope of CE, for labels and for one-hot targets?"""
    p, labels = batch
    _check_gradient("cross_entropy", p, labels)
    _check_gradient("cross_entropy", p, np.eye(p.shape[1])[labels])


@PROPERTY
@given(z=logit_batches(limit=10.0), data=st.data())
def test_softmax_cross_entropy_gradient_matches_central_differences(z, data):
    """Is (softmax(z) - y)/n the slope of softmax_cross_entropy with respect to the logits?"""
    labels = data.draw(hnp.arrays(np.int64, (len(z),), elements=st.integers(0, z.shape[1] - 1)))
    _check_gradient("softmax_cross_entropy", z, labels)


def test_softmax_cross_entropy_gradient_is_probabilities_minus_targets_over_n():
    """Is the gradient exactly (softmax(z) - onehot(y)) / n?"""
    z = np.array([[2.0, 1.0, 0.1], [0.5, 0.5, 3.0], [-1.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    y = np.array([0, 2, 1, 1])
    e = np.exp(z)
    s = e / e.sum(axis=1, keepdims=True)
    assert close(losses.softmax_cross_entropy_grad(z, y), (s - np.eye(3)[y]) / 4)


# --- properties -------------------------------------------------------------------------------

@PROPERTY
@given(pair=matching_pairs())
def test_regression_losses_are_nonnegative_and_zero_at_a_perfect_prediction(pair):
    """Are squared error, MSE and MAE >= 0, and 0 when the prediction equals the target?"""
    y_hat, y = pair
    for name in ("squared_error", "mse", "mae"):
        f = losses.get_loss(name)[0]
        assert f(y_hat, y) >= 0.0
        assert close(f(y, y), 0.0)
        assert close(losses.get_loss(name)[1](y, y), np.zeros_like(y))


@PROPERTY
@given(pair=binary_pairs())
def test_binary_cross_entropy_is_nonnegative_and_zero_at_a_perfect_prediction(pair):
    """Is BCE >= 0, and 0 (up to the clipping) when p equals the 0/1 target?"""
    p, y = pair
    assert losses.binary_cross_entropy(p, y) >= 0.0
    assert losses.binary_cross_entropy(y, y) < 1e-10


@PROPERTY
@given(batch=probability_batches(), z=logit_batches())
def test_cross_entropies_are_nonnegative_and_zero_at_a_perfect_prediction(batch, z):
    """Are CE and softmax CE >= 0, and 0 for a one-hot prediction of the true class?"""
    p, labels = batch
    assert losses.cross_entropy(p, labels) >= 0.0
    assert losses.softmax_cross_entropy(z, np.argmin(z, axis=1)) >= 0.0
    perfect = np.eye(p.shape[1])[labels]
    assert close(losses.cross_entropy(perfect, labels), 0.0)
    assert close(losses.softmax_cross_entropy(1000.0 * perfect, labels), 0.0)


# --- stability at the edges -------------------------------------------------------------------

@pytest.mark.filterwarnings("error")
def test_binary_cross_entropy_is_finite_at_probabilities_0_and_1():
    """Do BCE and its gradient stay finite, without warnings, at p exactly 0 and 1?"""
    p, y = np.array([0.0, 1.0, 0.0, 1.0]), np.array([0.0, 1.0, 1.0, 0.0])
    value = losses.binary_cross_entropy(p, y)
    grad = losses.binary_cross_entropy_grad(p, y)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    assert value > 10.0  # confidently wrong predictions cost a lot
    # right answers keep their true slope: d/dp -log(1 - p) = 1 at p = 0, d/dp -log p = -1 at p = 1
    assert close(grad[:2], [0.25, -0.25])


@pytest.mark.filterwarnings("error")
def test_cross_entropy_is_finite_at_probabilities_0_and_1():
    """Do CE and its gradient stay finite, without warnings, when the true class gets probability 0?"""
    p = np.array([[0.0, 1.0], [1.0, 0.0]])
    value = losses.cross_entropy(p, np.array([0, 0]))
    grad = losses.cross_entropy_grad(p, np.array([0, 0]))
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    assert value > 10.0


@pytest.mark.filterwarnings("error")
def test_softmax_cross_entropy_is_finite_at_logits_of_1000():
    """Do softmax CE and its gradient stay finite, without warnings, for logits of ±1000?"""
    z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0], [1000.0, 1000.0]])
    y = np.array([1, 1, 0])
    assert close(losses.softmax_cross_entropy(z, y), (2000.0 + 0.0 + math.log(2.0)) / 3)
    assert close(losses.softmax_cross_entropy_grad(z, y), [[1 / 3, -1 / 3], [0.0, 0.0], [-1 / 6, 1 / 6]])


# --- errors and purity ------------------------------------------------------------------------

def test_mismatched_shapes_are_refused():
    """Is a (n,) target against an (n, 1) prediction refused instead of broadcast to (n, n)?"""
    with pytest.raises(ValueError, match="same shape"):
        losses.mse(np.zeros((3, 1)), np.zeros(3))
    with pytest.raises(ValueError, match="labels"):
        losses.cross_entropy(np.full((3, 2), 0.5), np.zeros(4, dtype=int))


def test_unknown_loss_lists_known_names():
    """Does get_loss name the known losses when given an unknown one?"""
    with pytest.raises(ValueError, match="mse.*softmax_cross_entropy"):
        losses.get_loss("hinge")


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_losses_never_modify_their_arguments(name):
    """Do the losses and gradients leave prediction and target untouched?"""
    f, f_grad = losses.get_loss(name)
    y_hat, y = np.array([[0.0, 1.0], [0.3, 0.7]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    saved_hat, saved_y = y_hat.copy(), y.copy()
    f(y_hat, y)
    f_grad(y_hat, y)
    assert close(y_hat, saved_hat) and close(y, saved_y)


@pytest.mark.parametrize("targets", ["labels", "one-hot", "single"])
def test_softmax_cross_entropy_and_grad_equals_the_two_functions(targets):
    """Does the training step's fused loss give the value and gradient of the two separate functions?"""
    rng = np.random.default_rng(3)
    logits, labels = rng.normal(size=(6, 4)) * 3.0, rng.integers(0, 4, size=6)
    y = {"labels": labels, "one-hot": np.eye(4)[labels], "single": labels[0]}[targets]
    z = logits[0] if targets == "single" else logits
    value, grad = losses.softmax_cross_entropy_and_grad(z, y)
    assert close(value, losses.softmax_cross_entropy(z, y))
    # the very same numbers: the training loop takes the gradient alone, MLP.gradients both
    assert np.array_equal(grad, losses.softmax_cross_entropy_grad(z, y))


def test_float32_predictions_give_float32_gradients():
    """Does a float32 prediction keep float32 in the gradients (a float32 network trains in float32)?"""
    y_hat = np.array([[0.2, -1.0], [1.5, 0.3]], dtype=np.float32)
    labels = np.array([1, 0])
    assert losses.softmax_cross_entropy_and_grad(y_hat, labels)[1].dtype == np.float32
    assert losses.mse_grad(y_hat, np.zeros((2, 2))).dtype == np.float32
    assert losses.cross_entropy_grad(np.abs(y_hat), labels).dtype == np.float32
    assert losses.mse_grad(y_hat.astype(float), np.zeros((2, 2))).dtype == np.float64
