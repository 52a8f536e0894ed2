"""Checks behind unit 03's test cells (feed-forward networks).

Each public function checks one grade cell's idea, e.g. ``check.softmax_stable(softmax)``, prints
one line when it passes and raises :class:`nnlib.checks.CheckFailed` with advice when it does not.
Hidden cases come from the grade cell: ``cases=..., reveal=False``. The wording follows unit 02's
module (see its docstring): stubs are told they are not written yet, earlier exercises are checked
first, a formula appears only once a mistake is recognised.

Decisions these checks follow, as the notebook states them:
- parameters are drawn from ONE generator ``np.random.default_rng(seed)``; any distribution with
  mean 0 and standard deviation ``scale`` is accepted, but every layer must get its own numbers;
- softmax is the student's own numpy code in every one of its cells ("own code" rule);
- ``forward`` and ``forward_augmented`` may be written with or without the earlier exercises;
  when their output is wrong and an earlier exercise they build on is wrong too, that one is named.
"""
import numpy as np

from nnlib.activations import get_activation, softmax as reference_softmax
from nnlib.checks import CheckFailed, check_close, check_own_code, check_shape, fail
from nnlib.exercises.common import passed, compare, exercise, pieces_advice, require_tuple, require_written
from nnlib.network import MLP
from nnlib.tolerance import close

# ---------------------------------------------------------------------------------- exercise 1


def _init(init_params, sizes, reveal=True, **options):
    """Call init_params and check that it returned two lists of arrays of the right lengths."""
    where = f"for layer_sizes {list(sizes)}" if reveal else f"for a hidden network of {len(sizes) - 1} layers"
    try:
        result = init_params(list(sizes), **options)
    except Exception as error:
        fail(f"init_params raised {type(error).__name__}: {error} {where}. Check that it builds one W and one b "
             "for each pair of neighbouring layer sizes.")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"init_params must return a pair (Ws, bs) of lists; it returned {type(result).__name__}.")
    Ws, bs = (list(part) for part in result)
    n_layers = len(sizes) - 1
    for name, part in (("Ws", Ws), ("bs", bs)):
        if len(part) != n_layers:
            fail(f"{where}, {name} has {len(part)} entries; a network with {len(sizes)} sizes has "
                 f"L = {n_layers} layers (the input layer has no parameters).")
    return Ws, bs


def _shapes(init_params, sizes, reveal=True):
    Ws, bs = _init(init_params, list(sizes), reveal)
    where = f" for layer_sizes {list(sizes)}" if reveal else ""
    for l in range(1, len(sizes)):
        expected = (sizes[l], sizes[l - 1])
        W = np.asarray(Ws[l - 1])
        if W.shape == expected[::-1] and expected[0] != expected[1]:
            fail(f"W^{l} = Ws[{l - 1}] has shape {W.shape}: it is transposed. W^l has shape (N_l, N_(l-1)) "
                 f"= {expected}: one row per unit of layer l, one column per input to it.")
        check_shape(W, expected, f"Ws[{l - 1}] (W^{l}){where}",
                    hint="Re-read the table of shapes in section 1: one row per unit of the layer.")
        b = np.asarray(bs[l - 1])
        if b.shape == (sizes[l], 1):
            fail(f"b^{l} = bs[{l - 1}] has shape {b.shape}; the course keeps biases as 1-D arrays of shape "
                 f"({sizes[l]},), which broadcast along the rows of a batch. Use np.zeros(N_l).")
        check_shape(b, (sizes[l],), f"bs[{l - 1}] (b^{l}){where}",
                    hint="b^l has one entry per unit of layer l.")


@exercise("Exercise 1 (init_params)")
def init_params_shapes(init_params, cases=None, reveal=True):
    """Exercise 1: one W and one b per layer, of the right shapes; ``cases`` are layer_sizes lists."""
    cases = [[2, 3, 1], [4, 5, 5, 3]] if cases is None else cases
    require_written(init_params, (list(cases[0]),))
    for sizes in cases:
        _shapes(init_params, list(sizes), reveal)
    passed("init_params: one W and b per layer, all shapes right")


