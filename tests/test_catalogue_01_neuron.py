"""Unit 01 (the neuron): typical wrong answers the grade cells must catch, and right ones they must accept.

Every wrong answer below is a mistake students make when they first write a neuron or an
activation function. For each, the test proves that the grade cells of its exercise (hidden tests
included, run in-process from the solutions notebook) fail with a message that names the mistake.
Each exercise also has other correct implementations, written differently from the model answer,
that must earn every point; and a few answers that are right in part must earn part of the points.
"""
import math
import warnings

import numpy as np
import pytest

from nnlib import activations as nnlib_activations
from nnlib.exercises import unit01
from tests.notebook_harness import Unit
from tests.unit_checks import released_stubs

UNIT = Unit("01_neuron")

# Wrong answers overflow on purpose; their numpy warnings are not what these tests look at.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

WS = ["test_weighted_sum_single", "test_weighted_sum_batch"]
NEURON = ["test_neuron_output"]
SIGMOID = ["test_sigmoid_values", "test_sigmoid_grad_values", "test_sigmoid_shapes_and_extremes"]
TANH = ["test_tanh_values", "test_tanh_grad_values", "test_tanh_shapes_and_extremes"]
RELU = ["test_relu_values", "test_relu_grad_values", "test_relu_shapes"]
LEAKY = ["test_leaky_relu_values", "test_leaky_relu_grad_values", "test_leaky_relu_shapes"]
ELU = ["test_elu_values", "test_elu_grad_values", "test_elu_shapes_and_extremes"]
COLLAPSE = ["test_collapse_linear_weights", "test_collapse_linear_bias"]
EXAMPLE = ["test_example_001"]


def quiet(fn):
    """Run ``fn`` with numpy's overflow warnings silenced (a warning is not what these tests check)."""
    def wrapped(*args, **kwargs):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    wrapped.__name__ = fn.__name__
    wrapped.__wrapped__ = fn  # inspect.getsource (check_own_code) reads the original function
    return wrapped


def points(outcomes):
    """Points earned by the passed grade cells among ``outcomes``."""
    return sum(UNIT.points(grade_id) for grade_id, outcome in outcomes.items() if outcome.passed)


# ---------------------------------------------------------------------- weighted_sum
def ws_loop_over_features(x, w, b):
    total = b
    for i in range(len(w)):
        total = total + w[i] * x[i]
    return total


def ws_in_place(x, w, b):
    x *= w
    return x.sum(axis=-1) + b


WEIGHTED_SUM_WRONG = [
    pytest.param(lambda x, w, b: np.dot(x, w), WS, "left out the bias", id="missing-bias"),
    pytest.param(lambda x, w, b: np.dot(x, w) - b, WS, "not subtracted", id="bias-subtracted"),
    pytest.param(lambda x, w, b: w * x + b, WS, "did not add the products", id="elementwise-product-without-sum"),
    pytest.param(lambda x, w, b: np.sum(w * x + b, axis=-1), WS, "once per input", id="bias-added-per-input"),
    pytest.param(lambda x, w, b: np.sum(w * x) + b, WS, "whole batch", id="sums-the-whole-batch"),
    pytest.param(lambda x, w, b: np.sum(w * x, axis=0) + b, WS, "over the samples", id="sums-over-samples-axis-0"),
    pytest.param(lambda x, w, b: np.dot(w, x) + b, WS, "x @ w", id="w-times-x-on-a-batch"),
    pytest.param(ws_loop_over_features, WS, "python loop", id="python-loop-over-features"),
    pytest.param(ws_in_place, WS, "in place", id="modifies-x-in-place"),
    pytest.param(lambda x, w, b: [float(np.dot(row, w) + b) for row in np.atleast_2d(x)], WS, "python list",
                 id="list-with-a-batch-axis-for-one-sample"),
]


@pytest.mark.parametrize("wrong, grade_ids, message", WEIGHTED_SUM_WRONG)
def test_weighted_sum_mistake_is_caught(wrong, grade_ids, message):
    """Is this wrong weighted_sum refused with a message that names the mistake?"""
    UNIT.assert_caught({"weighted_sum": wrong}, grade_ids=grade_ids, message_contains=message)


def ws_einsum(x, w, b):
    return np.einsum("...i,i->...", x, w) + b


def ws_sum_last_axis(x, w, b):
    return np.sum(np.asarray(x) * w, axis=-1) + b


def ws_tensordot(x, w, b):
    return np.tensordot(x, w, axes=1) + b


@pytest.mark.parametrize("right", [lambda x, w, b: x @ w + b, ws_einsum, ws_sum_last_axis, ws_tensordot],
                         ids=["matmul-operator", "einsum", "sum-over-last-axis", "tensordot"])
def test_other_correct_weighted_sums_earn_full_marks(right):
    """Does a differently written but correct weighted_sum pass every one of its grade cells?"""
    UNIT.assert_accepted({"weighted_sum": right}, grade_ids=WS)


