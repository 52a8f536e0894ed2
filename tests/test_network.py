"""Tests of nnlib.network.MLP: forward against a hand loop, backward against central differences."""
import math

import numpy as np
import pytest

from nnlib import losses
from nnlib.gradcheck import rel_error
from nnlib.network import MLP
from nnlib.tolerance import GRAD_RTOL, close
from tests.strategies import central_difference

# Scalar formulas written out independently of nnlib, for the reference forward pass.
SCALAR = {
    "linear": lambda v: v,
    "sigmoid": lambda v: 1.0 / (1.0 + math.exp(-v)),
    "tanh": math.tanh,
    "relu": lambda v: v if v > 0 else 0.0,
    "leaky_relu": lambda v: v if v > 0 else 0.01 * v,
    "elu": lambda v: v if v > 0 else math.exp(v) - 1.0,
}


def reference_forward(Ws, bs, names, x):
    """One sample through the layers with plain Python loops: z_j = sum_k W[j][k] a_k + b_j."""
    a = [float(v) for v in x]
    for W, b, name in zip(Ws, bs, names):
        z = [sum(W[j][k] * a[k] for k in range(len(a))) + b[j] for j in range(len(b))]
        if name == "softmax":
            total = sum(math.exp(v) for v in z)
            a = [math.exp(v) / total for v in z]
        else:
            a = [SCALAR[name](v) for v in z]
    return a


def random_model(sizes, names, seed):
    """A model with random non-zero biases too (so bias gradients are exercised)."""
    model = MLP(sizes, names, seed=seed)
    rng = np.random.default_rng(seed + 100)
    model.set_weights(model.W, [rng.normal(0.0, 0.5, size=b.shape) for b in model.b])
    return model


# --- forward ----------------------------------------------------------------------------------

@pytest.mark.parametrize("names", [
    ["sigmoid"], ["tanh", "softmax"], ["relu", "leaky_relu", "linear"], ["elu", "tanh", "relu", "sigmoid"],
])
def test_forward_matches_a_hand_written_loop(names):
    """Does forward on a batch give, row by row, what a plain loop over units computes?"""
    sizes = [3, 4, 5, 4, 2][:len(names) + 1]
    model = random_model(sizes, names, seed=7)
    X = np.random.default_rng(0).normal(size=(6, 3))
    out = model.forward(X)
    assert out.shape == (6, sizes[-1])
    expected = [reference_forward(model.W, model.b, names, x) for x in X]
    assert close(out, expected)


def test_single_sample_gives_a_single_output():
    """Does a 1-D sample give a 1-D output equal to the same sample's row in a batch?"""
    model = random_model([3, 4, 2], ["tanh", "softmax"], seed=1)
    X = np.random.default_rng(1).normal(size=(5, 3))
    single = model.forward(X[2])
    assert single.shape == (2,)
    assert close(single, model.forward(X)[2])
    assert close(model.predict(X[2:3]), [np.argmax(single)])


def test_forward_caches_layers_and_returns_a_fresh_array():
    """Are Z and A cached with the right shapes, the input untouched and the output a new array?"""
    model = random_model([3, 4, 2], ["relu", "linear"], seed=2)
    X = np.random.default_rng(2).normal(size=(5, 3))
    saved = X.copy()
    out = model.forward(X)
    assert [Z.shape for Z in model.Z] == [(5, 4), (5, 2)]
    assert [A.shape for A in model.A] == [(5, 3), (5, 4), (5, 2)]
    out[...] = 0.0
    assert not close(model.A[-1], out)
    assert close(X, saved)


def test_wrong_input_width_is_refused():
    """Does forward name the expected shape when X has the wrong number of columns?"""
    with pytest.raises(ValueError, match=r"\(n_samples, 3\)"):
        MLP([3, 2], "sigmoid", seed=0).forward(np.zeros((4, 2)))


# --- backward against central differences -----------------------------------------------------