def _same_start(first, second):
    """True when two weight arrays start with the same numbers (drawn from identically seeded generators)."""
    first, second = np.ravel(first), np.ravel(second)
    n = min(first.size, second.size)
    return n >= 2 and close(first[:n], second[:n])


@exercise("Exercise 1 (init_params)")
def init_params_values(init_params, cases=None, reveal=True):
    """Exercise 1's values: zero biases; random weights of mean 0 and standard deviation ``scale``;
    every layer its own numbers; the same seed the same weights. ``cases`` are ``(layer_sizes, scale)``."""
    cases = [([200, 100, 3], 0.1)] if cases is None else cases
    require_written(init_params, (list(cases[0][0]),))
    for sizes, scale in cases:
        Ws, bs = _init(init_params, list(sizes), reveal, scale=scale, seed=0)
        for l, b in enumerate(bs, start=1):
            if not close(b, np.zeros(np.shape(b))):
                fail(f"b^{l} is not all zero: the biases start at 0 (only the weights need to be random).")
        W = np.asarray(Ws[0], dtype=float)
        if close(W, np.zeros(W.shape)):
            fail("The weights are all zero: every unit of a layer would then compute the same thing and "
                 "receive the same updates (the symmetry problem). Draw them at random.")
        if close(W, np.full(W.shape, W.flat[0])):
            fail("All weights are equal: draw each one at random.")
        for l in range(1, len(Ws)):
            if _same_start(Ws[0], Ws[l]):
                fail(f"Every layer draws the same numbers: Ws[{l}] starts with the same values as Ws[0]. You "
                     "create a new generator for each layer; create one rng = np.random.default_rng(seed) "
                     "before the loop and draw every matrix from it.")
        size = f"a {W.shape} layer" if reveal else "the first layer"
        spread = f"scale = {scale}" if reveal else "scale"
        std, mean = float(np.std(W)), float(np.mean(W))
        if abs(std - scale) > 0.1 * scale or abs(mean) > 0.1 * scale:
            fail(f"The weights of {size} have mean {mean:.3g} and standard deviation {std:.3g}; expected mean 0 "
                 f"and standard deviation {spread}. Re-read how the weights are drawn in section 3.")
        for row in range(1, min(W.shape[0], 3)):
            if close(W[0], W[row]):
                fail("Two units of a layer start with the same weights: draw every weight independently.")
        again, _ = _init(init_params, list(sizes), reveal, scale=scale, seed=0)
        for l, (first, second) in enumerate(zip(Ws, again)):
            if not close(first, second):
                fail(f"Two calls with seed=0 gave different Ws[{l}]: the same seed must give the same weights. "
                     "Use np.random.default_rng(seed) inside init_params, not numpy's global generator.")
        other, _ = _init(init_params, list(sizes), reveal, scale=scale, seed=1)
        if all(close(a, b) for a, b in zip(Ws, other)):
            fail("Different seeds gave the same weights: pass `seed` to np.random.default_rng.")
    passed("init_params: zero biases, random weights of the right scale, every layer its own, reproducible")


# ---------------------------------------------------------------------------------- exercise 2

def _reference_layer(A_prev, W, b, f):
    Z = np.asarray(A_prev, dtype=float) @ np.asarray(W, dtype=float).T + np.asarray(b, dtype=float)
    return Z, f(Z)


UNTRANSPOSED = "W is used untransposed: W has shape (N_l, N_(l-1)), so a batch needs A_prev @ W.T."
COLUMN_BIAS = ("b is used as a column of shape (N_l, 1), which broadcasts down the columns; keep b of shape "
               "(N_l,) so it is added to every row.")
