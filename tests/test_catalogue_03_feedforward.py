"""Unit 03's grade cells against a catalogue of typical wrong answers and of other right answers.

Each wrong answer replaces one name in the namespace the grade cells see (the reference answers
otherwise); the test proves that some grade cell of that exercise fails with a message naming the
mistake. Each right answer written another way must pass every grade cell.
"""
import numpy as np
import pytest

from nnlib import activations
from tests.notebook_harness import Unit, VisibleTests
from tests.unit_checks import released_stubs, run_all_released

UNIT = Unit("03_feedforward")

# The unstable softmax answers overflow on purpose; their RuntimeWarnings are expected here.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

INIT_CELLS = ["test_init_params_shapes", "test_init_params_values"]
DENSE_CELLS = ["test_dense_forward_single", "test_dense_forward_batch", "test_dense_forward_batch_of_one"]
SOFTMAX_CELLS = ["test_softmax_values", "test_softmax_stable", "test_softmax_batch"]
FORWARD_CELLS = ["test_forward_002", "test_forward_cache"]
AUGMENTED_CELLS = ["test_add_bias_column", "test_absorb_bias", "test_forward_augmented"]


def _pairs(layer_sizes):
    sizes = [int(n) for n in layer_sizes]
    return list(zip(sizes[:-1], sizes[1:]))


# ---------------------------------------------------------------- init_params
def init_transposed(layer_sizes, scale=0.1, seed=0):
    rng = np.random.default_rng(seed)
    return ([rng.normal(0, scale, size=(n_in, n_out)) for n_in, n_out in _pairs(layer_sizes)],
            [np.zeros(n_out) for _, n_out in _pairs(layer_sizes)])


def init_column_bias(layer_sizes, scale=0.1, seed=0):
    rng = np.random.default_rng(seed)
    return ([rng.normal(0, scale, size=(n_out, n_in)) for n_in, n_out in _pairs(layer_sizes)],
            [np.zeros((n_out, 1)) for _, n_out in _pairs(layer_sizes)])


def init_zeros(layer_sizes, scale=0.1, seed=0):
    return ([np.zeros((n_out, n_in)) for n_in, n_out in _pairs(layer_sizes)],
            [np.zeros(n_out) for _, n_out in _pairs(layer_sizes)])


def init_constant(layer_sizes, scale=0.1, seed=0):
    return ([np.full((n_out, n_in), scale) for n_in, n_out in _pairs(layer_sizes)],
            [np.zeros(n_out) for _, n_out in _pairs(layer_sizes)])


def init_one_layer_too_many(layer_sizes, scale=0.1, seed=0):
    rng = np.random.default_rng(seed)
    sizes = list(layer_sizes)
    Ws = [rng.normal(0, scale, size=(sizes[l], sizes[l - 1] if l else sizes[0])) for l in range(len(sizes))]
    return Ws, [np.zeros(n) for n in sizes]


def init_global_random(layer_sizes, scale=0.1, seed=0):
    return ([np.random.randn(n_out, n_in) * scale for n_in, n_out in _pairs(layer_sizes)],
            [np.zeros(n_out) for _, n_out in _pairs(layer_sizes)])


def init_unit_scale(layer_sizes, scale=0.1, seed=0):
    rng = np.random.default_rng(seed)
    return ([rng.normal(size=(n_out, n_in)) for n_in, n_out in _pairs(layer_sizes)],
            [np.zeros(n_out) for _, n_out in _pairs(layer_sizes)])


def init_uniform_positive(layer_sizes, scale=0.1, seed=0):
    rng = np.random.default_rng(seed)
    return ([rng.random((n_out, n_in)) for n_in, n_out in _pairs(layer_sizes)],
            [np.zeros(n_out) for _, n_out in _pairs(layer_sizes)])


def init_random_bias(layer_sizes, scale=0.1, seed=0):
    rng = np.random.default_rng(seed)
    return ([rng.normal(0, scale, size=(n_out, n_in)) for n_in, n_out in _pairs(layer_sizes)],
            [rng.normal(0, scale, size=n_out) for _, n_out in _pairs(layer_sizes)])


