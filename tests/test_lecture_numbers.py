"""The source lectures' worked numbers, computed with nnlib (one test per number).

Where a slide printed a value computed from rounded intermediates, the test checks nnlib's exact
value against an independent computation at full precision, and the slide's value only to the
digits the slide carried.
"""
import math

import numpy as np

from nnlib import activations as act
from nnlib import losses
from nnlib.network import MLP
from nnlib.optim import SGD
from nnlib.tolerance import close, max_error


def rounds_to(exact, stated, decimals):
    """True when ``exact`` rounded to ``decimals`` places gives ``stated`` (within half a unit)."""
    return max_error(exact, stated) <= 0.5 * 10.0 ** -decimals


def agrees_to_printed_digits(exact, printed, decimals):
    """True when ``exact`` is within one unit of the last decimal the slide printed."""
    return max_error(exact, printed) < 10.0 ** -decimals


# --- 001: one neural unit ---------------------------------------------------------------------

def test_001_sigmoid_unit_gives_0_70475():
    """Does 001's unit (w=[0.2,0.3,0.9], b=0.5, x=[0.5,0.6,0.1], sigmoid) give 0.70475 (slide: .70)?"""
    unit = MLP([3, 1], "sigmoid")
    unit.set_weights([[[0.2, 0.3, 0.9]]], [[0.5]])
    y = unit.forward(np.array([0.5, 0.6, 0.1]))
    assert y.shape == (1,)
    assert rounds_to(float(y[0]), 0.70475, 5)
    assert close(y, [1.0 / (1.0 + math.exp(-0.87))])  # the slide's z = 0.87
    assert agrees_to_printed_digits(float(y[0]), 0.70, 2)


# --- 001: softmax example ---------------------------------------------------------------------

SOFTMAX_Z = [0.6, 1.1, -1.5, 1.2, 3.2, -1.1]
SLIDE_SOFTMAX = [(0.055, 3), (0.090, 3), (0.006, 3), (0.099, 3), (0.74, 2), (0.010, 3)]


def test_001_softmax_matches_an_independent_formula_and_sums_to_one():
    """Does softmax of 001's z equal exp(z_i)/sum exp(z_j) written out by hand, summing to 1?"""
    s = act.softmax(np.array(SOFTMAX_Z))
    total = sum(math.exp(v) for v in SOFTMAX_Z)
    assert close(s, [math.exp(v) / total for v in SOFTMAX_Z])
    assert close(s.sum(), 1.0)
    assert rounds_to(s, [0.05482541, 0.09039182, 0.00671372, 0.09989841, 0.73815494, 0.01001570], 8)


def test_001_softmax_agrees_with_the_slide_to_its_printed_digits():
    """Does each exact softmax value lie within one unit of the slide's last printed digit?

    The slide truncated two values rather than rounding them: 0.00671 is printed 0.006 and
    0.09990 is printed 0.099 (rounded they would be 0.007 and 0.100).
    """
    s = act.softmax(np.array(SOFTMAX_Z))
    for exact, (printed, decimals) in zip(s, SLIDE_SOFTMAX):
        assert agrees_to_printed_digits(float(exact), printed, decimals), (exact, printed)


# --- 001: XOR with two ReLU layers ------------------------------------------------------------

def test_001_xor_network_reproduces_the_h1_h2_y_table():
    """Does 001's network (W=[[1,1],[1,1]], b=[0,-1], ReLU, U=[1,-2], linear) give the h1, h2, y table?"""
    net = MLP([2, 2, 1], ["relu", "linear"])
    net.set_weights([[[1.0, 1.0], [1.0, 1.0]], [[1.0, -2.0]]], [[0.0, -1.0], [0.0]])
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = net.forward(X)
    assert close(net.A[1], [[0, 0], [1, 0], [1, 0], [2, 1]])  # h1, h2
    assert close(y[:, 0], [0, 1, 1, 0])  # y = XOR(x1, x2)


# --- 000: the 2-2-1 ReLU exercise -------------------------------------------------------------

def lecture_000_network():
    """000's network. Its w_ij runs from unit i to unit j (inputs 1, 2; hidden 3, 4; output 5), so
    row j of W holds the weights arriving at unit j: W1 = [[w13, w23], [w14, w24]], W2 = [[w35, w45]].
    The exercise has no biases."""
    net = MLP([2, 2, 1], "relu")
    net.set_weights([[[2.0, -3.0], [1.0, 4.0]], [[2.0, -1.0]]], [np.zeros(2), np.zeros(1)])
    return net


def test_000_exercise_output_is_10():
    """Does 000's network give output 10 for x = (1, -1), with x3 = 5 and x4 = -3?"""
    net = lecture_000_network()
    assert close(net.forward(np.array([1.0, -1.0])), [10.0])
    assert close(net.Z[0], [[5.0, -3.0]])