Z_MISTAKES = [
    (lambda A, W, b, f: np.asarray(A) @ W.T, "The bias b is missing: Z = A_prev @ W.T + b."),
    (lambda A, W, b, f: np.asarray(A) @ W + b, UNTRANSPOSED),
    (lambda A, W, b, f: np.asarray(A) @ W.T + b.reshape(-1, 1), COLUMN_BIAS),
    (lambda A, W, b, f: f(np.asarray(A) @ W.T + b),
     "Z is the weighted sum before the activation: return f(Z) as A, not as Z."),
]
A_MISTAKES = [
    (lambda A, W, b, f: np.asarray(A) @ W.T + b, "Apply the activation: A = f(Z)."),
    (lambda A, W, b, f: f(np.asarray(A)) @ W.T + b, "Apply f to Z = A_prev @ W.T + b, not to A_prev."),
    (lambda A, W, b, f: f(np.asarray(A) @ W.T), "The bias b is missing: Z = A_prev @ W.T + b."),
    (lambda A, W, b, f: f(np.asarray(A) @ W + b), UNTRANSPOSED),
    (lambda A, W, b, f: f(np.asarray(A) @ W.T + b.reshape(-1, 1)), COLUMN_BIAS),
]
# A layer that used W untransposed gives the right answer when it is handed W.T.
TRANSPOSE_PROBE = [(lambda args: (args[0], np.asarray(args[1]).T) + tuple(args[2:]), UNTRANSPOSED)]
LAYER_IDEA = ("Check the layer: each unit takes the weighted sum of the previous layer's outputs with its own "
              "row of W and adds its bias (that is Z); A applies f to Z.")
LAYER_SHAPES = ("Check the shapes: A_prev holds one sample per row (samples as rows) and W has shape "
                "(N_l, N_(l-1)), one row per unit: which axes does your product combine?")
KEEP_AXIS = ("A batch of one, shape (1, N_(l-1)), must give shape (1, N_l): keep the batch axis "
             "(do not squeeze or flatten the result).")
SQUEEZED = [(lambda A, W, b, f: (np.asarray(A) @ W.T + b).reshape(-1), KEEP_AXIS)]
SQUEEZED_A = [(lambda A, W, b, f: f(np.asarray(A) @ W.T + b).reshape(-1), KEEP_AXIS)]

W_002 = np.array([[0.2, 0.8], [0.6, 0.3], [0.1, 0.7]])


def _dense(dense_forward, cases, reveal, hint=LAYER_IDEA, keep_axis=False):
    require_written(dense_forward, cases[0])
    require_tuple(dense_forward, cases[0], 2, "the pair (Z, A)")
    for index, name, mistakes in ((0, "Z", Z_MISTAKES), (1, "A", A_MISTAKES)):
        extra = (SQUEEZED if index == 0 else SQUEEZED_A) if keep_axis else []
        compare(lambda *a, index=index: dense_forward(*a)[index], lambda *a, index=index: _reference_layer(*a)[index],
                cases, f"{name} from dense_forward", mistakes=extra + mistakes, probes=TRANSPOSE_PROBE,
                hint=hint, shape_hint=KEEP_AXIS if keep_axis else "", error_hint=LAYER_SHAPES, reveal=reveal)


def _sigmoid():
    return get_activation("sigmoid")[0]


def _dense_single_cases():
    return [(np.array([2.0, 9.0]), W_002, np.array([0.1, 0.1, 0.1]), _sigmoid()),
            (np.array([1.0, -1.0, 2.0]), np.array([[1.0, 2.0, -1.0], [0.5, 0.0, 0.5]]), np.array([0.5, 0.0]),
             get_activation("relu")[0])]


def _dense_batch_cases():
    X_three = np.array([[2.0, 9.0], [1.0, 0.0], [0.0, -1.0]])  # 3 samples into 3 units: a misplaced b shows
    X_five = np.arange(10.0).reshape(5, 2) / 10
    b = np.array([0.1, 0.2, 0.3])
    return [(X_three, W_002, b, _sigmoid()), (X_five, W_002, b, get_activation("relu")[0]),
            (X_five, W_002, b, get_activation("tanh")[0])]