def init_fixed_seed(layer_sizes, scale=0.1, seed=0):
    rng = np.random.default_rng(0)  # ignores the seed argument
    return ([rng.normal(0, scale, size=(n_out, n_in)) for n_in, n_out in _pairs(layer_sizes)],
            [np.zeros(n_out) for _, n_out in _pairs(layer_sizes)])


@pytest.mark.parametrize("wrong, message", [
    pytest.param(init_transposed, "transposed", id="transposed-W"),
    pytest.param(init_column_bias, "1-D arrays", id="bias-column-n-by-1"),
    pytest.param(init_zeros, "symmetry", id="all-zero-weights"),
    pytest.param(init_constant, "All weights are equal", id="constant-weights"),
    pytest.param(init_one_layer_too_many, "input layer has no parameters", id="one-layer-too-many"),
    pytest.param(init_global_random, "default_rng", id="ignores-seed-global-state"),
    pytest.param(init_fixed_seed, "Different seeds", id="ignores-seed-argument"),
    pytest.param(init_unit_scale, "standard deviation", id="ignores-scale"),
    pytest.param(init_uniform_positive, "mean", id="uniform-0-1"),
    pytest.param(init_random_bias, "biases start at 0", id="random-biases"),
])
def test_wrong_init_params_is_caught(wrong, message):
    """Do the init_params cells reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"init_params": wrong}, grade_ids=INIT_CELLS, message_contains=message)


def init_standard_normal_loop(layer_sizes, scale=0.1, seed=0):
    rng = np.random.default_rng(seed)
    Ws, bs = [], []
    for l in range(1, len(layer_sizes)):
        Ws.append(rng.standard_normal((layer_sizes[l], layer_sizes[l - 1])) * scale)
        bs.append(np.zeros(layer_sizes[l]))
    return tuple(Ws), tuple(bs)


def init_uniform_same_spread(layer_sizes, scale=0.1, seed=0):
    rng = np.random.default_rng(seed)
    half_width = np.sqrt(3.0) * scale  # a uniform distribution with standard deviation `scale`
    return ([rng.uniform(-half_width, half_width, size=(n_out, n_in)) for n_in, n_out in _pairs(layer_sizes)],
            [np.zeros(n_out) for _, n_out in _pairs(layer_sizes)])


@pytest.mark.parametrize("right", [init_standard_normal_loop, init_uniform_same_spread],
                         ids=["standard-normal-loop", "uniform-same-spread"])
def test_other_right_init_params_earns_full_marks(right):
    """Does a right init_params written another way pass every grade cell?"""
    UNIT.assert_accepted({"init_params": right})


def test_zero_weights_of_the_right_shapes_earn_part_of_the_points():
    """Do all-zero parameters of the right shapes keep the shape point and lose the values point?"""
    outcomes = UNIT.run(INIT_CELLS, {"init_params": init_zeros})
    assert outcomes["test_init_params_shapes"].passed
    assert not outcomes["test_init_params_values"].passed


# ---------------------------------------------------------------- dense_forward
def dense_untransposed(A_prev, W, b, f):
    Z = np.asarray(A_prev, dtype=float) @ W + b
    return Z, f(Z)


def dense_column_convention(A_prev, W, b, f):
    """W @ a: right for one sample, a shape error for a batch with samples as rows."""
    Z = W @ np.asarray(A_prev, dtype=float) + b
    return Z, f(Z)


def dense_no_bias(A_prev, W, b, f):
    Z = np.asarray(A_prev, dtype=float) @ W.T
    return Z, f(Z)


def dense_column_bias(A_prev, W, b, f):
    Z = np.asarray(A_prev, dtype=float) @ W.T + b.reshape(-1, 1)
    return Z, f(Z)


def dense_squeezed(A_prev, W, b, f):
    Z = np.squeeze(np.asarray(A_prev, dtype=float) @ W.T + b)
    return Z, f(Z)


def dense_no_activation(A_prev, W, b, f):
    Z = np.asarray(A_prev, dtype=float) @ W.T + b
    return Z, Z


def dense_activation_on_input(A_prev, W, b, f):
    A_prev = np.asarray(A_prev, dtype=float)
    return A_prev @ W.T + b, f(A_prev) @ W.T + b


def dense_swapped(A_prev, W, b, f):
    Z = np.asarray(A_prev, dtype=float) @ W.T + b
    return f(Z), Z


def dense_in_place(A_prev, W, b, f):
    A_prev -= 0.0 * A_prev.mean()  # harmless-looking, but it writes into the caller's array
    A_prev *= 2.0
    Z = (A_prev / 2.0) @ W.T + b
    return Z, f(Z)


@pytest.mark.parametrize("wrong, message", [
    pytest.param(dense_untransposed, "W.T", id="W-not-transposed"),
    pytest.param(dense_column_convention, "samples as rows", id="W-at-a-column-convention"),
    pytest.param(dense_no_bias, "bias b is missing", id="missing-bias"),
    pytest.param(dense_column_bias, "(N_l, 1)", id="bias-n-by-1-broadcast"),
    pytest.param(dense_squeezed, "keep the batch axis", id="squeezes-batch-of-one"),
    pytest.param(dense_no_activation, "Apply the activation", id="no-activation"),
    pytest.param(dense_activation_on_input, "not to A_prev", id="activation-on-input"),
    pytest.param(dense_swapped, "before the activation", id="returns-A-Z-swapped"),
    pytest.param(dense_in_place, "in place", id="modifies-input"),
])
def test_wrong_dense_forward_is_caught(wrong, message):
    """Do the dense_forward cells reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"dense_forward": wrong}, grade_ids=DENSE_CELLS, message_contains=message)


