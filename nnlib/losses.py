r"""Loss functions, each followed by its gradient with respect to the prediction.

Conventions
-----------
- Arguments are ``(y_hat, y)``: the prediction first, the target second.
- A batch holds samples as rows: ``y_hat`` of shape (n_samples, n_outputs). A single sample may be
  given as a 1-D array; it counts as a batch of one for the losses that average over samples.
- ``y_hat`` and ``y`` must have the same shape (no silent broadcasting of (n,) against (n, 1));
  only :func:`cross_entropy` and :func:`softmax_cross_entropy` also take integer class labels.
- Each ``<name>_grad`` returns :math:`\partial L / \partial \hat y` with the shape of ``y_hat``,
  including the averaging factor of its loss (e.g. the 1/n of a batch mean).

Definitions (what is summed, what is averaged)
----------------------------------------------
=========================  ==========================================================================
``squared_error``          :math:`\tfrac12 \sum (\hat y - y)^2`, summed over everything (the lectures')
``mse``                    :math:`\frac1N \sum (\hat y - y)^2`, mean over all N elements
``mae``                    :math:`\frac1N \sum |\hat y - y|`, mean over all N elements
``binary_cross_entropy``   :math:`-\frac1N \sum [y \log p + (1-y)\log(1-p)]`, mean over all N elements
``cross_entropy``          :math:`-\frac1n \sum_i \sum_k y_{ik} \log p_{ik}`, mean over n samples
``softmax_cross_entropy``  ``cross_entropy(softmax(logits), y)``, computed from the logits
=========================  ==========================================================================

Probabilities are clipped to ``[EPS, 1 - EPS]`` before any logarithm or division, so predictions
of exactly 0 or 1 give large but finite values. The registry :data:`LOSSES` maps a name to
``(loss, loss_grad)``.
"""
import numpy as np

from nnlib.activations import softmax

#: Probabilities are clipped into [EPS, 1 - EPS] before a log or a division.
EPS = 1e-12


def _as_float(values):
    """``values`` as a float array: float32 stays float32 (a float32 network's output), else float64."""
    return np.asarray(values, dtype=np.float32 if getattr(values, "dtype", None) == np.float32 else float)


def _pair(y_hat, y, name):
    """Both arguments as float arrays of the same shape, or a ValueError naming the shapes."""
    y_hat = _as_float(y_hat)
    y = np.asarray(y, dtype=y_hat.dtype)
    if y_hat.shape != y.shape:
        raise ValueError(
            f"{name}: prediction has shape {y_hat.shape} but target has shape {y.shape}; "
            "give them the same shape (e.g. reshape y with y.reshape(y_hat.shape))")
    return y_hat, y


def one_hot(labels, num_classes=None, dtype=float):
    """Integer class labels as one-hot rows.

    Parameters
    ----------
    labels : array_like of int, shape (n_samples,) (or a single int)
    num_classes : int, optional
        K; by default ``max(labels) + 1``.
    dtype : numpy dtype
        Of the result (float64 by default).

    Returns
    -------
    ndarray of shape (n_samples, K) (or (K,) for a single label), 1.0 at each label, 0.0 elsewhere.
    """
    labels = np.asarray(labels)
    # an integer array holds whole numbers by its type; other arrays are checked
    if labels.size and labels.dtype.kind not in "iu" and not np.all(np.equal(np.mod(labels, 1), 0)):
        raise ValueError(f"one_hot needs integer class labels; got {labels!r}")
    labels = labels.astype(int, copy=False)
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must lie in 0..{num_classes - 1}; got values from "
                         f"{labels.min()} to {labels.max()}")
    return np.eye(num_classes, dtype=dtype)[labels]


def _targets_like(probs, y, name):
    """Targets as an array of the shape of ``probs``: one-hot rows are kept, labels are encoded."""
    probs = _as_float(probs)
    y = np.asarray(y)
    if y.shape == probs.shape:
        return probs, np.asarray(y, dtype=probs.dtype)  # only read: no copy needed
    if probs.ndim >= 1 and y.shape == probs.shape[:-1]:
        return probs, one_hot(y, probs.shape[-1], dtype=probs.dtype)
    raise ValueError(
        f"{name}: predictions have shape {probs.shape}; targets must be one-hot of the same shape "
        f"or integer labels of shape {probs.shape[:-1]}, but have shape {y.shape}")


