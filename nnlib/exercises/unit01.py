"""The checks behind unit 01's test cells (the neuron and its activation functions).

Each public function is one test cell: ``check.sigmoid(sigmoid)`` checks the visible cases and
prints a ✓ line; the hidden part of the grade cell calls it again with ``cases=..., reveal=False``.
Every failure names its exercise. The first message points to the idea to re-read; a formula
appears only in the advice of a recognised mistake. A function that builds on an earlier exercise
(``neuron_output`` on ``weighted_sum``, ``sigmoid_grad`` on ``sigmoid``...) first checks that
piece and, if it fails, says to fix that exercise first.

Decisions the notebook states and these checks follow:
- the plain sigmoid 1 / (1 + e^(-z)) counts as safe: at z = -1000 numpy warns about the overflow
  but the result, 0, is right; only a nan or a wrong value fails;
- results are float64: float32 is refused with a message saying so;
- the "own code" rule holds in every test cell of an activation, the shapes cell included.
"""
import numpy as np

from nnlib import activations as reference
from nnlib.checks import (CheckFailed, call, check_close, check_finite, check_function, check_no_loops, check_own_code,
                          check_piece, check_shape, check_type, exercise, fail)
from nnlib.tolerance import close

# ---- Exercise 1: weighted_sum(x, w, b) --------------------------------------------------------------
WS_SINGLE = [(np.array([0.5, 0.6, 0.1]), np.array([0.2, 0.3, 0.9]), 0.5),
             (np.array([-1.5, 1.0]), np.array([1.0, -2.0]), -1.0)]
WS_BATCH = [(np.array([[0.5, 0.6, 0.1], [1.0, 0.0, -1.0]]), np.array([0.2, 0.3, 0.9]), 0.5)]
WS_MISTAKES = [
    (lambda x, w, b: np.dot(x, w), "You left out the bias: z = x . w + b."),
    (lambda x, w, b: np.dot(x, w) - b, "The bias is added, not subtracted: z = x . w + b."),
    (lambda x, w, b: w * x + b,
     "You multiplied element by element but did not add the products: z has one number per sample."),
    (lambda x, w, b: np.sum(w * x + b, axis=-1), "You added the bias once per input; it is added once, after the sum."),
    (lambda x, w, b: np.sum(w * x) + b,
     "You added up the whole batch into one number: sum over the features only (the last axis), e.g. x @ w."),
    (lambda x, w, b: np.sum(w * x, axis=0) + b, "You summed over the samples (axis 0): sum over the features, the last axis."),
    (lambda x, w, b: w @ x + b,
     "You computed w @ x, which combines the samples (the rows of x): with samples as rows the product is x @ w."),
]
WS_HINT = "Re-read section 2: which numbers are multiplied, what is added up, and where the bias comes in."
WS_BATCH_HINT = ("With a batch, each row of x is one sample and needs its own z, so the result has one number "
                 "per row: re-read 'A batch' in section 2.")
WS_ERROR_HINT = "Check the shapes: x is (n_features,) or (n_samples, n_features), w is (n_features,), b a number."


def _ws_reference(x, w, b):
    return np.dot(x, w) + b


def _weighted_sum(fn, cases, reveal, hint):
    check_function(fn, _ws_reference, cases, name="weighted_sum", mistakes=WS_MISTAKES, hint=hint,
                   error_hint=WS_ERROR_HINT, reveal=reveal, returns="numbers")


def _weighted_sum_works(fn):
    """The piece other exercises build on: weighted_sum right on the visible single and batch cases."""
    _weighted_sum(fn, WS_SINGLE + WS_BATCH, True, WS_HINT)


def weighted_sum_single(fn, cases=None, reveal=True):
    """Exercise 1, one sample: the lecture's numbers (visible) or the given cases."""
    with exercise("Exercise 1"):
        _weighted_sum(fn, cases or WS_SINGLE, reveal, WS_HINT)
    if reveal:
        print("✓ weighted_sum: right for one sample")


def weighted_sum_batch(fn, cases=None, reveal=True):
    """Exercise 1, a batch: one z per sample, an array of shape (n_samples,), with no Python loop."""
    with exercise("Exercise 1"):
        check_no_loops(fn, "One numpy product handles every sample of the batch at once.", name="weighted_sum")
        _weighted_sum(fn, cases or WS_BATCH, reveal, WS_BATCH_HINT)
    if reveal:
        print("✓ weighted_sum: right for batches, without a loop")


