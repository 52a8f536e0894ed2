"""Unit 05's grade cells against a catalogue of typical wrong answers and of other right answers.

Each wrong answer replaces one name in the namespace the grade cells see (the reference answers
otherwise); the test proves that a grade cell of that exercise fails with a message naming the
mistake. Each right answer written another way must pass every grade cell. Rule breakers must lose
exactly the rule's cell.
"""
import numpy as np
import pytest

from nnlib import activations
from nnlib.exercises import unit05
from tests.notebook_harness import Unit
from tests.unit_checks import run_all_released

UNIT = Unit("05_backprop")

GRAPH_CELLS = ["test_local_derivatives", "test_graph_gradients"]
ACTIVATION_CELLS = ["test_activation_backward_relu_linear", "test_activation_backward_sigmoid_tanh",
                    "test_activation_backward_softmax", "test_activation_backward_rules"]
DENSE_CELLS = ["test_dense_backward_dW", "test_dense_backward_db", "test_dense_backward_dA_prev"]
BACKPROP_CELLS = ["test_backprop_lectures", "test_backprop_batches"]
CHECK_CELLS = ["test_numerical_gradient", "test_relative_error", "test_gradient_check",
               "test_own_backprop_passes_gradient_check"]
LECTURE_CELLS = ["test_lecture_000_numbers", "test_lecture_002_numbers", "test_lecture_003_numbers"]


def failed_cells(overrides, grade_ids=None):
    return sorted(o.grade_id for o in UNIT.run(grade_ids, overrides).values() if not o.passed)


# ---------------------------------------------------------------- exercise 1: the graph
def local_swapped(a, b, c):
    return {"dd_db": 2.0, "de_da": 1.0, "de_dd": 1.0, "dL_de": a + 2 * b, "dL_dc": c}


def local_d_is_b(a, b, c):
    return {"dd_db": b, "de_da": 1.0, "de_dd": 1.0, "dL_de": c, "dL_dc": a + 2 * b}


def local_missing_key(a, b, c):
    return {"dd_db": 2.0, "de_da": 1.0, "dL_de": c, "dL_dc": a + 2 * b}


def gradients_forgot_the_2(a, b, c):
    return c, c, a + 2 * b


def gradients_local_only(a, b, c):
    return 1.0, 2.0, a + 2 * b


@pytest.mark.parametrize("name, wrong, cell, message", [
    ("local_derivatives", local_swapped, "test_local_derivatives", "OTHER factor"),
    ("local_derivatives", local_d_is_b, "test_local_derivatives", "constant 2"),
    ("local_derivatives", local_missing_key, "test_local_derivatives", "no key 'de_dd'"),
    ("graph_gradients", gradients_forgot_the_2, "test_graph_gradients", "d = 2b"),
    ("graph_gradients", gradients_local_only, "test_graph_gradients", "whole path"),
])
def test_wrong_graph_answer_is_caught(name, wrong, cell, message):
    """Do the graph cells reject this typical mistake and say what it is?"""
    UNIT.assert_caught({name: wrong}, grade_ids=[cell], message_contains=message)


def test_wrong_local_derivatives_is_named_before_graph_gradients():
    """When local_derivatives is wrong, does graph_gradients' cell say to fix exercise 1a first?"""
    UNIT.assert_caught({"local_derivatives": local_swapped}, grade_ids=["test_graph_gradients"],
                       message_contains="Fix exercise 1a (local_derivatives) first")


def local_with_numpy(a, b, c):
    values = np.array([2.0, 1.0, 1.0, c, a + 2.0 * b])
    return dict(zip(["dd_db", "de_da", "de_dd", "dL_de", "dL_dc"], values))


def local_with_ints(a, b, c):
    e = a + 2 * b
    return {"dL_dc": e, "dL_de": c, "de_dd": 1, "de_da": 1, "dd_db": 2}


def gradients_inline(a, b, c):
    return float(c), float(2 * c), float(a + 2 * b)


def gradients_with_nnlib_graph(a, b, c):
    from nnlib.graph import Value
    va, vb, vc = Value(a), Value(b), Value(c)
    out = vc * (va + 2 * vb)
    out.backward()
    return va.grad, vb.grad, vc.grad


@pytest.mark.parametrize("overrides", [{"local_derivatives": local_with_numpy},
                                       {"local_derivatives": local_with_ints},
                                       {"graph_gradients": gradients_inline},
                                       {"graph_gradients": gradients_with_nnlib_graph}],
                         ids=["local-numpy-values", "local-ints-other-order", "gradients-inline",
                              "gradients-value-graph"])
def test_other_right_graph_answers_earn_full_marks(overrides):
    """Do right graph answers written another way pass every grade cell?"""
    UNIT.assert_accepted(overrides, grade_ids=GRAPH_CELLS)


# ---------------------------------------------------------------- exercise 2: activations
def _elementwise(derivative):
    def wrong(dA, Z, name):
        dA, Z = np.asarray(dA, float), np.asarray(Z, float)
        if name == "softmax":
            S = activations.softmax(Z)
            return S * (dA - np.sum(dA * S, axis=-1, keepdims=True))
        return derivative(dA, Z, name)
    return wrong


def _right(dA, Z, name):
    return unit05.ref_activation_backward(dA, Z, name)


def relu_at_zero_is_one(dA, Z, name):
    return dA * (np.asarray(Z) >= 0) if name == "relu" else _right(dA, Z, name)


def sigmoid_at_output(dA, Z, name):
    if name == "sigmoid":
        a = activations.sigmoid(Z)
        return dA * activations.sigmoid(a) * (1 - activations.sigmoid(a))
    return _right(dA, Z, name)