def _n_samples(probs):
    """Samples in a batch of rows; a 1-D array is one sample."""
    return probs.shape[0] if probs.ndim > 1 else 1


# --- squared error (the lectures' loss) -------------------------------------------------------

def squared_error(y_hat, y):
    r""":math:`E = \tfrac12 \sum (\hat y - y)^2`, summed over every element (no averaging)."""
    y_hat, y = _pair(y_hat, y, "squared_error")
    return 0.5 * float(np.sum((y_hat - y) ** 2))


def squared_error_grad(y_hat, y):
    r""":math:`\partial E / \partial \hat y = \hat y - y` (the ½ cancels the 2)."""
    y_hat, y = _pair(y_hat, y, "squared_error_grad")
    return y_hat - y


# --- mean squared error -----------------------------------------------------------------------

def mse(y_hat, y):
    r"""Mean squared error :math:`\frac1N \sum (\hat y - y)^2` over all N elements."""
    y_hat, y = _pair(y_hat, y, "mse")
    return float(np.mean((y_hat - y) ** 2))


def mse_grad(y_hat, y):
    r""":math:`\frac2N (\hat y - y)`."""
    y_hat, y = _pair(y_hat, y, "mse_grad")
    return 2.0 * (y_hat - y) / y_hat.size


# --- mean absolute error ----------------------------------------------------------------------

def mae(y_hat, y):
    r"""Mean absolute error :math:`\frac1N \sum |\hat y - y|` over all N elements."""
    y_hat, y = _pair(y_hat, y, "mae")
    return float(np.mean(np.abs(y_hat - y)))


def mae_grad(y_hat, y):
    r""":math:`\frac1N \operatorname{sign}(\hat y - y)`, taken as 0 where :math:`\hat y = y`."""
    y_hat, y = _pair(y_hat, y, "mae_grad")
    return np.sign(y_hat - y) / y_hat.size


# --- binary cross-entropy ---------------------------------------------------------------------

def binary_cross_entropy(y_hat, y):
    r"""Binary cross-entropy :math:`-\frac1N \sum [y \log p + (1 - y)\log(1 - p)]`.

    ``y_hat`` holds probabilities p of class 1 (e.g. sigmoid outputs), ``y`` targets in [0, 1], of
    the same shape: (n,) or (n, 1) (the mean is then over samples) or (n, k) for k independent
    labels (mean over all N elements). p is clipped to ``[EPS, 1 - EPS]``.
    """
    y_hat, y = _pair(y_hat, y, "binary_cross_entropy")
    p = np.clip(y_hat, EPS, 1.0 - EPS)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


def binary_cross_entropy_grad(y_hat, y):
    r""":math:`\frac1N \, \frac{p - y}{p (1 - p)}` with p clipped to ``[EPS, 1 - EPS]``."""
    y_hat, y = _pair(y_hat, y, "binary_cross_entropy_grad")
    p = np.clip(y_hat, EPS, 1.0 - EPS)
    return (p - y) / (p * (1.0 - p)) / y_hat.size


# --- categorical cross-entropy ----------------------------------------------------------------

def cross_entropy(y_hat, y):
    r"""Categorical cross-entropy :math:`-\frac1n \sum_i \sum_k y_{ik} \log p_{ik}`.

    Parameters
    ----------
    y_hat : array_like of shape (n_samples, K), or (K,) for one sample
        Class probabilities (e.g. softmax outputs); clipped below at ``EPS`` before the log.
    y : array_like
        One-hot targets of the shape of ``y_hat``, or integer labels of shape (n_samples,)
        (a single int for one sample).

    Returns
    -------
    float, averaged over the n samples (summed over the K classes).
    """
    p, t = _targets_like(y_hat, y, "cross_entropy")
    return float(-np.sum(t * np.log(np.clip(p, EPS, 1.0))) / _n_samples(p))