# ---- Exercise 2: neuron_output(x, w, b, activation) ---------------------------------------------------
def _relu(z):
    return np.maximum(np.asarray(z, dtype=float), 0.0)


NEURON_CASES = [(np.array([0.5, 0.6, 0.1]), np.array([0.2, 0.3, 0.9]), 0.5, np.tanh),
                (np.array([[0.5, 0.6, 0.1], [1.0, 0.0, -1.0]]), np.array([0.2, 0.3, 0.9]), 0.5, _relu)]
NEURON_MISTAKES = [
    (lambda x, w, b, f: np.dot(x, w) + b, "You returned z: pass it through the activation, a = f(z)."),
    (lambda x, w, b, f: f(np.dot(x, w)) + b,
     "The bias belongs inside the activation: a = f(x . w + b), not f(x . w) + b."),
    (lambda x, w, b, f: np.dot(f(x), w) + b, "The activation is applied to the weighted sum z, not to the inputs."),
    (lambda x, w, b, f: 1.0 / (1.0 + np.exp(-(np.dot(x, w) + b))),
     "You always used the sigmoid: apply the function passed as the `activation` argument."),
]
NEURON_HINT = "Re-read section 3: the activation acts on the neuron's weighted sum, for one sample or a batch."


def _neuron_reference(x, w, b, f):
    return f(np.dot(x, w) + b)


def neuron_output(fn, cases=None, reveal=True):
    """Exercise 2: a = f(z) for one sample and a batch; weighted_sum (if used) is checked first."""
    with exercise("Exercise 2"):
        check_piece(fn, "weighted_sum", _weighted_sum_works, "exercise 1 (weighted_sum)", name="neuron_output")
        check_function(fn, _neuron_reference, cases or NEURON_CASES, name="neuron_output",
                       mistakes=NEURON_MISTAKES, hint=NEURON_HINT, error_hint=WS_ERROR_HINT, reveal=reveal,
                       returns="numbers")
    if reveal:
        print("✓ neuron_output: right for single samples and batches")


# ---- Exercises 3 and 5-8: activations and their derivatives -----------------------------------------
Z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
WIDE = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
ANY_SHAPE = ("Work on whole arrays with numpy (np.exp, np.where, np.maximum...): loops, list comprehensions "
             "and the math module fail on a plain number or a 2-D batch.")
SHAPE_INPUTS = [0.3, np.linspace(-2.0, 2.0, 6).reshape(2, 3), np.linspace(-3.0, 3.0, 12).reshape(2, 3, 2)]

