"""The course's data sets: small, offline and seeded.

Every loader returns ``(X, y)`` with ``X`` a float64 array of shape (n_samples, n_features) and
``y`` either integer class labels of shape (n_samples,) or float targets of shape (n_samples,).
Random data sets take ``seed`` (default 0) and give the same arrays for the same arguments.
"""
from pathlib import Path

import numpy as np

__all__ = [
    "logic_gate", "and_gate", "or_gate", "xor_gate", "nand_gate",
    "average_of_inputs", "average_of_inputs_sample", "odd_difference",
    "two_moons", "spirals", "circles", "digits", "train_test_split",
]

# The four input rows of every truth table, in the order the lectures list them.
_GATE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
_GATE_OUTPUTS = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "xor": [0, 1, 1, 0],
    "nand": [1, 1, 1, 0],
}


def logic_gate(name):
    """Truth table of a two-input logic gate.

    Parameters
    ----------
    name : {"and", "or", "xor", "nand"}
        Case-insensitive.

    Returns
    -------
    X : ndarray of shape (4, 2), float64
        The inputs (0,0), (0,1), (1,0), (1,1) in that order.
    y : ndarray of shape (4,), int
        The gate's output for each row.
    """
    key = str(name).lower()
    if key not in _GATE_OUTPUTS:
        raise ValueError(f"unknown gate {name!r}; choose one of {sorted(_GATE_OUTPUTS)}")
    return _GATE_INPUTS.copy(), np.array(_GATE_OUTPUTS[key], dtype=int)


def and_gate():
    """AND truth table: y = 1 only for (1, 1). See :func:`logic_gate`."""
    return logic_gate("and")


def or_gate():
    """OR truth table: y = 0 only for (0, 0). See :func:`logic_gate`."""
    return logic_gate("or")


def xor_gate():
    """XOR truth table: y = 1 when exactly one input is 1. See :func:`logic_gate`."""
    return logic_gate("xor")


def nand_gate():
    """NAND truth table: y = 0 only for (1, 1). See :func:`logic_gate`."""
    return logic_gate("nand")


def average_of_inputs():
    """The three training samples of the "average of the inputs" regression (lecture 004).

    Returns
    -------
    X : ndarray of shape (3, 2), float64
        (0.1, 0.3), (0.1, -0.1), (-0.8, 0.2).
    y : ndarray of shape (3,), float64
        The mean of each row: 0.2, 0.0, -0.3.
    """
    X = np.array([[0.1, 0.3], [0.1, -0.1], [-0.8, 0.2]], dtype=np.float64)
    y = np.array([0.2, 0.0, -0.3], dtype=np.float64)
    return X, y


def average_of_inputs_sample(n=100, seed=0, low=-1.0, high=1.0):
    """More samples of the same rule: y = (x1 + x2) / 2 for inputs drawn uniformly.

    Parameters
    ----------
    n : int
        Number of samples.
    seed : int
    low, high : float
        Range of each input.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), float64
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(low, high, size=(n, 2))
    return X, X.mean(axis=1)


def odd_difference(n=200, seed=0, low=0, high=9):
    """Pairs of whole numbers labelled 1 when their absolute difference is odd (lecture 002).

    The lecture's examples (2 and 5, 5 and 3, 2 and 9) are single digits, so the inputs are drawn
    uniformly from the integers ``low..high`` inclusive (0 to 9 by default).

    Parameters
    ----------
    n : int
        Number of pairs.
    seed : int
    low, high : int
        Smallest and largest input (both included).

    Returns
    -------
    X : ndarray of shape (n, 2), float64
        The pairs (a, b), whole numbers stored as floats.
    y : ndarray of shape (n,), int
        ``|a - b| % 2``.
    """
    rng = np.random.default_rng(seed)
    pairs = rng.integers(low, high, size=(n, 2), endpoint=True)
    y = (np.abs(pairs[:, 0] - pairs[:, 1]) % 2).astype(int)
    return pairs.astype(np.float64), y


def two_moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles, one per class.

    Class 0 lies on the upper arc (cos t, sin t), class 1 on the lower arc
    (1 - cos t, 0.5 - sin t), t in [0, pi], with Gaussian noise of standard deviation ``noise``.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), int in {0, 1}
    """
    rng = np.random.default_rng(seed)
    n_upper = n // 2
    n_lower = n - n_upper
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n_lower)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.vstack([upper, lower]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n_upper, dtype=int), np.ones(n_lower, dtype=int)])
    return _shuffle(X, y, rng)


