r"""Unit 04's checks: the losses, their gradients, a gradient-descent loop and a mini-batch iterator.

Each check takes the student's function(s), runs the visible cases (or the ``cases`` a hidden test
passes with ``reveal=False``) against the reference and, when the answer is wrong, names the
mistake it recognises. The references are nnlib's own functions, so the notebook's definitions are
nnlib's (:mod:`nnlib.losses`):

=============================  ================================================================
``squared_error``              :math:`\tfrac12 \sum (\hat y - y)^2`, summed over every entry
``mse`` / ``mae``              mean over all N entries of :math:`(\hat y - y)^2` / :math:`|\hat y - y|`
``binary_cross_entropy``       :math:`-\frac1N \sum [y \log p + (1 - y) \log(1 - p)]`, p clipped
``cross_entropy``              :math:`-\frac1n \sum_i \sum_k y_{ik} \log p_{ik}` (one-hot rows)
``softmax_cross_entropy``      the same from logits, by log-sum-exp; gradient (softmax(z) - y) / n
=============================  ================================================================

Rules: every loss and gradient is the student's own numpy code (no nnlib) without Python loops;
both rules follow the student's helper functions that a graded function calls. The own-code rule
is checked in every cell of an exercise; the no-loops rule has a cell of its own, so a loop costs
exactly that point.

Failures are worded as in unit 02's module (whose :func:`compare`, :func:`exercise` and
:func:`require_written` are used here): the exercise is named first, an untouched stub is told only
that it is not written yet, a function that calls an earlier graded one is told to fix that one
first, a recognised mistake gets its name and fix, and otherwise the message points to the section
to re-read, with the numbers after the advice.

Predictions of exactly 0 or 1 are clipped to ``[EPS, 1 - EPS]``. Where a student clips ``1 - p``
instead of ``p`` the two roundings of ``1 - (1 - EPS)`` differ by about 1e-4 relative, so the
checks of those extreme values compare with :data:`CLIP_RTOL` instead of the course tolerance;
every other comparison uses :mod:`nnlib.tolerance`.
"""
import inspect

import numpy as np

from nnlib import losses
from nnlib.checks import as_array, call, check_close, check_no_loops, check_own_code, fail
from nnlib.exercises.common import compare, exercise, passed, require_written
from nnlib.tolerance import close
from nnlib.widgets import descent

__all__ = [
    "squared_error", "mse", "mae", "loss_shapes", "squared_error_grad", "mse_grad", "mae_grad",
    "binary_cross_entropy", "binary_cross_entropy_grad", "binary_cross_entropy_extremes",
    "cross_entropy", "cross_entropy_grad", "cross_entropy_extremes", "softmax_cross_entropy",
    "softmax_cross_entropy_stable", "softmax_cross_entropy_grad", "losses_vectorised",
    "gradient_descent_values", "gradient_descent_path", "minibatches_cover", "minibatches_shuffle",
    "minibatch_data",
]

EPS = losses.EPS
#: Relative tolerance for losses and gradients at probabilities of exactly 0 or 1 (see above).
CLIP_RTOL = 1e-4


# ---------------------------------------------------------------------- shared pieces
def _helpers(fn):
    """``[(name, function)]``: ``fn`` and the student's own functions it calls, followed to any depth.

    A helper is a function defined in the same module (the notebook) and read as a global name
    from ``fn``'s code; the name is the one the code uses.
    """
    found, todo = [], [(getattr(fn, "__name__", ""), fn)]
    while todo:
        name, current = todo.pop()
        if any(current is f for _, f in found):
            continue
        found.append((name, current))
        code, scope = getattr(current, "__code__", None), getattr(current, "__globals__", {})
        if code is None:
            continue
        names, stack = set(), [code]
        while stack:  # nested functions and comprehensions have their own code objects
            block = stack.pop()
            names |= set(block.co_names)
            stack += [c for c in block.co_consts if hasattr(c, "co_names")]
        for other_name in sorted(names):
            other = scope.get(other_name)
            if inspect.isfunction(other) and other.__module__ == current.__module__:
                todo.append((other_name, other))
    return found


def _own_code(fn, name):
    """The exercise asks for the student's own numpy code: no nnlib, in fn or its helpers."""
    for helper, f in _helpers(fn):
        check_own_code(f, forbidden=("nnlib",), name=name if f is fn else f"{helper} (called by {name})")


def _pieces_first(fn, name):
    """If ``fn`` calls another graded function of this unit, that one must be right first."""
    for other, f in _helpers(fn)[1:]:
        if other in _GRADED and other != name:
            exercise, check = _GRADED[other]
            try:
                check(f, reveal=False)
            except AssertionError as failure:
                fail(f"{name} calls your {other}, which is not right yet: fix exercise {exercise} "
                     f"({other}) first. ({failure})")


def _values(fn, reference, cases, name, mistakes=(), hint="", reveal=True):
    """Written, own code, earlier pieces right, then values against the reference.

    A wrong value gets the advice of the recognised mistake first, else ``hint`` (the idea to
    re-read), then the numbers (unit 02's :func:`compare`).
    """
    cases = list(cases)
    require_written(fn, cases[0], name)
    _own_code(fn, name)
    _pieces_first(fn, name)
    compare(fn, reference, cases, name, mistakes=mistakes, hint=hint, reveal=reveal)


def _one_line(array):
    """A small array as text on one line (messages are read as one line in Validate)."""
    return " ".join(np.array2string(np.asarray(array), separator=", ", max_line_width=10_000).split())


def _arrays(*values):
    return tuple(np.array(v, dtype=float) for v in values)


# Visible cases. A (3, 2) batch that is not square, so averaging over one axis shows, and whose
# differences are not all equal, so a sum and a mean cannot agree by accident.
Y_HAT_BATCH, Y_BATCH = _arrays([[0.5, 1.0], [2.0, -1.0], [0.0, 3.0]], [[1.0, 1.0], [0.0, 0.0], [1.0, 3.5]])
#: Lecture 002: the slide's output 0.8796 for the target 1. Lecture 000: output 10 for target 0.
SLIDE_002 = _arrays([0.8796], [1.0])
CASE_000 = _arrays([10.0], [0.0])
REGRESSION_CASES = [SLIDE_002, CASE_000, (Y_HAT_BATCH, Y_BATCH),
                    _arrays([1.5, -0.5, 2.0, 2.0], [1.0, 0.5, 2.0, -1.0])]


