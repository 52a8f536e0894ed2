"""Hypothesis strategies and one independent reference shared by the nnlib tests.

``central_difference`` is written here, apart from :mod:`nnlib.gradcheck`, so that the library's
derivatives are checked against code that shares nothing with the library.
"""
import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlib.gradcheck import rel_error
from nnlib.tolerance import GRAD_RTOL, close

#: Settings for property tests: enough examples to find edge cases, quick enough to keep each file
#: at seconds; no deadline (the machine is shared, so timing would make tests flaky); derandomized,
#: so that every run (and CI) tries the same examples and a failure always reproduces. (Before
#: fixing the examples, every property passed 5 random runs of 400 examples each.)
PROPERTY = settings(max_examples=60, deadline=None, derandomize=True, database=None)

#: Step of the reference central difference.
STEP = 1e-5


def central_difference(f, x, step=STEP):
    """Reference gradient of a scalar function ``f`` at ``x`` by central differences.

    Perturbs one element at a time of a private copy: (f(x + h e_i) - f(x - h e_i)) / 2h.
    """
    x = np.array(x, dtype=float)
    grad = np.empty_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        saved = flat_x[i]
        flat_x[i] = saved + step
        up = float(f(x.copy()))
        flat_x[i] = saved - step
        down = float(f(x.copy()))
        flat_x[i] = saved
        flat_grad[i] = (up - down) / (2.0 * step)
    return grad


def gradients_agree(analytic, numeric):
    """Does an analytic gradient match a central-difference one?

    Either element by element within the course tolerance, or relative to the gradient's largest
    entry within GRAD_RTOL (:func:`nnlib.gradcheck.rel_error`): a central difference of a large
    function value carries a round-off of about |f| * 1e-16 / step, which can exceed ATOL on
    entries that are nearly 0 while being negligible next to the gradient as a whole.
    """
    return close(analytic, numeric) or rel_error(analytic, numeric) < GRAD_RTOL


def elementwise_difference(f, z, step=STEP):
    """Reference derivative of an element-wise function at every element of ``z`` at once."""
    z = np.asarray(z, dtype=float)
    return (f(z + step) - f(z - step)) / (2.0 * step)


def reals(limit=30.0):
    """Finite floats in [-limit, limit]."""
    return st.floats(-limit, limit, allow_nan=False, allow_infinity=False)


def away_from_kink(limit=30.0, gap=1e-3):
    """Finite floats in [-limit, limit] at least ``gap`` from 0 (where ReLU-like kinks sit)."""
    return reals(limit).filter(lambda v: abs(v) >= gap)


def shapes(max_dims=2, max_side=5):
    """Array shapes of one or two dimensions with sides 1..max_side."""
    return hnp.array_shapes(min_dims=1, max_dims=max_dims, min_side=1, max_side=max_side)


def real_arrays(limit=30.0, shape=None):
    """Float arrays of a drawn (or given) shape with entries in [-limit, limit]."""
    return hnp.arrays(np.float64, shape if shape is not None else shapes(), elements=reals(limit))


def kinkless_arrays(limit=30.0, gap=1e-3):
    """Float arrays whose entries stay at least ``gap`` away from 0."""
    return hnp.arrays(np.float64, shapes(), elements=away_from_kink(limit, gap))


@st.composite
def logit_batches(draw, limit=50.0, max_rows=5, max_classes=6):
    """Logits of shape (n, K) with n in 1..max_rows and K in 2..max_classes."""
    n = draw(st.integers(1, max_rows))
    k = draw(st.integers(2, max_classes))
    return draw(hnp.arrays(np.float64, (n, k), elements=reals(limit)))


@st.composite
def probability_batches(draw, max_rows=5, max_classes=6):
    """(probabilities of shape (n, K) with rows summing to 1, integer labels of shape (n,)).

    Every probability is at least 0.1 / (0.1 + K - 1) (about 0.02): near 0 the curvature of log p
    makes a central difference with step 1e-5 too coarse to test against RTOL.
    """
    n = draw(st.integers(1, max_rows))
    k = draw(st.integers(2, max_classes))
    weights = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(0.1, 1.0)))
    labels = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, k - 1)))
    return weights / weights.sum(axis=1, keepdims=True), labels


@st.composite
def matching_pairs(draw, limit=10.0):
    """Two float arrays of one shape: (prediction, target)."""
    shape = draw(shapes())
    return draw(real_arrays(limit, shape)), draw(real_arrays(limit, shape))


@st.composite
def binary_pairs(draw):
    """(probabilities in [0, 1], targets in {0, 1}) of one shape, including exact 0 and 1."""
    shape = draw(shapes())
    probs = draw(hnp.arrays(np.float64, shape, elements=st.floats(0.0, 1.0)))
    targets = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0])))
    return probs, targets


@st.composite
def param_lists(draw, max_arrays=4):
    """(params, grads): two lists of float arrays with matching shapes, like [W1, b1, W2, ...]."""
    count = draw(st.integers(1, max_arrays))
    params, grads = [], []
    for _ in range(count):
        shape = draw(shapes())
        params.append(draw(real_arrays(5.0, shape)))
        grads.append(draw(real_arrays(5.0, shape)))
    return params, grads
