"""Unit 04's grade cells against a catalogue of typical wrong answers and of other right answers.

Each wrong answer replaces one name in the namespace the grade cells see (the reference answers
otherwise); the test proves that some grade cell of that exercise fails with a message naming the
mistake, and where it matters that the visible tests alone catch it. Each right answer written
another way must pass every grade cell. Rule breakers lose exactly the rule's cell.
"""
import numpy as np
import pytest

from nnlib.widgets import descent
from tests.notebook_harness import Unit, VisibleTests

UNIT = Unit("04_losses")
VISIBLE = VisibleTests("04_losses")

# Unclipped logs and naive softmaxes overflow on purpose; their RuntimeWarnings are expected here.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

EPS = 1e-12
REGRESSION_CELLS = ["test_squared_error", "test_mse", "test_mae", "test_loss_shapes"]
GRAD_CELLS = ["test_squared_error_grad", "test_mse_grad", "test_mae_grad"]
BCE_CELLS = ["test_binary_cross_entropy", "test_binary_cross_entropy_grad", "test_binary_cross_entropy_extremes"]
CE_CELLS = ["test_cross_entropy", "test_cross_entropy_grad", "test_cross_entropy_extremes"]
SCE_CELLS = ["test_softmax_cross_entropy", "test_softmax_cross_entropy_stable", "test_softmax_cross_entropy_grad"]
RULE_CELL = "test_losses_vectorised"
DESCENT_CELLS = ["test_gradient_descent_values", "test_gradient_descent_path"]
BATCH_CELLS = ["test_minibatches_cover", "test_minibatches_shuffle"]


def same_shape(y_hat, y):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    if y_hat.shape != y.shape:
        raise ValueError(f"shapes {y_hat.shape} and {y.shape} differ")
    return y_hat, y


def failed_cells(overrides, cells):
    return sorted(g for g, o in UNIT.run(cells, overrides).items() if not o.passed)


# ---------------------------------------------------------------- exercise 1: regression losses
def se_no_half(y_hat, y):
    y_hat, y = same_shape(y_hat, y)
    return float(np.sum((y_hat - y) ** 2))


def se_half_mean(y_hat, y):
    y_hat, y = same_shape(y_hat, y)
    return 0.5 * float(np.mean((y_hat - y) ** 2))


def mse_sum(y_hat, y):
    y_hat, y = same_shape(y_hat, y)
    return float(np.sum((y_hat - y) ** 2))


def mse_with_half(y_hat, y):
    y_hat, y = same_shape(y_hat, y)
    return float(0.5 * np.mean((y_hat - y) ** 2))


def mse_per_row(y_hat, y):
    y_hat, y = same_shape(y_hat, y)
    return float(np.sum((y_hat - y) ** 2) / (len(y_hat) if y_hat.ndim > 1 else 1))


def mse_axis0(y_hat, y):
    y_hat, y = same_shape(y_hat, y)
    return np.mean((y_hat - y) ** 2, axis=0)


def mae_sum(y_hat, y):
    y_hat, y = same_shape(y_hat, y)
    return float(np.sum(np.abs(y_hat - y)))


def mae_no_abs(y_hat, y):
    y_hat, y = same_shape(y_hat, y)
    return float(np.mean(y_hat - y))


def mae_abs_of_mean(y_hat, y):
    y_hat, y = same_shape(y_hat, y)
    return float(np.abs(np.mean(y_hat - y)))


@pytest.mark.parametrize("name, wrong, message", [
    pytest.param("squared_error", se_no_half, "½ in front", id="se-forgets-the-half"),
    pytest.param("squared_error", se_half_mean, "does not divide", id="se-mean-instead-of-sum"),
    pytest.param("mse", mse_sum, "1/N is missing", id="mse-missing-1-over-N-sum-instead-of-mean"),
    pytest.param("mse", mse_with_half, "has no ½", id="mse-adds-a-half"),
    pytest.param("mse", mse_per_row, "number of samples (rows) only", id="mse-divides-by-rows"),
    pytest.param("mse", mse_axis0, "axis 0 only", id="mse-mean-over-the-wrong-axis"),
    pytest.param("mae", mae_sum, "1/N is missing", id="mae-sum-instead-of-mean"),
    pytest.param("mae", mae_no_abs, "absolute value", id="mae-no-abs"),
    pytest.param("mae", mae_abs_of_mean, "before averaging", id="mae-abs-of-the-mean"),
])
def test_wrong_regression_loss_is_caught_by_the_visible_tests(name, wrong, message):
    """Do the student's visible regression-loss tests reject this mistake and name it?"""
    VISIBLE.assert_caught({name: wrong}, grade_ids=REGRESSION_CELLS, message_contains=message)


def mse_broadcasts(y_hat, y):
    return float(np.mean((np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)) ** 2))


def mse_reshapes(y_hat, y):
    y_hat = np.asarray(y_hat, dtype=float)
    return float(np.mean((y_hat - np.asarray(y, dtype=float).reshape(y_hat.shape)) ** 2))