def _dense_one_cases():
    return [(np.array([[2.0, 9.0]]), W_002, np.array([0.1, 0.1, 0.1]), _sigmoid())]


def _dense_works(dense_forward):
    """The piece ``forward`` builds on: dense_forward right on the visible cases."""
    _dense(dense_forward, _dense_single_cases(), True)
    _dense(dense_forward, _dense_batch_cases(), True)
    _dense(dense_forward, _dense_one_cases(), True, keep_axis=True)


@exercise("Exercise 2 (dense_forward)")
def dense_forward_single(dense_forward, cases=None, reveal=True):
    """Exercise 2 on one sample: ``cases`` of ``(a_prev, W, b, f)`` (default: lecture 002's hidden layer)."""
    _dense(dense_forward, _dense_single_cases() if cases is None else cases, reveal)
    passed("dense_forward: right on single samples")


@exercise("Exercise 2 (dense_forward)")
def dense_forward_batch(dense_forward, cases=None, reveal=True):
    """Exercise 2 on batches (samples as rows): ``cases`` of ``(A_prev, W, b, f)``."""
    _dense(dense_forward, _dense_batch_cases() if cases is None else cases, reveal)
    passed("dense_forward: right on batches")


@exercise("Exercise 2 (dense_forward)")
def dense_forward_batch_of_one(dense_forward, cases=None, reveal=True):
    """Exercise 2 on a batch of one sample, which keeps its batch axis: ``cases`` of ``(A_prev, W, b, f)``."""
    _dense(dense_forward, _dense_one_cases() if cases is None else cases, reveal, keep_axis=True)
    passed("dense_forward: a batch of one keeps its batch axis")


# ---------------------------------------------------------------------------------- exercise 3

CASE_002 = (np.array([[2.0, 9.0]]), [W_002, np.array([[0.4, 0.5, 0.9]])],
            [np.array([0.1, 0.1, 0.1]), np.array([0.2])])


def _net_002():
    net = MLP([2, 3, 1], "sigmoid")
    net.set_weights(CASE_002[1], CASE_002[2])
    return net


def _dense_piece(dense_forward):
    return [(dense_forward, _dense_works, "exercise 2 (dense_forward)")]


def _part_of_forward(forward, which, index):
    def part(*args):
        return forward(*args)[which][index]
    part.__name__ = "forward"
    return part


@exercise("Exercise 3 (forward)")
def forward_002(forward, dense_forward, cases=None, reveal=True):
    """Exercise 3 on lecture 002's network: ``cases`` are batches X for it (default: the input (2, 9))."""
    fs = [_sigmoid(), _sigmoid()]
    cases = [(CASE_002[0],) + CASE_002[1:] + (fs,)] if cases is None else [(X,) + CASE_002[1:] + (fs,) for X in cases]
    require_written(forward, cases[0])
    require_tuple(forward, cases[0], 2, "the pair (Zs, As)")
    broken = pieces_advice("forward", _dense_piece(dense_forward), forward)
    net = _net_002()

    def hidden_002(X, *rest):
        net.forward(X)
        return net.A[1]

    compare(_part_of_forward(forward, 1, 1), hidden_002, cases,
            "As[1] (the hidden layer's outputs) from forward", reveal=reveal, broken=broken,
            hint="As[0] is the input X itself; As[1] holds the first layer's activations.")
    compare(_part_of_forward(forward, 1, -1), lambda X, *rest: net.forward(X), cases, "As[-1] (y_hat) from forward",
            mistakes=[(lambda *a: [[get_activation("sigmoid")[0](1.98954)]],
                       "That is the slide's value from rounded hidden outputs; use the exact a's.")],
            hint="The output As[-1] is the last layer's activation: every layer must run, in order.",
            reveal=reveal, broken=broken)
    passed("forward: lecture 002's y_hat = 0.8797")