def dense_einsum(A_prev, W, b, f):
    Z = np.einsum("...j,ij->...i", np.asarray(A_prev, dtype=float), W) + b
    return Z, f(Z)


def dense_transpose_twice(A_prev, W, b, f):
    Z = (np.asarray(W) @ np.asarray(A_prev, dtype=float).T).T + b
    return Z, f(Z)


def dense_dot(A_prev, W, b, f):
    Z = np.dot(A_prev, np.transpose(W))
    Z = Z + b
    return Z, f(Z)


@pytest.mark.parametrize("right", [dense_einsum, dense_transpose_twice, dense_dot],
                         ids=["einsum", "W-at-A-transposed", "np-dot"])
def test_other_right_dense_forward_earns_full_marks(right):
    """Does a right dense_forward written another way pass every grade cell?"""
    UNIT.assert_accepted({"dense_forward": right})


def test_dense_forward_in_column_convention_earns_part_of_the_points():
    """Does W @ a (right for one sample only) keep the single-sample point and lose the batch points?"""
    outcomes = UNIT.run(DENSE_CELLS, {"dense_forward": dense_column_convention})
    assert outcomes["test_dense_forward_single"].passed
    assert not outcomes["test_dense_forward_batch"].passed
    assert not outcomes["test_dense_forward_batch_of_one"].passed


def test_dense_forward_that_squeezes_earns_part_of_the_points():
    """Does a layer that squeezes keep the batch point and lose the batch-of-one point?"""
    outcomes = UNIT.run(DENSE_CELLS, {"dense_forward": dense_squeezed})
    assert outcomes["test_dense_forward_batch"].passed
    assert not outcomes["test_dense_forward_batch_of_one"].passed


