"""Tests of nnlib.train: mini-batches, accuracy, the training loop and its history."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnlib import datasets
from nnlib.network import MLP
from nnlib.optim import SGD, Adam
from nnlib.tolerance import close
from nnlib.train import History, accuracy, minibatches, train
from tests.strategies import PROPERTY

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


# --- mini-batches -----------------------------------------------------------------------------

@PROPERTY
@given(n=st.integers(1, 60), batch_size=st.integers(1, 70), seed=st.integers(0, 2 ** 16), shuffle=st.booleans())
def test_minibatches_cover_every_sample_exactly_once(n, batch_size, seed, shuffle):
    """Does one pass of minibatches hold every sample once, in batches of at most batch_size, rows paired?"""
    X = np.arange(n, dtype=float).reshape(n, 1) * np.array([[1.0, 10.0]])
    y = np.arange(n)
    seen = []
    for X_batch, y_batch in minibatches(X, y, batch_size, seed, shuffle=shuffle):
        assert 1 <= len(X_batch) <= batch_size and len(X_batch) == len(y_batch)
        assert close(X_batch[:, 0], y_batch)  # each row stays with its own target
        seen.extend(y_batch.tolist())
    assert sorted(seen) == list(range(n))
    if not shuffle:
        assert seen == list(range(n))


def test_minibatches_shuffle_depends_on_the_seed_only():
    """Does the same seed give the same order, another seed another order, and a Generator work too?"""
    X, y = np.zeros((50, 2)), np.arange(50)
    order = lambda rng: np.concatenate([yb for _, yb in minibatches(X, y, 8, rng)])
    assert close(order(3), order(3))
    assert not close(order(3), order(4))
    assert close(order(np.random.default_rng(3)), order(3))


def test_minibatches_refuse_mismatched_lengths():
    """Are X and y of different lengths refused?"""
    with pytest.raises(ValueError, match="samples"):
        list(minibatches(np.zeros((5, 2)), np.zeros(4), 2))


# --- accuracy ---------------------------------------------------------------------------------

def test_accuracy_reads_labels_probabilities_and_one_hot():
    """Does accuracy accept labels, probability rows, one-hot targets and single probabilities?"""
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3], [0.5, 0.3, 0.2]])
    labels = np.array([0, 2, 0, 0])
    assert close(accuracy(probs, labels), 0.75)
    assert close(accuracy(probs, np.eye(3)[labels]), 0.75)
    assert close(accuracy(np.array([0, 2, 1, 0]), labels), 0.75)
    assert close(accuracy(np.array([[0.9], [0.2], [0.6]]), np.array([1, 1, 1])), 2 / 3)
    assert close(accuracy(np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 0.0])), 2 / 3)


# --- the training loop ------------------------------------------------------------------------

def test_mlp_learns_xor():
    """Does a 2-8-2 tanh network trained from a seeded random start classify all four XOR points?"""
    model = MLP([2, 8, 2], ["tanh", "linear"], seed=0)
    history = train(model, XOR_X, XOR_Y, optimizer=Adam(lr=0.05), epochs=300, batch_size=4, seed=0,
                    progress=False)
    assert close(accuracy(model.predict(XOR_X), XOR_Y), 1.0)
    assert close(history["accuracy"][-1], 1.0)
    assert history["loss"][-1] < 0.05


def test_mlp_learns_xor_with_a_sigmoid_output_and_binary_cross_entropy():
    """Does one sigmoid output trained with BCE (targets of shape (n,)) also solve XOR?"""
    model = MLP([2, 8, 1], ["tanh", "sigmoid"], seed=1)
    train(model, XOR_X, XOR_Y, loss="binary_cross_entropy", optimizer=Adam(lr=0.05), epochs=300,
          batch_size=4, seed=0, progress=False)
    assert close(model.predict(XOR_X), XOR_Y)


def test_mlp_reaches_95_percent_on_held_out_digits():
    """Does a 64-32-10 ReLU network reach at least 95 % accuracy on digits it never trained on?"""
    X, y = datasets.digits()
    order = np.random.default_rng(0).permutation(len(y))
    train_rows, test_rows = order[:1400], order[1400:]
    model = MLP([64, 32, 10], ["relu", "linear"], seed=0)
    history = train(model, X[train_rows], y[train_rows], optimizer=Adam(lr=0.01), epochs=15, batch_size=32,
                    X_val=X[test_rows], y_val=y[test_rows], seed=0, progress=False)
    held_out = accuracy(model.predict(X[test_rows]), y[test_rows])
    assert held_out >= 0.95
    assert close(history["val_accuracy"][-1], held_out)


def test_history_has_one_entry_per_epoch():
    """Does the history hold one loss, accuracy, val_loss and val_accuracy per epoch, the loss falling?"""
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(40, 3)), rng.integers(0, 3, size=40)
    model = MLP([3, 6, 3], ["tanh", "softmax"], seed=2)
    history = train(model, X, y, loss="cross_entropy", optimizer=SGD(lr=0.2), epochs=7, batch_size=16,
                    X_val=X[:10], y_val=y[:10], seed=2, progress=False)
    assert isinstance(history, History) and isinstance(history, dict)
    assert history.epochs == 7
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert len(history[key]) == 7, key
    assert history["loss"][-1] < history["loss"][0]


def test_regression_history_has_no_accuracy():
    """Does a regression run record losses but leave the accuracy lists empty?"""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 2))
    y = X @ np.array([1.0, -2.0]) + 0.5
    model = MLP([2, 1], "linear", seed=3)
    history = train(model, X, y, loss="mse", optimizer=SGD(lr=0.1), epochs=60, batch_size=10, seed=3,
                    progress=False)
    assert len(history["loss"]) == 60 and history["accuracy"] == [] and history["val_loss"] == []
    assert close(model.W[0], [[1.0, -2.0]]) and close(model.b[0], [0.5])


def test_callback_sees_every_epoch_and_can_stop_training():
    """Is the callback called after each epoch with the history so far, and does returning True stop?"""
    calls = []

    def callback(epoch, history):
        calls.append((epoch, len(history["loss"])))
        return epoch == 3

    model = MLP([2, 4, 2], ["tanh", "linear"], seed=0)
    history = train(model, XOR_X, XOR_Y, epochs=10, batch_size=2, seed=0, progress=False, callback=callback)
    assert calls == [(0, 1), (1, 2), (2, 3), (3, 4)]
    assert history.epochs == 4


def test_training_is_repeatable_with_a_seed():
    """Do the same model seed and training seed give the same weights twice?"""
    runs = []
    for _ in range(2):
        model = MLP([2, 4, 2], ["relu", "linear"], seed=5)
        train(model, XOR_X, XOR_Y, epochs=5, batch_size=2, seed=9, progress=False)
        runs.append(model.get_params())
    assert all(close(a, b) for a, b in zip(*runs))


def test_progress_false_prints_nothing(capsys):
    """With progress=False, does training write nothing to stdout or stderr?"""
    model = MLP([2, 4, 2], ["tanh", "linear"], seed=0)
    train(model, XOR_X, XOR_Y, epochs=3, batch_size=2, seed=0, progress=False)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_true_shows_a_bar(capsys):
    """With progress=True outside a notebook, does tqdm draw a bar on stderr?"""
    model = MLP([2, 4, 2], ["tanh", "linear"], seed=0)
    train(model, XOR_X, XOR_Y, epochs=3, batch_size=2, seed=0, progress=True)
    assert "3/3" in capsys.readouterr().err


# --- the fast path: in-place steps, BLAS threads, float32 ----------------------------------------

class StepOnly:
    """An optimiser with nothing but step(params, grads), as a student would write one."""

    def __init__(self, optimizer):
        self.optimizer = optimizer

    def step(self, params, grads):
        return self.optimizer.step(params, grads)


@pytest.mark.parametrize("make", [lambda: SGD(lr=0.2), lambda: Adam(lr=0.02)])
def test_in_place_steps_train_exactly_like_set_params_of_step(make):
    """Does nnlib's in-place loop give the very numbers of set_params(step(get_params(), grads))?"""
    X, y = datasets.two_moons(n=60, noise=0.2, seed=1)
    runs = []
    for optimizer in (make(), StepOnly(make())):
        model = MLP([2, 8, 2], ["relu", "linear"], seed=4)
        history = train(model, X, y, optimizer=optimizer, epochs=4, batch_size=16, X_val=X[:20], y_val=y[:20],
                        seed=4, progress=False)
        runs.append((model.get_params(), history))
    (fast, fast_history), (plain, plain_history) = runs
    assert all(np.array_equal(a, b) for a, b in zip(fast, plain))
    assert fast_history == plain_history