def spirals(n=300, classes=3, noise=0.2, seed=0):
    """Interleaved spiral arms, one per class (``n`` points in all, split as evenly as possible).

    Arm k has points at radius r in [0, 1] and angle 4r + 2 pi k / classes, plus Gaussian noise of
    standard deviation ``noise`` on the angle.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), int in {0, ..., classes - 1}
    """
    rng = np.random.default_rng(seed)
    sizes = [n // classes + (1 if k < n % classes else 0) for k in range(classes)]
    points, labels = [], []
    for k, size in enumerate(sizes):
        radius = np.linspace(0.0, 1.0, size)
        angle = 4.0 * radius + 2.0 * np.pi * k / classes + rng.normal(0.0, noise, size)
        points.append(np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]))
        labels.append(np.full(size, k, dtype=int))
    return _shuffle(np.vstack(points), np.concatenate(labels), rng)


def circles(n=200, noise=0.05, factor=0.5, seed=0):
    """A small circle (class 1) inside a larger one (class 0).

    Parameters
    ----------
    n : int
    noise : float
        Standard deviation of the Gaussian noise added to each coordinate.
    factor : float
        Radius of the inner circle relative to the outer one (radius 1), between 0 and 1.
    seed : int

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), int in {0, 1}
    """
    if not 0.0 < factor < 1.0:
        raise ValueError(f"factor must lie strictly between 0 and 1, got {factor}")
    rng = np.random.default_rng(seed)
    n_outer = n // 2
    n_inner = n - n_outer
    # endpoint=False so that angle 0 and 2 pi do not give the same point twice.
    t_outer = np.linspace(0.0, 2.0 * np.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0.0, 2.0 * np.pi, n_inner, endpoint=False)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = factor * np.column_stack([np.cos(t_inner), np.sin(t_inner)])
    X = np.vstack([outer, inner]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n_outer, dtype=int), np.ones(n_inner, dtype=int)])
    return _shuffle(X, y, rng)


def _shuffle(X, y, rng):
    order = rng.permutation(len(y))
    return X[order], y[order]


def _digits_path():
    return Path(__file__).resolve().parent / "data" / "digits.npz"


def digits(normalize=True):
    """The 8x8 handwritten digits shipped with nnlib (1,797 images, classes 0-9).

    Parameters
    ----------
    normalize : bool
        Divide the pixel values (0-16) by 16 so that X lies in [0, 1].

    Returns
    -------
    X : ndarray of shape (1797, 64), float64
        Each image flattened row by row; pixel values in [0, 1] (or 0-16 when not normalised).
    y : ndarray of shape (1797,), int
        The digit shown.
    """
    with np.load(_digits_path()) as data:
        images, target = data["images"], data["target"]
    X = images.reshape(len(images), -1).astype(np.float64)
    if normalize:
        X /= 16.0
    return X, target.astype(int)


def train_test_split(X, y, test_fraction=0.2, seed=0):
    """Split samples at random into a training and a test part (same seed, same split).

    Parameters
    ----------
    X : ndarray of shape (n_samples, ...)
    y : ndarray of shape (n_samples, ...)
    test_fraction : float
        Share of the samples held out, strictly between 0 and 1; the test part has
        ``round(test_fraction * n_samples)`` samples (at least one, and at least one left to train).
    seed : int

    Returns
    -------
    X_train, X_test, y_train, y_test : ndarray
        New arrays; the inputs are not modified.
    """
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    if len(y) != n:
        raise ValueError(f"X has {n} samples but y has {len(y)}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1, got {test_fraction}")
    if n < 2:
        raise ValueError("need at least two samples to split")
    n_test = min(max(int(round(test_fraction * n)), 1), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]