# ---------------------------------------------------------------- softmax
def softmax_naive(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_subtract_min(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.min(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_not_normalised(z):
    z = np.asarray(z, dtype=float)
    return np.exp(z - np.max(z, axis=-1, keepdims=True))


def softmax_axis_0(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def softmax_whole_batch(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def softmax_global_max(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z))  # one maximum for the whole batch: far-apart rows underflow
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_no_keepdims(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1))
    return e / np.sum(e, axis=-1)


def softmax_divide_by_max(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.max(e, axis=-1, keepdims=True)


def softmax_sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def softmax_from_library(z):
    return activations.softmax(z)


@pytest.mark.parametrize("wrong, message", [
    pytest.param(softmax_naive, "Subtract the maximum", id="unstable-overflow-at-1000"),
    pytest.param(softmax_subtract_min, "Subtract the maximum", id="subtracts-minimum"),
    pytest.param(softmax_not_normalised, "not normalised", id="forgets-to-normalise"),
    pytest.param(softmax_axis_0, "axis=-1", id="wrong-axis-0"),
    pytest.param(softmax_whole_batch, "whole batch", id="normalises-whole-batch"),
    pytest.param(softmax_global_max, "each row", id="one-max-for-the-batch"),
    pytest.param(softmax_no_keepdims, "keepdims", id="max-without-keepdims"),
    pytest.param(softmax_divide_by_max, "not normalised", id="divides-by-max"),
    pytest.param(softmax_sigmoid, "sigmoid", id="element-wise-sigmoid"),
    pytest.param(softmax_from_library, "write it yourself", id="calls-nnlib"),
])
def test_wrong_softmax_is_caught(wrong, message):
    """Do the softmax cells reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"softmax": wrong}, grade_ids=SOFTMAX_CELLS, message_contains=message)


def softmax_logsumexp(z):
    z = np.asarray(z, dtype=float)
    top = z.max(axis=-1, keepdims=True)
    log_total = top + np.log(np.exp(z - top).sum(axis=-1, keepdims=True))
    return np.exp(z - log_total)


def softmax_row_loop(z):
    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        e = np.exp(z - z.max())
        return e / e.sum()
    return np.array([softmax_row_loop(row) for row in z])


@pytest.mark.parametrize("right", [softmax_logsumexp, softmax_row_loop], ids=["log-sum-exp", "loop-over-rows"])
def test_other_right_softmax_earns_full_marks(right):
    """Does a right softmax written another way pass every grade cell?"""
    UNIT.assert_accepted({"softmax": right})


def test_softmax_for_one_vector_only_earns_part_of_the_points():
    """Does a softmax right for one vector but normalising whole batches keep two points of three?"""
    outcomes = UNIT.run(SOFTMAX_CELLS, {"softmax": softmax_whole_batch})
    assert outcomes["test_softmax_values"].passed and outcomes["test_softmax_stable"].passed
    assert not outcomes["test_softmax_batch"].passed


# ---------------------------------------------------------------- forward
def _layers(X, Ws, bs, fs):
    A = np.asarray(X, dtype=float)
    for W, b, f in zip(Ws, bs, fs):
        Z = A @ np.asarray(W).T + b
        A = f(Z)
        yield Z, A


def forward_without_input(X, Ws, bs, fs):
    pairs = list(_layers(X, Ws, bs, fs))
    return [Z for Z, _ in pairs], [A for _, A in pairs]


def forward_keeps_activations_as_z(X, Ws, bs, fs):
    pairs = list(_layers(X, Ws, bs, fs))
    return [A for _, A in pairs], [np.asarray(X, dtype=float)] + [A for _, A in pairs]


def forward_output_only(X, Ws, bs, fs):
    return list(_layers(X, Ws, bs, fs))[-1][1]


def forward_activations_reversed(X, Ws, bs, fs):
    pairs = list(_layers(X, Ws, bs, list(fs)[::-1]))
    return [Z for Z, _ in pairs], [np.asarray(X, dtype=float)] + [A for _, A in pairs]


def forward_skips_last_layer(X, Ws, bs, fs):
    pairs = list(_layers(X, Ws[:-1], bs[:-1], fs[:-1]))
    return [Z for Z, _ in pairs], [np.asarray(X, dtype=float)] + [A for _, A in pairs]


def forward_no_biases(X, Ws, bs, fs):
    pairs = list(_layers(X, Ws, [0.0] * len(bs), fs))
    return [Z for Z, _ in pairs], [np.asarray(X, dtype=float)] + [A for _, A in pairs]


def forward_normalises_in_place(X, Ws, bs, fs):
    X -= 0.0  # looks harmless
    X *= 1.0 + 1e-3  # rescales the caller's batch
    return forward_without_input(X / (1.0 + 1e-3), Ws, bs, fs)


def forward_column_convention(X, Ws, bs, fs):
    A = np.asarray(X, dtype=float)
    Zs, As = [], [A]
    for W, b, f in zip(Ws, bs, fs):
        Z = W @ A + b
        A = f(Z)
        Zs.append(Z)
        As.append(A)
    return Zs, As


@pytest.mark.parametrize("wrong, message", [
    pytest.param(forward_without_input, "As[0] = X", id="As-without-input"),
    pytest.param(forward_keeps_activations_as_z, "before the activation", id="Zs-hold-activations"),
    pytest.param(forward_output_only, "pair (Zs, As)", id="returns-output-only"),
    pytest.param(forward_activations_reversed, "its own activation", id="activations-reversed"),
    pytest.param(forward_skips_last_layer, "one Z per layer", id="skips-last-layer"),
    pytest.param(forward_no_biases, "Z^1", id="ignores-biases"),
    pytest.param(forward_normalises_in_place, "in place", id="modifies-X"),
    pytest.param(forward_column_convention, "forward raised", id="W-at-A"),
])
def test_wrong_forward_is_caught(wrong, message):
    """Do the forward cells reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"forward": wrong}, grade_ids=FORWARD_CELLS, message_contains=message)


def forward_recursive(X, Ws, bs, fs):
    if not Ws:
        return [], [np.asarray(X, dtype=float)]
    Z = np.asarray(X, dtype=float) @ np.asarray(Ws[0]).T + bs[0]
    Zs, As = forward_recursive(fs[0](Z), Ws[1:], bs[1:], fs[1:])
    return [Z] + Zs, [np.asarray(X, dtype=float)] + As


def forward_tuples(X, Ws, bs, fs):
    Zs, As = forward_recursive(X, list(Ws), list(bs), list(fs))
    return tuple(Zs), tuple(As)


@pytest.mark.parametrize("right", [forward_recursive, forward_tuples], ids=["recursive", "tuples"])
def test_other_right_forward_earns_full_marks(right):
    """Does a right forward pass written another way pass every grade cell?"""
    UNIT.assert_accepted({"forward": right})


def test_forward_right_only_at_the_output_earns_part_of_the_points():
    """Does a forward pass whose output is right but which drops X from As keep the first point only?"""
    outcomes = UNIT.run(FORWARD_CELLS, {"forward": forward_keeps_activations_as_z})
    assert outcomes["test_forward_002"].passed
    assert not outcomes["test_forward_cache"].passed


# ---------------------------------------------------------------- augmented notation
def column_ones_last(A):
    A = np.asarray(A, dtype=float)
    return np.concatenate([A, np.ones(A.shape[:-1] + (1,))], axis=-1)


def column_zeros(A):
    A = np.asarray(A, dtype=float)
    return np.concatenate([np.zeros(A.shape[:-1] + (1,)), A], axis=-1)


def column_flattens(A):
    return np.append(1.0, A)


def column_row_on_top(A):
    A = np.asarray(A, dtype=float)
    return np.vstack([np.ones(A.shape[-1]), A])


@pytest.mark.parametrize("wrong, message", [
    pytest.param(column_ones_last, "goes first", id="ones-appended-last"),
    pytest.param(column_zeros, "1, not 0", id="zeros-column"),
    pytest.param(column_flattens, "do not flatten", id="np-append-flattens"),
    pytest.param(column_row_on_top, "not a row of ones", id="row-of-ones"),
])
def test_wrong_add_bias_column_is_caught(wrong, message):
    """Does the add_bias_column cell reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"add_bias_column": wrong}, grade_ids=["test_add_bias_column"], message_contains=message)


def absorb_last(W, b):
    return np.column_stack([W, b])


def absorb_zero_column(W, b):
    return np.column_stack([np.zeros_like(b), W])


def absorb_transposed(W, b):
    return np.column_stack([b, W]).T


@pytest.mark.parametrize("wrong, message", [
    pytest.param(absorb_last, "FIRST column", id="bias-last-column"),
    pytest.param(absorb_zero_column, "must hold the biases", id="zero-column"),
    pytest.param(absorb_transposed, "N_(l-1) + 1", id="transposed"),
])
def test_wrong_absorb_bias_is_caught(wrong, message):
    """Does the absorb_bias cell reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"absorb_bias": wrong}, grade_ids=["test_absorb_bias"], message_contains=message)


