"""The course's one tolerance policy.

Every comparison of floats in the course -- nnlib's own tests, the notebooks' visible tests and
their hidden tests -- goes through this module, so a value that passes one passes them all.

Two numbers are close when ``|actual - expected| <= ATOL + RTOL * |expected|`` element-wise
(numpy's ``allclose`` rule): a relative error with a small absolute floor, so that values near
zero are not held to an impossible relative standard. Analytic gradients are compared with
numerical ones by :func:`nnlib.gradcheck.rel_error`, which must stay below ``GRAD_RTOL``:
central differences carry an error of order eps**2, far above float64 round-off.
"""
import numpy as np

RTOL = 1e-6
ATOL = 1e-9
GRAD_RTOL = 1e-6


def close(actual, expected):
    """True when ``actual`` matches ``expected`` within the course tolerance (same shape required)."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    if actual.shape != expected.shape:
        return False
    return bool(np.allclose(actual, expected, rtol=RTOL, atol=ATOL, equal_nan=False))


def max_error(actual, expected):
    """Largest element-wise ``|actual - expected|``; ``inf`` where shapes differ or a value is not finite."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    if actual.shape != expected.shape:
        return float("inf")
    if actual.size == 0:
        return 0.0
    diff = np.abs(actual - expected)
    return float(np.max(np.where(np.isfinite(diff), diff, np.inf)))