def _d(y_hat, y):
    return np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)


def _rows(y_hat):
    return np.shape(y_hat)[0] if np.ndim(y_hat) > 1 else 1


# ---------------------------------------------------------------------- exercise 1
SQUARED_ERROR_MISTAKES = [
    (lambda p, y: np.sum(_d(p, y) ** 2),
     "The lectures' squared error has a ½ in front: E = ½ Σ (ŷ − y)². The ½ makes its gradient ŷ − y."),
    (lambda p, y: 0.5 * np.mean(_d(p, y) ** 2),
     "squared_error adds up over all entries; it does not divide by their number (mse does)."),
    (lambda p, y: np.mean(_d(p, y) ** 2),
     "That is the mean squared error; squared_error is ½ Σ (ŷ − y)², a sum with a ½."),
    (lambda p, y: 0.5 * np.sum(np.abs(_d(p, y))), "Square the differences: ½ Σ (ŷ − y)²."),
    (lambda p, y: 0.5 * np.sum(_d(p, y)) ** 2,
     "Square each difference first, then add: ½ Σ (ŷ − y)², not ½ (Σ (ŷ − y))²."),
]


@exercise("Exercise 1 (squared_error)")
def squared_error(fn, cases=None, reveal=True):
    """squared_error(y_hat, y) = ½ Σ (ŷ − y)² over every entry: one number."""
    _values(fn, losses.squared_error, cases or REGRESSION_CASES, "squared_error",
            SQUARED_ERROR_MISTAKES, "Compare your code with the table of definitions in section 2: what is summed, what is averaged, which constant.", reveal)
    return passed("squared_error: lecture 002's 0.00724808 (from the slide's 0.8796), lecture 000's 50, batches", reveal)


MSE_MISTAKES = [
    (lambda p, y: np.sum(_d(p, y) ** 2),
     "The 1/N is missing: mse divides the sum of squares by the number of entries N (np.mean does that)."),
    (lambda p, y: 0.5 * np.mean(_d(p, y) ** 2),
     "mse has no ½ (the ½ belongs to squared_error, and lecture 004 writes 1/(2m)): the mean of the squares."),
    (lambda p, y: np.sum(_d(p, y) ** 2) / _rows(p),
     "You divided by the number of samples (rows) only; mse averages over all N entries (rows × columns)."),
    (lambda p, y: np.mean(_d(p, y) ** 2, axis=0),
     "You averaged over axis 0 only and returned an array; mse is one number, the mean over all entries."),
    (lambda p, y: np.mean(_d(p, y) ** 2, axis=-1),
     "You averaged over the last axis only and returned an array; mse is one number, the mean over all entries."),
    (lambda p, y: np.sqrt(np.mean(_d(p, y) ** 2)), "That is the root of the MSE: leave out the square root."),
    (lambda p, y: np.mean(np.abs(_d(p, y))), "That is the mean absolute error: square the differences."),
]


@exercise("Exercise 1 (mse)")
def mse(fn, cases=None, reveal=True):
    """mse(y_hat, y) = mean of (ŷ − y)² over all entries: one number."""
    _values(fn, losses.mse, cases or REGRESSION_CASES, "mse", MSE_MISTAKES,
            "Compare your code with the table of definitions in section 2: what is summed, what is averaged, which constant.", reveal)
    return passed("mse: the mean of the squared errors over every entry", reveal)


MAE_MISTAKES = [
    (lambda p, y: np.sum(np.abs(_d(p, y))),
     "The 1/N is missing: mae is the mean of |ŷ − y| over all N entries."),
    (lambda p, y: np.mean(_d(p, y)),
     "Take the absolute value of each difference: positive and negative errors must not cancel."),
    (lambda p, y: np.abs(np.mean(_d(p, y))),
     "Take |·| of each difference before averaging, not of the average."),
    (lambda p, y: np.mean(_d(p, y) ** 2), "That is the mean squared error: use |ŷ − y|, not its square."),
    (lambda p, y: np.sum(np.abs(_d(p, y))) / _rows(p),
     "You divided by the number of samples (rows) only; mae averages over all N entries."),
    (lambda p, y: np.mean(np.abs(_d(p, y)), axis=0),
     "You averaged over axis 0 only and returned an array; mae is one number, the mean over all entries."),
]


@exercise("Exercise 1 (mae)")
def mae(fn, cases=None, reveal=True):
    """mae(y_hat, y) = mean of |ŷ − y| over all entries: one number."""
    _values(fn, losses.mae, cases or REGRESSION_CASES, "mae", MAE_MISTAKES,
            "Compare your code with the table of definitions in section 2: what is summed, what is averaged, which constant.", reveal)
    return passed("mae: the mean of the absolute errors over every entry", reveal)


SHAPE_CASES = [(np.array([[0.5], [1.5], [2.0], [3.0]]), np.array([1.0, 1.0, 2.0, 2.5])),
               (np.array([0.5, 1.5, 2.0]), np.array([[1.0], [1.0], [2.0]]))]