class OwnGradients(MLP):
    """A network with its own gradients (here nnlib's): train must call it for every batch."""

    def gradients(self, X, y, loss="softmax_cross_entropy"):
        return super().gradients(X, y, loss)


@pytest.mark.parametrize("names, loss, targets", [
    (["relu", "linear"], "softmax_cross_entropy", "labels"),
    (["tanh", "softmax"], "cross_entropy", "one-hot"),
    (["relu", "sigmoid"], "binary_cross_entropy", "binary"),
    (["elu", "linear"], "mse", "real"),
])
def test_the_training_path_trains_exactly_like_gradients_and_forward(names, loss, targets):
    """Does train on an MLP (its own path: data converted once, no batch loss, outputs without cache)
    give the very weights and history of the plain loop of gradients, step and forward?"""
    X, labels = datasets.two_moons(n=50, noise=0.2, seed=2)
    X_val, val_labels = datasets.two_moons(n=20, noise=0.2, seed=3)
    n_outputs = 1 if targets in ("binary", "real") else 2
    y, y_val = {"labels": (labels, val_labels), "one-hot": (np.eye(2)[labels], np.eye(2)[val_labels]),
                "binary": (labels, val_labels), "real": (X[:, 0] - X[:, 1], X_val[:, 0] - X_val[:, 1])}[targets]
    runs = []
    for network in (MLP, OwnGradients):
        model = network([2, 6, n_outputs], names, seed=7)
        history = train(model, X, y, loss=loss, optimizer=StepOnly(Adam(lr=0.03)), epochs=3, batch_size=16,
                        X_val=X_val, y_val=y_val, seed=7, progress=False)
        runs.append((model.get_params(), history))
    (fast, fast_history), (plain, plain_history) = runs
    assert all(np.array_equal(a, b) for a, b in zip(fast, plain))
    assert fast_history == plain_history


