"""Training a network: mini-batches, accuracy and a training loop with a progress bar.

The loop is plain mini-batch gradient descent: each epoch shuffles the samples, cuts them into
batches, and for each batch computes the gradients (:meth:`nnlib.network.MLP.gradients`) and lets
the optimiser turn them into new parameters. After each epoch the loss (and accuracy, for
classification losses) is measured on the whole training set and on the validation set if given.

Three things make the loop fast without changing what it computes: an MLP's batches go through
the network's training path (:meth:`nnlib.network.MLP._batch_gradients`: the formulas of
``gradients`` on data checked and converted once, without the batch's loss value); nnlib's
optimisers write each step into the network's own arrays (``optimizer.update``, the in-place form
of ``step``); and numpy's BLAS runs on :data:`BLAS_THREADS` thread(s) while training.
bench/bench_train.py measures them.
"""
import contextlib

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from nnlib import losses
from nnlib.network import MLP
from nnlib.optim import SGD, Optimizer

#: Threads numpy's BLAS may use while :func:`train` runs (None leaves the setting alone). The
#: course's matrices are small products, and on a busy machine a second thread that waits for a
#: core made training 1.2 to 30 times slower (bench/README.md).
BLAS_THREADS = 1

#: Losses for which accuracy means something (the targets are classes).
CLASSIFICATION_LOSSES = ("binary_cross_entropy", "cross_entropy", "softmax_cross_entropy")


def minibatches(X, y, batch_size, rng=None, shuffle=True):
    """Yield ``(X_batch, y_batch)`` pairs that cover every sample exactly once.

    Parameters
    ----------
    X : array_like of shape (n_samples, ...)
    y : array_like with n_samples rows, or None (then ``y_batch`` is None)
    batch_size : int
        Rows per batch; the last batch holds the remainder (it may be smaller).
    rng : numpy.random.Generator or int or None
        Source of the shuffle (an int is used as a seed of ``numpy.random.default_rng``).
    shuffle : bool
        If False, batches follow the original order.

    Yields
    ------
    X_batch : ndarray of shape (m, ...), m <= batch_size
    y_batch : ndarray with m rows (or None)
    """
    X = np.asarray(X)
    n = len(X)
    if y is not None:
        y = np.asarray(y)
        if len(y) != n:
            raise ValueError(f"X has {n} samples but y has {len(y)}")
    batch_size = int(batch_size)
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1; got {batch_size}")
    order = np.random.default_rng(rng).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], (None if y is None else y[rows])


def _labels(values):
    """Class labels from labels, one-hot rows, probability rows or single probabilities."""
    values = np.asarray(values)
    if values.ndim == 2 and values.shape[1] > 1:
        return np.argmax(values, axis=1)
    values = values.reshape(-1) if values.ndim == 2 else values
    if values.dtype.kind in "iub" or np.all(np.equal(np.mod(values, 1), 0)):
        return values.astype(int)
    return (values > 0.5).astype(int)  # probabilities of class 1


def accuracy(y_pred_or_probs, y):
    """Fraction of samples whose predicted class equals the true class, in [0, 1].

    Either argument may be integer labels (n,), one-hot or probability rows (n, K) (the largest
    entry is the class), or probabilities of class 1 of shape (n,) or (n, 1) (class 1 when > 0.5).
    """
    predicted, true = _labels(y_pred_or_probs), _labels(y)
    if predicted.shape != true.shape:
        raise ValueError(f"{predicted.shape[0]} predictions for {true.shape[0]} targets")
    return float(np.mean(predicted == true))


class History(dict):
    """What :func:`train` measured, one entry per epoch.

    A dict with the lists ``"loss"``, ``"val_loss"``, ``"accuracy"`` and ``"val_accuracy"``; a
    list stays empty where its metric means nothing (no validation data, or a regression loss).
    """

    def __init__(self):
        super().__init__(loss=[], val_loss=[], accuracy=[], val_accuracy=[])

    @property
    def epochs(self):
        """Number of epochs recorded."""
        return len(self["loss"])


def _loss_value(outputs, X, y, loss_fn):
    """Loss of a model on (X, y) and its outputs ``outputs(X)``, with y reshaped to the output when only
    the shape differs."""
    y_hat = outputs(X)
    y = np.asarray(y)
    if y.shape != y_hat.shape and y.size == y_hat.size and y.ndim != y_hat.ndim:
        y = y.reshape(y_hat.shape)
    return loss_fn(y_hat, y), y_hat


def blas_threads(threads=BLAS_THREADS):
    """A context in which numpy's BLAS uses ``threads`` threads (None: no change); default
    :data:`BLAS_THREADS`, the policy :func:`train` follows."""
    return contextlib.nullcontext() if threads is None else threadpool_limits(threads, user_api="blas")


def _updates_in_place(model, optimizer):
    """Can the optimiser write its steps into the model's own arrays?

    Yes for an :class:`~nnlib.network.MLP` trained by one of nnlib's optimisers whose ``step`` is
    the standard one (``update`` on copies); any other optimiser (a student's, a subclass with its
    own ``step``) goes through ``set_params(step(get_params(), grads))``.
    """
    return (isinstance(model, MLP) and isinstance(optimizer, Optimizer)
            and type(optimizer).step is Optimizer.step)


def _uses_batch_gradients(model):
    """Can the loop call the network's own training path (:meth:`~nnlib.network.MLP._batch_gradients`)?

    Yes for an :class:`~nnlib.network.MLP` whose ``gradients`` and ``forward`` are nnlib's; a
    subclass that changes either (a penalty added to the gradients, say) is trained through its
    own ``gradients``, as any other model is.
    """
    return (isinstance(model, MLP) and type(model).gradients is MLP.gradients
            and type(model).forward is MLP.forward)