def augmented_ones_last(X, Ws_aug, fs):
    A = np.asarray(X, dtype=float)
    for W, f in zip(Ws_aug, fs):
        A = f(np.hstack([A, np.ones((len(A), 1))]) @ W.T)
    return A


def augmented_no_activation(X, Ws_aug, fs):
    A = np.asarray(X, dtype=float)
    for W in Ws_aug:
        A = np.hstack([np.ones((len(A), 1)), A]) @ W.T
    return A


def augmented_input_only(X, Ws_aug, fs):
    A = np.hstack([np.ones((len(X), 1)), np.asarray(X, dtype=float)])
    for W, f in zip(Ws_aug, fs):
        A = f(A @ W.T)
    return A


@pytest.mark.parametrize("wrong, message", [
    pytest.param(augmented_ones_last, "must come first", id="ones-last"),
    pytest.param(augmented_no_activation, "activation", id="no-activation"),
    pytest.param(augmented_input_only, "EVERY layer", id="augments-input-only"),
])
def test_wrong_forward_augmented_is_caught(wrong, message):
    """Does the forward_augmented cell reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"forward_augmented": wrong}, grade_ids=["test_forward_augmented"], message_contains=message)


def column_with_hstack(A):
    A = np.asarray(A, dtype=float)
    if A.ndim == 1:
        return np.r_[1.0, A]
    return np.hstack([np.ones((A.shape[0], 1)), A])


def absorb_with_insert(W, b):
    return np.insert(np.asarray(W, dtype=float), 0, b, axis=1)


def augmented_recursive(X, Ws_aug, fs):
    if not Ws_aug:
        return np.asarray(X, dtype=float)
    ones = np.ones((np.shape(X)[0], 1))
    return augmented_recursive(fs[0](np.concatenate([ones, X], axis=1) @ np.transpose(Ws_aug[0])), Ws_aug[1:], fs[1:])


@pytest.mark.parametrize("overrides", [
    pytest.param({"add_bias_column": column_with_hstack}, id="hstack-column"),
    pytest.param({"absorb_bias": absorb_with_insert}, id="np-insert"),
    pytest.param({"forward_augmented": augmented_recursive}, id="recursive-forward"),
])
def test_other_right_augmented_answers_earn_full_marks(overrides):
    """Do right augmented-notation answers written another way pass every grade cell?"""
    UNIT.assert_accepted(overrides)


def test_augmented_parts_are_graded_separately():
    """Does a wrong add_bias_column cost its own point only, not absorb_bias's?"""
    outcomes = UNIT.run(AUGMENTED_CELLS, {"add_bias_column": column_ones_last})
    assert not outcomes["test_add_bias_column"].passed
    assert outcomes["test_absorb_bias"].passed