def sigmoid_a_times_one_minus_a_with_z(dA, Z, name):
    return dA * Z * (1 - Z) if name == "sigmoid" else _right(dA, Z, name)


def tanh_at_output(dA, Z, name):
    return dA * (1 - np.tanh(np.tanh(Z)) ** 2) if name == "tanh" else _right(dA, Z, name)


def softmax_diagonal_only(dA, Z, name):
    if name == "softmax":
        S = activations.softmax(Z)
        return dA * S * (1 - S)
    return _right(dA, Z, name)


def softmax_sum_over_batch(dA, Z, name):
    if name == "softmax":
        S = activations.softmax(Z)
        return S * (dA - np.sum(dA * S, axis=0, keepdims=True))
    return _right(dA, Z, name)


def forgot_upstream(dA, Z, name):
    return activations.sigmoid(Z) * (1 - activations.sigmoid(Z)) if name == "sigmoid" else _right(dA, Z, name)


@pytest.mark.parametrize("wrong, cell, message", [
    (relu_at_zero_is_one, "test_activation_backward_relu_linear", "ReLU'(0) = 0"),
    (sigmoid_at_output, "test_activation_backward_sigmoid_tanh", "at the output"),
    (sigmoid_a_times_one_minus_a_with_z, "test_activation_backward_sigmoid_tanh", "you used z itself"),
    (tanh_at_output, "test_activation_backward_sigmoid_tanh", "at the output"),
    (forgot_upstream, "test_activation_backward_sigmoid_tanh", "multiply by the incoming gradient"),
    (softmax_diagonal_only, "test_activation_backward_softmax", "not diagonal"),
    (softmax_sum_over_batch, "test_activation_backward_softmax", "each row"),
], ids=["relu-prime-at-0", "sigmoid-at-output", "sigmoid-a(1-a)-with-z", "tanh-at-output", "forgot-dA",
        "softmax-diagonal", "softmax-sum-over-batch"])
def test_wrong_activation_backward_is_caught(wrong, cell, message):
    """Does the right activation cell reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"activation_backward": wrong}, grade_ids=[cell], message_contains=message)


def test_one_wrong_activation_costs_only_its_own_cell():
    """Does a wrong sigmoid derivative lose the sigmoid/tanh cell only, not the relu or softmax cells?"""
    assert failed_cells({"activation_backward": sigmoid_at_output}, ACTIVATION_CELLS) == [
        "test_activation_backward_sigmoid_tanh"]


def activation_from_registry(dA, Z, name):
    """Right values, but nnlib's ready-made derivatives: breaks exercise 2's rule."""
    if name == "softmax":
        return np.einsum("mij,mi->mj", np.stack([activations.softmax_jacobian(z) for z in np.asarray(Z)]),
                         np.asarray(dA, float))
    return np.asarray(dA) * activations.get_activation(name)[1](Z)


def _sigmoid_helper_grad(Z):
    return activations.sigmoid_grad(Z)  # hidden one call away


def activation_grad_in_a_helper(dA, Z, name):
    if name == "sigmoid":
        return np.asarray(dA) * _sigmoid_helper_grad(Z)
    return unit05.ref_activation_backward(dA, Z, name)


def test_ready_made_derivatives_lose_exactly_the_rule_cell():
    """Does an activation_backward built on nnlib's derivatives lose the rule cell and nothing else?"""
    assert failed_cells({"activation_backward": activation_from_registry}) == ["test_activation_backward_rules"]


def test_the_rule_follows_helpers():
    """Is nnlib's sigmoid_grad found when a notebook helper calls it?"""
    UNIT.assert_caught({"activation_backward": activation_grad_in_a_helper,
                        "_sigmoid_helper_grad": _sigmoid_helper_grad},
                       grade_ids=["test_activation_backward_rules"], message_contains="sigmoid_grad")


def sigmoid_grad(Z):
    """A student's own helper that happens to share nnlib's name."""
    s = 1.0 / (1.0 + np.exp(-np.clip(Z, -500, 500)))
    return s * (1.0 - s)


def activation_with_own_sigmoid_grad(dA, Z, name):
    if name == "sigmoid":
        return np.asarray(dA) * sigmoid_grad(Z)
    return activation_by_outputs(dA, Z, name)


def test_own_helper_named_like_nnlibs_derivative_keeps_the_rule_point():
    """Does a student's own function called sigmoid_grad pass the rule (only nnlib's is refused)?"""
    UNIT.assert_accepted({"activation_backward": activation_with_own_sigmoid_grad, "sigmoid_grad": sigmoid_grad})


def activation_explicit_jacobian(dA, Z, name):
    """Each row's softmax Jacobian built by hand, diag(s) - s s^T, and applied to dA."""
    dA, Z = np.asarray(dA, float), np.asarray(Z, float)
    if name != "softmax":
        return activation_by_outputs(dA, Z, name)
    S = np.exp(Z - Z.max(axis=1, keepdims=True))
    S /= S.sum(axis=1, keepdims=True)
    jacobians = S[:, :, None] * np.eye(S.shape[1])[None] - S[:, :, None] * S[:, None, :]
    return np.einsum("mij,mi->mj", jacobians, dA)


def activation_by_outputs(dA, Z, name):
    """Derivatives written with the outputs a = f(z), as the lectures write them."""
    dA = np.asarray(dA, dtype=float)
    if name == "linear":
        return dA * 1.0
    if name == "relu":
        return np.where(np.asarray(Z) > 0, dA, 0.0)
    if name == "sigmoid":
        a = 1.0 / (1.0 + np.exp(-np.clip(Z, -500, 500)))
        return dA * a * (1.0 - a)
    if name == "tanh":
        a = np.tanh(Z)
        return dA * (1.0 - a ** 2)
    S = activations.softmax(Z)
    return S * dA - S * (S * dA).sum(axis=1)[:, None]