CASES = [
    # (layer sizes, activations, loss, kind of target)
    ([3, 2], "linear", "mse", "real"),
    ([3, 2], "sigmoid", "mse", "real"),
    ([3, 2], "tanh", "squared_error", "real"),
    ([3, 2], "relu", "mse", "real"),
    ([3, 2], "leaky_relu", "mse", "real"),
    ([3, 2], "elu", "mae", "real"),
    ([3, 3], "softmax", "cross_entropy", "labels"),
    ([3, 4, 1], ["tanh", "sigmoid"], "binary_cross_entropy", "binary"),
    ([3, 4, 3], ["relu", "softmax"], "cross_entropy", "onehot"),
    ([3, 4, 3], ["sigmoid", "linear"], "softmax_cross_entropy", "labels"),
    ([3, 5, 4, 2], ["sigmoid", "elu", "linear"], "mse", "real"),
    ([3, 5, 4, 3], ["leaky_relu", "tanh", "softmax"], "cross_entropy", "labels"),
    ([3, 5, 4, 4, 3], ["relu", "tanh", "sigmoid", "linear"], "softmax_cross_entropy", "labels"),
    ([3, 5, 4, 4, 3], ["elu", "leaky_relu", "relu", "softmax"], "cross_entropy", "onehot"),
    ([3, 5, 4, 4, 2], ["tanh", "tanh", "sigmoid", "linear"], "squared_error", "real"),
]


def make_targets(kind, n, k, rng):
    if kind == "real":
        return rng.normal(size=(n, k))
    if kind == "binary":
        return rng.integers(0, 2, size=(n, k)).astype(float)
    labels = rng.integers(0, k, size=n)
    return labels if kind == "labels" else np.eye(k)[labels]


@pytest.mark.parametrize("sizes, names, loss, kind", CASES)
def test_backprop_matches_central_differences(sizes, names, loss, kind):
    """Does every dW and db from backprop equal the central-difference slope of the loss?"""
    rng = np.random.default_rng(len(sizes) * 10 + len(loss))
    model = random_model(sizes, names, seed=11)
    X = rng.normal(size=(4, sizes[0]))
    y = make_targets(kind, 4, sizes[-1], rng)
    loss_fn = losses.get_loss(loss)[0]
    value, dWs, dbs = model.gradients(X, y, loss)
    assert close(value, loss_fn(model.forward(X), y))
    Ws, bs = [W.copy() for W in model.W], [b.copy() for b in model.b]

    def loss_with(l, which):
        def f(value):
            trial_W, trial_b = list(Ws), list(bs)
            (trial_W if which == "W" else trial_b)[l] = value
            probe = MLP(sizes, names)
            probe.set_weights(trial_W, trial_b)
            return loss_fn(probe.forward(X), y)
        return f

    for l in range(len(Ws)):
        assert dWs[l].shape == Ws[l].shape and dbs[l].shape == bs[l].shape
        assert rel_error(dWs[l], central_difference(loss_with(l, "W"), Ws[l])) < GRAD_RTOL, f"dW[{l}]"
        assert rel_error(dbs[l], central_difference(loss_with(l, "b"), bs[l])) < GRAD_RTOL, f"db[{l}]"


def test_softmax_with_cross_entropy_gives_prediction_minus_target():
    """With a softmax output and cross-entropy, is dL/dZ of the last layer (y_hat - y)/n, by both routes?"""
    rng = np.random.default_rng(5)
    model = random_model([3, 4, 3], ["tanh", "softmax"], seed=5)
    X, labels = rng.normal(size=(6, 3)), rng.integers(0, 3, size=6)
    targets = np.eye(3)[labels]
    _, dWs, dbs = model.gradients(X, labels, "cross_entropy")
    y_hat = model.forward(X)
    assert close(dbs[-1], ((y_hat - targets) / 6).sum(axis=0))
    assert close(dWs[-1], ((y_hat - targets) / 6).T @ model.A[1])
    # the general route: cross_entropy_grad, then the softmax Jacobian of each row
    dWs_general, dbs_general = model.backward(losses.cross_entropy_grad(y_hat, labels))
    for fused, general in zip(dWs + dbs, dWs_general + dbs_general):
        assert close(general, fused)


