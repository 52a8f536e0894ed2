"""The lectures' numbers unit 05 reproduces, each computed two ways: by plain-Python arithmetic
written here, and by what the unit uses (nnlib.exercises.unit05, nnlib.graph, the explorer).

Where a slide printed a value computed from rounded intermediates, the test shows that the
slide's value follows from those rounded intermediates, and that the exact value differs.
"""
import math

import numpy as np
import pytest

from nnlib.exercises import unit05
from nnlib.graph import lecture_example
from nnlib.tolerance import close
from nnlib.widgets.backprop import lecture_000_steps

EXACT = unit05.exact_lecture_numbers()


def sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


def rounds_to(value, stated, decimals):
    return abs(value - stated) <= 0.5 * 10.0 ** -decimals


# --- lecture 001: the computation graph L = c(a + 2b) ------------------------------------------

def test_001_graph_forward_and_backward_values():
    """Does L = c(a + 2b) at (3, 1, -2) give d = 2, e = 5, L = -10 and dL/da = -2, dL/db = -4, dL/dc = 5?"""
    nodes = lecture_example(3.0, 1.0, -2.0)
    nodes["L"].backward()
    assert [nodes[k].data for k in "deL"] == [2.0, 5.0, -10.0]
    assert [nodes[k].grad for k in "abc"] == [-2.0, -4.0, 5.0]
    assert unit05.ref_graph_gradients(3.0, 1.0, -2.0) == (-2.0, -4.0, 5.0)
    assert unit05.ref_local_derivatives(3.0, 1.0, -2.0) == {"dd_db": 2.0, "de_da": 1.0, "de_dd": 1.0,
                                                            "dL_de": -2.0, "dL_dc": 5.0}


# --- lecture 000: the 2-2-1 ReLU exercise -------------------------------------------------------

def by_hand_000(update_early=False):
    relu = lambda v: max(v, 0.0)
    step = lambda v: 1.0 if v > 0 else 0.0
    w = dict(w13=2.0, w23=-3.0, w14=1.0, w24=4.0, w35=2.0, w45=-1.0)
    x1, x2, eta = 1.0, -1.0, 0.1
    x3, x4 = x1 * w["w13"] + x2 * w["w23"], x1 * w["w14"] + x2 * w["w24"]
    y3, y4 = relu(x3), relu(x4)
    x5 = y3 * w["w35"] + y4 * w["w45"]
    y5 = relu(x5)
    d5 = (y5 - 0.0) * step(x5)
    if update_early:
        w["w35"] -= eta * d5 * y3
        w["w45"] -= eta * d5 * y4
    d3, d4 = d5 * w["w35"] * step(x3), d5 * w["w45"] * step(x4)
    new = dict(w)
    if not update_early:
        new["w35"], new["w45"] = w["w35"] - eta * d5 * y3, w["w45"] - eta * d5 * y4
    new["w13"], new["w23"] = w["w13"] - eta * d3 * x1, w["w23"] - eta * d3 * x2
    new["w14"], new["w24"] = w["w14"] - eta * d4 * x1, w["w24"] - eta * d4 * x2
    return y5, (d3, d4, d5), new


def test_000_output_is_10_and_deltas_are_20_0_10():
    """Is the output 10, with δ3 = 20, δ4 = 0, δ5 = 10, by hand and in the unit's reference?"""
    y5, deltas, _ = by_hand_000()
    assert y5 == 10.0 and deltas == (20.0, 0.0, 10.0)
    assert close(EXACT["000"]["output"], 10.0) and close(EXACT["000"]["deltas"], [20.0, 0.0, 10.0])


def test_000_updated_weights_are_the_lectures():
    """Are the weights after one step w13=0, w23=-1, w14=1, w24=4, w35=-3, w45=-1?"""
    _, _, new = by_hand_000()
    lecture = dict(w13=0.0, w23=-1.0, w14=1.0, w24=4.0, w35=-3.0, w45=-1.0)
    assert all(close(new[k], v) for k, v in lecture.items())
    W1, W2 = EXACT["000"]["new_Ws"]
    assert close(W1, [[new["w13"], new["w23"]], [new["w14"], new["w24"]]]) and close(W2, [[new["w35"], new["w45"]]])


def test_000_updating_too_early_gives_delta3_minus_30():
    """With w35 updated before δ3, is δ3 = -30 and are w13, w23 = 5, -6 (what the unit warns about)?"""
    _, deltas, new = by_hand_000(update_early=True)
    assert deltas[0] == -30.0 and (new["w13"], new["w23"]) == (5.0, -6.0)
    Ws, _ = unit05._update_too_early(*unit05.network_case(unit05.LECTURE_000), 0.1)
    assert close(Ws[0], [[5.0, -6.0], [1.0, 4.0]]) and close(Ws[1], [[-3.0, -1.0]])


@pytest.mark.parametrize("early", [False, True], ids=["old-weights", "updated-too-early"])
def test_000_explorer_steps_match_the_hand_computation(early):
    """Does the explorer's walk-through show the same output, δ's and final weights as the hand computation?"""
    y5, deltas, new = by_hand_000(update_early=early)
    last = lecture_000_steps(update_early=early)[-1]
    assert last.y[5] == y5 and (last.delta[3], last.delta[4], last.delta[5]) == deltas
    assert all(close(last.weights[k], v) for k, v in new.items())
    assert last.loss == 50.0


# --- lecture 002: the 2-3-1 sigmoid network -----------------------------------------------------