MISTAKES = {
    "sigmoid": [
        (lambda z: 1.0 / (1.0 + np.exp(z)),
         "You computed sigma(-z) = 1 - sigma(z): check the sign in the exponent and that the numerator is 1, "
         "sigma(z) = 1 / (1 + e^(-z))."),
        (lambda z: np.tanh(z), "That is tanh; the sigmoid is 1 / (1 + e^(-z))."),
    ],
    "sigmoid_grad": [
        (lambda z: z * (1.0 - z),
         "You computed s(1 - s) with s = z: the derivative is taken at the wrong point. First compute "
         "s = sigmoid(z), then s * (1 - s)."),
        (lambda z: reference.sigmoid(z), "That is sigmoid(z) itself; its derivative is sigmoid(z) * (1 - sigmoid(z))."),
        (lambda z: reference.sigmoid(z) * (1.0 + reference.sigmoid(z)),
         "Check the sign: the derivative is s * (1 - s), not s * (1 + s)."),
        (lambda z: 1.0 - reference.sigmoid(z), "That is 1 - sigmoid(z); multiply it by sigmoid(z)."),
    ],
    "tanh": [
        (lambda z: 2.0 / (1.0 + np.exp(-z)) - 1.0,
         "The exponent is -2z: tanh z = 2 / (1 + e^(-2z)) - 1 (you computed tanh(z/2))."),
        (lambda z: reference.sigmoid(z), "That is the sigmoid; tanh z = (e^z - e^(-z)) / (e^z + e^(-z))."),
        (lambda z: np.sinh(z) , "That is sinh z: divide e^z - e^(-z) by e^z + e^(-z), not by 2."),
    ],
    "tanh_grad": [
        (lambda z: 1.0 - z ** 2,
         "You computed 1 - z^2: the derivative is 1 - tanh(z)^2, so compute t = tanh(z) first (derivative at the "
         "wrong point)."),
        (lambda z: 1.0 - np.tanh(z), "Square the tanh: the derivative is 1 - tanh(z)^2."),
        (lambda z: np.tanh(z) ** 2, "That is tanh(z)^2; the derivative is 1 minus it."),
        (lambda z: 1.0 + np.tanh(z) ** 2, "Check the sign: the derivative is 1 - tanh(z)^2."),
    ],
    "relu": [
        (lambda z: (z > 0).astype(float), "That is the derivative of ReLU (a step); ReLU itself returns z where z > 0."),
        (lambda z: np.minimum(0.0, z), "That keeps the negative part; ReLU keeps the positive part: max(0, z)."),
        (lambda z: np.abs(z), "Negative inputs must give 0, not |z|."),
    ],
    "relu_grad": [
        (lambda z: (z >= 0).astype(float), "At exactly z = 0 this course takes ReLU's derivative as 0: use z > 0, not z >= 0."),
        (lambda z: np.maximum(0.0, z), "That is ReLU itself; its derivative is 1 where z > 0 and 0 elsewhere."),
        (lambda z: np.sign(z), "For negative z the slope of ReLU is 0, not -1."),
    ],
    "leaky_relu": [
        (lambda z, alpha=0.01: np.where(z > 0, alpha * z, z),
         "alpha belongs to the negative side: positive inputs pass unchanged, negative ones are multiplied by alpha."),
        (lambda z, alpha=0.01: np.maximum(0.0, z), "Negative inputs give alpha * z, not 0 (that would be ReLU)."),
        (lambda z, alpha=0.01: np.where(z > 0, z, alpha), "Negative inputs give alpha * z: multiply alpha by z."),
        (lambda z, alpha=0.01: np.where(z > 0, z, 0.01 * z), "Use the alpha argument instead of the number 0.01."),
    ],
    "leaky_relu_grad": [
        (lambda z, alpha=0.01: np.where(z >= 0, 1.0, alpha),
         "At exactly z = 0 take the left-hand slope alpha (as ReLU's derivative is 0 there): use z > 0, not z >= 0."),
        (lambda z, alpha=0.01: np.where(z > 0, 1.0, 0.0), "For z <= 0 the slope is alpha, not 0."),
        (lambda z, alpha=0.01: np.where(z > 0, alpha, 1.0), "The two slopes are swapped: 1 for z > 0, alpha for z <= 0."),
        (lambda z, alpha=0.01: np.where(z > 0, 1.0, alpha * z), "For z <= 0 the slope is the constant alpha, not alpha * z."),
        (lambda z, alpha=0.01: np.where(z > 0, 1.0, 0.01), "Use the alpha argument instead of the number 0.01."),
    ],
    "elu": [
        (lambda z, alpha=1.0: np.where(z > 0, z, alpha * np.exp(np.minimum(z, 0.0))),
         "Subtract 1: alpha * (e^z - 1), so that ELU is 0 at z = 0 and joins the line z."),
        (lambda z, alpha=1.0: np.where(z > 0, z, np.exp(np.minimum(z, 0.0)) - 1.0), "Multiply e^z - 1 by alpha."),
        (lambda z, alpha=1.0: np.where(z > 0, z, alpha * (1.0 - np.exp(np.minimum(z, 0.0)))),
         "Check the sign: for z < 0, ELU is alpha * (e^z - 1), which is negative."),
        (lambda z, alpha=1.0: np.where(z > 0, z, 0.0), "For z <= 0, ELU is alpha * (e^z - 1), not 0."),
    ],
    "elu_grad": [
        (lambda z, alpha=1.0: np.where(z > 0, 1.0, alpha * (np.exp(np.minimum(z, 0.0)) - 1.0)),
         "For z <= 0 you returned ELU itself; its slope there is alpha * e^z (= ELU(z) + alpha)."),
        (lambda z, alpha=1.0: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0))), "Multiply e^z by alpha."),
        (lambda z, alpha=1.0: np.where(z >= 0, 1.0, alpha * np.exp(np.minimum(z, 0.0))),
         "At exactly z = 0 take the left-hand slope alpha * e^0 = alpha: use z > 0, not z >= 0."),
        (lambda z, alpha=1.0: np.where(z > 0, 1.0, alpha), "For z <= 0 the slope is alpha * e^z, which depends on z."),
    ],
}
# name -> (exercise number, extra visible argument tuples, advice when |z| = 1000 overflows; "" if it cannot)
ACTIVATIONS = {
    "sigmoid": (3, [], "np.exp overflows to inf above about 709, and inf / inf is nan. Only "
                "exponentiate numbers <= 0 where the form needs it: re-read 'Numerical safety' in section 4."),
    "tanh": (5, [], "e^z overflows to inf for large |z|, and inf / inf is nan: use np.tanh, or "
             "2 * sigmoid(2z) - 1 with a safe sigmoid."),
    "relu": (6, [], ""),
    "leaky_relu": (7, [(Z, 0.2)], ""),
    "elu": (8, [(Z, 0.5)], "np.exp(1000) is inf, and multiplying it by a 0/1 mask "
            "gives 0 * inf = nan: choose the branch with np.where, and exponentiate np.minimum(z, 0)."),
}
# The first advice for a wrong value that matches no known mistake: the idea to re-read, no formula.
HINTS = {
    "sigmoid": "Re-read the definition in section 4 and try z = 0, where the sigmoid is 0.5.",
    "sigmoid_grad": "Re-read 'Its derivative' in section 4: at which point is the formula evaluated?",
    "tanh": "Compare with the row of tanh in the table of section 7; tanh(0) = 0 and its values lie in (-1, 1).",
    "tanh_grad": "Compare with the row of tanh in the table of section 7: what is squared?",
    "relu": "Compare with the row of ReLU in the table of section 7: what happens to negative inputs?",
    "relu_grad": "Compare with the row of ReLU in the table of section 7, and the course's rule at z = 0.",
    "leaky_relu": "Compare with the row of leaky ReLU in the table of section 7: which side does alpha act on?",
    "leaky_relu_grad": "Compare with the row of leaky ReLU in the table of section 7, and the rule at z = 0.",
    "elu": "Compare with the row of ELU in the table of section 7: what are its values just below 0?",
    "elu_grad": "Compare with the row of ELU in the table of section 7, and the rule at z = 0.",
}
# Which derivative builds on which function, when it calls it.
PIECES = {"sigmoid_grad": "sigmoid", "tanh_grad": "tanh", "relu_grad": "relu", "leaky_relu_grad": "leaky_relu",
          "elu_grad": "elu"}