def mse_refuses_everything(y_hat, y):
    raise ValueError("no")


def mse_asserts_shapes(y_hat, y):
    assert np.shape(y_hat) == np.shape(y)
    return float(np.mean((np.asarray(y_hat) - np.asarray(y)) ** 2))


@pytest.mark.parametrize("wrong, message", [
    pytest.param(mse_broadcasts, "(4, 4) matrix", id="broadcasting-n-against-n-1"),
    pytest.param(mse_reshapes, "reshaped", id="reshapes-instead-of-refusing"),
    pytest.param(mse_refuses_everything, "raise only when the shapes differ", id="raises-for-every-input"),
    pytest.param(mse_asserts_shapes, "raise a ValueError", id="assert-instead-of-ValueError"),
])
def test_broadcasting_losses_lose_exactly_the_shape_point(wrong, message):
    """Does an mse that mishandles (n, 1) against (n,) lose the visible shape test, and only that one?"""
    VISIBLE.assert_caught({"mse": wrong}, grade_ids=["test_loss_shapes"], message_contains=message)
    if wrong is not mse_refuses_everything:
        assert failed_cells({"mse": wrong}, REGRESSION_CELLS) == ["test_loss_shapes"]


def se_subtract_then_square_sum(y_hat, y):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    if y_hat.shape != y.shape:
        raise ValueError("shape mismatch")
    difference = (y_hat - y).ravel()
    return float(difference @ difference) / 2


def se_einsum(y_hat, y):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    if np.shape(y_hat) != np.shape(y):
        raise ValueError(f"y_hat {y_hat.shape} vs y {y.shape}")
    d = y_hat - y
    return 0.5 * np.einsum("i,i->", d.ravel(), d.ravel())


def mse_by_size(y_hat, y):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    if y_hat.shape != y.shape:
        raise ValueError("shapes differ")
    return np.sum(np.square(y_hat - y)) / y_hat.size


def mse_via_squared_error(y_hat, y):
    return 2.0 * squared_error_helper(y_hat, y) / np.size(y_hat)


def squared_error_helper(y_hat, y):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    if y_hat.shape != y.shape:
        raise ValueError("shapes differ")
    return 0.5 * np.sum((y_hat - y) ** 2)


def mae_by_norm(y_hat, y):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    if y_hat.shape != y.shape:
        raise ValueError("shapes differ")
    return np.linalg.norm((y_hat - y).ravel(), ord=1) / y_hat.size


def mae_average(y_hat, y):
    if np.shape(y_hat) != np.shape(y):
        raise ValueError("shapes differ")
    return np.average(np.abs(np.subtract(y_hat, y)))


@pytest.mark.parametrize("name, right", [
    ("squared_error", se_subtract_then_square_sum), ("squared_error", se_einsum),
    ("mse", mse_by_size), ("mse", mse_via_squared_error),
    ("mae", mae_by_norm), ("mae", mae_average),
], ids=["se-dot", "se-einsum", "mse-size", "mse-via-helper", "mae-norm-1", "mae-average"])
def test_other_right_regression_loss_earns_full_marks(name, right):
    """Does a right regression loss written another way pass every grade cell?"""
    UNIT.assert_accepted({name: right})


def mse_with_loop(y_hat, y):
    y_hat, y = same_shape(y_hat, y)
    total = 0.0
    for value in np.ravel(y_hat - y):
        total += value ** 2
    return total / y_hat.size


def mse_from_the_library(y_hat, y):
    from nnlib import losses as course_losses

    return course_losses.mse(y_hat, y)


def test_a_loss_with_a_loop_loses_exactly_the_rule_cell():
    """Does a right mse written with a Python loop keep its value points and lose only the no-loops cell?"""
    failed = failed_cells({"mse": mse_with_loop}, UNIT.grade_ids())
    assert failed == [RULE_CELL]
    UNIT.assert_caught({"mse": mse_with_loop}, grade_ids=[RULE_CELL], message_contains="Python loop")


def sce_with_looping_helper(z, y):
    return -np.sum(np.asarray(y) * log_softmax_rows(z)) / len(z)


def log_softmax_rows(z):
    rows = []
    for row in np.asarray(z, dtype=float):
        shifted = row - row.max()
        rows.append(shifted - np.log(np.sum(np.exp(shifted))))
    return np.array(rows)


def test_the_no_loops_rule_follows_the_helpers_a_loss_calls():
    """Is a loop hidden in a helper function caught, and named, by the no-loops cell alone?"""
    failed = UNIT.assert_caught({"softmax_cross_entropy": sce_with_looping_helper}, grade_ids=[RULE_CELL],
                                message_contains="log_softmax_rows")
    assert failed
    assert failed_cells({"softmax_cross_entropy": sce_with_looping_helper}, SCE_CELLS) == []


def test_a_loss_that_calls_the_course_library_earns_nothing_for_it():
    """Does an mse that calls nnlib lose the mse cell (own-code rule) but nothing outside exercise 1?"""
    UNIT.assert_caught({"mse": mse_from_the_library}, grade_ids=["test_mse"], message_contains="write it yourself")
    assert failed_cells({"mse": mse_from_the_library}, GRAD_CELLS + BCE_CELLS + [RULE_CELL]) == []