def by_hand_002(a_rounded=None, out_factors=None):
    """Lecture 002's step at full precision, or with the slide's rounded intermediates."""
    x1, x2 = 2.0, 9.0
    w = dict(w1=0.2, w2=0.6, w3=0.1, w4=0.8, w5=0.3, w6=0.7, w7=0.4, w8=0.5, w9=0.9)
    z = [w["w1"] * x1 + w["w4"] * x2 + 0.1, w["w2"] * x1 + w["w5"] * x2 + 0.1, w["w3"] * x1 + w["w6"] * x2 + 0.1]
    a = [sigmoid(v) for v in z] if a_rounded is None else list(a_rounded)
    out = sigmoid(w["w7"] * a[0] + w["w8"] * a[1] + w["w9"] * a[2] + 0.2)
    dE_dz = -(1 - out) * out * (1 - out) if out_factors is None else out_factors[0] * out_factors[1]
    grads = {"w7": dE_dz * a[0], "w8": dE_dz * a[1], "w9": dE_dz * a[2]}
    for k, (wi, wo) in enumerate((("w1", "w4"), ("w2", "w5"), ("w3", "w6"))):
        delta = dE_dz * w[f"w{7 + k}"] * a[k] * (1 - a[k])
        grads[wi], grads[wo] = delta * x1, delta * x2
    new = {k: w[k] - 0.1 * g for k, g in grads.items()}
    return out, grads, new


def test_002_gradient_and_new_w7():
    """Is dE/dw7 = -0.0127251 (slide -0.0127) and the new w7 = 0.4012725 (slide 0.40127)?"""
    _, grads, new = by_hand_002()
    assert rounds_to(grads["w7"], -0.0127251, 7) and rounds_to(new["w7"], 0.4012725, 7)
    assert close(EXACT["002"]["grad_w7"], grads["w7"]) and close(EXACT["002"]["new_w7"], new["w7"])
    assert rounds_to(new["w7"], 0.40127, 5) and rounds_to(grads["w7"], -0.0127, 4)


def test_002_gradient_and_new_w1_and_the_slides_rounding():
    """Is dE/dw1 = -4.6077e-6 and new w1 = 0.20000046, while the slide's chain (a1 = 0.9995) gives 0.20000051?"""
    _, grads, new = by_hand_002()
    assert rounds_to(grads["w1"], -4.6077e-6, 10) and rounds_to(new["w1"], 0.20000046, 8)
    assert close(EXACT["002"]["grad_w1"], grads["w1"]) and close(EXACT["002"]["new_w1"], new["w1"])
    slide_grad = -0.0051 * (0.9995 * (1 - 0.9995)) * 2.0      # the slide's factors
    assert rounds_to(slide_grad, -5.097e-6, 9) and rounds_to(0.2 - 0.1 * slide_grad, 0.20000051, 8)
    assert not rounds_to(new["w1"], 0.20000051, 8)


def test_002_practice_answers_exact_and_from_the_slides_rounded_values():
    """Are w2, w6, w8, w9 exactly 0.6000225, 0.7000140, 0.5012502, 0.9012714, and the slide's values those
    of its rounded intermediates (dE/dz = -0.1204·0.1059, a2 = 0.9820, a3 = 0.9986)?"""
    _, _, new = by_hand_002()
    exact = {"w2": 0.6000225, "w6": 0.7000140, "w8": 0.5012502, "w9": 0.9012714}
    for k, v in exact.items():
        assert rounds_to(new[k], v, 7), k
        assert close(EXACT["002"][f"new_{k}"], new[k])
    _, _, rounded = by_hand_002(a_rounded=(0.9995, 0.9820, 0.9986), out_factors=(-0.1204, 0.1059))
    slide = {"w2": 0.60002253753, "w6": 0.70001443866, "w8": 0.50125, "w9": 0.90127325094}
    for k, v in slide.items():
        assert abs(rounded[k] - v) < 2e-11 if k != "w8" else rounds_to(rounded[k], v, 5), k
    assert not rounds_to(new["w6"], 0.70001443866, 7) and not rounds_to(new["w9"], 0.90127325094, 7)


# --- lecture 003: ReLU then softmax, cross-entropy ---------------------------------------------

def test_003_cross_entropy_and_gradient_of_w1_21():
    """Is the cross-entropy 0.407606 (0.4076) and dC/dw¹₂₁ = 0.579488 (0.5795)?"""
    z2 = [1.0, 2.0, 0.0]                          # W2 a1 with a1 = ReLU(W1 x) = (3, 1, 0)
    total = sum(math.exp(v) for v in z2)
    s = [math.exp(v) / total for v in z2]
    loss = -math.log(s[1])
    # hidden unit 2 (z = 1 > 0) feeds output 1 with weight 1 and output 2 with weight -1; x1 = 1
    grad = (s[0] - 0.0) * 1.0 + (s[1] - 1.0) * -1.0 + (s[2] - 0.0) * 0.0
    assert rounds_to(loss, 0.407606, 6) and rounds_to(loss, 0.4076, 4)
    assert rounds_to(grad, 0.579488, 6) and rounds_to(grad, 0.5795, 4)
    assert close(EXACT["003"]["loss"], loss) and close(EXACT["003"]["grad_w1_21"], grad)


# --- lecture 004: the growth of the partial derivatives -----------------------------------------

def chain_rule_factors(sizes):
    """The notebook's count: per weight of layer l, prod(N_k, k > l) paths of 3 + 2(L - l) factors."""
    L = len(sizes) - 1
    return sum(sizes[l] * sizes[l - 1] * int(np.prod(sizes[l + 1:])) * (3 + 2 * (L - l)) for l in range(1, L + 1))


def test_004_partial_derivative_counts_are_8_and_52():
    """Does writing the chain rule out per weight give lecture 004's 8 (1-1-1) and 52 (2-2-2) partial derivatives?"""
    assert chain_rule_factors([1, 1, 1]) == 8
    assert chain_rule_factors([2, 2, 2]) == 52