@pytest.mark.parametrize("right", [activation_explicit_jacobian, activation_by_outputs],
                         ids=["explicit-jacobian", "written-with-outputs"])
def test_other_right_activation_backward_earns_full_marks(right):
    """Does a right activation_backward written another way pass every grade cell?"""
    UNIT.assert_accepted({"activation_backward": right})


# ---------------------------------------------------------------- exercise 3: one dense layer
def dense_transposed_dW(dZ, A_prev, W):
    return dZ @ W, A_prev.T @ dZ, dZ.sum(axis=0)


def dense_extra_1_over_m(dZ, A_prev, W):
    return dZ @ W, dZ.T @ A_prev / len(dZ), dZ.sum(axis=0)


def dense_db_mean(dZ, A_prev, W):
    return dZ @ W, dZ.T @ A_prev, dZ.mean(axis=0)


def dense_db_wrong_axis(dZ, A_prev, W):
    return dZ @ W, dZ.T @ A_prev, dZ.sum(axis=1)


def dense_db_forgotten(dZ, A_prev, W):
    return dZ @ W, dZ.T @ A_prev


def dense_db_column(dZ, A_prev, W):
    return dZ @ W, dZ.T @ A_prev, dZ.sum(axis=0).reshape(-1, 1)


def dense_dA_transposed_W(dZ, A_prev, W):
    return dZ @ W.T, dZ.T @ A_prev, dZ.sum(axis=0)


def dense_with_loop(dZ, A_prev, W):
    dW = np.zeros_like(np.asarray(W, float))
    for z_row, a_row in zip(dZ, A_prev):
        dW += np.outer(z_row, a_row)
    return dZ @ W, dW, dZ.sum(axis=0)


@pytest.mark.parametrize("wrong, cell, message", [
    (dense_transposed_dW, "test_dense_backward_dW", "transposed"),
    (dense_extra_1_over_m, "test_dense_backward_dW", "divided by m again"),
    (dense_db_mean, "test_dense_backward_db", "SUM of dZ"),
    (dense_db_wrong_axis, "test_dense_backward_db", "wrong axis"),
    (dense_db_forgotten, "test_dense_backward_db", "forget the bias gradient"),
    (dense_db_column, "test_dense_backward_db", "broadcasts wrongly"),
    (dense_dA_transposed_W, "test_dense_backward_dA_prev", "W is transposed"),
    (dense_dA_transposed_W, "test_dense_backward_dW", "dA_prev = dZ @ W"),
], ids=["dW-transposed", "extra-1/m", "db-mean-not-sum", "db-wrong-axis", "db-forgotten", "db-(n,1)",
        "dA-prev-transposed-W", "crash-named-in-the-dW-cell"])
def test_wrong_dense_backward_is_caught(wrong, cell, message):
    """Does the right dense_backward cell reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"dense_backward": wrong}, grade_ids=[cell], message_contains=message)


def test_dense_backward_with_a_loop_loses_exactly_the_rule_cell():
    """Does a right dense_backward written with a loop lose the rules cell and nothing else?"""
    assert failed_cells({"dense_backward": dense_with_loop}) == ["test_dense_backward_rules"]


def dense_einsum(dZ, A_prev, W):
    return (np.einsum("mi,ij->mj", dZ, W), np.einsum("mi,mj->ij", dZ, A_prev),
            np.einsum("mi->i", dZ))


def dense_transposes(dZ, A_prev, W):
    dZ = np.array(dZ, dtype=float)
    return (W.T @ dZ.T).T, (A_prev.T @ dZ).T, np.ones(len(dZ)) @ dZ


@pytest.mark.parametrize("right", [dense_einsum, dense_transposes], ids=["einsum", "transposed-products"])
def test_other_right_dense_backward_earns_full_marks(right):
    """Does a right dense_backward written another way pass every grade cell?"""
    UNIT.assert_accepted({"dense_backward": right})


# ---------------------------------------------------------------- exercise 4: cost and backprop
def _forward(X, Ws, bs, names):
    A = np.asarray(X, float)
    for W, b, name in zip(Ws, bs, names):
        A = activations.get_activation(name)[0](A @ W.T + b)
    return A


def cost_sum_not_mean(X, Y, Ws, bs, names, loss):
    A = _forward(X, Ws, bs, names)
    if loss == "cross_entropy":
        return float(-np.sum(Y * np.log(A)))
    return float(np.sum((A - Y) ** 2) / 2)


def cost_without_half(X, Y, Ws, bs, names, loss):
    A = _forward(X, Ws, bs, names)
    if loss == "cross_entropy":
        return float(-np.sum(Y * np.log(A)) / len(A))
    return float(np.sum((A - Y) ** 2) / len(A))


def cost_raveled_target(X, Y, Ws, bs, names, loss):
    A = _forward(X, Ws, bs, names)
    if loss == "cross_entropy":
        return float(-np.sum(Y * np.log(A)) / len(A))
    return float(np.sum((A - np.ravel(Y)) ** 2) / (2 * len(A)))


@pytest.mark.parametrize("wrong, message", [
    (cost_sum_not_mean, "SUM over the samples"),
    (cost_without_half, "factor ½"),
    (cost_raveled_target, "broadcast into an (m, m) matrix"),
], ids=["sum-not-mean", "no-half", "broadcast-(n,)-(n,1)"])
def test_wrong_cost_is_caught(wrong, message):
    """Does the cost cell reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"cost": wrong}, grade_ids=["test_cost"], message_contains=message)