def test_linear_output_with_softmax_cross_entropy_equals_softmax_output_with_cross_entropy():
    """Do logits + softmax_cross_entropy and a softmax layer + cross_entropy give the same loss and gradients?"""
    rng = np.random.default_rng(6)
    on_logits = random_model([4, 5, 3], ["relu", "linear"], seed=6)
    on_probs = MLP([4, 5, 3], ["relu", "softmax"])
    on_probs.set_weights(on_logits.W, on_logits.b)
    X, labels = rng.normal(size=(7, 4)), rng.integers(0, 3, size=7)
    first, second = on_logits.gradients(X, labels, "softmax_cross_entropy"), on_probs.gradients(X, labels, "cross_entropy")
    assert close(first[0], second[0])
    for a, b in zip(first[1] + first[2], second[1] + second[2]):
        assert close(a, b)


def test_gradients_of_a_single_sample_match_a_batch_of_one():
    """Does a 1-D sample give the same gradients as the same sample as a 1-row batch?"""
    model = random_model([3, 4, 2], ["sigmoid", "linear"], seed=8)
    x, y = np.array([0.5, -1.0, 2.0]), np.array([1.0, -1.0])
    single, batch = model.gradients(x, y, "mse"), model.gradients(x[None], y[None], "mse")
    for a, b in zip(single[1] + single[2], batch[1] + batch[2]):
        assert close(a, b)


def test_targets_of_shape_n_fit_a_single_output():
    """Is y of shape (n,) matched to an output of shape (n, 1) rather than broadcast to (n, n)?"""
    model = random_model([2, 3, 1], ["tanh", "linear"], seed=9)
    X, y = np.random.default_rng(9).normal(size=(5, 2)), np.arange(5.0)
    value, _, _ = model.gradients(X, y, "mse")
    assert close(value, np.mean((model.forward(X)[:, 0] - y) ** 2))


def test_backward_needs_a_forward_first_and_the_right_shape():
    """Does backward refuse to run before forward, and refuse a gradient of the wrong shape?"""
    model = MLP([2, 3, 1], "sigmoid", seed=0)
    with pytest.raises(RuntimeError, match="forward"):
        model.backward(np.zeros((4, 1)))
    model.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"\(4, 1\)"):
        model.backward(np.zeros((4, 2)))


def test_backward_does_not_modify_the_weights():
    """Does computing gradients leave W and b as they were?"""
    model = random_model([3, 4, 2], ["relu", "softmax"], seed=10)
    saved = model.get_params()
    model.gradients(np.ones((2, 3)), np.array([0, 1]), "cross_entropy")
    for before, now in zip(saved, model.get_params()):
        assert close(now, before)


# --- construction and initialisation ----------------------------------------------------------

def test_shapes_follow_the_convention():
    """Is W[l] of shape (N_l, N_{l-1}) and b[l] of shape (N_l,), with n_params their total size?"""
    model = MLP([4, 6, 3, 2], "tanh", seed=0)
    assert [W.shape for W in model.W] == [(6, 4), (3, 6), (2, 3)]
    assert [b.shape for b in model.b] == [(6,), (3,), (2,)]
    assert model.n_params == 4 * 6 + 6 + 6 * 3 + 3 + 3 * 2 + 2
    assert model.activations == ["tanh"] * 3 and model.layer_sizes == [4, 6, 3, 2]


def test_same_seed_same_weights_other_seed_other_weights():
    """Does the seed make initial weights repeatable?"""
    first, again, other = (MLP([5, 4, 3], "relu", seed=s) for s in (1, 1, 2))
    assert all(close(a, b) for a, b in zip(first.W, again.W))
    assert not close(first.W[0], other.W[0])