def test_weighted_sum_right_for_one_sample_only_earns_part_of_the_points():
    """Does a weighted_sum that is right for one sample but collapses batches earn the single-sample points only?"""
    outcomes = UNIT.run(WS, {"weighted_sum": lambda x, w, b: np.sum(w * x) + b})
    assert outcomes["test_weighted_sum_single"].passed
    assert not outcomes["test_weighted_sum_batch"].passed
    assert 0 < points(outcomes) < sum(UNIT.points(g) for g in WS)


# ---------------------------------------------------------------------- neuron_output
NEURON_WRONG = [
    pytest.param(lambda x, w, b, f: np.dot(x, w) + b, "returned z", id="forgets-the-activation"),
    pytest.param(lambda x, w, b, f: f(np.dot(x, w)) + b, "bias belongs inside", id="bias-outside-the-activation"),
    pytest.param(lambda x, w, b, f: np.dot(f(x), w) + b, "not to the inputs", id="activation-on-the-inputs"),
    pytest.param(lambda x, w, b, f: 1.0 / (1.0 + np.exp(-(np.dot(x, w) + b))), "always used the sigmoid",
                 id="ignores-the-activation-argument"),
]


@pytest.mark.parametrize("wrong, message", NEURON_WRONG)
def test_neuron_output_mistake_is_caught(wrong, message):
    """Is this wrong neuron_output refused with a message that names the mistake?"""
    UNIT.assert_caught({"neuron_output": wrong}, grade_ids=NEURON, message_contains=message)


def test_neuron_output_points_at_a_broken_weighted_sum():
    """When weighted_sum is wrong, does neuron_output's message say to fix weighted_sum first?"""
    UNIT.assert_caught({"weighted_sum": lambda x, w, b: np.dot(x, w)}, grade_ids=NEURON,
                       message_contains="fix exercise 1 (weighted_sum) first")


@pytest.mark.parametrize("right", [lambda x, w, b, activation: activation(x @ w + b),
                                   lambda x, w, b, activation: activation(np.einsum("...i,i->...", x, w) + b)],
                         ids=["inline-matmul", "einsum"])
def test_other_correct_neuron_outputs_earn_full_marks(right):
    """Does a neuron_output that does not call weighted_sum, but is right, pass?"""
    UNIT.assert_accepted({"neuron_output": right}, grade_ids=NEURON)


# ---------------------------------------------------------------------- sigmoid
def sigmoid_from_nnlib(z):
    return nnlib_activations.sigmoid(z)


def sigmoid_math_loop(z):
    return np.array([1.0 / (1.0 + math.exp(-v)) for v in z])


def sigmoid_in_place(z):
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1.0
    return 1.0 / z


SIGMOID_WRONG = [
    pytest.param("sigmoid", lambda z: 1.0 / (1.0 + np.exp(z)), "sigma(-z) = 1 - sigma(z)", id="sign-of-exponent"),
    pytest.param("sigmoid", lambda z: np.exp(-z) / (1.0 + np.exp(-z)), "sigma(-z) = 1 - sigma(z)", id="one-minus-sigmoid"),
    pytest.param("sigmoid", lambda z: np.tanh(z), "that is tanh", id="tanh-instead"),
    pytest.param("sigmoid", quiet(lambda z: np.exp(z) / (1.0 + np.exp(z))), "inf / inf is nan",
                 id="unstable-overflows-to-nan-at-1000"),
    pytest.param("sigmoid", sigmoid_math_loop, "work on whole arrays", id="python-loop-breaks-on-2d"),
    pytest.param("sigmoid", sigmoid_from_nnlib, "uses nnlib", id="calls-nnlib"),
    pytest.param("sigmoid", sigmoid_in_place, "in place", id="modifies-z-in-place"),
    pytest.param("sigmoid_grad", lambda z: z * (1.0 - z), "wrong point", id="grad-at-the-wrong-point-s-is-z"),
    pytest.param("sigmoid_grad", lambda z: 1.0 / (1.0 + np.exp(-z)), "itself", id="grad-is-sigmoid-itself"),
    pytest.param("sigmoid_grad", lambda z: (1 / (1 + np.exp(-z))) * (1 + 1 / (1 + np.exp(-z))), "not s * (1 + s)",
                 id="grad-with-plus-sign"),
    pytest.param("sigmoid_grad", lambda z: 1.0 - 1.0 / (1.0 + np.exp(-z)), "multiply it by sigmoid",
                 id="grad-missing-factor"),
    pytest.param("sigmoid_grad", quiet(lambda z: np.exp(-z) / (1.0 + np.exp(-z)) ** 2), "nan",
                 id="grad-unstable-nan-at-minus-1000"),
    pytest.param("sigmoid_grad", lambda z: nnlib_activations.sigmoid_grad(z), "uses nnlib", id="grad-calls-nnlib"),
]


@pytest.mark.parametrize("name, wrong, message", SIGMOID_WRONG)
def test_sigmoid_mistake_is_caught(name, wrong, message):
    """Is this wrong sigmoid (or sigmoid_grad) refused with a message that names the mistake?"""
    UNIT.assert_caught({name: wrong}, grade_ids=SIGMOID, message_contains=message)