def _forward_keep(X, Ws, bs, names):
    A = np.asarray(X, float)
    Zs, As = [], [A]
    for W, b, name in zip(Ws, bs, names):
        Z = A @ W.T + b
        A = activations.get_activation(name)[0](Z)
        Zs.append(Z)
        As.append(A)
    return Zs, As


def make_backprop(extra_m=False, at_output=False, wrong_W=False, db_axis=0,
                  db_missing=False, transposed_dW=False, ravel_Y=False, no_output_grad=False,
                  softmax_twice=False):
    """A hand-written backprop with the chosen mistake(s)."""
    def backprop(X, Y, Ws, bs, names, loss):
        Zs, As = _forward_keep(X, Ws, bs, names)
        m = len(X)
        target = np.ravel(Y) if ravel_Y else np.asarray(Y, float)
        delta = (As[-1] - target) / m
        if loss != "cross_entropy" and not no_output_grad:
            delta = delta * activations.get_activation(names[-1])[1](As[-1] if at_output else Zs[-1])
        if loss == "cross_entropy" and softmax_twice:
            delta = delta * As[-1] * (1 - As[-1])
        dWs, dbs = [None] * len(Ws), [None] * len(Ws)
        for l in range(len(Ws) - 1, -1, -1):
            dWs[l] = As[l].T @ delta if transposed_dW else delta.T @ As[l]
            if extra_m:
                dWs[l] = dWs[l] / m
            dbs[l] = None if db_missing else delta.sum(axis=db_axis) / (m if extra_m else 1)
            if l > 0:
                W_used = Ws[l - 1] if wrong_W else Ws[l]
                point = As[l] if at_output else Zs[l - 1]
                delta = (delta @ W_used) * activations.get_activation(names[l - 1])[1](point)
        return dWs, dbs
    return backprop


@pytest.mark.parametrize("wrong, cell, message", [
    (make_backprop(extra_m=True), "test_backprop_batches", "too small"),
    (make_backprop(at_output=True), "test_backprop_batches", "output A instead of its input Z"),
    (make_backprop(wrong_W=True), "test_backprop_batches", "wrong weights"),
    (make_backprop(db_axis=1), "test_backprop_batches", "over the samples (axis=0)"),
    (make_backprop(db_missing=True), "test_backprop_lectures", "returned None"),
    (make_backprop(transposed_dW=True), "test_backprop_lectures", "transposed"),
    (make_backprop(ravel_Y=True), "test_backprop_batches", "(m,) against (m, 1)"),
    (make_backprop(no_output_grad=True), "test_backprop_lectures", "output activation's derivative"),
    (make_backprop(softmax_twice=True), "test_backprop_lectures", "do not multiply by the softmax"),
], ids=["extra-1/m", "f-prime-at-A", "delta-times-wrong-W", "db-wrong-axis", "db-forgotten", "dW-transposed",
        "broadcast-(n,)-(n,1)", "no-output-derivative", "softmax-derivative-twice"])
def test_wrong_backprop_is_caught(wrong, cell, message):
    """Does a backprop cell reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"backprop": wrong}, grade_ids=[cell], message_contains=message)


def backprop_missing_1_over_m(X, Y, Ws, bs, names, loss):
    m = len(X)
    dWs, dbs = make_backprop()(X, Y, Ws, bs, names, loss)
    return [m * g for g in dWs], [m * g for g in dbs]


def test_backprop_missing_1_over_m_is_caught_on_batches_only():
    """Is a missing 1/m (the gradient of the sum, not the mean) named on batches, where it matters?"""
    UNIT.assert_caught({"backprop": backprop_missing_1_over_m}, grade_ids=["test_backprop_batches"],
                       message_contains="sum instead of mean")
    assert UNIT.run(["test_backprop_lectures"], {"backprop": backprop_missing_1_over_m})[
        "test_backprop_lectures"].passed  # one sample: m = 1, nothing to lose there


def test_backprop_built_on_a_wrong_piece_is_told_to_fix_that_piece():
    """When dense_backward is wrong, do the backprop cells say to fix exercise 3 first?"""
    UNIT.assert_caught({"dense_backward": dense_db_mean}, grade_ids=BACKPROP_CELLS,
                       message_contains="Fix dense_backward (exercise 3) first")


def backprop_with_mlp(X, Y, Ws, bs, names, loss):
    from nnlib.network import MLP
    net = MLP([np.shape(Ws[0])[1]] + [np.shape(W)[0] for W in Ws], names)
    net.set_weights(Ws, bs)
    pair = (lambda y_hat, y: 0.0, lambda y_hat, y: (y_hat - y) / len(y_hat))
    _, dWs, dbs = net.gradients(X, Y, "cross_entropy" if loss == "cross_entropy" else pair)
    return dWs, dbs


def test_backprop_with_nnlib_loses_exactly_the_rule_cell():
    """Does a backprop that calls nnlib's MLP lose the rules cell and nothing else?"""
    assert failed_cells({"backprop": backprop_with_mlp}) == ["test_backprop_rules"]


def backprop_columns(X, Y, Ws, bs, names, loss):
    """Samples as columns inside, as lecture 003 writes it: delta^l = f'(z^l) * W^(l+1)^T delta^(l+1)."""
    A = np.asarray(X, float).T
    Zs, As = [], [A]
    for W, b, name in zip(Ws, bs, names):
        Z = W @ A + b[:, None]
        A = activations.softmax(Z, axis=0) if name == "softmax" else activations.get_activation(name)[0](Z)
        Zs.append(Z)
        As.append(A)
    m = A.shape[1]
    delta = (A - np.asarray(Y, float).T) / m
    if loss != "cross_entropy":
        delta = delta * activations.get_activation(names[-1])[1](Zs[-1])
    dWs, dbs = [], []
    for l in range(len(Ws) - 1, -1, -1):
        dWs.insert(0, delta @ As[l].T)
        dbs.insert(0, delta.sum(axis=1))
        if l:
            delta = activations.get_activation(names[l - 1])[1](Zs[l - 1]) * (Ws[l].T @ delta)
    return dWs, dbs