@exercise("Exercise 1 (shapes)")
def loss_shapes(squared_error_fn, mse_fn, mae_fn, cases=None, reveal=True):
    """The three regression losses refuse y_hat and y of different shapes with a ValueError,
    and still compute the loss when the shapes match."""
    pairs = ((squared_error_fn, "squared_error", losses.squared_error), (mse_fn, "mse", losses.mse),
             (mae_fn, "mae", losses.mae))
    for fn, name, reference in pairs:
        require_written(fn, SHAPE_CASES[0][:1] * 2, name)
        _own_code(fn, name)
        for y_hat, y in cases or SHAPE_CASES:
            where = f"for y_hat of shape {y_hat.shape} and y of shape {y.shape}"
            try:
                with np.errstate(all="ignore"):
                    result = fn(y_hat.copy(), y.copy())
            except ValueError:
                result = None
            except Exception as error:
                fail(f"{name} raised {type(error).__name__} {where}: raise a ValueError, the error numpy and "
                     "the course use for wrong shapes.")
            if result is not None:
                if close(as_array(result, name), reference(y_hat.reshape(-1), y.reshape(-1))):
                    fail(f"{name} reshaped the arrays and returned a loss {where}: refuse mismatched shapes "
                         "with a ValueError instead, so that a shape mix-up elsewhere does not go unnoticed.")
                n = max(len(y_hat), len(y))
                fail(f"{name} returned a loss {where} instead of raising ValueError: numpy broadcast (n, 1) "
                     f"against (n,) into an ({n}, {n}) matrix of differences, every prediction minus every "
                     "target, so the loss is wrong without any error. Compare the shapes first (section 2).")
            # The same data with matching shapes must still give a loss (its value is the other
            # cells' business, so a wrong formula costs its points once, there).
            for matched in ((y_hat.reshape(-1), y.reshape(-1)), (y_hat.reshape(-1, 1), y.reshape(-1, 1))):
                try:
                    with np.errstate(all="ignore"):
                        fn(*matched)
                except Exception as error:
                    fail(f"{name} raised {type(error).__name__} for y_hat and y both of shape {matched[0].shape}: "
                         "raise only when the shapes differ, and compute the loss when they match.")
    passed("the losses refuse (n, 1) against (n,) instead of broadcasting to (n, n)", reveal)


def _number(value):
    """A returned number as short text (or the shape of an array)."""
    try:
        return f"{float(np.asarray(value, dtype=float)):.6g}"
    except (TypeError, ValueError):
        return f"an array of shape {np.shape(value)}"


# ---------------------------------------------------------------------- exercise 2
# The batch first: on a single entry several constant-factor mistakes give the same numbers.
GRAD_CASES = [(Y_HAT_BATCH, Y_BATCH), SLIDE_002, CASE_000, _arrays([1.5, -0.5, 2.0, 2.0], [1.0, 0.5, 2.0, -1.0])]
GRAD_POINTER = ("Re-read section 3: differentiate the loss of exercise 1 entry by entry; the result has "
                "the shape of y_hat, and the constants (½, 1/N) matter.")
SIGN = "The sign is flipped: the derivative with respect to ŷ of (ŷ − y)² is 2(ŷ − y). A flipped sign makes gradient descent climb."

SQUARED_ERROR_GRAD_MISTAKES = [
    (lambda p, y: -_d(p, y), SIGN),
    (lambda p, y: 2.0 * _d(p, y), "The ½ cancels the 2 of the square: ∂E/∂ŷ = ŷ − y, not 2(ŷ − y)."),
    (lambda p, y: 0.5 * _d(p, y), "Differentiate the square: d/dŷ ½(ŷ − y)² = ŷ − y; the ½ does not stay."),
    (lambda p, y: _d(p, y) / np.size(p), "squared_error is a sum, not a mean, so its gradient has no 1/N."),
]


@exercise("Exercise 2 (squared_error_grad)")
def squared_error_grad(fn, cases=None, reveal=True):
    """squared_error_grad(y_hat, y) = ŷ − y, the shape of y_hat."""
    _values(fn, losses.squared_error_grad, cases or GRAD_CASES, "squared_error_grad",
            SQUARED_ERROR_GRAD_MISTAKES, GRAD_POINTER, reveal)
    return passed("squared_error_grad: ŷ − y (lecture 002's −0.1204 from the slide's 0.8796, lecture 000's 10)", reveal)


MSE_GRAD_MISTAKES = [
    (lambda p, y: _d(p, y), "That is the gradient of ½ Σ (ŷ − y)²; the MSE's is (2/N)(ŷ − y)."),
    (lambda p, y: 2.0 * _d(p, y), "The 1/N of the mean is missing: ∂MSE/∂ŷ = (2/N)(ŷ − y)."),
    (lambda p, y: _d(p, y) / np.size(p), "The 2 from the square is missing: ∂MSE/∂ŷ = (2/N)(ŷ − y)."),
    (lambda p, y: -2.0 * _d(p, y) / np.size(p), SIGN),
    (lambda p, y: 2.0 * _d(p, y) / _rows(p),
     "Divide by N, the number of entries (y_hat.size), as the mean does, not by the number of rows."),
]


@exercise("Exercise 2 (mse_grad)")
def mse_grad(fn, cases=None, reveal=True):
    """mse_grad(y_hat, y) = (2/N)(ŷ − y), the shape of y_hat."""
    _values(fn, losses.mse_grad, cases or GRAD_CASES, "mse_grad", MSE_GRAD_MISTAKES,
            GRAD_POINTER, reveal)
    return passed("mse_grad: (2/N)(ŷ − y)", reveal)


MAE_GRAD_CASES = [_arrays([1.5, -0.5, 2.0, 2.0], [1.0, 0.5, 2.0, -1.0]),     # one exact match: ŷ = y
                  (Y_HAT_BATCH, Y_BATCH), _arrays([[3.0, 1.0]], [[3.0, 0.0]])]
ZERO_AT_TIE = ("Where ŷ = y exactly, |ŷ − y| has no derivative; the course takes 0 there, which is "
               "what np.sign(0) gives.")
MAE_GRAD_MISTAKES = [
    (lambda p, y: np.sign(_d(p, y)), "The 1/N of the mean is missing: ∂MAE/∂ŷ = sign(ŷ − y) / N."),
    (lambda p, y: -np.sign(_d(p, y)) / np.size(p),
     "The sign is flipped: |ŷ − y| grows with ŷ when ŷ > y, so the gradient is +1/N there."),
    (lambda p, y: np.where(_d(p, y) >= 0, 1.0, -1.0) / np.size(p), ZERO_AT_TIE),
    (lambda p, y: np.where(_d(p, y) > 0, 1.0, -1.0) / np.size(p), ZERO_AT_TIE),
    (lambda p, y: np.sign(_d(p, y)) / _rows(p), "Divide by N = y_hat.size, the number of entries, not by the rows."),
]


@exercise("Exercise 2 (mae_grad)")
def mae_grad(fn, cases=None, reveal=True):
    """mae_grad(y_hat, y) = sign(ŷ − y) / N, 0 where ŷ = y."""
    _values(fn, losses.mae_grad, cases or MAE_GRAD_CASES, "mae_grad", MAE_GRAD_MISTAKES,
            "Re-read section 3 on the MAE: its slope on either side of the kink, the value chosen at the kink, and the 1/N.", reveal)
    return passed("mae_grad: sign(ŷ − y) / N, 0 where ŷ = y", reveal)


