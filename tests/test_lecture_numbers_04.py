"""The lectures' numbers that unit 04 reproduces (losses and their gradients), one test per number.

Where a slide printed a value computed from a rounded intermediate, the test checks the exact
value against an independent computation and the slide's value only from the slide's own input.
"""
import math

import numpy as np

from nnlib import activations, losses
from nnlib.exercises import unit04
from nnlib.network import MLP
from nnlib.tolerance import close, max_error


def rounds_to(exact, stated, decimals):
    """True when ``exact`` rounded to ``decimals`` places gives ``stated`` (within half a unit)."""
    return max_error(exact, stated) <= 0.5 * 10.0 ** -decimals


def output_002():
    """Lecture 002's 2-3-1 sigmoid network on the input (2, 9), at full precision."""
    net = MLP([2, 3, 1], "sigmoid")
    net.set_weights([[[0.2, 0.8], [0.6, 0.3], [0.1, 0.7]], [[0.4, 0.5, 0.9]]], [[0.1, 0.1, 0.1], [0.2]])
    return net.forward(np.array([[2.0, 9.0]]))


def test_002_squared_error_is_0_0072359():
    """Is lecture 002's E = ½(1 − ŷ)² = 0.0072359 with the exact ŷ = 0.879701, written out by hand?"""
    y_hat = output_002()
    s = lambda v: 1.0 / (1.0 + math.exp(-v))
    by_hand = s(0.4 * s(7.7) + 0.5 * s(4.0) + 0.9 * s(6.6) + 0.2)
    error = losses.squared_error(y_hat, np.array([[1.0]]))
    assert close(error, 0.5 * (1.0 - by_hand) ** 2)
    assert rounds_to(error, 0.0072359, 7)


def test_002_slide_value_0_00724808_comes_from_the_rounded_output_0_8796():
    """Does ½(1 − 0.8796)² give the slide's 0.00724808, while the correctly rounded 0.8797 gives 0.0072360?"""
    assert close(losses.squared_error(np.array([0.8796]), np.array([1.0])), 0.00724808)
    assert rounds_to(losses.squared_error(np.array([0.8797]), np.array([1.0])), 0.0072360, 7)
    # the slide's value is off in the third significant digit: about 0.17 % too large
    exact = losses.squared_error(output_002(), np.array([[1.0]]))
    assert 0.0015 < (0.00724808 - exact) / exact < 0.0018


def test_002_gradient_of_the_squared_error_is_minus_0_120299():
    """Is ∂E/∂ŷ = ŷ − y = −0.120299 (the slide's −0.1204 is −(1 − 0.8796))?"""
    grad = losses.squared_error_grad(output_002(), np.array([[1.0]]))
    assert rounds_to(float(grad[0, 0]), -0.120299, 6)
    assert close(losses.squared_error_grad(np.array([0.8796]), np.array([1.0])), [-0.1204])


def test_000_loss_is_50_and_its_gradient_10():
    """Does lecture 000's output 10 for the target 0 give E = ½·10² = 50 and ∂E/∂ŷ = 10 (= δ5, as ReLU'(10) = 1)?"""
    assert close(losses.squared_error(np.array([10.0]), np.array([0.0])), 50.0)
    assert close(losses.squared_error_grad(np.array([10.0]), np.array([0.0])), [10.0])


def test_003_cross_entropy_is_0_4076_from_probabilities_and_from_scores():
    """Is lecture 003's loss −log softmax([1, 2, 0])₂ = 0.407606, the same from ŷ and from the scores z?"""
    net = MLP([2, 3, 3], ["relu", "softmax"])
    net.set_weights([[[1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]], [[0.0, 1.0, 0.0], [1.0, -1.0, 0.0], [0.0, 0.0, 1.0]]],
                    [np.zeros(3), np.zeros(3)])
    y_hat = net.forward(np.array([[1.0, 2.0]]))
    y = np.array([[0.0, 1.0, 0.0]])
    assert close(net.Z[1], [[1.0, 2.0, 0.0]])
    expected = -math.log(math.exp(2) / (math.exp(1) + math.exp(2) + math.exp(0)))
    assert close(losses.cross_entropy(y_hat, y), expected)
    assert close(losses.softmax_cross_entropy(net.Z[1], y), expected)
    assert rounds_to(expected, 0.407606, 6)


def test_003_gradient_with_respect_to_the_scores_is_y_hat_minus_y():
    """Is ∂L/∂z = ŷ − y = (0.244728, −0.334759, 0.090031) for lecture 003, equal to the chain rule through softmax?"""
    z, y = np.array([1.0, 2.0, 0.0]), np.array([0.0, 1.0, 0.0])
    grad = losses.softmax_cross_entropy_grad(z[None], y[None])[0]
    assert rounds_to(grad, [0.244728, -0.334759, 0.090031], 6)
    # the long way: the softmax Jacobian times ∂L/∂ŷ = −y/ŷ
    through_jacobian = activations.softmax_jacobian(z).T @ losses.cross_entropy_grad(activations.softmax(z)[None], y[None])[0]
    assert close(grad, through_jacobian)


def test_001_binary_cross_entropy_is_categorical_cross_entropy_with_two_classes():
    """Is lecture 001's −[y log ŷ + (1 − y) log(1 − ŷ)] the multinomial −Σ y_k log ŷ_k for K = 2?"""
    p, y = np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 0.0])
    two_class = np.column_stack([1 - p, p]), np.column_stack([1 - y, y])
    assert close(losses.binary_cross_entropy(p, y), losses.cross_entropy(*two_class))


def test_the_notebooks_visible_cases_are_the_lectures_numbers():
    """Do the visible squared-error cases hold lecture 002's slide value and lecture 000's 50?"""
    assert close(losses.squared_error(*unit04.SLIDE_002), 0.00724808)
    assert close(losses.squared_error(*unit04.CASE_000), 50.0)
    assert close(losses.cross_entropy(unit04._softmax(unit04.Z_003), unit04.Y_003), 0.4076059644)