def _base(name):
    return name[:-len("_grad")] if name.endswith("_grad") else name


def _label(name):
    return f"Exercise {ACTIVATIONS[_base(name)][0]}"


def _own(fn, name):
    check_own_code(fn, name=name)


def _values(fn, name, cases, reveal):
    """``name`` (e.g. "sigmoid_grad") right on ``cases``, in float64, with its own code."""
    check_function_hint = HINTS[name]
    check_function(fn, getattr(reference, name), cases, name=name, mistakes=MISTAKES[name], hint=check_function_hint,
                   reveal=reveal, returns="array", dtype="float64",
                   error_hint=ANY_SHAPE)


def _visible_cases(name):
    return [(Z.copy(),)] + [tuple(np.copy(a) for a in case) for case in ACTIVATIONS[_base(name)][1]]


def _works(name):
    """A piece check: ``name`` right on its visible cases (used before checking what builds on it)."""
    def check(fn):
        _own(fn, name)
        _values(fn, name, _visible_cases(name), True)
    return check


def _piece_first(fn, name):
    piece = PIECES.get(name)
    if piece:
        check_piece(fn, piece, _works(piece), f"{piece} ({_label(piece).lower()})", name=name)


def _values_check(name):
    def check(fn, cases=None, reveal=True):
        with exercise(_label(name)):
            _own(fn, name)
            _piece_first(fn, name)
            _values(fn, name, cases or _visible_cases(name), reveal)
        if reveal:
            print(f"✓ {name}: right values")
    check.__name__ = name
    check.__doc__ = f"{_label(name)}: {name} right at a few points (visible) or on the given cases; its own code."
    return check