def test_reference_answers_earn_every_point():
    """Do the notebook's own answers pass every grade cell in-process?"""
    UNIT.assert_accepted({})


# ---------------------------------------------------------------- what the student can see
VISIBLE = VisibleTests("03_feedforward")


def init_new_generator_per_layer(layer_sizes, scale=0.1, seed=0):
    """A generator made inside the layer loop: every layer starts from the same seed, so from the same numbers."""
    Ws = []
    for n_in, n_out in _pairs(layer_sizes):
        rng = np.random.default_rng(seed)
        Ws.append(rng.normal(0.0, scale, size=(n_out, n_in)))
    return Ws, [np.zeros(n_out) for _, n_out in _pairs(layer_sizes)]


@pytest.mark.parametrize("overrides, grade_ids, message", [
    pytest.param({"init_params": init_new_generator_per_layer}, ["test_init_params_values"], "same numbers",
                 id="new-generator-per-layer"),
    pytest.param({"softmax": softmax_global_max}, ["test_softmax_batch"], "global maximum", id="softmax-global-max"),
    pytest.param({"dense_forward": dense_untransposed}, ["test_dense_forward_single"], "untransposed",
                 id="dense-W-untransposed"),
    pytest.param({"dense_forward": dense_untransposed}, ["test_dense_forward_batch"], "untransposed",
                 id="dense-W-untransposed-batch"),
])
def test_classic_bug_fails_a_visible_test_that_names_it(overrides, grade_ids, message):
    """Does a bug the text warns about fail a test the student can see, with a message naming it?"""
    VISIBLE.assert_caught(overrides, grade_ids=grade_ids, message_contains=message)


def test_new_generator_per_layer_loses_the_values_point():
    """Does init_params with a generator per layer (every layer the same numbers) keep the shapes point only?"""
    outcomes = UNIT.run(INIT_CELLS, {"init_params": init_new_generator_per_layer})
    assert outcomes["test_init_params_shapes"].passed
    assert not outcomes["test_init_params_values"].passed