# ---------------------------------------------------------------- exercise 2: their gradients
def se_grad_sign(y_hat, y):
    return np.asarray(y, dtype=float) - np.asarray(y_hat, dtype=float)


def se_grad_forgets_half(y_hat, y):
    return 2.0 * (np.asarray(y_hat, dtype=float) - y)


def se_grad_keeps_half(y_hat, y):
    return 0.5 * (np.asarray(y_hat, dtype=float) - y)


def mse_grad_missing_1_over_n(y_hat, y):
    return 2.0 * (np.asarray(y_hat, dtype=float) - y)


def mse_grad_missing_2(y_hat, y):
    return (np.asarray(y_hat, dtype=float) - y) / np.size(y_hat)


def mse_grad_sign(y_hat, y):
    return 2.0 * (np.asarray(y, dtype=float) - y_hat) / np.size(y_hat)


def mse_grad_per_row(y_hat, y):
    y_hat = np.asarray(y_hat, dtype=float)
    return 2.0 * (y_hat - y) / (len(y_hat) if y_hat.ndim > 1 else 1)


def mae_grad_tie_positive(y_hat, y):
    return np.where(np.asarray(y_hat, dtype=float) - y >= 0, 1.0, -1.0) / np.size(y_hat)


def mae_grad_divides_by_abs(y_hat, y):
    d = np.asarray(y_hat, dtype=float) - y
    with np.errstate(invalid="ignore"):
        return d / np.abs(d) / d.size


@pytest.mark.parametrize("name, wrong, message", [
    pytest.param("squared_error_grad", se_grad_sign, "sign is flipped", id="se-grad-sign-flipped"),
    pytest.param("squared_error_grad", se_grad_forgets_half, "½ cancels", id="se-grad-forgets-half"),
    pytest.param("squared_error_grad", se_grad_keeps_half, "does not stay", id="se-grad-adds-half"),
    pytest.param("mse_grad", mse_grad_missing_1_over_n, "1/N", id="mse-grad-missing-1-over-N"),
    pytest.param("mse_grad", mse_grad_missing_2, "2 from the square", id="mse-grad-missing-2"),
    pytest.param("mse_grad", mse_grad_sign, "sign is flipped", id="mse-grad-sign-flipped"),
    pytest.param("mse_grad", mse_grad_per_row, "not by the number of rows", id="mse-grad-wrong-count"),
    pytest.param("mae_grad", mae_grad_tie_positive, "takes 0 there", id="mae-grad-tie-not-zero"),
    pytest.param("mae_grad", mae_grad_divides_by_abs, "kink", id="mae-grad-nan-at-tie"),
])
def test_wrong_gradient_is_caught_by_the_visible_tests(name, wrong, message):
    """Do the visible gradient tests reject this mistake, with a message naming it?"""
    VISIBLE.assert_caught({name: wrong}, grade_ids=GRAD_CELLS, message_contains=message)


def se_grad_subtract(y_hat, y):
    return np.subtract(y_hat, y, dtype=float)


def se_grad_copy(y_hat, y):
    out = np.array(y_hat, dtype=float, copy=True)
    out -= y
    return out


def mse_grad_mean_factor(y_hat, y):
    y_hat = np.asarray(y_hat, dtype=float)
    return (y_hat - y) * (2.0 / np.prod(y_hat.shape))


def mse_grad_ones(y_hat, y):
    d = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)
    return 2 * d / d.size


def mae_grad_where(y_hat, y):
    d = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)
    return np.where(d > 0, 1.0, np.where(d < 0, -1.0, 0.0)) / d.size


def mae_grad_heaviside(y_hat, y):
    d = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)
    return ((d > 0).astype(float) - (d < 0).astype(float)) / d.size


@pytest.mark.parametrize("name, right", [
    ("squared_error_grad", se_grad_subtract), ("squared_error_grad", se_grad_copy),
    ("mse_grad", mse_grad_mean_factor), ("mse_grad", mse_grad_ones),
    ("mae_grad", mae_grad_where), ("mae_grad", mae_grad_heaviside),
], ids=["se-subtract", "se-copy-then-in-place", "mse-prod-shape", "mse-2d-over-size", "mae-nested-where", "mae-comparisons"])
def test_other_right_gradient_earns_full_marks(name, right):
    """Does a right gradient written another way pass every grade cell?"""
    UNIT.assert_accepted({name: right})


def test_in_place_gradient_is_caught():
    """Does a gradient that writes into the caller's y_hat fail with "in place"?"""
    def se_grad_in_place(y_hat, y):
        y_hat -= y
        return y_hat

    UNIT.assert_caught({"squared_error_grad": se_grad_in_place}, grade_ids=["test_squared_error_grad"],
                       message_contains="in place")


# ---------------------------------------------------------------- exercise 3: binary cross-entropy
def bce_unclipped(y_hat, y):
    y_hat = np.asarray(y_hat, dtype=float)
    return float(-np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))