def cross_entropy_grad(y_hat, y):
    r""":math:`-\frac1n \, y / p` (p clipped below at ``EPS``), of the shape of ``y_hat``."""
    p, t = _targets_like(y_hat, y, "cross_entropy_grad")
    return -t / np.clip(p, EPS, 1.0) / _n_samples(p)


# --- softmax followed by cross-entropy --------------------------------------------------------

def _exponentials(logits):
    r"""The pieces of softmax and log-softmax along the last axis: :math:`z - m`, :math:`e^{z - m}` and
    the row sums of :math:`e^{z - m}`, with :math:`m = \max_j z_j` (every exponent <= 0)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exps = np.exp(shifted)
    return shifted, exps, exps.sum(axis=-1, keepdims=True)


def _log_softmax(logits):
    """log(softmax(z)) along the last axis by log-sum-exp: z - max - log(sum(exp(z - max)))."""
    shifted, _, sums = _exponentials(logits)
    return shifted - np.log(sums)


def softmax_cross_entropy(logits, y):
    r"""Cross-entropy of ``softmax(logits)``, computed from the logits without forming log(0).

    :math:`L = -\frac1n \sum_i \sum_k y_{ik} \log \mathrm{softmax}(z_i)_k`, where
    :math:`\log \mathrm{softmax}(z)_k = z_k - m - \log \sum_j e^{z_j - m}` with :math:`m = \max_j z_j`
    (log-sum-exp), which stays finite for logits of ±1000.

    Parameters
    ----------
    logits : array_like of shape (n_samples, K), or (K,) for one sample
    y : one-hot targets of the same shape, or integer labels of shape (n_samples,)

    Returns
    -------
    float, averaged over the n samples.
    """
    z, t = _targets_like(logits, y, "softmax_cross_entropy")
    return float(-np.sum(t * _log_softmax(z)) / _n_samples(z))


def softmax_cross_entropy_grad(logits, y):
    r""":math:`\partial L/\partial z = \frac1n(\mathrm{softmax}(z) - y)`, of the shape of ``logits``."""
    z, t = _targets_like(logits, y, "softmax_cross_entropy_grad")
    return (softmax(z) - t) / _n_samples(z)


def softmax_cross_entropy_and_grad(logits, y):
    r"""Both :func:`softmax_cross_entropy` and :func:`softmax_cross_entropy_grad` from one softmax.

    What :meth:`nnlib.network.MLP.gradients` needs: the targets are encoded once, and one set of
    exponentials :math:`e^{z - m}` (with :math:`m = \max_j z_j`) and their row sums serve both the
    log-softmax of the value :math:`L` and the softmax of the gradient
    :math:`\frac1n(\mathrm{softmax}(z) - y)`, which is the very array
    :func:`softmax_cross_entropy_grad` returns.

    Returns
    -------
    value : float
    grad : ndarray of the shape of ``logits``
    """
    z, t = _targets_like(logits, y, "softmax_cross_entropy")
    shifted, exps, sums = _exponentials(z)
    n = _n_samples(z)
    log_probs = shifted - np.log(sums)  # as _log_softmax
    probs = exps / sums  # softmax(z), computed as nnlib.activations.softmax computes it
    return float(-(t * log_probs).sum() / n), (probs - t) / n


# --- registry ---------------------------------------------------------------------------------

#: name -> (loss, gradient with respect to the prediction)
LOSSES = {
    "squared_error": (squared_error, squared_error_grad),
    "mse": (mse, mse_grad),
    "mae": (mae, mae_grad),
    "binary_cross_entropy": (binary_cross_entropy, binary_cross_entropy_grad),
    "cross_entropy": (cross_entropy, cross_entropy_grad),
    "softmax_cross_entropy": (softmax_cross_entropy, softmax_cross_entropy_grad),
}


def get_loss(name):
    """Look a loss up by name and return ``(loss, loss_grad)``; ValueError lists the known names."""
    if not isinstance(name, str) or name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; known losses: {', '.join(LOSSES)}")
    return LOSSES[name]