def _prepared(model, X, y, loss):
    """The training data as the loop's own arrays, checked and converted once for every batch.

    ``X``: a copy in the network's dtype, its shape checked (so the batches cut from it need no
    copy or check of their own). ``y``: integer labels become one-hot rows for the cross-entropies of
    an MLP with several outputs (what the loss would make of them in every batch), other targets
    take the output's shape when only the shape differs (``(n,)`` for an output of ``(n, 1)``).
    """
    X = model._as_batch(X)
    y = np.asarray(y)
    n_outputs = model.layer_sizes[-1]
    if (n_outputs > 1 and y.ndim == 1 and loss in ("cross_entropy", "softmax_cross_entropy")):
        return X, losses.one_hot(y, n_outputs, dtype=model.dtype)
    if y.shape != (len(X), n_outputs) and y.size == len(X) * n_outputs and y.ndim != 2:
        y = y.reshape(len(X), n_outputs)
    return X, y


def train(model, X, y, loss="softmax_cross_entropy", optimizer=None, epochs=20, batch_size=32,
          X_val=None, y_val=None, seed=None, progress=True, callback=None):
    """Train ``model`` in place by mini-batch gradient descent and return its :class:`History`.

    Each batch is ``model.gradients`` followed by ``model.set_params(optimizer.step(model.get_params(),
    grads))``. An MLP computes the same gradients by its training path (``model._batch_gradients``,
    without the batch's loss value), and nnlib's optimisers on an MLP do the same step in place
    (``optimizer.update`` on the model's arrays, which each epoch gets as fresh copies, so arrays
    taken from the model before keep their values). numpy's BLAS uses :data:`BLAS_THREADS`
    thread(s) meanwhile.

    Parameters
    ----------
    model : nnlib.network.MLP (anything with ``gradients``, ``get_params``, ``set_params``, ``forward``)
    X : array_like of shape (n_samples, N_0)
    y : targets in the form the loss takes (labels or one-hot for the cross-entropies)
    loss : str or (loss, loss_grad) pair
        A name from :data:`nnlib.losses.LOSSES`. The default expects a linear last layer (logits).
    optimizer : optional
        An object with ``step(params, grads)``; default ``SGD(lr=0.1)``.
    epochs : int
    batch_size : int
    X_val, y_val : optional validation data, measured after each epoch.
    seed : int, optional
        Seed of the shuffling, for repeatable runs.
    progress : bool
        Show a tqdm progress bar over the epochs (a widget in notebooks); False prints nothing.
    callback : callable, optional
        ``callback(epoch, history)`` after each epoch (epoch counts from 0), e.g. to redraw a plot;
        if it returns True, training stops.

    Returns
    -------
    History
    """
    loss_fn = losses.get_loss(loss)[0] if isinstance(loss, str) else loss[0]
    classification = isinstance(loss, str) and loss in CLASSIFICATION_LOSSES
    optimizer = SGD(lr=0.1) if optimizer is None else optimizer
    rng = np.random.default_rng(seed)
    network_path = _uses_batch_gradients(model)
    if network_path:
        # the network's training path, on data checked and converted once: the same gradients
        # without a copy of every batch and without the batch's loss value, which nobody reads
        X, y = _prepared(model, X, y, loss)
        if X_val is not None and y_val is not None:
            X_val, y_val = _prepared(model, X_val, y_val, loss)
    outputs = model._outputs if network_path else model.forward  # _outputs: no copy, no cache
    history = History()
    # no bar object at all without progress: nothing is printed or displayed (a grade cell that
    # writes to stderr scores 0 in nbgrader)
    bar = tqdm(total=int(epochs), desc="training", unit="epoch") if progress else None
    in_place = _updates_in_place(model, optimizer)
    with blas_threads(BLAS_THREADS):
        for epoch in range(int(epochs)):
            if in_place:
                # fresh copies for this epoch's steps to write into: arrays handed out before (a
                # W saved before training, a callback's snapshot) keep their values
                model.set_params(model.get_params())
                params = [p for pair in zip(model.W, model.b) for p in pair]  # [W1, b1, W2, b2, ...]
            for X_batch, y_batch in minibatches(X, y, batch_size, rng):
                if network_path:
                    dWs, dbs = model._batch_gradients(X_batch, y_batch, loss)
                else:
                    _, dWs, dbs = model.gradients(X_batch, y_batch, loss)
                grads = [g for pair in zip(dWs, dbs) for g in pair]  # [dW1, db1, dW2, db2, ...]
                if in_place:
                    optimizer.update(params, grads)  # the same step, written into the model's arrays
                else:
                    model.set_params(optimizer.step(model.get_params(), grads))
            value, y_hat = _loss_value(outputs, X, y, loss_fn)
            history["loss"].append(value)
            if classification:
                history["accuracy"].append(accuracy(y_hat, y))
            if X_val is not None and y_val is not None:
                val_value, val_hat = _loss_value(outputs, X_val, y_val, loss_fn)
                history["val_loss"].append(val_value)
                if classification:
                    history["val_accuracy"].append(accuracy(val_hat, y_val))
            if bar is not None:
                bar.set_postfix(loss=f"{value:.4g}", refresh=False)
                bar.update(1)
            if callback is not None and callback(epoch, history):
                break
    if bar is not None:
        bar.close()
    return history