def _check_forward(forward, X, sizes, names, seed, reveal):
    """Compare the student's forward with nnlib's MLP on one network and batch."""
    net = MLP(sizes, names, seed=seed)
    biases = np.random.default_rng(seed).normal(size=sum(sizes[1:]))   # non-zero biases, so a missing b shows
    net.set_weights(net.W, np.split(biases, np.cumsum(sizes[1:-1])))
    net.forward(X)
    fs = [get_activation(name)[0] for name in names]
    Ws, bs = [W.copy() for W in net.W], [b.copy() for b in net.b]
    X_given = X.copy()
    where = f"for the network {sizes} and a batch of {len(X)}" if reveal else "for a hidden network"
    try:
        with np.errstate(all="ignore"):  # called directly: a change to X_given in place must show
            result = forward(X_given, Ws, bs, fs)
    except NotImplementedError:
        fail("forward is not written yet, or calls a function that is not: finish it first.")
    except Exception as error:
        fail(f"forward raised {type(error).__name__}: {error} {where}. Check that each layer's output is the "
             "next layer's input, with samples as rows.")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"forward must return the pair (Zs, As); it returned {type(result).__name__}.")
    if not np.array_equal(X_given, X):
        fail("forward changed the input X in place: build new arrays instead.")
    Zs, As = list(result[0]), list(result[1])
    L = len(sizes) - 1
    if len(Zs) != L:
        fail(f"For a network with L = {L} layers Zs must hold {L} arrays (one Z per layer); it holds {len(Zs)}.")
    if len(As) == L:
        fail(f"As holds {L} arrays; it must hold L + 1 = {L + 1}: start it with the input, As[0] = X.")
    if len(As) != L + 1:
        fail(f"For L = {L} layers As must hold L + 1 = {L + 1} arrays [X, A^1, ..., A^L]; it holds {len(As)}.")
    check_close(As[0], X, "As[0] from forward", hint="As[0] must be the input X itself.", reveal=reveal)
    for l in range(1, L + 1):
        z = np.asarray(Zs[l - 1], dtype=float)
        if close(z, net.A[l]) and not close(net.Z[l - 1], net.A[l]):
            fail(f"Zs[{l - 1}] holds the activations A^{l}; it must hold Z^{l}, the values before the activation.")
        check_close(z, net.Z[l - 1], f"Zs[{l - 1}] (Z^{l}) from forward", reveal=reveal,
                    hint=f"Z^{l} is layer {l}'s weighted sum of As[{l - 1}] plus its bias, of shape (n, N_{l}).")
        check_close(As[l], net.A[l], f"As[{l}] (A^{l}) from forward", reveal=reveal,
                    hint=f"A^{l} is layer {l}'s activation of Z^{l}: check that every layer uses its own activation.")


@exercise("Exercise 3 (forward)")
def forward_cache(forward, dense_forward, cases=None, reveal=True):
    """Exercise 3 keeps what backprop needs: ``cases`` of ``(X, layer_sizes, activation names, seed)``."""
    rng = np.random.default_rng(50)
    cases = ([(rng.normal(size=(4, 3)), [3, 5, 4, 2], ["relu", "tanh", "sigmoid"], 1),
              (rng.normal(size=(6, 2)), [2, 3, 3], ["sigmoid", "softmax"], 2)] if cases is None else cases)
    fs = [get_activation(name)[0] for name in cases[0][2]]
    net = MLP(cases[0][1], cases[0][2], seed=0)
    require_written(forward, (cases[0][0], net.W, net.b, fs))
    broken = pieces_advice("forward", _dense_piece(dense_forward), forward)
    for X, sizes, names, seed in cases:
        try:
            _check_forward(forward, X, list(sizes), list(names), seed, reveal)
        except CheckFailed:
            if broken:
                fail(broken)
            raise
    passed("forward: every Z and A kept and right")


# ---------------------------------------------------------------------------------- exercise 4

def _float(z):
    return np.asarray(z, dtype=float)