def test_000_exercise_one_sgd_step_gives_the_lecture_weights():
    """After one SGD step (eta = 0.1, loss ½(y - ŷ)², y = 0), are the weights those of 000?"""
    net = lecture_000_network()
    loss, dWs, dbs = net.gradients(np.array([1.0, -1.0]), np.array([0.0]), "squared_error")
    assert close(loss, 50.0)
    # the lecture's deltas: delta5 = 10, delta3 = 20, delta4 = 0
    assert close(dbs[1], [10.0]) and close(dbs[0], [20.0, 0.0])
    W1, W2 = SGD(lr=0.1).step(net.W, dWs)  # the exercise has no biases to update
    assert close(W1, [[0.0, -1.0], [1.0, 4.0]])  # w13 = 0, w23 = -1, w14 = 1, w24 = 4
    assert close(W2, [[-3.0, -1.0]])  # w35 = -3, w45 = -1


# --- 002: the 2-3-1 sigmoid network -----------------------------------------------------------

def lecture_002_network():
    """002's network. Hidden unit i computes z_i = w_i x1 + w_{i+3} x2 + b1 (a1 = s(0.2*2 + 0.8*9 + 0.1),
    a2 = s(0.6*2 + 0.3*9 + 0.1), a3 = s(0.1*2 + 0.7*9 + 0.1)), so W1 = [[w1, w4], [w2, w5], [w3, w6]];
    the output is z = w7 a1 + w8 a2 + w9 a3 + b2, so W2 = [[w7, w8, w9]]; b1 = 0.1, b2 = 0.2."""
    net = MLP([2, 3, 1], "sigmoid")
    net.set_weights([[[0.2, 0.8], [0.6, 0.3], [0.1, 0.7]], [[0.4, 0.5, 0.9]]],
                    [[0.1, 0.1, 0.1], [0.2]])
    return net


X_002, Y_002 = np.array([2.0, 9.0]), np.array([1.0])


def test_002_forward_pass_gives_0_879701():
    """Does 002's forward pass give ŷ = 0.879701 (the slide's 0.8796 used a1..a3 rounded to 4 decimals)?"""
    net = lecture_002_network()
    y_hat = net.forward(X_002)
    s = lambda v: 1.0 / (1.0 + math.exp(-v))
    a = [s(7.7), s(4.0), s(6.6)]
    assert close(y_hat, [s(0.4 * a[0] + 0.5 * a[1] + 0.9 * a[2] + 0.2)])
    assert rounds_to(float(y_hat[0]), 0.879701, 6)
    assert agrees_to_printed_digits(float(net.A[1][0, 1]), 0.9820, 4)
    assert agrees_to_printed_digits(float(net.A[1][0, 2]), 0.9986, 4)


def test_002_squared_error():
    """Is E = ½(1 - ŷ)² = 0.0072359 (the slide's 0.00724808 came from ŷ = 0.8796)?"""
    net = lecture_002_network()
    error = losses.squared_error(net.forward(X_002), Y_002)
    assert rounds_to(error, 0.0072359, 7)
    assert close(0.5 * (1 - 0.8796) ** 2, 0.00724808)


def _updated_002():
    net = lecture_002_network()
    _, dWs, dbs = net.gradients(X_002, Y_002, "squared_error")
    new = SGD(lr=0.1).step(net.get_params(), [dWs[0], dbs[0], dWs[1], dbs[1]])
    return new[0], new[2]


def test_002_new_w7_is_0_4012725():
    """After one step with eta = 0.1, is w7 = 0.4012725 (slide: 0.40127)?"""
    _, W2 = _updated_002()
    assert rounds_to(float(W2[0, 0]), 0.4012725, 7)
    assert agrees_to_printed_digits(float(W2[0, 0]), 0.40127, 5)


def test_002_new_w1_is_0_20000046():
    """After one step, is w1 = 0.20000046? (The slide's 0.20000051 took a1(1 - a1) with a1 rounded to 0.9995.)"""
    W1, _ = _updated_002()
    assert rounds_to(float(W1[0, 0]), 0.20000046, 8)
    assert agrees_to_printed_digits(float(W1[0, 0]), 0.20000051, 6)


def test_002_practice_answers_for_w2_w6_w8_w9():
    """Do w2, w6, w8, w9 after one step agree with the slide's practice answers to the digits that survive its rounding?

    Exact: w8 = 0.5012502, w9 = 0.9012714, w2 = 0.6000225, w6 = 0.7000140. The slide's w9
    (0.90127325) and w6 (0.70001444) were computed from rounded intermediates and are off in the
    6th and 7th decimal.
    """
    W1, W2 = _updated_002()
    assert agrees_to_printed_digits(float(W2[0, 1]), 0.50125, 5)  # w8
    assert agrees_to_printed_digits(float(W2[0, 2]), 0.90127325094, 5)  # w9
    assert agrees_to_printed_digits(float(W1[1, 0]), 0.60002253753, 6)  # w2
    assert agrees_to_printed_digits(float(W1[2, 1]), 0.70001443866, 6)  # w6