def bce_missing_negative_class(y_hat, y):
    p = np.clip(y_hat, EPS, 1 - EPS)
    return float(-np.mean(y * np.log(p)))


def bce_sum(y_hat, y):
    p = np.clip(y_hat, EPS, 1 - EPS)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


def bce_no_minus(y_hat, y):
    p = np.clip(y_hat, EPS, 1 - EPS)
    return float(np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def bce_grad_logit(y_hat, y):
    return (np.asarray(y_hat, dtype=float) - y) / np.size(y_hat)


def bce_grad_unclipped(y_hat, y):
    p = np.asarray(y_hat, dtype=float)
    return (p - y) / (p * (1 - p)) / p.size


def bce_grad_one_term(y_hat, y):
    p = np.clip(y_hat, EPS, 1 - EPS)
    return -y / p / p.size


@pytest.mark.parametrize("name, wrong, message", [
    pytest.param("binary_cross_entropy", bce_unclipped, "Clip the predictions", id="bce-log-of-0"),
    pytest.param("binary_cross_entropy", bce_missing_negative_class, "(1 − y) log(1 − ŷ) term is missing", id="bce-one-term"),
    pytest.param("binary_cross_entropy", bce_sum, "1/N is missing", id="bce-sum-instead-of-mean"),
    pytest.param("binary_cross_entropy", bce_no_minus, "minus sign", id="bce-no-minus"),
    pytest.param("binary_cross_entropy_grad", bce_grad_logit, "with respect to the logit", id="bce-grad-wrt-logit"),
    pytest.param("binary_cross_entropy_grad", bce_grad_unclipped, "Clip the predictions", id="bce-grad-division-by-0"),
    pytest.param("binary_cross_entropy_grad", bce_grad_one_term, "has a derivative too", id="bce-grad-one-term"),
])
def test_wrong_binary_cross_entropy_is_caught_by_the_visible_tests(name, wrong, message):
    """Do the visible BCE tests reject this mistake and name it?"""
    VISIBLE.assert_caught({name: wrong}, grade_ids=BCE_CELLS, message_contains=message)


def test_unclipped_binary_cross_entropy_loses_only_the_extremes_point():
    """Does a BCE right in the middle but nan at 0 and 1 keep its value point and lose the extremes point?"""
    assert failed_cells({"binary_cross_entropy": bce_unclipped}, BCE_CELLS) == ["test_binary_cross_entropy_extremes"]


def bce_where(y_hat, y):
    p = np.clip(np.asarray(y_hat, dtype=float), EPS, 1 - EPS)
    return float(np.mean(np.where(np.asarray(y) == 1, -np.log(p), -np.log1p(-p))))


def bce_clip_each_log(y_hat, y):
    y_hat = np.asarray(y_hat, dtype=float)
    return -np.mean(y * np.log(np.clip(y_hat, EPS, None)) + (1 - y) * np.log(np.clip(1 - y_hat, EPS, None)))


def bce_grad_two_terms(y_hat, y):
    p = np.clip(np.asarray(y_hat, dtype=float), EPS, 1 - EPS)
    return (-y / p + (1 - y) / (1 - p)) / p.size


def bce_grad_clip_each(y_hat, y):
    y_hat = np.asarray(y_hat, dtype=float)
    return (-y / np.maximum(y_hat, EPS) + (1 - y) / np.maximum(1 - y_hat, EPS)) / y_hat.size


@pytest.mark.parametrize("name, right", [
    ("binary_cross_entropy", bce_where), ("binary_cross_entropy", bce_clip_each_log),
    ("binary_cross_entropy_grad", bce_grad_two_terms), ("binary_cross_entropy_grad", bce_grad_clip_each),
], ids=["bce-where-log1p", "bce-clip-each-log", "bce-grad-two-terms", "bce-grad-clip-each"])
def test_other_right_binary_cross_entropy_earns_full_marks(name, right):
    """Does a right BCE (or gradient) written another way, or clipping each log, pass every grade cell?"""
    UNIT.assert_accepted({name: right})


# ---------------------------------------------------------------- exercise 4: categorical cross-entropy
def ce_unclipped(y_hat, y):
    return float(-np.sum(y * np.log(y_hat)) / len(y_hat))


def ce_mean_over_all_entries(y_hat, y):
    return float(-np.mean(y * np.log(np.clip(y_hat, EPS, 1))))


def ce_sum(y_hat, y):
    return float(-np.sum(y * np.log(np.clip(y_hat, EPS, 1))))


def ce_grad_logits(y_hat, y):
    return (np.asarray(y_hat, dtype=float) - y) / len(y_hat)


def ce_grad_unclipped(y_hat, y):
    return -np.asarray(y, dtype=float) / y_hat / len(y_hat)


def ce_grad_no_average(y_hat, y):
    return -np.asarray(y, dtype=float) / np.clip(y_hat, EPS, 1)


@pytest.mark.parametrize("name, wrong, message", [
    pytest.param("cross_entropy", ce_unclipped, "0 × log 0 is nan", id="ce-log-of-0"),
    pytest.param("cross_entropy", ce_mean_over_all_entries, "n·K", id="ce-mean-over-the-wrong-axis"),
    pytest.param("cross_entropy", ce_sum, "1/n is missing", id="ce-missing-1-over-n"),
    pytest.param("cross_entropy_grad", ce_grad_logits, "with respect to the logits", id="ce-grad-is-softmax-grad"),
    pytest.param("cross_entropy_grad", ce_grad_unclipped, "Clip the predictions", id="ce-grad-0-over-0"),
    pytest.param("cross_entropy_grad", ce_grad_no_average, "1/n", id="ce-grad-missing-1-over-n"),
])
def test_wrong_cross_entropy_is_caught_by_the_visible_tests(name, wrong, message):
    """Do the visible cross-entropy tests reject this mistake and name it?"""
    VISIBLE.assert_caught({name: wrong}, grade_ids=CE_CELLS, message_contains=message)


def ce_true_class(y_hat, y):
    picked = np.sum(np.asarray(y_hat, dtype=float) * y, axis=1)
    return -np.mean(np.log(np.clip(picked, EPS, 1.0)))


def ce_argmax_labels(y_hat, y):
    labels = np.argmax(y, axis=-1)
    probabilities = np.clip(np.asarray(y_hat, dtype=float), EPS, 1 - EPS)
    return -np.log(probabilities[np.arange(len(labels)), labels]).mean()


def ce_grad_where(y_hat, y):
    p = np.maximum(np.asarray(y_hat, dtype=float), EPS)
    return np.where(np.asarray(y) > 0, -np.asarray(y) / p, 0.0) / p.shape[0]


def ce_grad_divide(y_hat, y):
    return np.divide(-np.asarray(y, dtype=float), np.clip(y_hat, EPS, 1 - EPS)) / np.shape(y_hat)[0]


@pytest.mark.parametrize("name, right", [
    ("cross_entropy", ce_true_class), ("cross_entropy", ce_argmax_labels),
    ("cross_entropy_grad", ce_grad_where), ("cross_entropy_grad", ce_grad_divide),
], ids=["ce-true-class", "ce-argmax-index", "ce-grad-where", "ce-grad-divide"])
def test_other_right_cross_entropy_earns_full_marks(name, right):
    """Does a right cross-entropy (or gradient) written another way pass every grade cell?"""
    UNIT.assert_accepted({name: right})


# ---------------------------------------------------------------- exercise 5: softmax with cross-entropy
def softmax_rows(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def sce_naive(z, y):
    z = np.asarray(z, dtype=float)
    return float(-np.sum(y * (z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True)))) / len(z))