def sigmoid_via_tanh(z):
    return 0.5 * (1.0 + np.tanh(np.asarray(z, dtype=float) / 2.0))


def sigmoid_via_logaddexp(z):
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))


def sigmoid_grad_symmetric(z):
    e = np.exp(-np.abs(np.asarray(z, dtype=float)))
    return e / (1.0 + e) ** 2


def sigmoid_grad_via_cosh(z):
    return 0.25 / np.cosh(np.asarray(z, dtype=float) / 2.0) ** 2


@pytest.mark.parametrize("overrides", [
    {"sigmoid": sigmoid_via_tanh},
    {"sigmoid": sigmoid_via_logaddexp},
    {"sigmoid": quiet(lambda z: 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float))))},
    {"sigmoid_grad": sigmoid_grad_symmetric},
    {"sigmoid_grad": quiet(sigmoid_grad_via_cosh)},
    {"sigmoid": sigmoid_via_tanh, "sigmoid_grad": lambda z: sigmoid_via_tanh(z) - sigmoid_via_tanh(z) ** 2},
], ids=["tanh-form", "logaddexp", "plain-formula-that-only-warns", "grad-symmetric-exp", "grad-via-cosh",
        "both-via-tanh"])
def test_other_correct_sigmoids_earn_full_marks(overrides):
    """Does a differently written but correct sigmoid or derivative pass every sigmoid cell (a warning is fine)?"""
    UNIT.assert_accepted(overrides, grade_ids=SIGMOID)


def test_unstable_sigmoid_earns_the_value_points_only():
    """Does a sigmoid that is right for moderate z but gives nan at 1000 keep its value points?"""
    outcomes = UNIT.run(SIGMOID, {"sigmoid": quiet(lambda z: np.exp(z) / (1.0 + np.exp(z)))})
    assert outcomes["test_sigmoid_values"].passed and outcomes["test_sigmoid_grad_values"].passed
    assert not outcomes["test_sigmoid_shapes_and_extremes"].passed
    assert 0 < points(outcomes) < sum(UNIT.points(g) for g in SIGMOID)


def test_wrong_sigmoid_grad_does_not_cost_the_sigmoid_points():
    """Does a sigmoid_grad taken at the wrong point leave the sigmoid's own value points intact?"""
    outcomes = UNIT.run(SIGMOID, {"sigmoid_grad": lambda z: z * (1.0 - z)})
    assert outcomes["test_sigmoid_values"].passed
    assert outcomes["test_sigmoid_shapes_and_extremes"].passed
    assert not outcomes["test_sigmoid_grad_values"].passed


# ---------------------------------------------------------------------- tanh
def tanh_from_exponentials(z):
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))


TANH_WRONG = [
    pytest.param("tanh", lambda z: 2.0 / (1.0 + np.exp(-z)) - 1.0, "exponent is -2z", id="exponent-z-not-2z"),
    pytest.param("tanh", lambda z: 1.0 / (1.0 + np.exp(-z)), "that is the sigmoid", id="sigmoid-instead"),
    pytest.param("tanh", lambda z: (np.exp(z) - np.exp(-z)) / 2.0, "sinh", id="sinh-instead"),
    pytest.param("tanh", quiet(tanh_from_exponentials), "inf / inf is nan", id="unstable-exponentials"),
    pytest.param("tanh_grad", lambda z: 1.0 - z ** 2, "wrong point", id="grad-one-minus-z-squared"),
    pytest.param("tanh_grad", lambda z: 1.0 - np.tanh(z), "square the tanh", id="grad-forgets-the-square"),
    pytest.param("tanh_grad", lambda z: np.tanh(z) ** 2, "1 minus it", id="grad-tanh-squared"),
    pytest.param("tanh_grad", lambda z: 1.0 + np.tanh(z) ** 2, "check the sign", id="grad-plus-sign"),
    pytest.param("tanh_grad", quiet(lambda z: 1.0 - tanh_from_exponentials(z) ** 2), "nan",
                 id="grad-unstable-exponentials"),
]


@pytest.mark.parametrize("name, wrong, message", TANH_WRONG)
def test_tanh_mistake_is_caught(name, wrong, message):
    """Is this wrong tanh (or tanh_grad) refused with a message that names the mistake?"""
    UNIT.assert_caught({name: wrong}, grade_ids=TANH, message_contains=message)