# --- 003: ReLU then softmax, cross-entropy ----------------------------------------------------

def lecture_003_network():
    """003's network. Its w^l_ij connects unit j of layer l-1 to unit i of layer l, which is W[i-1, j-1]."""
    net = MLP([2, 3, 3], ["relu", "softmax"])
    net.set_weights([[[1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]], [[0.0, 1.0, 0.0], [1.0, -1.0, 0.0], [0.0, 0.0, 1.0]]],
                    [np.zeros(3), np.zeros(3)])
    return net


X_003, Y_003 = np.array([1.0, 2.0]), np.array([0.0, 1.0, 0.0])


def test_003_cross_entropy_loss_is_0_407606():
    """Is 003's cross-entropy loss 0.407606 (= -log softmax([1, 2, 0])_2)?"""
    net = lecture_003_network()
    loss = losses.cross_entropy(net.forward(X_003), Y_003)
    assert close(loss, -math.log(math.exp(2) / (math.exp(1) + math.exp(2) + 1.0)))
    assert rounds_to(loss, 0.407606, 6)


def test_003_gradient_of_w1_21_is_0_579488():
    """Is ∂C/∂w¹₂₁ (first layer, to hidden unit 2 from input 1) = 0.579488?"""
    net = lecture_003_network()
    _, dWs, _ = net.gradients(X_003, Y_003, "cross_entropy")
    s = np.exp([1.0, 2.0, 0.0]) / np.exp([1.0, 2.0, 0.0]).sum()
    # hidden unit 2 feeds outputs 1 (weight 1) and 2 (weight -1); its z = 1 > 0, and x1 = 1
    assert close(dWs[0][1, 0], ((s[0] - 0.0) * 1.0 + (s[1] - 1.0) * -1.0) * 1.0)
    assert rounds_to(float(dWs[0][1, 0]), 0.579488, 6)


# --- the units' own answers reproduce the numbers they show -------------------------------------

def _unit_answers(unit):
    """The names a unit's notebook defines when every exercise holds the course's answer."""
    from tests.notebook_harness import Unit

    return Unit(unit).namespace()


def test_unit_02_xor_forward_gives_the_table_of_lecture_001():
    """Does unit 02's xor_forward, given the weights of lecture 001 (Introduction to Neural Networks), give its h1, h2, y table?"""
    xor_forward = _unit_answers("02_perceptrons")["xor_forward"]
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    H, y = xor_forward(X, np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]), np.array([1.0, -2.0]))
    assert close(H, [[0, 0], [1, 0], [1, 0], [2, 1]])
    assert close(y, [0, 1, 1, 0])


def test_unit_02_perceptron_rule_ends_at_the_or_weights_of_lecture_001():
    """Does unit 02's training loop on OR end at w = (1, 1), b = 0, the OR perceptron of lecture 001, after 1, 2, 1, 0 mistakes?"""
    answers = _unit_answers("02_perceptrons")
    w, b, errors = answers["train_perceptron"](*answers["datasets"].or_gate(), 1.0, 100)
    assert close(w, [1.0, 1.0]) and close(b, 0.0)
    assert list(errors) == [1, 2, 1, 0]


def test_unit_03_gives_y_hat_0_879701_for_lecture_002_both_ways():
    """Do unit 03's forward and forward_augmented give ŷ = 0.879701 for (2, 9) on the network of lecture 002
    (Introduction to Neural Networks for CAP4453)?"""
    answers = _unit_answers("03_feedforward")
    Ws = [np.array([[0.2, 0.8], [0.6, 0.3], [0.1, 0.7]]), np.array([[0.4, 0.5, 0.9]])]
    bs = [np.array([0.1, 0.1, 0.1]), np.array([0.2])]
    X = np.array([[2.0, 9.0]])
    _, As = answers["forward"](X, Ws, bs, [act.sigmoid, act.sigmoid])
    assert rounds_to(float(As[-1][0, 0]), 0.879701, 6)
    Ws_aug = [answers["absorb_bias"](W, b) for W, b in zip(Ws, bs)]
    assert close(answers["forward_augmented"](X, Ws_aug, [act.sigmoid, act.sigmoid]), As[-1])


def test_unit_03_softmax_gives_the_values_of_lecture_001():
    """Does unit 03's softmax give the exact softmax of the example in lecture 001 (Introduction to Neural Networks)?"""
    softmax = _unit_answers("03_feedforward")["softmax"]
    assert rounds_to(softmax(np.array(SOFTMAX_Z)), [0.05482541, 0.09039182, 0.00671372, 0.09989841, 0.73815494,
                                                   0.01001570], 8)