# ---------------------------------------------------------------------- exercise 3
BCE_CASES = [_arrays([0.9, 0.2, 0.6, 0.4], [1.0, 0.0, 0.0, 1.0]),
             _arrays([[0.8797011], [0.3], [0.95]], [[1.0], [0.0], [1.0]]),
             _arrays([0.5], [1.0])]
BCE_EXTREMES = [_arrays([0.0, 1.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0]),
                _arrays([[1.0], [0.0], [0.7]], [[1.0], [0.0], [1.0]]),
                _arrays([1.0, 0.25], [0.0, 0.0])]


def _p(p):
    return np.clip(np.asarray(p, dtype=float), EPS, 1.0 - EPS)


BCE_MISTAKES = [
    (lambda p, y: -np.mean(y * np.log(_p(p))),
     "The (1 − y) log(1 − ŷ) term is missing: a sample of class 0 must be punished when ŷ is near 1."),
    (lambda p, y: -np.sum(y * np.log(_p(p)) + (1 - y) * np.log(1 - _p(p))),
     "The 1/N is missing: average over the entries (np.mean), as the empirical risk does."),
    (lambda p, y: np.mean(y * np.log(_p(p)) + (1 - y) * np.log(1 - _p(p))),
     "The minus sign is missing: log ŷ ≤ 0, so the loss −[y log ŷ + (1 − y) log(1 − ŷ)] is ≥ 0."),
    (lambda p, y: -np.mean(_p(p) * np.log(np.clip(y, EPS, 1 - EPS)) + (1 - _p(p)) * np.log(np.clip(1 - y, EPS, 1))),
     "Prediction and target are swapped: take the log of the prediction ŷ and weight it with the target y."),
    (lambda p, y: -np.mean(y * np.log10(_p(p)) + (1 - y) * np.log10(1 - _p(p))),
     "Use the natural logarithm, np.log (not np.log10)."),
]


@exercise("Exercise 3 (binary_cross_entropy)")
def binary_cross_entropy(fn, cases=None, reveal=True):
    """binary_cross_entropy(y_hat, y) = −mean[y log ŷ + (1 − y) log(1 − ŷ)]."""
    _values(fn, losses.binary_cross_entropy, cases or BCE_CASES, "binary_cross_entropy", BCE_MISTAKES,
            "Re-read section 4 (two classes): both terms, the sign, the average over the entries, the clip.", reveal)
    return passed("binary_cross_entropy: right values, averaged over the entries", reveal)


BCE_GRAD_MISTAKES = [
    (lambda p, y: (p - y) / np.size(p),
     "That is the gradient with respect to the logit z when ŷ = σ(z). Here differentiate with respect "
     "to ŷ itself: (ŷ − y) / (ŷ(1 − ŷ)) / N."),
    (lambda p, y: (_p(p) - y) / (_p(p) * (1 - _p(p))), "The 1/N of the mean is missing."),
    (lambda p, y: -(_p(p) - y) / (_p(p) * (1 - _p(p))) / np.size(p),
     "The sign is flipped: the loss grows as ŷ moves away from y, so for y = 1 the gradient is negative."),
    (lambda p, y: -y / _p(p) / np.size(p),
     "The (1 − y) log(1 − ŷ) term has a derivative too: ∂/∂ŷ = (1/N)[−y/ŷ + (1 − y)/(1 − ŷ)]."),
]


@exercise("Exercise 3 (binary_cross_entropy_grad)")
def binary_cross_entropy_grad(fn, cases=None, reveal=True):
    """binary_cross_entropy_grad(y_hat, y) = (ŷ − y) / (ŷ(1 − ŷ)) / N."""
    _values(fn, losses.binary_cross_entropy_grad, cases or BCE_CASES, "binary_cross_entropy_grad",
            BCE_GRAD_MISTAKES, "Re-read section 4 (two classes): the derivative of both terms with respect to ŷ, then the 1/N of the mean.", reveal)
    return passed("binary_cross_entropy_grad: right values", reveal)


CLIP_ADVICE = ("Clip the predictions first, p = np.clip(y_hat, EPS, 1 - EPS), and use p in every log "
               "and division: log 0 is −inf, and 0 × log 0 is nan even where the target is 0.")


def _extremes(fn, reference, cases, name, reveal):
    """Finite, and close to the reference within :data:`CLIP_RTOL`, for predictions of exactly 0 and 1."""
    if not callable(fn):
        fail(f"{name} is not a function: did you overwrite it with a value?")
    _own_code(fn, name)
    for args in cases:
        where = "for predictions of exactly 0 and 1" + (f": {', '.join(_one_line(a) for a in args)}" if reveal else "")
        with np.errstate(all="ignore"):
            result = call(fn, *[a.copy() for a in args], name=name, where=where)
        expected = np.asarray(reference(*args), dtype=float)
        array = as_array(result, name)
        if array.shape == expected.shape and not np.all(np.isfinite(array)):
            bad = "nan" if np.any(np.isnan(array)) else "inf"
            fail(f"{name} returned {bad} {where}. {CLIP_ADVICE}")
        if not (close(array, expected) or (array.shape == expected.shape
                                           and np.allclose(array, expected, rtol=CLIP_RTOL, atol=1e-9))):
            check_close(array, expected, f"{name} {where}", reveal=reveal,
                        hint=f"Clip with EPS = {EPS:g} exactly: np.clip(y_hat, EPS, 1 - EPS).")


@exercise("Exercise 3 (ŷ = 0 and 1)")
def binary_cross_entropy_extremes(loss_fn, grad_fn, cases=None, reveal=True):
    """Loss and gradient stay finite (and right) at predictions of exactly 0 and 1."""
    _extremes(loss_fn, losses.binary_cross_entropy, cases or BCE_EXTREMES, "binary_cross_entropy", reveal)
    _extremes(grad_fn, losses.binary_cross_entropy_grad, cases or BCE_EXTREMES, "binary_cross_entropy_grad", reveal)
    return passed("binary cross-entropy and its gradient are finite at ŷ = 0 and ŷ = 1", reveal)