def test_softmax_own_code_rule_holds_in_every_softmax_cell():
    """Does a softmax that calls nnlib lose every one of its three cells, the visible ones included?"""
    outcomes = VISIBLE.run(SOFTMAX_CELLS, {"softmax": softmax_from_library})
    assert all(not o.passed and "write it yourself" in o.message for o in outcomes.values()), outcomes


_RELEASED = released_stubs("03_feedforward")  # the untouched exercises, as students get them
STUBS = {name: _RELEASED[name] for name in ("init_params", "dense_forward", "forward", "softmax", "add_bias_column",
                                            "absorb_bias", "forward_augmented")}
FORMULA_WORDS = ("@", ".T", "keepdims", "np.", "first")


def test_untouched_notebook_is_told_only_that_each_exercise_is_not_written_yet():
    """With every exercise untouched, does each test cell say only "not written yet", with no formula and no blame?"""
    outcomes = VISIBLE.run(overrides=STUBS)
    for grade_id, outcome in outcomes.items():
        assert not outcome.passed, grade_id
        assert "not written yet" in outcome.message, (grade_id, outcome.message)
        assert not [w for w in FORMULA_WORDS if w in outcome.message], (grade_id, outcome.message)


def dense_raises(A_prev, W, b, f):
    return np.concatenate(A_prev, W)  # a slip that raises TypeError


def dense_wrong_values(A_prev, W, b, f):
    Z = np.asarray(A_prev, dtype=float) @ W.T * 2 + b
    return Z, f(Z)


@pytest.mark.parametrize("wrong", [dense_raises, dense_wrong_values], ids=["raises", "unrecognised-values"])
def test_dense_forward_hint_points_to_the_idea_without_the_formula(wrong):
    """Is an error or a wrong value that matches no known mistake pointed to the idea, never given Z = A_prev @ W.T + b?"""
    failed = UNIT.assert_caught({"dense_forward": wrong}, grade_ids=DENSE_CELLS)
    for outcome in failed:
        assert "W.T" not in outcome.message and "@" not in outcome.message, outcome.message
        assert "Check the" in outcome.message, outcome.message


@pytest.mark.parametrize("wrong", [dense_untransposed, dense_no_bias, dense_squeezed, STUBS["dense_forward"]],
                         ids=["untransposed", "missing-bias", "squeezes", "untouched"])
def test_wrong_dense_forward_is_blamed_in_exercise_2_only(wrong):
    """With a wrong dense_forward and the reference forward, do the forward cells say "fix exercise 2 first" and nothing else?"""
    outcomes = UNIT.run(FORWARD_CELLS, {"dense_forward": wrong})
    failed = [o for o in outcomes.values() if not o.passed]
    assert failed, "a wrong dense_forward changed no result of forward"
    for outcome in failed:
        advice = outcome.message.split(": ", 1)[1].split("then run this cell again")[0]
        assert advice.startswith("forward builds on exercise 2 (dense_forward)"), outcome.message
        assert "fix exercise 2 (dense_forward) first" in advice, outcome.message


def test_right_forward_that_does_not_use_a_wrong_dense_forward_keeps_its_points():
    """Does a right forward written without dense_forward pass while dense_forward is wrong?"""
    UNIT.assert_accepted({"dense_forward": dense_untransposed, "forward": forward_recursive}, grade_ids=FORWARD_CELLS)


def test_wrong_add_bias_column_is_blamed_in_add_bias_column_only():
    """With a wrong add_bias_column and the reference forward_augmented, is forward_augmented told to fix it first?"""
    outcomes = UNIT.run(["test_forward_augmented"], {"add_bias_column": column_ones_last})
    message = outcomes["test_forward_augmented"].message
    assert "fix exercise 5 (add_bias_column) first" in message, message
    assert "must come first" not in message.split("then run this cell again")[0], message


# ---------------------------------------------------------------- the notebook as a whole
@pytest.mark.slow
def test_run_all_on_the_untouched_notebook_goes_through(monkeypatch):
    """Does Run All (errors stop it, except in cells tagged raises-exception) reach the end of the untouched
    notebook, with every figure and the explorer shown and the demo cell asking to finish its exercises?"""
    outputs = run_all_released("03_feedforward", monkeypatch)
    assert outputs["explorer"] >= 1 and outputs["figures"] >= 2, outputs
    assert outputs["finish"] >= 1, outputs