@pytest.mark.parametrize("overrides", [
    {"tanh": quiet(lambda z: 2.0 / (1.0 + np.exp(-2.0 * np.asarray(z, dtype=float))) - 1.0)},
    {"tanh": lambda z: 2.0 * sigmoid_via_tanh(2.0 * np.asarray(z, dtype=float)) - 1.0},
    {"tanh_grad": quiet(lambda z: 1.0 / np.cosh(z) ** 2)},
    {"tanh_grad": lambda z: (1.0 - np.tanh(z)) * (1.0 + np.tanh(z))},
    {"tanh_grad": quiet(lambda z: 4.0 / (np.exp(z) + np.exp(-z)) ** 2)},
], ids=["two-sigmoid-form", "via-a-safe-sigmoid", "grad-sech-squared", "grad-factored", "grad-exponentials"])
def test_other_correct_tanhs_earn_full_marks(overrides):
    """Does a differently written but correct tanh or derivative pass every tanh cell?"""
    UNIT.assert_accepted(overrides, grade_ids=TANH)


# ---------------------------------------------------------------------- ReLU
def relu_in_place(z):
    z[z < 0] = 0.0
    return z


def relu_loop(z):
    return np.array([max(0.0, v) for v in z])


RELU_WRONG = [
    pytest.param("relu", lambda z: (z > 0).astype(float), "derivative of relu", id="returns-the-step"),
    pytest.param("relu", lambda z: np.minimum(0.0, z), "negative part", id="minimum-instead-of-maximum"),
    pytest.param("relu", lambda z: np.abs(z), "not |z|", id="absolute-value"),
    pytest.param("relu", relu_in_place, "in place", id="zeroes-negatives-in-place"),
    pytest.param("relu", lambda z: np.max(0, z), "raised", id="np-max-is-not-element-wise"),
    pytest.param("relu", relu_loop, "work on whole arrays", id="python-loop-breaks-on-2d"),
    pytest.param("relu_grad", lambda z: (z >= 0).astype(float), "exactly z = 0", id="grad-one-at-zero"),
    pytest.param("relu_grad", lambda z: np.maximum(0.0, z), "relu itself", id="grad-is-relu-itself"),
    pytest.param("relu_grad", lambda z: np.sign(z), "not -1", id="grad-sign"),
]


@pytest.mark.parametrize("name, wrong, message", RELU_WRONG)
def test_relu_mistake_is_caught(name, wrong, message):
    """Is this wrong relu (or relu_grad) refused with a message that names the mistake?"""
    UNIT.assert_caught({name: wrong}, grade_ids=RELU, message_contains=message)


@pytest.mark.parametrize("overrides", [
    {"relu": lambda z: z * (z > 0)},
    {"relu": lambda z: np.clip(z, 0.0, None)},
    {"relu": lambda z: (z + np.abs(z)) / 2.0},
    {"relu_grad": lambda z: np.heaviside(z, 0.0)},
    {"relu_grad": lambda z: np.where(np.asarray(z) > 0, 1, 0)},
    {"relu_grad": lambda z: np.asarray(z) > 0},
], ids=["mask-multiply", "clip", "abs-trick", "grad-heaviside", "grad-integers", "grad-booleans"])
def test_other_correct_relus_earn_full_marks(overrides):
    """Does a differently written but correct relu or derivative pass every ReLU cell?"""
    UNIT.assert_accepted(overrides, grade_ids=RELU)


def test_relu_loop_keeps_the_derivative_points():
    """Does a loop-based relu that breaks on 2-D input still leave relu_grad's points earned?"""
    outcomes = UNIT.run(RELU, {"relu": relu_loop})
    assert outcomes["test_relu_grad_values"].passed
    assert not outcomes["test_relu_shapes"].passed
    assert 0 < points(outcomes) < sum(UNIT.points(g) for g in RELU)


# ---------------------------------------------------------------------- leaky ReLU
LEAKY_WRONG = [
    pytest.param("leaky_relu", lambda z, alpha=0.01: np.where(z > 0, alpha * z, z), "negative side",
                 id="alpha-applied-to-positives"),
    pytest.param("leaky_relu", lambda z, alpha=0.01: np.maximum(0.0, z), "not 0", id="plain-relu"),
    pytest.param("leaky_relu", lambda z, alpha=0.01: np.where(z > 0, z, alpha), "multiply alpha by z",
                 id="constant-alpha-for-negatives"),
    pytest.param("leaky_relu", lambda z, alpha=0.01: np.where(z > 0, z, 0.01 * z), "alpha argument",
                 id="ignores-the-alpha-argument"),
    pytest.param("leaky_relu_grad", lambda z, alpha=0.01: np.where(z >= 0, 1.0, alpha), "exactly z = 0",
                 id="grad-one-at-zero"),
    pytest.param("leaky_relu_grad", lambda z, alpha=0.01: np.where(z > 0, 1.0, 0.0), "not 0", id="grad-of-relu"),
    pytest.param("leaky_relu_grad", lambda z, alpha=0.01: np.where(z > 0, alpha, 1.0), "swapped", id="grad-swapped"),
    pytest.param("leaky_relu_grad", lambda z, alpha=0.01: np.where(z > 0, 1.0, alpha * z), "not alpha * z",
                 id="grad-alpha-times-z"),
    pytest.param("leaky_relu_grad", lambda z, alpha=0.01: np.where(z > 0, 1.0, 0.01), "alpha argument",
                 id="grad-ignores-the-alpha-argument"),
]