# ---------------------------------------------------------------------- exercise 4
def _softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


#: Lecture 003's exercise: output scores z = [1, 2, 0] for the target class 2 of 3.
Z_003, Y_003 = _arrays([[1.0, 2.0, 0.0]], [[0.0, 1.0, 0.0]])
Y_ONE_HOT = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
P_BATCH = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.25, 0.25, 0.5], [0.9, 0.05, 0.05]])
CE_CASES = [(_softmax(Z_003), Y_003), (P_BATCH, Y_ONE_HOT), (P_BATCH[:2, :2] / P_BATCH[:2, :2].sum(1, keepdims=True), Y_ONE_HOT[:2, :2][:, ::-1])]
CE_EXTREMES = [_arrays([[1.0, 0.0, 0.0], [0.5, 0.0, 0.5]], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
               _arrays([[0.0, 1.0]], [[0.0, 1.0]])]

CE_MISTAKES = [
    (lambda p, y: -np.sum(y * np.log(_p(p))),
     "The 1/n is missing: sum over the classes, then average over the n samples (divide by the rows)."),
    (lambda p, y: -np.mean(y * np.log(_p(p))),
     "You divided by n·K (np.mean over every entry); cross-entropy sums over the K classes and averages "
     "over the n samples only: −np.sum(y * np.log(p)) / n."),
    (lambda p, y: np.sum(y * np.log(_p(p))) / len(p), "The minus sign is missing: the loss −log ŷ_true is ≥ 0."),
    (lambda p, y: -np.sum(y * np.log(_p(p)), axis=1),
     "You returned one loss per sample; the loss is their average, one number."),
    (lambda p, y: -np.sum(np.log(_p(p))) / len(p),
     "Weight each log by its target: only the true class counts, −Σ_k y_k log ŷ_k."),
    (lambda p, y: -np.sum(y * np.log(_p(p)) + (1 - y) * np.log(1 - _p(p))) / len(p),
     "That is binary cross-entropy added over the classes; the categorical one is −Σ_k y_k log ŷ_k only."),
]


@exercise("Exercise 4 (cross_entropy)")
def cross_entropy(fn, cases=None, reveal=True):
    """cross_entropy(y_hat, y) = −(1/n) Σ_i Σ_k y_ik log ŷ_ik for one-hot rows."""
    _values(fn, losses.cross_entropy, cases or CE_CASES, "cross_entropy", CE_MISTAKES,
            "Re-read section 4 (K classes): which terms a one-hot target keeps, the sign, and what the loss is averaged over.", reveal)
    return passed("cross_entropy: lecture 003's 0.4076 and batches", reveal)


CE_GRAD_MISTAKES = [
    (lambda p, y: -y / _p(p), "The 1/n of the average over samples is missing: −y / ŷ / n."),
    (lambda p, y: p - y,
     "ŷ − y is the gradient with respect to the logits z of softmax and cross-entropy together "
     "(exercise 5). With respect to the probabilities ŷ it is −y / ŷ / n."),
    (lambda p, y: (p - y) / len(p),
     "(ŷ − y)/n is the gradient with respect to the logits z (exercise 5); here it is with respect to ŷ: −y / ŷ / n."),
    (lambda p, y: -y / _p(p) / np.size(p), "Divide by n, the number of samples (rows), not by n·K."),
    (lambda p, y: y / _p(p) / len(p), "The sign is flipped: raising the true class's ŷ lowers the loss, so ∂L/∂ŷ < 0 there."),
]


@exercise("Exercise 4 (cross_entropy_grad)")
def cross_entropy_grad(fn, cases=None, reveal=True):
    """cross_entropy_grad(y_hat, y) = −y / ŷ / n, the shape of y_hat."""
    _values(fn, losses.cross_entropy_grad, cases or CE_CASES, "cross_entropy_grad", CE_GRAD_MISTAKES,
            "Re-read section 4 (K classes): differentiate −y log ŷ with respect to ŷ entry by entry, and keep the average over the samples.", reveal)
    return passed("cross_entropy_grad: −y / ŷ / n", reveal)


@exercise("Exercise 4 (ŷ = 0 and 1)")
def cross_entropy_extremes(loss_fn, grad_fn, cases=None, reveal=True):
    """Loss and gradient stay finite (and right) at probabilities of exactly 0 and 1."""
    _extremes(loss_fn, losses.cross_entropy, cases or CE_EXTREMES, "cross_entropy", reveal)
    _extremes(grad_fn, losses.cross_entropy_grad, cases or CE_EXTREMES, "cross_entropy_grad", reveal)
    return passed("cross-entropy and its gradient are finite at probabilities 0 and 1", reveal)


# ---------------------------------------------------------------------- exercise 5
Z_BATCH = np.array([[1.0, 2.0, 0.0, -1.0], [3.0, -2.0, 0.5, 0.0], [0.0, 0.0, 0.0, 0.0]])
Y_BATCH_4 = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]])
SCE_CASES = [(Z_003, Y_003), (Z_BATCH, Y_BATCH_4), (Z_BATCH + 100.0, Y_BATCH_4)]
#: Rows far apart and far from 0: a row's own maximum is needed, and a probability of e^-1000 is 0.
# The first case overflows exp without the shift; the second, rows 800 apart, needs each row's own
# maximum (with the batch's maximum the lower row's exponentials all underflow to 0).
SCE_EXTREMES = [_arrays([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 0.0]], [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]),
                _arrays([[-400.0, -401.0, -402.0], [400.0, 401.0, 402.0]], [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])]


def _naive_log_softmax(z):
    z = np.asarray(z, dtype=float)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def _global_max_log_softmax(z):
    shifted = np.asarray(z, dtype=float) - np.max(z)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


ROW_MAX = ("Subtract each row's own maximum (np.max(z, axis=-1, keepdims=True)), not the maximum of "
           "the whole batch: a row far below it has every exp underflow to 0, and log 0 = −inf.")
LOG_OF_PROBABILITIES = ("You took the log of softmax probabilities. For a logit 1000 below the largest the "
                        "probability underflows to exactly 0 and the clip turns −log 0 into 27.6 instead of "
                        "1000. Compute the log of softmax directly: z − m − log Σ_j exp(z_j − m) with m the row maximum.")