def sce_through_probabilities(z, y):
    return float(-np.sum(y * np.log(np.clip(softmax_rows(z), EPS, 1))) / len(z))


def sce_global_max(z, y):
    shifted = np.asarray(z, dtype=float) - np.max(z)
    return float(-np.sum(y * (shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True)))) / len(z))


def sce_no_average(z, y):
    z = np.asarray(z, dtype=float)
    shifted = z - z.max(axis=-1, keepdims=True)
    return float(-np.sum(y * (shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True)))))


def sce_grad_no_average(z, y):
    return softmax_rows(z) - y


def sce_grad_sign(z, y):
    return (y - softmax_rows(z)) / len(z)


def sce_grad_naive_softmax(z, y):
    e = np.exp(np.asarray(z, dtype=float))
    return (e / e.sum(axis=-1, keepdims=True) - y) / len(z)


def sce_grad_axis0(z, y):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=0))
    return (e / e.sum(axis=0) - y) / len(z)


@pytest.mark.parametrize("name, wrong, message", [
    pytest.param("softmax_cross_entropy", sce_naive, "exp overflows", id="sce-unstable-softmax"),
    pytest.param("softmax_cross_entropy", sce_through_probabilities, "log of softmax probabilities", id="sce-log-of-0"),
    pytest.param("softmax_cross_entropy", sce_global_max, "own maximum", id="sce-global-max"),
    pytest.param("softmax_cross_entropy", sce_no_average, "1/n is missing", id="sce-missing-1-over-n"),
    pytest.param("softmax_cross_entropy_grad", sce_grad_no_average, "1/n is missing", id="sce-grad-not-averaged"),
    pytest.param("softmax_cross_entropy_grad", sce_grad_sign, "sign is flipped", id="sce-grad-sign-flipped"),
    pytest.param("softmax_cross_entropy_grad", sce_grad_naive_softmax, "subtract each row", id="sce-grad-unstable"),
    pytest.param("softmax_cross_entropy_grad", sce_grad_axis0, "axis=-1", id="sce-grad-wrong-axis"),
])
def test_wrong_softmax_cross_entropy_is_caught_by_the_visible_tests(name, wrong, message):
    """Do the visible softmax-cross-entropy tests reject this mistake and name it?"""
    VISIBLE.assert_caught({name: wrong}, grade_ids=SCE_CELLS, message_contains=message)