SOFTMAX_MISTAKES = [
    (lambda z: np.exp(_float(z)) / np.sum(np.exp(_float(z)), axis=-1, keepdims=True),
     "np.exp overflows for large scores: subtract the maximum of each row before exponentiating "
     "(the result does not change)."),
    (lambda z: np.exp(_float(z) - np.min(_float(z), axis=-1, keepdims=True))
     / np.sum(np.exp(_float(z) - np.min(_float(z), axis=-1, keepdims=True)), axis=-1, keepdims=True),
     "You subtracted the minimum, so the largest exponent can still overflow: subtract the maximum of each row."),
    (lambda z: np.exp(_float(z) - np.max(_float(z))) / np.sum(np.exp(_float(z) - np.max(_float(z))), axis=-1,
                                                               keepdims=True),
     "You subtracted the global maximum of the whole batch: a row far below it underflows to 0/0. Subtract "
     "each row's maximum (np.max(z, axis=-1, keepdims=True))."),
    (lambda z: np.exp(_float(z)), "The exponentials are not normalised: divide by their sum."),
    (lambda z: np.exp(_float(z) - np.max(_float(z), axis=-1, keepdims=True)),
     "The exponentials are not normalised: divide by their sum along the last axis."),
    (lambda z: 1 / (1 + np.exp(-_float(z))),
     "That is the sigmoid of each score; softmax divides e^(z_k) by the sum of all e^(z_j)."),
    (lambda z: np.exp(_float(z) - np.max(_float(z), axis=0, keepdims=True))
     / np.sum(np.exp(_float(z) - np.max(_float(z), axis=0, keepdims=True)), axis=0, keepdims=True),
     "Each row of a batch is one sample: normalise along the last axis (axis=-1), not axis 0."),
    (lambda z: np.exp(_float(z) - np.max(_float(z))) / np.sum(np.exp(_float(z) - np.max(_float(z)))),
     "You normalised the whole batch at once: each row must add up to 1 on its own (axis=-1, keepdims=True)."),
    (lambda z: np.exp(_float(z) - np.max(_float(z), axis=-1)) / np.sum(np.exp(_float(z) - np.max(_float(z), axis=-1)),
                                                                        axis=-1),
     "Without keepdims=True the row maxima and sums have shape (n,) and line up with the columns, not the rows."),
    (lambda z: np.exp(_float(z) - np.max(_float(z), axis=-1, keepdims=True))
     / np.max(np.exp(_float(z) - np.max(_float(z), axis=-1, keepdims=True)), axis=-1, keepdims=True),
     "The exponentials are not normalised: divide by their sum, not by their maximum."),
]
SOFTMAX_IDEA = "Check that each output is positive and that each row adds up to 1 on its own."
ROWS = ("Each row is one sample: take the maximum and the sum of each row (the last axis), keeping that axis "
        "(keepdims) so that they broadcast against z.")
STABILITY = "Large scores overflow np.exp: re-read 'Numerical stability: subtract the maximum'."


def _softmax(softmax, cases, reveal, hint, shape_hint=""):
    require_written(softmax, cases[0])
    check_own_code(softmax, forbidden=("nnlib", "activations."), name="softmax")
    compare(softmax, reference_softmax, cases, "softmax", mistakes=SOFTMAX_MISTAKES, hint=hint,
            shape_hint=shape_hint, error_hint=ROWS, reveal=reveal)


Z_001 = np.array([0.6, 1.1, -1.5, 1.2, 3.2, -1.1])


@exercise("Exercise 4 (softmax)")
def softmax_values(softmax, cases=None, reveal=True):
    """Exercise 4 on one score vector: lecture 001's example and small cases; ``cases`` of ``(z,)``."""
    cases = ([(Z_001,), (np.array([0.0, 0.0]),), (np.array([1.0, 2.0, 3.0]),), (np.array([5.0]),)]
             if cases is None else cases)
    _softmax(softmax, cases, reveal, SOFTMAX_IDEA)
    passed("softmax: right values for one score vector")