SCE_MISTAKES = [
    (lambda z, y: -np.sum(y * np.log(_p(_softmax(z)))) / len(z), LOG_OF_PROBABILITIES),
    (lambda z, y: -np.sum(y * _naive_log_softmax(z)) / len(z),
     "exp overflows for large logits: subtract each row's maximum before np.exp (log-sum-exp)."),
    (lambda z, y: -np.sum(y * _global_max_log_softmax(z)) / len(z), ROW_MAX),
    (lambda z, y: -np.sum(y * np.log(_softmax(z))),
     "The 1/n is missing: average the per-sample losses over the n rows."),
    (lambda z, y: -np.sum(y * (z - np.log(np.sum(np.exp(z - z.max(0)), axis=0)) - z.max(0))) / len(z),
     "Softmax normalises each row (each sample) over its K classes: reduce along axis=-1, not axis 0."),
    (lambda z, y: -np.mean(y * np.log(_p(_softmax(z)))), "You divided by n·K; average over the n samples only."),
]


@exercise("Exercise 5 (softmax_cross_entropy)")
def softmax_cross_entropy(fn, cases=None, reveal=True):
    """softmax_cross_entropy(z, y) = cross-entropy of softmax(z), averaged over the rows."""
    _values(fn, losses.softmax_cross_entropy, cases or SCE_CASES, "softmax_cross_entropy", SCE_MISTAKES,
            "Re-read section 5: the log of softmax by log-sum-exp with each row's maximum, then the average over the rows.", reveal)
    return passed("softmax_cross_entropy: lecture 003's 0.4076 and batches", reveal)


@exercise("Exercise 5 (softmax_cross_entropy)")
def softmax_cross_entropy_stable(fn, cases=None, reveal=True):
    """softmax_cross_entropy stays finite and exact for logits of ±1000."""
    _values(fn, losses.softmax_cross_entropy, cases or SCE_EXTREMES, "softmax_cross_entropy", SCE_MISTAKES,
            "Re-read section 5 on log-sum-exp: which maximum is subtracted, and why the log is taken before any exp can underflow.", reveal)
    return passed("softmax_cross_entropy: exact for logits of ±1000", reveal)