@pytest.mark.parametrize("wrong", [sce_naive, sce_through_probabilities], ids=["unstable", "through-probabilities"])
def test_unstable_softmax_cross_entropy_loses_only_the_stability_point(wrong):
    """Does a loss right for ordinary scores but wrong at ±1000 keep its value point?"""
    assert failed_cells({"softmax_cross_entropy": wrong}, SCE_CELLS) == ["test_softmax_cross_entropy_stable"]


def sce_logsumexp_max_outside(z, y):
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=1, keepdims=True)
    log_norm = m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))
    return float(np.mean(np.sum(y * (log_norm - z), axis=1)))


def sce_true_class_score(z, y):
    z = np.asarray(z, dtype=float)
    true_score = np.sum(z * y, axis=-1)
    m = z.max(axis=-1)
    return np.mean(m + np.log(np.exp(z - m[:, None]).sum(axis=-1)) - true_score)


def sce_grad_exp_log(z, y):
    z = np.asarray(z, dtype=float)
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return (np.exp(log_p) - y) / z.shape[0]


def sce_grad_helper(z, y):
    return np.subtract(softmax_rows(z), y) / np.shape(z)[0]


@pytest.mark.parametrize("name, right", [
    ("softmax_cross_entropy", sce_logsumexp_max_outside), ("softmax_cross_entropy", sce_true_class_score),
    ("softmax_cross_entropy_grad", sce_grad_exp_log), ("softmax_cross_entropy_grad", sce_grad_helper),
], ids=["sce-logsumexp", "sce-true-class-score", "sce-grad-exp-of-log", "sce-grad-with-helper"])
def test_other_right_softmax_cross_entropy_earns_full_marks(name, right):
    """Does a right softmax cross-entropy (or gradient) written another way pass every grade cell?"""
    UNIT.assert_accepted({name: right})


def cross_entropy(y_hat, y):
    """A wrong exercise 4 (the 1/n is missing), under the name a later function calls it by."""
    return float(-np.sum(y * np.log(np.clip(y_hat, EPS, 1))))


def sce_built_on_cross_entropy(z, y):
    return cross_entropy(softmax_rows(z), y)


def test_a_loss_built_on_a_wrong_earlier_exercise_is_told_to_fix_that_first():
    """Is softmax_cross_entropy that calls a wrong cross_entropy told to fix exercise 4 first?"""
    UNIT.assert_caught({"cross_entropy": cross_entropy, "softmax_cross_entropy": sce_built_on_cross_entropy},
                       grade_ids=["test_softmax_cross_entropy"], message_contains="fix exercise 4")


# ---------------------------------------------------------------- exercise 6: gradient descent
def gd_end_only(grad, w0, learning_rate, n_steps):
    w = np.array(w0, dtype=float)
    for _ in range(n_steps):
        w = w - learning_rate * grad(w)
    return w


def gd_updates_before_recording(grad, w0, learning_rate, n_steps):
    w, path = np.array(w0, dtype=float), []
    for _ in range(n_steps):
        w = w - learning_rate * grad(w)
        path.append(w)
    return np.array(path) if path else np.array(w0, dtype=float)[None]


def gd_one_too_many(grad, w0, learning_rate, n_steps):
    w = np.array(w0, dtype=float)
    path = [w]
    for _ in range(n_steps + 1):
        w = w - learning_rate * grad(w)
        path.append(w)
    return np.array(path)


def gd_one_short(grad, w0, learning_rate, n_steps):
    w = np.array(w0, dtype=float)
    path = [w]
    for _ in range(n_steps - 1):
        w = w - learning_rate * grad(w)
        path.append(w)
    return np.array(path)


def gd_ascent(grad, w0, learning_rate, n_steps):
    w = np.array(w0, dtype=float)
    path = [w]
    for _ in range(n_steps):
        w = w + learning_rate * grad(w)
        path.append(w)
    return np.array(path)


def gd_aliased(grad, w0, learning_rate, n_steps):
    w = np.array(w0, dtype=float)
    path = []
    for _ in range(n_steps):
        path.append(w)
        w -= learning_rate * grad(w)
    path.append(w)
    return np.array(path)


def gd_changes_w0(grad, w0, learning_rate, n_steps):
    w = np.asarray(w0, dtype=float)  # no copy for a float array: the caller's w0 is updated
    path = [w.copy()]
    for _ in range(n_steps):
        w -= learning_rate * grad(w)
        path.append(w.copy())
    return np.array(path)


def gd_gradient_at_start(grad, w0, learning_rate, n_steps):
    w = np.array(w0, dtype=float)
    g = grad(w)
    path = [w]
    for _ in range(n_steps):
        w = w - learning_rate * g
        path.append(w)
    return np.array(path)