@exercise("Exercise 4 (softmax)")
def softmax_stable(softmax, cases=None, reveal=True):
    """Exercise 4 on extreme scores (no overflow, no 0/0); ``cases`` of ``(z,)``."""
    cases = ([(np.array([1000.0, 0.0]),), (np.array([-1000.0, -1001.0]),), (np.array([800.0, 799.0, -5.0]),)]
             if cases is None else cases)
    _softmax(softmax, cases, reveal, STABILITY)
    passed("softmax: stable at extreme scores")


@exercise("Exercise 4 (softmax)")
def softmax_batch(softmax, cases=None, reveal=True):
    """Exercise 4 on batches: each row on its own, rows of very different scale, a batch of one; ``cases`` of ``(Z,)``."""
    if cases is None:
        cases = [(np.stack([Z_001, Z_001 + 5.0, -Z_001]),),
                 # rows of very different scale: one maximum for the whole batch leaves the lower rows 0/0
                 (np.array([[1000.0, 999.0, 998.0], [0.0, 1.0, 2.0], [-500.0, -501.0, -499.0]]),),
                 (np.array([[1.0, 2.0], [3.0, 5.0], [0.0, 0.0]]),)]
        _softmax(softmax, [(Z_001.reshape(1, -1),)], reveal, ROWS, shape_hint="A batch of one, shape (1, K), must stay (1, K).")
    _softmax(softmax, cases, reveal, ROWS)
    passed("softmax: right on batches, each row on its own")


# ---------------------------------------------------------------------------------- exercise 5

def _reference_column(A):
    A = np.asarray(A, dtype=float)
    return np.concatenate([np.ones(A.shape[:-1] + (1,)), A], axis=-1)


COLUMN_MISTAKES = [
    (lambda A: np.concatenate([_float(A), np.ones(np.shape(A)[:-1] + (1,))], axis=-1),
     "The constant goes first (a_0 = 1), so the bias ends up in column 0 of the augmented W."),
    (lambda A: np.concatenate([np.zeros(np.shape(A)[:-1] + (1,)), _float(A)], axis=-1),
     "The constant input is 1, not 0."),
    (lambda A: np.append(1.0, A), "For a batch add a column of ones (one 1 per row); do not flatten the batch."),
    (lambda A: np.vstack([np.ones(np.shape(A)[-1]), A]),
     "For a batch add a column of ones in front (axis=-1), not a row of ones on top."),
]
COLUMN_IDEA = "Each sample (each row of a batch) gets one extra input, the constant 1, in front of its values."


def _add_bias_column(add_bias_column, cases, reveal):
    require_written(add_bias_column, cases[0])
    compare(add_bias_column, _reference_column, cases, "add_bias_column", mistakes=COLUMN_MISTAKES,
            hint=COLUMN_IDEA, error_hint=COLUMN_IDEA, reveal=reveal)


def _column_cases():
    return [(np.array([2.0, 9.0]),), (np.array([[2.0, 9.0], [5.0, 3.0]]),), (np.array([[0.5, -1.0, 4.0]]),)]


@exercise("Exercise 5 (add_bias_column)")
def add_bias_column(add_bias_column, cases=None, reveal=True):
    """Exercise 5: a leading 1 for one sample, a leading column of ones for a batch; ``cases`` of ``(A,)``."""
    _add_bias_column(add_bias_column, _column_cases() if cases is None else cases, reveal)
    passed("add_bias_column: right for samples and batches")


ABSORB_MISTAKES = [
    (lambda W, b: np.column_stack([W, b]), "Put b in the FIRST column: the constant input a_0 = 1 comes first."),
    (lambda W, b: np.vstack([b, W]),
     "b is a column of the augmented matrix (one bias per row, i.e. per unit), not an extra row."),
    (lambda W, b: np.column_stack([np.zeros_like(b), W]), "The first column must hold the biases b."),
]