def backprop_through_softmax_jacobian(X, Y, Ws, bs, names, loss):
    """The cross-entropy's gradient -y/(m y_hat) pushed through the softmax Jacobian, via the pieces."""
    Zs, As = _forward_keep(X, Ws, bs, names)
    m = len(X)
    Y = np.asarray(Y, float)
    dA = -Y / (m * As[-1]) if loss == "cross_entropy" else (As[-1] - Y) / m
    ns = UNIT_NAMESPACE
    dZ = ns["activation_backward"](dA, Zs[-1], names[-1])
    dWs, dbs = [None] * len(Ws), [None] * len(Ws)
    for l in reversed(range(len(Ws))):
        dA_prev, dWs[l], dbs[l] = ns["dense_backward"](dZ, As[l], Ws[l])
        if l:
            dZ = ns["activation_backward"](dA_prev, Zs[l - 1], names[l - 1])
    return tuple(dWs), tuple(dbs)


UNIT_NAMESPACE = UNIT.namespace()


@pytest.mark.parametrize("right", [backprop_columns, backprop_through_softmax_jacobian],
                         ids=["samples-as-columns", "through-the-softmax-jacobian"])
def test_other_right_backprop_earns_full_marks(right):
    """Does a right backprop written another way pass every grade cell (rules included)?"""
    UNIT.assert_accepted({"backprop": right})


def cost_per_sample_mean(X, Y, Ws, bs, names, loss):
    A = _forward(X, Ws, bs, names)
    Y = np.asarray(Y, float)
    per_sample = (-np.sum(Y * np.log(A), axis=1) if loss == "cross_entropy"
                  else 0.5 * np.sum((A - Y) ** 2, axis=1))
    return per_sample.mean()


def cost_log_softmax(X, Y, Ws, bs, names, loss):
    A = np.asarray(X, float)
    for W, b, name in zip(Ws[:-1], bs[:-1], names[:-1]):
        A = activations.get_activation(name)[0](A @ W.T + b)
    Z = A @ Ws[-1].T + bs[-1]
    if loss == "cross_entropy":
        shifted = Z - Z.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return float(-(Y * log_p).sum() / len(Z))
    out = activations.get_activation(names[-1])[0](Z)
    return float(np.mean(np.sum((out - Y) ** 2, axis=1)) / 2)


@pytest.mark.parametrize("right", [cost_per_sample_mean, cost_log_softmax], ids=["per-sample-mean", "log-softmax"])
def test_other_right_cost_earns_full_marks(right):
    """Does a right cost written another way pass every grade cell?"""
    UNIT.assert_accepted({"cost": right})