def _naive_softmax(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / np.sum(e, axis=-1, keepdims=True)


SCE_GRAD_MISTAKES = [
    (lambda z, y: (_naive_softmax(z) - y) / len(z),
     "exp overflows for large scores: subtract each row's maximum before np.exp."),
    (lambda z, y: (np.exp(z - np.max(z)) / np.sum(np.exp(z - np.max(z)), axis=-1, keepdims=True) - y) / len(z), ROW_MAX),
    (lambda z, y: _softmax(z) - y, "The 1/n is missing: the loss averages over the n samples, so does its gradient: (ŷ − y) / n."),
    (lambda z, y: (y - _softmax(z)) / len(z), "The sign is flipped: the gradient is (ŷ − y) / n, positive for the wrong classes."),
    (lambda z, y: (_softmax(z) - y) / np.size(z), "Divide by n, the number of samples (rows), not by n·K."),
    (lambda z, y: (np.exp(z - z.max(0)) / np.exp(z - z.max(0)).sum(0) - y) / len(z),
     "Softmax normalises each row over its K classes: reduce along axis=-1, not axis 0."),
    (lambda z, y: -y / _p(_softmax(z)) / len(z),
     "That is the gradient with respect to the probabilities ŷ; through the softmax it becomes (ŷ − y) / n."),
]


@exercise("Exercise 5 (softmax_cross_entropy_grad)")
def softmax_cross_entropy_grad(fn, cases=None, reveal=True):
    """softmax_cross_entropy_grad(z, y) = (softmax(z) − y) / n, stable for large logits."""
    _values(fn, losses.softmax_cross_entropy_grad, (cases or SCE_CASES + SCE_EXTREMES),
            "softmax_cross_entropy_grad", SCE_GRAD_MISTAKES,
            "Re-read section 5: the gradient with respect to the scores, for a batch averaged over its rows, with a stable softmax.", reveal)
    return passed("softmax_cross_entropy_grad: (ŷ − y) / n, lecture 003's [0.2447, −0.3348, 0.0900]", reveal)


@exercise("Exercises 1-5 (no loops)")
def losses_vectorised(*fns, reveal=True):
    """Every loss and gradient runs without Python loops (for, while, comprehensions), helpers included."""
    for fn in fns:
        name = getattr(fn, "__name__", "your function")
        if not callable(fn):
            fail(f"{name} is not a function: did you overwrite it with a value?")
        probe = (Z_003, Y_003) if "softmax" in name else (_softmax(Z_003), Y_003)
        with np.errstate(all="ignore"):
            call(fn, *[a.copy() for a in probe], name=name, where="for a batch of one sample with 3 outputs")
        for helper, f in _helpers(fn):
            check_no_loops(f, name=name if f is fn else f"{helper} (called by {name})",
                           advice="Work on whole arrays: np.sum, np.mean, np.clip, np.log, np.max with axis=-1.")
    return passed("no Python loops in the losses and their gradients", reveal)


# ---------------------------------------------------------------------- exercise 6
#: (gradient, start, learning rate, steps): 1-D, 2-D, no step, and a rate that diverges.
DESCENT_CASES = [(descent.parabola_grad, 0.0, 0.25, 4),
                 (descent.bowl_grad, np.array([-4.0, 1.0]), 0.1, 5),
                 (descent.line_fit_grad, np.array([0.0, 0.0]), 0.2, 3),
                 (descent.parabola_grad, 1.0, 0.1, 0),
                 (descent.parabola_grad, 0.0, 1.25, 6)]


def _descent_rules(fn):
    if not callable(fn):
        fail("gradient_descent is not a function: did you overwrite it with a value?")
    require_written(fn, DESCENT_CASES[0], "gradient_descent")
    _own_code(fn, "gradient_descent")


def _descent_run(fn, args, reveal):
    grad, w0, rate, steps = args
    start = np.array(w0, dtype=float)
    given = np.array(w0, dtype=float) if isinstance(w0, np.ndarray) else w0
    where = (f"for start {_number(w0) if np.ndim(w0) == 0 else _one_line(start)}, "
             f"learning rate {rate}, {steps} steps" if reveal
             else f"for a start of shape {np.shape(w0)} and {steps} steps")
    with np.errstate(over="ignore", invalid="ignore"):
        result = call(fn, grad, given, rate, steps, name="gradient_descent", where=where)
    if result is None:
        fail("gradient_descent returned None: return the path, np.array(path).")
    path = as_array(result, "gradient_descent")
    changed = isinstance(given, np.ndarray) and not np.array_equal(given, start)
    return path, descent.descend(grad, w0, rate, steps), where, changed


def _end_point(path, expected):
    """The student's final parameters: the last entry of the path, or the result if it is one point."""
    shape = expected.shape[1:]
    if path.shape == shape:
        return path
    if path.ndim == len(shape) + 1 and path.shape[1:] == shape and len(path):
        return path[-1]
    fail(f"gradient_descent returned shape {path.shape}; the path of a start of shape {shape} has shape "
         f"(n_steps + 1,) + {shape} = {expected.shape}.")


@exercise("Exercise 6 (gradient_descent)")
def gradient_descent_values(fn, cases=None, reveal=True):
    """After n_steps updates w_{k+1} = w_k − η ∇L(w_k) the parameters are right (1-D, 2-D, diverging)."""
    _descent_rules(fn)
    for args in cases or DESCENT_CASES:
        grad, w0, rate, steps = args
        path, expected, where, _ = _descent_run(fn, args, reveal)
        end, want = _end_point(path, expected), expected[-1]
        if close(end, want):
            continue
        if steps and close(end, descent.descend(grad, w0, -rate, steps)[-1]):
            fail(f"gradient_descent moved uphill {where}: subtract the gradient, w = w - learning_rate * grad(w).")
        if close(end, descent.descend(grad, w0, rate, steps + 1)[-1]):
            fail(f"gradient_descent made one update too many {where}: make exactly n_steps updates.")
        if steps and close(end, descent.descend(grad, w0, rate, steps - 1)[-1]):
            fail(f"gradient_descent made one update too few {where}: make exactly n_steps updates.")
        if steps > 1 and close(end, np.asarray(w0, dtype=float) - steps * rate * np.asarray(grad(np.asarray(w0, dtype=float)))):
            fail(f"gradient_descent used the gradient at the start in every step {where}: evaluate grad(w) "
                 "at the current w in each update.")
        check_close(end, want, f"the final parameters of gradient_descent {where}", reveal=reveal,
                    hint="Each step is w = w - learning_rate * grad(w), with the gradient at the current w.")
    return passed("gradient_descent: the right parameters after n_steps updates, in 1-D and 2-D", reveal)


@exercise("Exercise 6 (gradient_descent)")
def gradient_descent_path(fn, cases=None, reveal=True):
    """The returned path is [w0, w1, ..., w_n]: shape (n_steps + 1,) + w0's shape, start first, w0 unchanged."""
    _descent_rules(fn)
    for args in cases or DESCENT_CASES:
        grad, w0, rate, steps = args
        with np.errstate(over="ignore", invalid="ignore"):
            returned = call(fn, grad, np.array(w0, dtype=float) if isinstance(w0, np.ndarray) else w0, rate, steps,
                            name="gradient_descent")
        if isinstance(returned, (list, tuple)):
            fail(f"gradient_descent returned a {type(returned).__name__}; its docstring promises a numpy array "
                 "of shape (n_steps + 1,) + np.shape(w0): return np.array(path).")
        path, expected, where, changed = _descent_run(fn, args, reveal)
        if changed:
            fail(f"gradient_descent changed the caller's start w0 in place {where}: begin with a copy, "
                 "w = np.array(w0, dtype=float), and update with w = w - ... (not w -= ...).")
        if path.shape == expected.shape[1:] and steps:
            fail(f"gradient_descent returned only the end point {where}; return the whole path "
                 "[w0, w1, ..., w_n], one row per step, starting with w0.")
        if path.shape[1:] == expected.shape[1:] and len(path) == len(expected) - 1:
            if close(path, expected[1:]):
                fail(f"gradient_descent's path has {len(path)} entries {where} and starts after the first update: "
                     "record w0 first, then each w after its update (n_steps + 1 entries).")
            fail(f"gradient_descent's path has {len(path)} entries {where}; it needs n_steps + 1 = {len(expected)}: "
                 "the start w0 and one entry after each update.")
        if path.shape[1:] == expected.shape[1:] and len(path) == len(expected) + 1:
            fail(f"gradient_descent's path has {len(path)} entries {where}; it needs n_steps + 1 = {len(expected)} "
                 "(the start and one per update): check the range of your loop.")
        if path.shape == expected.shape and steps and close(path, np.broadcast_to(path[-1], path.shape)) \
                and not close(expected[0], expected[-1]):
            fail(f"every entry of gradient_descent's path is the same {where}: you appended the same array and "
                 "then changed it in place (w -= ...). Use w = w - learning_rate * grad(w), or append w.copy().")
        if path.shape == expected.shape and not close(path[0], expected[0]):
            if close(path[0], expected[1]):
                fail(f"gradient_descent updated before recording {where}: path[0] must be the start w0.")
            fail(f"path[0] must be the start w0 {where}.")
        # Each row must be what the loop itself gives after k updates. Comparing with the student's
        # own shorter runs (not the reference) keeps a wrong update rule out of this cell: it costs
        # its point in the values cell only.
        for k in range(1, len(path)):
            shorter, _, _, _ = _descent_run(fn, (grad, w0, rate, k), reveal=False)
            if shorter.shape != expected.shape[1:] and not close(path[k], shorter[-1]):
                fail(f"path[{k}] {where} is not the parameters after {k} updates (what your function returns "
                     f"with n_steps = {k}): record w after every update, in order.")
    return passed("gradient_descent: the path [w0, w1, ..., w_n], start first", reveal)


# ---------------------------------------------------------------------- exercise 7
def minibatch_data(n, n_features=2, one_hot_classes=None, seed=0):
    """Data whose samples can be told apart: X[i, 0] = i, and y[i] = 100 + i (or a one-hot row)."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.arange(n, dtype=float), rng.normal(size=(n, n_features - 1))])
    y = 100.0 + np.arange(n) if one_hot_classes is None else np.eye(one_hot_classes)[np.arange(n) % one_hot_classes]
    return X, y


# 10 samples in batches of 4 (a smaller last batch), and one-hot targets of shape (n, K).
MINIBATCH_CASES = [minibatch_data(10) + (4, 0), minibatch_data(9, 3, one_hot_classes=3) + (2, 1)]


def _epoch(fn, X, y, batch_size, seed, reveal):
    """The student's batches of one epoch as a list of (X_batch, y_batch) arrays."""
    where = (f"for {len(X)} samples, batch_size {batch_size}, seed {seed}" if reveal
             else f"for X of shape {X.shape} and batch_size {batch_size}")
    X_given, y_given = X.copy(), y.copy()
    batches = call(lambda: list(fn(X_given, y_given, batch_size, seed)), name="minibatches", where=where)
    pairs = []
    for item in batches:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            fail(f"minibatches must yield pairs (X_batch, y_batch) {where}; one item was {type(item).__name__}.")
        pairs.append((as_array(item[0], "X_batch"), as_array(item[1], "y_batch")))
    if not pairs:
        fail(f"minibatches yielded no batch at all {where}.")
    changed = not (np.array_equal(X_given, X) and np.array_equal(y_given, y))
    return pairs, where, changed


def _order(pairs):
    return np.concatenate([np.asarray(xb)[:, 0] for xb, _ in pairs]).astype(int)


@exercise("Exercise 7 (minibatches)")
def minibatches_cover(fn, cases=None, reveal=True):
    """One epoch visits every sample exactly once, in batches of batch_size (the last may be smaller),
    with the rows of X and y kept together."""
    if not callable(fn):
        fail("minibatches is not a function: did you overwrite it with a value?")
    check_own_code(fn, forbidden=("nnlib",), name="minibatches")
    for X, y, batch_size, seed in cases or MINIBATCH_CASES:
        pairs, where, _ = _epoch(fn, X, y, batch_size, seed, reveal)
        n = len(X)
        for xb, yb in pairs:
            if xb.ndim != 2 or xb.shape[1] != X.shape[1]:
                fail(f"an X_batch has shape {xb.shape} {where}; each must keep X's columns: shape (m, {X.shape[1]}).")
            if yb.shape[1:] != y.shape[1:] or len(yb) != len(xb):
                fail(f"a y_batch has shape {yb.shape} next to an X_batch of shape {xb.shape} {where}; "
                     f"it must hold the same rows of y: shape ({len(xb)},) + {y.shape[1:]}.")
        order = _order(pairs)
        seen = np.bincount(order, minlength=n)
        if np.any(seen > 1):
            twice = int(np.flatnonzero(seen > 1)[0])
            fail(f"sample {twice} appears {seen[twice]} times in one epoch {where}: shuffle a permutation of "
                 "the indices (without replacement) and cut it into batches, so every sample comes once.")
        if np.any(seen == 0):
            missing = int(np.sum(seen == 0))
            if missing == n % batch_size and len(pairs) == n // batch_size:
                fail(f"the last, smaller batch is missing {where}: {missing} samples are never seen. "
                     f"Loop over the starts range(0, n, batch_size); the last batch holds the rest.")
            fail(f"{missing} of the {n} samples never appear {where}: every sample must be in one batch per epoch.")
        sizes = [len(xb) for xb, _ in pairs]
        want = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
        if sizes != want:
            fail(f"the batch sizes are {sizes} {where}; expected {want}: batch_size rows each, the rest in the last batch.")
        for xb, yb in pairs:
            ids = xb[:, 0].astype(int)
            if not close(yb, y[ids]):
                fail(f"the rows of X and y no longer belong together {where}: shuffle both with the same "
                     "index array, X[idx] and y[idx] (shuffling each on its own separates them).")
            if not close(xb, X[ids]):
                fail(f"the rows of an X_batch are changed {where}: take the rows of X as they are.")
    return passed("minibatches: every sample exactly once per epoch, X and y together, the last batch smaller", reveal)


@exercise("Exercise 7 (minibatches)")
def minibatches_shuffle(fn, cases=None, reveal=True):
    """The order is shuffled, reproducible from the seed, different for another seed; X and y unchanged."""
    if not callable(fn):
        fail("minibatches is not a function: did you overwrite it with a value?")
    check_own_code(fn, forbidden=("nnlib",), name="minibatches")
    for X, y, batch_size, seed in cases or MINIBATCH_CASES:
        pairs, where, changed = _epoch(fn, X, y, batch_size, seed, reveal)
        if changed:
            fail(f"minibatches changed X or y in place {where} (rng.shuffle(X) does that): shuffle an index "
                 "array instead and take X[idx], y[idx].")
        order = _order(pairs)
        if np.array_equal(order, np.arange(len(order))):
            fail(f"the batches follow the original order {where}: shuffle the samples every epoch "
                 "(rng = np.random.default_rng(seed); idx = rng.permutation(n)).")
        again, _, _ = _epoch(fn, X, y, batch_size, seed, reveal)
        if not np.array_equal(_order(again), order):
            fail(f"two calls with the same seed gave different orders {where}: draw the shuffle from "
                 "np.random.default_rng(seed), not from np.random's global state.")
        others = [_order(_epoch(fn, X, y, batch_size, s, reveal)[0]) for s in (seed + 1, seed + 2, seed + 3)]
        if all(np.array_equal(o, order) for o in others):
            fail(f"different seeds give the same order {where}: pass seed to np.random.default_rng(seed).")
    return passed("minibatches: shuffled, reproducible from the seed", reveal)


#: The graded functions a later one may call: name -> (exercise, check).
_GRADED = {
    "squared_error": (1, squared_error), "mse": (1, mse), "mae": (1, mae),
    "squared_error_grad": (2, squared_error_grad), "mse_grad": (2, mse_grad), "mae_grad": (2, mae_grad),
    "binary_cross_entropy": (3, binary_cross_entropy), "binary_cross_entropy_grad": (3, binary_cross_entropy_grad),
    "cross_entropy": (4, cross_entropy), "cross_entropy_grad": (4, cross_entropy_grad),
    "softmax_cross_entropy": (5, softmax_cross_entropy), "softmax_cross_entropy_grad": (5, softmax_cross_entropy_grad),
}