def test_a_network_with_its_own_backward_is_trained_with_it():
    """Does train's path through an MLP still call a subclass's backward (e.g. a student's), as gradients does?"""
    calls = []

    class CountingBackward(MLP):
        def backward(self, dA_out):
            calls.append(np.shape(dA_out))
            return super().backward(dA_out)

    train(CountingBackward([2, 3, 2], ["tanh", "linear"], seed=0), XOR_X, XOR_Y, epochs=2, batch_size=2,
          seed=0, progress=False)
    assert calls == [(2, 2)] * 4  # 2 epochs x 2 batches of 2 samples, 2 outputs


def test_arrays_taken_from_the_model_keep_their_values():
    """Do a W saved before training and W's seen by the callback keep their values (no in-place surprise)?"""
    model = MLP([2, 4, 2], ["tanh", "linear"], seed=0)
    before, before_copy = model.W[0], model.W[0].copy()
    snapshots = []
    train(model, XOR_X, XOR_Y, optimizer=Adam(lr=0.05), epochs=3, batch_size=2, seed=0, progress=False,
          callback=lambda epoch, history: snapshots.append((model.W[0], model.W[0].copy())))
    assert np.array_equal(before, before_copy)
    assert all(np.array_equal(seen, copy) for seen, copy in snapshots)
    assert not np.array_equal(snapshots[0][0], snapshots[-1][0])


def test_an_optimiser_with_its_own_step_is_called():
    """Does a subclass that overrides step (e.g. adds a penalty) have its step used, not the in-place one?"""
    calls = []

    class Counting(SGD):
        def step(self, params, grads):
            calls.append(len(params))
            return super().step(params, grads)

    train(MLP([2, 3, 2], ["tanh", "linear"], seed=0), XOR_X, XOR_Y, optimizer=Counting(lr=0.1), epochs=2,
          batch_size=2, seed=0, progress=False)
    assert calls == [4] * 4  # 2 epochs x 2 batches, [W1, b1, W2, b2] each time


def test_blas_runs_on_blas_threads_while_training_and_is_restored_after():
    """Does numpy's BLAS use train_module.BLAS_THREADS threads during training, and its own setting after?"""
    from threadpoolctl import threadpool_info

    from nnlib import train as train_module

    def blas_threads():
        return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]

    outside, seen = blas_threads(), []
    train(MLP([2, 3, 2], ["tanh", "linear"], seed=0), XOR_X, XOR_Y, epochs=2, batch_size=2, seed=0,
          progress=False, callback=lambda epoch, history: seen.append(blas_threads()))
    assert seen == [[train_module.BLAS_THREADS] * len(outside)] * 2
    assert blas_threads() == outside


def test_a_float32_network_trains_in_float32_to_the_same_accuracy():
    """Does a float32 64-32-10 network stay float32 and reach the 95 % of the float64 test on held-out digits?"""
    X, y = datasets.digits()
    order = np.random.default_rng(0).permutation(len(y))
    train_rows, test_rows = order[:1400], order[1400:]
    model = MLP([64, 32, 10], ["relu", "linear"], seed=0, dtype="float32")
    train(model, X[train_rows], y[train_rows], optimizer=Adam(lr=0.01), epochs=15, batch_size=32, seed=0,
          progress=False)
    assert all(p.dtype == np.float32 for p in model.get_params())
    assert accuracy(model.predict(X[test_rows]), y[test_rows]) >= 0.95