@pytest.mark.parametrize("name, wrong, message", LEAKY_WRONG)
def test_leaky_relu_mistake_is_caught(name, wrong, message):
    """Is this wrong leaky_relu (or leaky_relu_grad) refused with a message that names the mistake?"""
    UNIT.assert_caught({name: wrong}, grade_ids=LEAKY, message_contains=message)


@pytest.mark.parametrize("overrides", [
    {"leaky_relu": lambda z, alpha=0.01: np.maximum(alpha * np.asarray(z), z)},
    {"leaky_relu": lambda z, alpha=0.01: np.maximum(z, 0.0) + alpha * np.minimum(z, 0.0)},
    {"leaky_relu": lambda z, alpha=0.01: z * np.where(np.asarray(z) > 0, 1.0, alpha)},
    {"leaky_relu_grad": lambda z, alpha=0.01: 1.0 - (1.0 - alpha) * (np.asarray(z) <= 0)},
], ids=["max-of-alpha-z-and-z", "split-positive-negative", "slope-times-z", "grad-arithmetic"])
def test_other_correct_leaky_relus_earn_full_marks(overrides):
    """Does a differently written but correct leaky ReLU or derivative pass every leaky ReLU cell?"""
    UNIT.assert_accepted(overrides, grade_ids=LEAKY)


# ---------------------------------------------------------------------- ELU
def elu_masked(z, alpha=1.0):
    return (z > 0) * z + (z <= 0) * alpha * (np.exp(z) - 1.0)


def elu_grad_masked(z, alpha=1.0):
    return (z > 0) * 1.0 + (z <= 0) * alpha * np.exp(z)


ELU_WRONG = [
    pytest.param("elu", lambda z, alpha=1.0: np.where(z > 0, z, alpha * np.exp(np.minimum(z, 0.0))), "subtract 1",
                 id="forgets-minus-one"),
    pytest.param("elu", lambda z, alpha=1.0: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))), "by alpha",
                 id="ignores-alpha"),
    pytest.param("elu", lambda z, alpha=1.0: np.where(z > 0, z, alpha * (1.0 - np.exp(np.minimum(z, 0.0)))),
                 "check the sign", id="sign-flipped"),
    pytest.param("elu", lambda z, alpha=1.0: np.where(z > 0, z, 0.0), "not 0", id="relu-instead"),
    pytest.param("elu", quiet(elu_masked), "0 * inf", id="mask-multiply-gives-nan-at-1000"),
    pytest.param("elu_grad", lambda z, alpha=1.0: np.where(z > 0, 1.0, alpha * np.expm1(np.minimum(z, 0.0))),
                 "elu itself", id="grad-is-elu-itself"),
    pytest.param("elu_grad", lambda z, alpha=1.0: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0))), "by alpha",
                 id="grad-ignores-alpha"),
    pytest.param("elu_grad", lambda z, alpha=1.0: np.where(z >= 0, 1.0, alpha * np.exp(np.minimum(z, 0.0))),
                 "exactly z = 0", id="grad-one-at-zero"),
    pytest.param("elu_grad", lambda z, alpha=1.0: np.where(z > 0, 1.0, alpha), "depends on z",
                 id="grad-constant-alpha"),
    pytest.param("elu_grad", quiet(elu_grad_masked), "nan", id="grad-mask-multiply-nan"),
]


@pytest.mark.parametrize("name, wrong, message", ELU_WRONG)
def test_elu_mistake_is_caught(name, wrong, message):
    """Is this wrong elu (or elu_grad) refused with a message that names the mistake?"""
    UNIT.assert_caught({name: wrong}, grade_ids=ELU, message_contains=message)


@pytest.mark.parametrize("overrides", [
    {"elu": quiet(lambda z, alpha=1.0: np.where(np.asarray(z) > 0, z, alpha * np.expm1(z)))},
    {"elu": lambda z, alpha=1.0: np.maximum(z, 0.0) + alpha * np.expm1(np.minimum(z, 0.0))},
    {"elu_grad": lambda z, alpha=1.0: np.where(np.asarray(z) > 0, 1.0,
                                               alpha * np.expm1(np.minimum(z, 0.0)) + alpha)},
], ids=["expm1-with-warning", "split-positive-negative", "grad-f-plus-alpha-as-in-seed-000"])
def test_other_correct_elus_earn_full_marks(overrides):
    """Does a differently written but correct ELU or derivative pass every ELU cell?"""
    UNIT.assert_accepted(overrides, grade_ids=ELU)