@pytest.mark.parametrize("wrong, message, failing", [
    pytest.param(gd_end_only, "only the end point", ["test_gradient_descent_path"], id="returns-only-the-end-point"),
    pytest.param(gd_updates_before_recording, "starts after the first update", ["test_gradient_descent_path"],
                 id="updates-before-recording"),
    pytest.param(gd_one_too_many, "one update too many", DESCENT_CELLS, id="off-by-one-too-long"),
    pytest.param(gd_one_short, "one update too few", DESCENT_CELLS, id="off-by-one-too-short"),
    pytest.param(gd_ascent, "uphill", ["test_gradient_descent_values"], id="gradient-sign-flipped"),
    pytest.param(gd_aliased, "append", ["test_gradient_descent_path"], id="path-aliases-one-array"),
    pytest.param(gd_changes_w0, "in place", ["test_gradient_descent_path"], id="changes-w0-in-place"),
    pytest.param(gd_gradient_at_start, "current w", ["test_gradient_descent_values"], id="gradient-only-at-the-start"),
])
def test_wrong_gradient_descent_is_caught_by_the_visible_tests(wrong, message, failing):
    """Do the visible descent tests reject this mistake, naming it, in the cells where it is?"""
    VISIBLE.assert_caught({"gradient_descent": wrong}, grade_ids=DESCENT_CELLS, message_contains=message)
    assert failed_cells({"gradient_descent": wrong}, DESCENT_CELLS) == sorted(failing)


def gd_preallocated(grad, w0, learning_rate, n_steps):
    start = np.asarray(w0, dtype=float)
    path = np.empty((n_steps + 1,) + start.shape)
    path[0] = start
    for k in range(n_steps):
        path[k + 1] = path[k] - learning_rate * np.asarray(grad(path[k]))
    return path


def gd_while_copy(grad, w0, learning_rate, n_steps):
    w = np.array(w0, dtype=float)
    path, k = [w.copy()], 0
    while k < n_steps:
        w -= learning_rate * grad(w)
        path.append(w.copy())
        k += 1
    return np.stack(path)


def gd_recursive(grad, w0, learning_rate, n_steps):
    start = np.array(w0, dtype=float)
    if n_steps == 0:
        return start[None]
    rest = gd_recursive(grad, start - learning_rate * grad(start), learning_rate, n_steps - 1)
    return np.concatenate([start[None], rest])


def gd_from_the_library(grad, w0, learning_rate, n_steps):
    return descent.descend(grad, w0, learning_rate, n_steps)


def gd_returns_a_list(grad, w0, learning_rate, n_steps):
    path = [np.array(w0, dtype=float)]
    for _ in range(n_steps):
        path.append(path[-1] - learning_rate * grad(path[-1]))
    return path


def test_gradient_descent_from_the_course_library_earns_nothing():
    """Does a loop that calls nnlib's reference lose both descent cells (own-code rule)?"""
    assert failed_cells({"gradient_descent": gd_from_the_library}, DESCENT_CELLS) == sorted(DESCENT_CELLS)
    UNIT.assert_caught({"gradient_descent": gd_from_the_library}, grade_ids=DESCENT_CELLS,
                       message_contains="write it yourself")


def test_a_path_returned_as_a_list_is_told_to_return_an_array():
    """Does a right path returned as a Python list keep the values point and lose the path point?"""
    assert failed_cells({"gradient_descent": gd_returns_a_list}, DESCENT_CELLS) == ["test_gradient_descent_path"]
    UNIT.assert_caught({"gradient_descent": gd_returns_a_list}, grade_ids=DESCENT_CELLS, message_contains="np.array(path)")


@pytest.mark.parametrize("right", [gd_preallocated, gd_while_copy, gd_recursive],
                         ids=["preallocated", "while-with-copies", "recursive"])
def test_other_right_gradient_descent_earns_full_marks(right):
    """Does a right gradient-descent loop written another way pass every grade cell?"""
    UNIT.assert_accepted({"gradient_descent": right})


# ---------------------------------------------------------------- exercise 7: mini-batches
def mb_drop_last(X, y, batch_size, seed):
    order = np.random.default_rng(seed).permutation(len(X))
    for start in range(0, len(X) - batch_size + 1, batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]


def mb_with_replacement(X, y, batch_size, seed):
    rng = np.random.default_rng(seed)
    for start in range(0, len(X), batch_size):
        rows = rng.integers(0, len(X), size=min(batch_size, len(X) - start))
        yield X[rows], y[rows]


def mb_no_shuffle(X, y, batch_size, seed):
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]


def mb_shuffled_apart(X, y, batch_size, seed):
    rng = np.random.default_rng(seed)
    X_order, y_order = rng.permutation(len(X)), rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        yield X[X_order[start:start + batch_size]], y[y_order[start:start + batch_size]]


def mb_shuffles_in_place(X, y, batch_size, seed):
    rng = np.random.default_rng(seed)
    state = rng.bit_generator.state
    rng.shuffle(X)
    rng.bit_generator.state = state  # the same permutation for y: pairs survive, the inputs do not
    rng.shuffle(y)
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]


def mb_global_state(X, y, batch_size, seed):
    order = np.random.permutation(len(X))
    for start in range(0, len(X), batch_size):
        yield X[order[start:start + batch_size]], y[order[start:start + batch_size]]