# ---------------------------------------------------------------- exercise 5: gradient checking
def numerical_one_sided(f, x, eps=1e-5):
    x = np.array(x, float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = x.copy()
        step[i] += eps
        grad[i] = (f(step) - f(x)) / eps
    return grad


def numerical_divides_by_eps(f, x, eps=1e-5):
    x = np.array(x, float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (f(up) - f(down)) / eps
    return grad


def numerical_all_at_once(f, x, eps=1e-5):
    x = np.asarray(x, float)
    return np.full(x.shape, (f(x + eps) - f(x - eps)) / (2 * eps))


def numerical_not_restored(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = f(x)
        x[i] -= 2 * eps
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


@pytest.mark.parametrize("wrong, message", [
    (numerical_one_sided, "one-sided"),
    (numerical_divides_by_eps, "2ε"),
    (numerical_all_at_once, "ONE entry"),
    (numerical_not_restored, "in place"),
], ids=["one-sided", "divides-by-eps", "all-entries-at-once", "input-not-restored"])
def test_wrong_numerical_gradient_is_caught(wrong, message):
    """Does the numerical_gradient cell reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"numerical_gradient": wrong}, grade_ids=["test_numerical_gradient"], message_contains=message)


def relative_absolute(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


def relative_to_b_only(a, b):
    return float(np.max(np.abs(np.asarray(a) - b)) / np.max(np.abs(b)))


def relative_no_floor(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / np.max(np.abs(a) + np.abs(b)))


@pytest.mark.parametrize("wrong, message", [
    (relative_absolute, "absolute error"),
    (relative_to_b_only, "BOTH arrays"),
    (relative_no_floor, "two zero arrays"),
], ids=["absolute-error", "relative-to-b-only", "no-floor-nan"])
def test_wrong_relative_error_is_caught(wrong, message):
    """Does the relative_error cell reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"relative_error": wrong}, grade_ids=["test_relative_error"], message_contains=message)


def _gradient_check_with(numerical, compare, arrays="all"):
    def gradient_check(X, Y, Ws, bs, names, loss, dWs, dbs, eps=1e-5):
        cost = UNIT_NAMESPACE["cost"]
        worst = 0.0
        for l in range(len(Ws)):
            pairs = [("W", dWs[l]), ("b", dbs[l])] if arrays == "all" else [("W", dWs[l])]
            if arrays == "last" and l < len(Ws) - 1:
                continue
            for which, given in pairs:
                def at(value, l=l, which=which):
                    Ws_, bs_ = list(Ws), list(bs)
                    (Ws_ if which == "W" else bs_)[l] = value
                    return cost(X, Y, Ws_, bs_, names, loss)
                worst = max(worst, compare(given, numerical(at, Ws[l] if which == "W" else bs[l], eps)))
        return worst
    return gradient_check


def _rel(a, b):
    return unit05.gradcheck.rel_error(a, b)


@pytest.mark.parametrize("wrong, message", [
    (_gradient_check_with(unit05.gradcheck.numerical_gradient, relative_absolute), "absolute error"),
    (_gradient_check_with(numerical_one_sided, _rel), "one-sided difference"),
    (_gradient_check_with(unit05.gradcheck.numerical_gradient, _rel, arrays="W"), "EVERY parameter array"),
    (_gradient_check_with(unit05.gradcheck.numerical_gradient, _rel, arrays="last"), "EVERY parameter array"),
], ids=["absolute-error", "one-sided-difference", "weights-only", "last-layer-only"])
def test_wrong_gradient_check_is_caught(wrong, message):
    """Does the gradient_check cell reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"gradient_check": wrong}, grade_ids=["test_gradient_check"], message_contains=message)


def test_gradient_check_on_a_one_sided_numerical_gradient_names_exercise_5a():
    """When numerical_gradient is one-sided, does the gradient_check cell send the student to exercise 5a?"""
    UNIT.assert_caught({"numerical_gradient": numerical_one_sided}, grade_ids=["test_gradient_check"],
                       message_contains="Fix numerical_gradient (exercise 5a) first")


def test_own_backprop_with_a_bug_fails_the_own_gradient_check():
    """Does the student's own gradient check, run on a buggy backprop, fail and name exercise 4?"""
    UNIT.assert_caught({"backprop": make_backprop(at_output=True)},
                       grade_ids=["test_own_backprop_passes_gradient_check"], message_contains="Fix exercise 4 (backprop) first")


def numerical_flat_index(f, x, eps=1e-5):
    x = np.asarray(x, dtype=float)
    flat = x.ravel().copy()
    grad = np.empty_like(flat)
    for i in range(flat.size):
        step = np.zeros_like(flat)
        step[i] = eps
        grad[i] = (f((flat + step).reshape(x.shape)) - f((flat - step).reshape(x.shape))) / (2 * eps)
    return grad.reshape(x.shape)


def numerical_nditer(f, x, eps=1e-5):
    work = np.array(x, dtype=float)
    grad = np.zeros_like(work)
    it = np.nditer(work, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        i = it.multi_index
        keep = work[i]
        work[i] = keep + eps
        up = f(work)
        work[i] = keep - eps
        down = f(work)
        work[i] = keep
        grad[i] = (up - down) / (2 * eps)
        it.iternext()
    return grad


@pytest.mark.parametrize("right", [numerical_flat_index, numerical_nditer], ids=["flat-index", "nditer"])
def test_other_right_numerical_gradient_earns_full_marks(right):
    """Does a right numerical_gradient written another way pass every grade cell?"""
    UNIT.assert_accepted({"numerical_gradient": right})


def relative_with_norms(a, b):
    a, b = np.ravel(np.asarray(a, float)), np.ravel(np.asarray(b, float))
    return np.linalg.norm(a - b, np.inf) / max(np.linalg.norm(np.abs(a) + np.abs(b), np.inf), 1e-300)


def relative_with_where(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = (np.abs(a) + np.abs(b)).max()
    return 0.0 if scale == 0 else np.abs(a - b).max() / scale


@pytest.mark.parametrize("right", [relative_with_norms, relative_with_where], ids=["inf-norms", "zero-case"])
def test_other_right_relative_error_earns_full_marks(right):
    """Does a right relative_error written another way pass every grade cell?"""
    UNIT.assert_accepted({"relative_error": right})


def gradient_check_zipped(X, Y, Ws, bs, names, loss, dWs, dbs, eps=1e-5):
    ns = UNIT_NAMESPACE
    params = list(Ws) + list(bs)
    errors = []
    for k, (param, given) in enumerate(zip(params, list(dWs) + list(dbs))):
        def at(value, k=k):
            trial = list(params)
            trial[k] = value
            return ns["cost"](X, Y, trial[:len(Ws)], trial[len(Ws):], names, loss)
        errors.append(ns["relative_error"](given, ns["numerical_gradient"](at, param, eps)))
    return max(errors)


def gradient_check_in_place_on_copies(X, Y, Ws, bs, names, loss, dWs, dbs, eps=1e-5):
    ns = UNIT_NAMESPACE
    Ws, bs = [W.copy() for W in Ws], [b.copy() for b in bs]
    worst = 0.0
    for group, grads in ((Ws, dWs), (bs, dbs)):
        for param, given in zip(group, grads):
            numeric = np.zeros_like(param)
            for i in np.ndindex(param.shape):
                keep = param[i]
                param[i] = keep + eps
                up = ns["cost"](X, Y, Ws, bs, names, loss)
                param[i] = keep - eps
                down = ns["cost"](X, Y, Ws, bs, names, loss)
                param[i] = keep
                numeric[i] = (up - down) / (2 * eps)
            worst = max(worst, ns["relative_error"](given, numeric))
    return np.float64(worst)


@pytest.mark.parametrize("right", [gradient_check_zipped, gradient_check_in_place_on_copies],
                         ids=["zipped-parameters", "in-place-on-copies"])
def test_other_right_gradient_check_earns_full_marks(right):
    """Does a right gradient_check written another way pass every grade cell?"""
    UNIT.assert_accepted({"gradient_check": right})


# ---------------------------------------------------------------- exercise 6: one training step
def train_update_before_delta(X, Y, Ws, bs, names, loss, lr):
    return unit05._update_too_early(X, Y, Ws, bs, names, loss, lr)


def train_uphill(X, Y, Ws, bs, names, loss, lr):
    dWs, dbs = UNIT_NAMESPACE["backprop"](X, Y, Ws, bs, names, loss)
    return [W + lr * dW for W, dW in zip(Ws, dWs)], [b + lr * db for b, db in zip(bs, dbs)]


def train_in_place(X, Y, Ws, bs, names, loss, lr):
    dWs, dbs = UNIT_NAMESPACE["backprop"](X, Y, Ws, bs, names, loss)
    for W, dW in zip(Ws, dWs):
        W -= lr * dW
    for b, db in zip(bs, dbs):
        b -= lr * db
    return Ws, bs


def train_column_db(X, Y, Ws, bs, names, loss, lr):
    dWs, dbs = UNIT_NAMESPACE["backprop"](X, Y, Ws, bs, names, loss)
    return [W - lr * dW for W, dW in zip(Ws, dWs)], [b - lr * db.reshape(-1, 1) for b, db in zip(bs, dbs)]


@pytest.mark.parametrize("wrong, message", [
    (train_update_before_delta, "before computing the δ"),
    (train_uphill, "uphill"),
    (train_in_place, "in place"),
    (train_column_db, "broadcasting (n,) against (n, 1)"),
], ids=["update-before-every-delta", "plus-not-minus", "in-place", "db-(n,1)-broadcast"])
def test_wrong_train_step_is_caught(wrong, message):
    """Does the train_step cell reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"train_step": wrong}, grade_ids=["test_train_step"], message_contains=message)


def test_train_step_on_a_wrong_backprop_is_told_to_fix_backprop():
    """When train_step is right but the student's backprop is not, is exercise 4 named first?"""
    UNIT.assert_caught({"backprop": make_backprop(at_output=True)}, grade_ids=["test_train_step"],
                       message_contains="Fix exercise 4 (backprop) first")


def train_with_subtract(X, Y, Ws, bs, names, loss, lr):
    grads = UNIT_NAMESPACE["backprop"](X, Y, Ws, bs, names, loss)
    return ([np.subtract(W, np.multiply(lr, g)) for W, g in zip(Ws, grads[0])],
            [np.subtract(b, np.multiply(lr, g)) for b, g in zip(bs, grads[1])])


def train_copy_then_update(X, Y, Ws, bs, names, loss, lr):
    dWs, dbs = UNIT_NAMESPACE["backprop"](X, Y, Ws, bs, names, loss)
    new_Ws, new_bs = [W.copy() for W in Ws], [b.copy() for b in bs]
    for k in range(len(new_Ws)):
        new_Ws[k] -= lr * dWs[k]
        new_bs[k] -= lr * dbs[k]
    return tuple(new_Ws), tuple(new_bs)


@pytest.mark.parametrize("right", [train_with_subtract, train_copy_then_update], ids=["np-subtract", "copy-then-update"])
def test_other_right_train_step_earns_full_marks(right):
    """Does a right train_step written another way pass every grade cell?"""
    UNIT.assert_accepted({"train_step": right})


# ---------------------------------------------------------------- exercise 7: the lectures' numbers
def slide_002():
    return dict(unit05.SLIDE_NUMBERS["002"])


def slide_003():
    return dict(unit05.SLIDE_NUMBERS["003"])


def deltas_from_new_weights_000():
    numbers = UNIT_NAMESPACE["lecture_000_numbers"]()
    return dict(numbers, deltas=np.array([-30.0, 0.0, 10.0]))


def missing_key_003():
    return {"loss": 0.40760596444438046}


@pytest.mark.parametrize("name, wrong, cell, message", [
    ("lecture_002_numbers", slide_002, "test_lecture_002_numbers", "slide's rounded value"),
    ("lecture_003_numbers", slide_003, "test_lecture_003_numbers", "slide's rounded value"),
    ("lecture_000_numbers", deltas_from_new_weights_000, "test_lecture_000_numbers", "UPDATED w35"),
    ("lecture_003_numbers", missing_key_003, "test_lecture_003_numbers", "no key 'grad_w1_21'"),
], ids=["002-slide-values", "003-slide-values", "000-delta3-from-new-w35", "003-missing-key"])
def test_wrong_lecture_numbers_are_caught(name, wrong, cell, message):
    """Does the lecture cell reject the slide's rounded values and the update-too-early δ, naming them?"""
    UNIT.assert_caught({name: wrong}, grade_ids=[cell], message_contains=message)


def test_lecture_numbers_from_a_wrong_backprop_are_told_to_fix_backprop():
    """With a wrong backprop, does the hidden part of the lecture cells say to fix exercise 4 first?"""
    wrong = make_backprop(at_output=True)
    failed = UNIT.assert_caught({"backprop": wrong}, grade_ids=["test_lecture_002_numbers"],
                                message_contains="Fix exercise 4 (backprop) first")
    assert [o.grade_id for o in failed] == ["test_lecture_002_numbers"]


def numbers_000_by_hand_formulas():
    """Lecture 000 computed without train_step: the update written out from backprop's gradients."""
    case = unit05.network_case(unit05.LECTURE_000)
    dWs, dbs = UNIT_NAMESPACE["backprop"](*case)
    output = UNIT_NAMESPACE["cost"](*case)  # ½ y5² with y = 0
    return {"output": np.sqrt(2 * output), "deltas": np.concatenate([dbs[0], dbs[1]]),
            "new_Ws": [W - 0.1 * dW for W, dW in zip(case[2], dWs)]}


def numbers_003_as_lists():
    case = unit05.network_case(unit05.LECTURE_003)
    dWs, _ = UNIT_NAMESPACE["backprop"](*case)
    return {"loss": [UNIT_NAMESPACE["cost"](*case)], "grad_w1_21": dWs[0][1:2, 0:1]}


def numbers_000_from_train_step_only():
    case = unit05.network_case(unit05.LECTURE_000)
    new_Ws, new_bs = UNIT_NAMESPACE["train_step"](*case, 0.1)
    deltas = [(b - nb) / 0.1 for b, nb in zip(case[3], new_bs)]   # zero biases: b - lr * delta
    X, Ws = case[0], case[2]
    hidden = np.maximum(X @ Ws[0].T, 0)
    return {"output": float(np.maximum(hidden @ Ws[1].T, 0)[0, 0]),
            "deltas": tuple(float(v) for v in np.concatenate(deltas)), "new_Ws": list(new_Ws)}


def numbers_002_from_backprop():
    case = unit05.network_case(unit05.LECTURE_002)
    dWs, _ = UNIT_NAMESPACE["backprop"](*case)
    W1, W2 = case[2]
    grads = {"w1": dWs[0][0, 0], "w2": dWs[0][1, 0], "w6": dWs[0][2, 1], "w7": dWs[1][0, 0],
             "w8": dWs[1][0, 1], "w9": dWs[1][0, 2]}
    old = {"w1": W1[0, 0], "w2": W1[1, 0], "w6": W1[2, 1], "w7": W2[0, 0], "w8": W2[0, 1], "w9": W2[0, 2]}
    numbers = {f"new_{k}": old[k] - 0.1 * grads[k] for k in old}
    numbers.update(grad_w7=grads["w7"], grad_w1=grads["w1"])
    return numbers


def numbers_002_from_train_step():
    case = unit05.network_case(unit05.LECTURE_002)
    (W1, W2), _ = UNIT_NAMESPACE["train_step"](*case, 0.1)
    return {"grad_w7": (case[2][1][0, 0] - W2[0, 0]) / 0.1, "new_w7": W2[0, 0],
            "grad_w1": UNIT_NAMESPACE["backprop"](*case)[0][0][0, 0], "new_w1": W1[0, 0],
            "new_w2": W1[1, 0], "new_w6": W1[2, 1], "new_w8": W2[0, 1], "new_w9": W2[0, 2]}


def numbers_003_via_softmax():
    case = unit05.network_case(unit05.LECTURE_003)
    X, Y, Ws = case[0], case[1], case[2]
    y_hat = activations.softmax(np.maximum(X @ Ws[0].T, 0) @ Ws[1].T)
    return {"loss": float(-np.log(y_hat[0, 1])), "grad_w1_21": UNIT_NAMESPACE["backprop"](*case)[0][0][1, 0]}


@pytest.mark.parametrize("name, right", [("lecture_000_numbers", numbers_000_by_hand_formulas),
                                         ("lecture_000_numbers", numbers_000_from_train_step_only),
                                         ("lecture_002_numbers", numbers_002_from_backprop),
                                         ("lecture_002_numbers", numbers_002_from_train_step),
                                         ("lecture_003_numbers", numbers_003_as_lists),
                                         ("lecture_003_numbers", numbers_003_via_softmax)],
                         ids=["000-written-out", "000-from-train-step", "002-from-backprop", "002-from-train-step",
                              "003-one-element-arrays", "003-via-softmax"])
def test_other_right_lecture_numbers_earn_full_marks(name, right):
    """Do the lecture numbers computed another way pass every grade cell?"""
    UNIT.assert_accepted({name: right}, grade_ids=LECTURE_CELLS)


# ---------------------------------------------------------------- the whole notebook
def test_reference_answers_pass_every_cell():
    """Do the solutions pass every grade cell in-process (the harness's baseline)?"""
    UNIT.assert_accepted({})


def test_untouched_stubs_are_told_they_are_not_written_yet():
    """Does a stub that raises NotImplementedError get the 'not written yet' message, not a traceback?"""
    def stub(*args, **kwargs):
        raise NotImplementedError()
    UNIT.assert_caught({"backprop": stub}, grade_ids=["test_backprop_lectures"], message_contains="not written yet")
    UNIT.assert_caught({"local_derivatives": stub}, grade_ids=["test_local_derivatives"],
                       message_contains="not written yet")


# ---------------------------------------------------------------- the notebook as a whole
def test_failures_name_their_exercise_first():
    """Does every failure message start with the exercise it is about (as in Validate's one-line summary)?"""
    outcomes = UNIT.run(None, {"dense_backward": dense_db_mean, "train_step": train_uphill,
                               "lecture_003_numbers": slide_003})
    failed = {o.grade_id: o.message for o in outcomes.values() if not o.passed}
    assert failed["test_dense_backward_db"].startswith("Exercise 3 (dense_backward): ")
    assert failed["test_train_step"].startswith("Exercise 6 (train_step): ")
    assert failed["test_lecture_003_numbers"].startswith("Exercise 7 (lecture_003_numbers): ")
    assert failed["test_backprop_batches"].startswith("Exercise 4b (backprop): ")


@pytest.mark.slow
def test_run_all_on_the_untouched_notebook_goes_through(monkeypatch):
    """Does Run All (errors stop it, except in cells tagged raises-exception) reach the end of the untouched
    notebook, with the figures and the explorer shown and every demo cell asking to finish its exercise?"""
    outputs = run_all_released("05_backprop", monkeypatch)
    assert outputs["explorer"] >= 1 and outputs["figures"] >= 3, outputs
    assert outputs["finish"] >= 3, outputs