# ---------------------------------------------------------------------- the lecture's example
@pytest.mark.parametrize("overrides, message", [
    pytest.param({"y_example": 0.70}, "rounded", id="slide-value-0.70"),
    pytest.param({"y_example": round(float(nnlib_activations.sigmoid(0.87)), 4)}, "y_example is not right",
                 id="rounded-to-four-decimals"),
    pytest.param({"y_example": float(np.tanh(0.87))}, "y_example is not right", id="tanh-instead-of-sigmoid"),
    pytest.param({"z_example": None}, "not computed yet", id="not-computed"),
    pytest.param({"z_example": 0.37}, "z_example", id="z-without-bias"),
    pytest.param({"y_example": np.array([float(nnlib_activations.sigmoid(0.87))])}, "shape",
                 id="array-of-shape-1"),
])
def test_example_mistake_is_caught(overrides, message):
    """Is a wrong or rounded reproduction of the lecture's 0.70 example refused with a clear message?"""
    UNIT.assert_caught(overrides, grade_ids=EXAMPLE, message_contains=message)


@pytest.mark.parametrize("value", [1.0 / (1.0 + math.exp(-0.87)), np.float64(1.0 / (1.0 + np.exp(-0.87))),
                                   np.array(1.0 / (1.0 + np.exp(-0.87)))],
                         ids=["python-float", "numpy-float", "zero-d-array"])
def test_example_written_by_hand_is_accepted(value):
    """Is the exact value, computed another way or stored as another number type, accepted?"""
    UNIT.assert_accepted({"y_example": value, "z_example": 0.2 * 0.5 + 0.3 * 0.6 + 0.9 * 0.1 + 0.5},
                         grade_ids=EXAMPLE)


# ---------------------------------------------------------------------- collapse_linear
def collapse_in_place(W1, b1, W2, b2):
    b2 += W2 @ b1
    return W2 @ W1, b2


COLLAPSE_WRONG = [
    pytest.param(lambda W1, b1, W2, b2: (W1 @ W2, W2 @ b1 + b2), "order is reversed", id="product-order-reversed"),
    pytest.param(lambda W1, b1, W2, b2: ((W2 @ W1).T, W2 @ b1 + b2), "transposed", id="W-transposed"),
    pytest.param(lambda W1, b1, W2, b2: (W2 @ W1, W2 @ b1), "second layer's bias", id="forgets-b2"),
    pytest.param(lambda W1, b1, W2, b2: (W2 @ W1, b2), "first bias also passes", id="forgets-b1"),
    pytest.param(lambda W1, b1, W2, b2: (W2 @ W1, b1 + b2), "raised", id="adds-the-biases"),
    pytest.param(lambda W1, b1, W2, b2: W2 @ W1, "pair (w, b)", id="returns-only-W"),
    pytest.param(lambda W1, b1, W2, b2: {"W": W2 @ W1, "b": W2 @ b1 + b2}, "pair (w, b)", id="returns-a-dict"),
    pytest.param(collapse_in_place, "in place", id="modifies-b2-in-place"),
]


@pytest.mark.parametrize("wrong, message", COLLAPSE_WRONG)
def test_collapse_linear_mistake_is_caught(wrong, message):
    """Is this wrong collapse_linear refused with a message that names the mistake?"""
    UNIT.assert_caught({"collapse_linear": wrong}, grade_ids=COLLAPSE, message_contains=message)


def test_biases_added_on_square_layers_are_named():
    """With square layers (so b1 + b2 does not raise), is adding the biases named as the mistake?"""
    square = (np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]), np.array([1.0, 0.0, -1.0]),
              np.array([[1.0, 0.0, 2.0], [-1.0, 1.0, 0.0], [0.0, 2.0, 1.0]]), np.array([0.5, -0.5, 1.0]))
    with pytest.raises(AssertionError, match="do not simply add up"):
        unit01.collapse_linear_bias(lambda W1, b1, W2, b2: (W2 @ W1, b1 + b2), cases=[square])


def collapse_by_probing(W1, b1, W2, b2):
    """Read the single layer off the two-layer network itself: its output at 0 and at each unit vector."""
    def network(X):
        return (X @ W1.T + b1) @ W2.T + b2
    n_in = W1.shape[1]
    b = network(np.zeros((1, n_in)))[0]
    W = (network(np.eye(n_in)) - b).T
    return W, b


@pytest.mark.parametrize("right", [
    lambda W1, b1, W2, b2: (np.dot(W2, W1), np.dot(W2, b1) + b2),
    lambda W1, b1, W2, b2: [np.einsum("ij,jk->ik", W2, W1), np.einsum("ij,j->i", W2, b1) + b2],
    collapse_by_probing,
], ids=["np-dot", "einsum-returning-a-list", "probing-the-network"])
def test_other_correct_collapses_earn_full_marks(right):
    """Does a differently written but correct collapse_linear pass both of its cells?"""
    UNIT.assert_accepted({"collapse_linear": right}, grade_ids=COLLAPSE)


def test_transposed_weights_keep_the_bias_point():
    """Does a collapse_linear with the right bias but a transposed W earn the bias point only?"""
    outcomes = UNIT.run(COLLAPSE, {"collapse_linear": lambda W1, b1, W2, b2: ((W2 @ W1).T, W2 @ b1 + b2)})
    assert outcomes["test_collapse_linear_bias"].passed
    assert not outcomes["test_collapse_linear_weights"].passed