@exercise("Exercise 5 (absorb_bias)")
def absorb_bias(absorb_bias, cases=None, reveal=True):
    """Exercise 5: [b | W] of shape (N_l, N_(l-1) + 1), the bias in the first column; ``cases`` of ``(W, b)``."""
    cases = ([(W_002, np.array([0.1, 0.2, 0.3])), (np.array([[0.4, 0.5, 0.9]]), np.array([0.2]))]
             if cases is None else cases)
    require_written(absorb_bias, cases[0])
    compare(absorb_bias, lambda W, b: np.column_stack([b, W]), cases, "absorb_bias", mistakes=ABSORB_MISTAKES,
            hint="The augmented matrix has shape (N_l, N_(l-1) + 1): one row per unit, its bias first.",
            reveal=reveal)
    passed("absorb_bias: right")


def _reference_augmented(X, Ws_aug, fs):
    A = np.asarray(X, dtype=float)
    for W_aug, f in zip(Ws_aug, fs):
        A = f(_reference_column(A) @ np.asarray(W_aug, dtype=float).T)
    return A


def _ones_last(X, Ws, fs):
    A = _float(X)
    for W, f in zip(Ws, fs):
        A = f(np.hstack([A, np.ones((len(A), 1))]) @ W.T)
    return A


def _no_activation(X, Ws, fs):
    A = _float(X)
    for W in Ws:
        A = np.hstack([np.ones((len(A), 1)), A]) @ W.T
    return A


def _input_only(X, Ws, fs):
    A = np.hstack([np.ones((len(X), 1)), _float(X)])
    for W, f in zip(Ws, fs):
        A = f(A @ W.T)
    return A


EVERY_LAYER = ("Augment the incoming activations of EVERY layer (add_bias_column) before multiplying by that "
               "layer's augmented matrix.")
AUGMENTED_MISTAKES = [
    (_ones_last, "The constant 1 must come first, matching the biases in column 0 of each augmented matrix."),
    (_no_activation, "Apply each layer's activation: A = f(add_bias_column(A) @ W_aug.T)."),
    (_input_only, EVERY_LAYER),
]


@exercise("Exercise 5 (forward_augmented)")
def forward_augmented(forward_augmented, add_bias_column, cases=None, reveal=True):
    """Exercise 5: the augmented pass gives the plain pass's output; ``cases`` of ``(X, Ws_aug, fs)``."""
    if cases is None:
        Ws_aug_002 = [np.column_stack([b, W]) for W, b in zip(CASE_002[1], CASE_002[2])]
        # W1 = [[1, -1], [2, 1]], b1 = [0.5, -0.5], W2 = [[1, -2]], b2 = [0.1], augmented by hand:
        Ws_aug_small = [np.array([[0.5, 1.0, -1.0], [-0.5, 2.0, 1.0]]), np.array([[0.1, 1.0, -2.0]])]
        X_check = np.array([[1.0, 2.0], [0.0, 0.0], [3.0, -1.0], [-1.0, 0.5]])
        cases = [(CASE_002[0], Ws_aug_002, [_sigmoid(), _sigmoid()]),
                 (X_check, Ws_aug_small, [get_activation("relu")[0], get_activation("linear")[0]])]
    require_written(forward_augmented, cases[0])
    piece = (add_bias_column, lambda fn: _add_bias_column(fn, _column_cases(), True), "exercise 5 (add_bias_column)")
    broken = pieces_advice("forward_augmented", [piece], forward_augmented)
    compare(forward_augmented, _reference_augmented, cases, "forward_augmented", mistakes=AUGMENTED_MISTAKES,
            hint="The augmented pass must give exactly the plain forward pass's output: check that every layer "
                 "augments its input and applies its activation.",
            error_hint="Check the shapes: each augmented matrix has one more column than its layer has inputs, "
                       "so EVERY layer's input needs its constant 1.",
            reveal=reveal, broken=broken)
    passed("forward_augmented: the same outputs as the plain forward pass")