def _shapes_check(base):
    grad = base + "_grad"
    overflow = ACTIVATIONS[base][2]

    def check(fn, fn_grad, cases=None, extremes=None, reveal=True):
        with exercise(_label(base)):
            for f, name in ((fn, base), (fn_grad, grad)):
                _own(f, name)
            _piece_first(fn_grad, grad)
            for f, name in ((fn, base), (fn_grad, grad)):
                for z in (SHAPE_INPUTS if cases is None else cases):
                    kind = "input" if reveal else "hidden test input"
                    where = f"for an {kind} of shape {np.shape(z)}" if np.ndim(z) else f"for a plain number as {kind}"
                    where = where.replace("an hidden", "a hidden")
                    out = call(f, np.copy(z) if isinstance(z, np.ndarray) else z, name=name, where=where,
                               hint=ANY_SHAPE)
                    try:
                        check_type(out, name, "array", "float64")
                        check_shape(out, np.shape(z), name, hint=ANY_SHAPE)
                    except CheckFailed as failure:  # advice first, then where it happened
                        fail(f"{failure} ({where})")
            if overflow:
                for z in ([WIDE] if extremes is None else extremes):
                    where = "at z = [-1000, -50, 0, 50, 1000]" if reveal else f"for large |z| (shape {np.shape(z)})"
                    check_function(fn, getattr(reference, base), [(z,)], name=base, hint=overflow, reveal=reveal)
                    check_finite(call(fn_grad, np.copy(z), name=grad, where=where), f"{grad} {where}", hint=overflow)
        if reveal:
            extra = ", and safe at ±1000" if overflow else ""
            print(f"✓ {base} and {grad}: any shape{extra}")
    check.__name__ = base + "_shapes"
    check.__doc__ = (f"{_label(base)}: {base} and {grad} keep the shape of any input"
                     + (" and stay finite and right at z = ±1000" if overflow else "") + "; their own code.")
    return check


sigmoid, sigmoid_grad, sigmoid_shapes = _values_check("sigmoid"), _values_check("sigmoid_grad"), _shapes_check("sigmoid")
tanh, tanh_grad, tanh_shapes = _values_check("tanh"), _values_check("tanh_grad"), _shapes_check("tanh")
relu, relu_grad, relu_shapes = _values_check("relu"), _values_check("relu_grad"), _shapes_check("relu")
leaky_relu, leaky_relu_grad = _values_check("leaky_relu"), _values_check("leaky_relu_grad")
leaky_relu_shapes = _shapes_check("leaky_relu")
elu, elu_grad, elu_shapes = _values_check("elu"), _values_check("elu_grad"), _shapes_check("elu")


# ---- Exercise 4: the lecture's example ----------------------------------------------------------------
EXAMPLE_Z, EXAMPLE_Y = 0.87, float(reference.sigmoid(0.87))


def example_001(z_example, y_example, weighted_sum, neuron_output, sigmoid):
    """Exercise 4: z = 0.87 and y = sigmoid(0.87) in full precision; broken pieces are named first."""
    with exercise("Exercise 4"):
        if z_example is None or y_example is None:
            fail("z_example and y_example are not computed yet: compute them with your functions.")
        if not close(as_number(z_example), EXAMPLE_Z):
            _first_fix(weighted_sum, _weighted_sum_works, "exercise 1 (weighted_sum)")
            check_close(z_example, EXAMPLE_Z, "z_example",
                        hint="Call your weighted_sum with x_example, w_example and b_example (in that order).")
        if close(as_number(y_example), 0.70):
            fail("y_example is 0.70, the slide's rounded value: compute it with your functions and keep every digit.")
        if not close(as_number(y_example), EXAMPLE_Y):
            _first_fix(sigmoid, _works("sigmoid"), "sigmoid (exercise 3)")
            _first_fix(neuron_output, lambda fn: neuron_output_piece(fn), "exercise 2 (neuron_output)")
            check_close(y_example, EXAMPLE_Y, "y_example",
                        hint="Use neuron_output with your sigmoid as the activation.")
        check_shape(y_example, (), "y_example", hint="A single sample gives a single number, not an array with an axis.")
    print(f"✓ the lecture's example: z = {float(np.squeeze(z_example)):.2f}, y = {float(np.squeeze(y_example)):.6f}")