# ---------------------------------------------------------------------- the notebook as a whole
def test_every_grade_cell_passes_with_the_model_answers():
    """Do all grade cells pass in-process with the solutions notebook's own answers?"""
    UNIT.assert_accepted({})


def test_the_library_reference_is_accepted_where_it_is_not_forbidden(monkeypatch):
    """Are nnlib's reference activations right by the cells' own standard (apart from the own-code rule)?"""
    names = ["sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad", "leaky_relu", "leaky_relu_grad",
             "elu", "elu_grad"]
    overrides = {name: getattr(nnlib_activations, name) for name in names}
    monkeypatch.setattr(unit01, "check_own_code", lambda *args, **kwargs: True)  # the rule is tested elsewhere
    UNIT.assert_accepted(overrides, grade_ids=SIGMOID + TANH + RELU + LEAKY + ELU)


# ---------------------------------------------------------------------- the feedback loop (issue 8)
def notebook_function(source, name, **names):
    """A function defined the way a notebook cell defines it: in a namespace named __main__."""
    namespace = {"__name__": "__main__", "np": np, **names}
    exec(compile(source, "<cell>", "exec"), namespace)
    return namespace[name]


@pytest.mark.parametrize("overrides, grade_ids, message", [
    pytest.param({"weighted_sum": lambda x, w, b: list(np.atleast_1d(np.dot(x, w) + b))}, WS, "python list",
                 id="weighted-sum-returns-a-list"),
    pytest.param({"neuron_output": lambda x, w, b, f: [float(v) for v in np.atleast_1d(f(np.dot(x, w) + b))]},
                 NEURON, "python list", id="neuron-output-returns-a-list"),
])
def test_lists_where_an_array_is_asked_are_named(overrides, grade_ids, message):
    """Is a list returned where the docstring promises an ndarray refused by a visible test, saying so?"""
    UNIT.assert_caught(overrides, grade_ids=grade_ids, message_contains=message)
    name, wrong = next(iter(overrides.items()))
    visible = unit01.weighted_sum_batch if name == "weighted_sum" else unit01.neuron_output
    with pytest.raises(AssertionError, match="Python list"):
        visible(wrong)


def test_a_loop_in_a_helper_loses_the_batch_point():
    """Does a weighted_sum whose helper loops over the samples lose the batch point, naming the helper?"""
    looping = notebook_function("def one(x, w, b):\n    return float(np.dot(x, w) + b)\n\n"
                                "def weighted_sum(x, w, b):\n    if np.ndim(x) == 1:\n        return one(x, w, b)\n"
                                "    return many(x, w, b)\n\n"
                                "def many(x, w, b):\n    return np.array([one(row, w, b) for row in x])", "weighted_sum")
    outcomes = UNIT.run(WS, {"weighted_sum": looping})
    assert outcomes["test_weighted_sum_single"].passed
    assert not outcomes["test_weighted_sum_batch"].passed
    assert "in many, which it calls" in outcomes["test_weighted_sum_batch"].message


def test_an_unrecognised_wrong_weighted_sum_is_not_told_the_formula():
    """Is a wrong weighted_sum that matches no known mistake sent to section 2, without "x @ w + b"?"""
    failed = UNIT.assert_caught({"weighted_sum": lambda x, w, b: np.dot(x, w) + 2.0 * b}, grade_ids=WS,
                                message_contains="re-read section 2")
    for outcome in failed:
        assert "x @ w" not in outcome.message and "np.dot" not in outcome.message, outcome.message


def test_an_elu_that_calls_nnlib_loses_every_elu_point():
    """Does an elu that calls nnlib fail every ELU cell, its shapes cell included?"""
    borrowed = notebook_function("def elu(z, alpha=1.0):\n    return nnlib.activations.elu(z, alpha)", "elu",
                                 nnlib=__import__("nnlib.activations"))
    outcomes = UNIT.run(ELU, {"elu": borrowed})
    assert not outcomes["test_elu_values"].passed and not outcomes["test_elu_shapes_and_extremes"].passed
    assert "uses nnlib" in outcomes["test_elu_shapes_and_extremes"].message


def test_nnlib_hidden_in_a_helper_is_found():
    """Is a sigmoid that reaches nnlib through a helper in another cell refused, naming the helper?"""
    borrowed = notebook_function("def squash(z):\n    return reference_sigmoid(z)\n\n"
                                 "def sigmoid(z):\n    return squash(z)", "sigmoid",
                                 reference_sigmoid=nnlib_activations.sigmoid)
    UNIT.assert_caught({"sigmoid": borrowed}, grade_ids=SIGMOID, message_contains="in squash, which it calls")