def mb_fixed_seed(X, y, batch_size, seed):
    order = np.random.default_rng(42).permutation(len(X))
    for start in range(0, len(X), batch_size):
        yield X[order[start:start + batch_size]], y[order[start:start + batch_size]]


@pytest.mark.parametrize("wrong, message, failing", [
    pytest.param(mb_drop_last, "last, smaller batch is missing", ["test_minibatches_cover"], id="drops-last-partial-batch"),
    pytest.param(mb_with_replacement, "times in one epoch", ["test_minibatches_cover"], id="repeats-samples"),
    pytest.param(mb_no_shuffle, "original order", ["test_minibatches_shuffle"], id="does-not-shuffle"),
    pytest.param(mb_shuffled_apart, "no longer belong together", ["test_minibatches_cover"], id="shuffles-X-and-y-differently"),
    pytest.param(mb_shuffles_in_place, "in place", ["test_minibatches_shuffle"], id="shuffles-the-inputs-in-place"),
    pytest.param(mb_global_state, "same seed", ["test_minibatches_shuffle"], id="global-random-state"),
    pytest.param(mb_fixed_seed, "different seeds", ["test_minibatches_shuffle"], id="ignores-the-seed"),
])
def test_wrong_minibatches_is_caught_by_the_visible_tests(wrong, message, failing):
    """Do the visible mini-batch tests reject this mistake, naming it, in the cell where it is?"""
    VISIBLE.assert_caught({"minibatches": wrong}, grade_ids=BATCH_CELLS, message_contains=message)
    assert failed_cells({"minibatches": wrong}, BATCH_CELLS) == failing


def mb_choice_list(X, y, batch_size, seed):
    order = np.random.default_rng(seed).choice(len(X), size=len(X), replace=False)
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]]) for i in range(0, len(X), batch_size)]


def mb_argsort_split(X, y, batch_size, seed):
    order = np.argsort(np.random.default_rng(seed).random(len(X)))
    for rows in np.split(order, np.arange(batch_size, len(X), batch_size)):
        yield X[rows], y[rows]


def mb_shuffled_copies(X, y, batch_size, seed):
    order = np.arange(len(X))
    np.random.default_rng(seed).shuffle(order)
    X_shuffled, y_shuffled = X[order], y[order]
    batches, start = [], 0
    while start < len(X):
        batches.append((X_shuffled[start:start + batch_size], y_shuffled[start:start + batch_size]))
        start += batch_size
    return tuple(batches)


@pytest.mark.parametrize("right", [mb_choice_list, mb_argsort_split, mb_shuffled_copies],
                         ids=["choice-without-replacement", "argsort-split", "shuffled-copies-tuple"])
def test_other_right_minibatches_earns_full_marks(right):
    """Does a right mini-batch iterator written another way pass every grade cell?"""
    UNIT.assert_accepted({"minibatches": right})


# ---------------------------------------------------------------- the whole notebook
def test_every_grade_cell_fails_for_its_untouched_stub():
    """Does every grade cell say "not written yet" when its functions are the release's stubs?"""
    def stub(*args, **kwargs):
        raise NotImplementedError()

    names = ["squared_error", "mse", "mae", "squared_error_grad", "mse_grad", "mae_grad", "binary_cross_entropy",
             "binary_cross_entropy_grad", "cross_entropy", "cross_entropy_grad", "softmax_cross_entropy",
             "softmax_cross_entropy_grad", "gradient_descent", "minibatches"]
    outcomes = UNIT.run(overrides={name: stub for name in names})
    for grade_id, outcome in outcomes.items():
        assert not outcome.passed, grade_id
        assert "not written yet" in outcome.message, (grade_id, outcome.message)


def test_hidden_values_never_appear_in_messages():
    """Does a failing hidden test describe its inputs by shape only (no hidden numbers in the message)?"""
    outcomes = UNIT.run(["test_mse"], {"mse": mse_sum})
    message = outcomes["test_mse"].message
    assert "got" in message  # the visible case fails first and shows its numbers...
    hidden_only = UNIT.run(["test_gradient_descent_values"], {"gradient_descent": gd_ascent})
    assert "uphill" in hidden_only["test_gradient_descent_values"].message


@pytest.mark.parametrize("overrides", [
    {"mse": mse_axis0}, {"mae_grad": mae_grad_divides_by_abs}, {"binary_cross_entropy": bce_unclipped},
    {"cross_entropy_grad": ce_grad_unclipped}, {"softmax_cross_entropy": sce_global_max},
    {"gradient_descent": gd_aliased}, {"minibatches": mb_shuffled_apart},
], ids=["mse", "mae-grad", "bce-extremes", "ce-grad-extremes", "sce", "descent", "minibatches"])
def test_failure_messages_are_one_line(overrides):
    """Is every failure message one line, as Validate and the feedback page show it?"""
    for outcome in UNIT.run(overrides=overrides).values():
        assert "\n" not in outcome.message.strip(), outcome.message