def as_number(value):
    """``value`` as a float array, or nan when it is not a number (the checks then explain)."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return np.nan


def neuron_output_piece(fn):
    check_function(fn, _neuron_reference, NEURON_CASES, name="neuron_output", mistakes=NEURON_MISTAKES)


def _first_fix(piece, check, label):
    try:
        check(piece)
    except Exception:
        fail(f"fix {label} first: it does not pass its own test yet, and this example uses it.")


# ---- Exercise 9: collapse_linear(W1, b1, W2, b2) --------------------------------------------------------
COLLAPSE_CASE = (np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]), np.array([1.0, 0.0, -1.0]),
                 np.array([[1.0, 0.0, 2.0], [-1.0, 1.0, 0.0]]), np.array([0.5, -0.5]))
W_MISTAKES = [
    (lambda W1, b1, W2, b2: W1 @ W2,
     "The order is reversed: layer 1 acts first, so W = W2 @ W1 (its shape is (n_out, n_in))."),
    (lambda W1, b1, W2, b2: (W2 @ W1).T, "W is transposed: it must have shape (n_out, n_in), as W2 @ W1 does."),
    (lambda W1, b1, W2, b2: W1.T @ W2.T, "That is the transpose of W: use W2 @ W1, shape (n_out, n_in)."),
]
B_MISTAKES = [
    (lambda W1, b1, W2, b2: W2 @ b1, "Add the second layer's bias: b = W2 @ b1 + b2."),
    (lambda W1, b1, W2, b2: b2, "The first bias also passes through the second layer: b = W2 @ b1 + b2."),
    (lambda W1, b1, W2, b2: b1 + b2 if b1.shape == b2.shape else b2 + np.sum(b1),
     "Biases do not simply add up: b1 is multiplied by W2 on its way through layer 2, b = W2 @ b1 + b2."),
]
COLLAPSE_HINT = "Expand W2 (W1 x + b1) + b2 as in section 9 and read off the part that multiplies x and the rest."


def _collapse_part(collapse_linear, index):
    """collapse_linear with its result checked to be a pair; returns W (index 0) or b (index 1)."""
    def part(W1, b1, W2, b2):
        result = collapse_linear(W1, b1, W2, b2)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            fail(f"collapse_linear must return a pair (W, b); it returned {type(result).__name__}.")
        return result[index]
    return part


def _collapse(fn, index, cases, reveal):
    what = "W" if index == 0 else "b"
    reference_part = (lambda W1, b1, W2, b2: W2 @ W1) if index == 0 else (lambda W1, b1, W2, b2: W2 @ b1 + b2)
    check_function(_collapse_part(fn, index), reference_part, cases or [COLLAPSE_CASE],
                   name=f"the {what} of collapse_linear", mistakes=W_MISTAKES if index == 0 else B_MISTAKES,
                   hint=COLLAPSE_HINT, reveal=reveal, error_hint="Check which shapes each product and sum combines.")


def collapse_linear_weights(fn, cases=None, reveal=True):
    """Exercise 9: the weight matrix of the single layer, shape (n_out, n_in)."""
    with exercise("Exercise 9"):
        _collapse(fn, 0, cases, reveal)
        for W1, b1, W2, b2 in (cases or []):  # the single layer reproduces the two layers on a batch
            X = np.linspace(-1.0, 1.0, 5 * W1.shape[1]).reshape(5, W1.shape[1])
            W = np.asarray(_collapse_part(fn, 0)(W1, b1, W2, b2))
            check_close(X @ W.T, (X @ W1.T + b1) @ W2.T - W2 @ b1, "X @ W.T for the W of collapse_linear",
                        reveal=False, hint="The collapsed layer must give the same outputs as the two layers.")
    if reveal:
        print("✓ collapse_linear: the right W")


def collapse_linear_bias(fn, cases=None, reveal=True):
    """Exercise 9: the bias of the single layer, shape (n_out,)."""
    with exercise("Exercise 9"):
        _collapse(fn, 1, cases, reveal)
    if reveal:
        print("✓ collapse_linear: the right b")