def test_he_and_xavier_scales():
    """Does "auto" give He (std sqrt(2/n_in)) to ReLU layers and Xavier (within ±sqrt(6/(n_in+n_out))) to tanh layers?"""
    model = MLP([400, 300, 200], ["relu", "tanh"], seed=0)
    he, xavier = model.W
    assert abs(he.std() / math.sqrt(2.0 / 400) - 1.0) < 0.02
    limit = math.sqrt(6.0 / (300 + 200))
    assert np.max(np.abs(xavier)) <= limit
    assert abs(xavier.std() / (limit / math.sqrt(3.0)) - 1.0) < 0.02
    assert all(close(b, np.zeros_like(b)) for b in model.b)


def test_zeros_init_sets_every_weight_to_zero():
    """Does init="zeros" give all-zero weights (the symmetric start of unit 06)?"""
    model = MLP([3, 4, 2], "sigmoid", seed=0, init="zeros")
    assert all(close(W, np.zeros_like(W)) for W in model.W)


@pytest.mark.parametrize("args, message", [
    (([3, 4, 2], ["relu"]), "2 activations"),
    (([3, 4, 2], "swish"), "known activations"),
    (([3, 4, 2], ["softmax", "linear"]), "last layer"),
    (([3], "relu"), "at least two"),
])
def test_bad_construction_is_explained(args, message):
    """Are a wrong number of activations, an unknown name, a hidden softmax and too few sizes refused clearly?"""
    with pytest.raises(ValueError, match=message):
        MLP(*args)


def test_unknown_init_is_refused():
    """Is an unknown init name refused with the list of choices?"""
    with pytest.raises(ValueError, match="xavier"):
        MLP([2, 2], "tanh", init="uniform")


# --- parameters -------------------------------------------------------------------------------

def test_set_weights_copies_and_checks_shapes():
    """Are set weights copied (later edits of the caller's arrays do nothing) and shapes checked?"""
    model = MLP([2, 3, 1], "relu", seed=0)
    Ws, bs = [np.ones((3, 2)), np.ones((1, 3))], [np.zeros(3), np.zeros(1)]
    model.set_weights(Ws, bs)
    Ws[0][0, 0] = 99.0
    assert close(model.W[0], np.ones((3, 2)))
    with pytest.raises(ValueError, match="transposed"):
        model.set_weights([np.ones((2, 3)), np.ones((1, 3))], bs)
    with pytest.raises(ValueError, match=r"b\[1\]"):
        model.set_weights([np.ones((3, 2)), np.ones((1, 3))], [np.zeros(3), np.zeros((1, 1))])
    with pytest.raises(ValueError, match="2 layers"):
        model.set_weights(Ws[:1], bs[:1])


def test_get_and_set_params_use_the_order_w1_b1_w2_b2():
    """Do get_params and set_params use [W1, b1, W2, b2], as copies?"""
    model = MLP([2, 3, 1], "tanh", seed=0)
    params = model.get_params()
    assert [p.shape for p in params] == [(3, 2), (3,), (1, 3), (1,)]
    params[0][...] = 5.0
    assert not close(model.W[0], params[0])
    model.set_params(params)
    assert close(model.W[0], np.full((3, 2), 5.0))
    with pytest.raises(ValueError, match="4 arrays"):
        model.set_params(params[:3])


def test_predict_returns_classes_or_values():
    """Does predict give argmax labels for several outputs, 0/1 for a sigmoid output and values otherwise?"""
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    classes = MLP([2, 2], "softmax")
    classes.set_weights([np.array([[1.0, 0.0], [0.0, 1.0]])], [np.zeros(2)])
    assert close(classes.predict(X), [0, 1])
    binary = MLP([2, 1], "sigmoid")
    binary.set_weights([np.array([[1.0, -1.0]])], [np.zeros(1)])
    assert close(binary.predict(X), [1, 0])
    regression = MLP([2, 1], "linear")
    regression.set_weights([np.array([[2.0, 3.0]])], [np.ones(1)])
    assert close(regression.predict(X), [[3.0], [4.0]])