@pytest.mark.parametrize("broken, whole, grade_ids, message", [
    pytest.param({"weighted_sum": lambda x, w, b: np.dot(x, w)}, "neuron_output", NEURON,
                 "fix exercise 1 (weighted_sum) first", id="neuron-output-on-a-broken-weighted-sum"),
    pytest.param({"sigmoid": lambda z: 1.0 / (1.0 + np.exp(z))}, "sigmoid_grad", ["test_sigmoid_grad_values"],
                 "fix sigmoid (exercise 3) first", id="sigmoid-grad-on-a-broken-sigmoid"),
    pytest.param({"tanh": lambda z: np.tanh(z / 2.0)}, "tanh_grad", ["test_tanh_grad_values"],
                 "fix tanh (exercise 5) first", id="tanh-grad-on-a-broken-tanh"),
    pytest.param({"weighted_sum": lambda x, w, b: np.dot(x, w) - b}, "example", EXAMPLE,
                 "fix exercise 1 (weighted_sum) first", id="example-on-a-broken-weighted-sum"),
])
def test_a_broken_piece_is_blamed_not_the_correct_whole(broken, whole, grade_ids, message):
    """When a correct function builds on a broken earlier one, is the earlier exercise named, not the whole?"""
    overrides = dict(broken)
    if whole == "example":  # the example's values come from the broken functions, as in the notebook
        x, w, b = np.array([0.5, 0.6, 0.1]), np.array([0.2, 0.3, 0.9]), 0.5
        overrides["z_example"] = broken["weighted_sum"](x, w, b)
    failed = UNIT.assert_caught(overrides, grade_ids=grade_ids, message_contains=message)
    for outcome in failed:
        assert not any(advice in outcome.message for _, advice in unit01.MISTAKES.get(whole, []))


def test_float32_is_refused_and_named_as_the_text_says():
    """Is a float32 sigmoid refused by its visible test with float32 named (the text asks for float64)?"""
    in_float32 = lambda z: (1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float32)))).astype(np.float32)  # noqa: E731
    with pytest.raises(AssertionError, match="float32"):
        unit01.sigmoid(in_float32)
    UNIT.assert_caught({"sigmoid": quiet(in_float32)}, grade_ids=["test_sigmoid_values"], message_contains="float64")


def test_the_plain_sigmoid_counts_as_safe_and_its_warning_is_silent(recwarn):
    """Does 1 / (1 + e^(-z)), which warns at z = -1000, earn every sigmoid point without any warning escaping?"""
    plain = notebook_function("def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))", "sigmoid")
    UNIT.assert_accepted({"sigmoid": plain}, grade_ids=SIGMOID)
    assert not [w for w in recwarn.list if issubclass(w.category, RuntimeWarning)]


def test_untouched_stubs_are_only_told_they_are_not_written():
    """Does every untouched stub of the released notebook get "not written yet" and no formula?"""
    namespace = released_stubs("01_neuron")
    checks = [(unit01.weighted_sum_single, "weighted_sum"), (unit01.neuron_output, "neuron_output"),
              (unit01.sigmoid, "sigmoid"), (unit01.sigmoid_grad, "sigmoid_grad"), (unit01.tanh, "tanh"),
              (unit01.relu_grad, "relu_grad"), (unit01.leaky_relu, "leaky_relu"), (unit01.elu_grad, "elu_grad"),
              (unit01.collapse_linear_weights, "collapse_linear")]
    for check, name in checks:
        with pytest.raises(AssertionError) as failure:
            check(namespace[name])
        message = str(failure.value)
        assert message.startswith("Exercise ") and "not written yet" in message, message
        assert "=" not in message.split("not written yet")[1] and "@" not in message, message


def demo_output(needle, overrides):
    """What the (non-graded) demo cell containing ``needle`` prints, with the model answers plus ``overrides``."""
    import contextlib
    import io

    from tests.notebook_harness import source as cell_source

    cell = next(c for c in UNIT.cells if c["cell_type"] == "code" and needle in cell_source(c))
    namespace = UNIT.namespace(overrides)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(cell_source(cell), "<demo>", "exec"), namespace)
    return printed.getvalue()


def broken(*args, **kwargs):
    raise ValueError("operands could not be broadcast together")


@pytest.mark.parametrize("needle, overrides, message", [
    ("your sigmoid and sigmoid_grad", {"sigmoid": broken, "sigmoid_grad": broken}, "Finish exercise 3"),
    ("rounded as on the slide", {"z_example": None, "y_example": None}, "Finish exercise 4"),
    ("two linear layers == one layer", {"collapse_linear": broken}, "Finish exercise 9"),
], ids=["sigmoid-plot", "example-print", "collapse-check"])
def test_demo_cells_wait_for_a_broken_exercise(needle, overrides, message):
    """Does a demo cell that uses a student's answer say which exercise to finish, for any error?"""
    assert message in demo_output(needle, overrides)


def test_only_the_setup_cell_imports():
    """Does the setup cell import every name the later cells use (no cell after it imports anything)?"""
    import re

    from tests.notebook_harness import nbgrader_meta, source as cell_source

    later = [c for c in UNIT.cells if c["cell_type"] == "code" and nbgrader_meta(c).get("grade_id") != "setup"]
    imports = [line for c in later for line in cell_source(c).splitlines() if re.match(r"\s*(import|from)\s", line)]
    assert imports == []