# --- precision --------------------------------------------------------------------------------

@pytest.mark.parametrize("names, loss, kind", [
    (["relu", "linear"], "softmax_cross_entropy", "labels"),
    (["tanh", "softmax"], "cross_entropy", "labels"),
    (["sigmoid", "linear"], "mse", "real"),
])
def test_a_float32_network_computes_in_float32_what_float64_computes(names, loss, kind):
    """Does dtype="float32" keep every array float32, with the float64 network's numbers to float32 precision?"""
    rng = np.random.default_rng(12)
    wide = random_model([5, 6, 3], names, seed=12)
    narrow = MLP([5, 6, 3], names, dtype="float32")
    narrow.set_weights(wide.W, wide.b)
    X, y = rng.normal(size=(8, 5)), make_targets(kind, 8, 3, rng)
    out = narrow.forward(X)
    assert out.dtype == np.float32 and all(A.dtype == np.float32 for A in narrow.A + narrow.Z)
    assert np.allclose(out, wide.forward(X), rtol=1e-5, atol=1e-6)
    value, dWs, dbs = narrow.gradients(X, y, loss)
    expected = wide.gradients(X, y, loss)
    assert abs(value - expected[0]) < 1e-5 * max(1.0, abs(expected[0]))
    for got, want in zip(dWs + dbs, expected[1] + expected[2]):
        assert got.dtype == np.float32
        assert np.allclose(got, want, rtol=1e-4, atol=1e-6)


def test_the_default_precision_is_float64_and_others_are_refused():
    """Is a network float64 unless asked, float32 when asked, and another dtype refused with the choices?"""
    assert MLP([2, 3], "tanh", seed=0).W[0].dtype == np.float64
    assert MLP([2, 3], "tanh", seed=0, dtype=np.float32).b[0].dtype == np.float32
    assert close(MLP([2, 3], "tanh", seed=0, dtype="float32").W[0], MLP([2, 3], "tanh", seed=0).W[0])
    with pytest.raises(ValueError, match="float32"):
        MLP([2, 3], "tanh", dtype="float16")


def test_gradients_leave_the_returned_forward_output_and_the_input_alone():
    """Does gradients() (no copies inside) leave X untouched and forward still return a fresh array?"""
    model = random_model([3, 4, 3], ["relu", "linear"], seed=13)
    X, labels = np.random.default_rng(13).normal(size=(5, 3)), np.array([0, 1, 2, 1, 0])
    saved = X.copy()
    model.gradients(X, labels)
    assert close(X, saved) and not np.shares_memory(model.A[0], X)
    out = model.forward(X)
    assert not np.shares_memory(out, model.A[-1])


@pytest.mark.parametrize("sizes, names, loss, kind", CASES)
def test_the_training_loops_path_gives_exactly_the_gradients_of_gradients(sizes, names, loss, kind):
    """Does _batch_gradients (train's path: no copy, no loss value) give the very numbers of gradients?"""
    rng = np.random.default_rng(len(sizes) + len(loss))
    model = random_model(sizes, names, seed=14)
    X = rng.normal(size=(6, sizes[0]))
    y = make_targets(kind, 6, sizes[-1], rng)
    _, dWs, dbs = model.gradients(X, y, loss)
    targets = np.eye(sizes[-1])[y] if kind == "labels" else y  # train encodes labels once
    fast_dWs, fast_dbs = model._batch_gradients(model._as_batch(X), targets, loss)
    for got, want in zip(fast_dWs + fast_dbs, dWs + dbs):
        assert np.array_equal(got, want)
