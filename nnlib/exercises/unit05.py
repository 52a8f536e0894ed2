r"""Checks behind unit 05's test cells (computation graphs and backpropagation).

Each public ``check`` function takes the student's function(s), runs the visible cases (or the
hidden ``cases`` a grade cell passes in with ``reveal=False``), compares with nnlib's reference and,
when the answer is wrong, looks it up in a catalogue of typical mistakes so that the message names
the mistake. Only data (arrays, numbers, strings, lists) and nnlib functions are passed to the
student's functions.

Conventions of the unit (the docstrings in the notebook state them too)
-------------------------------------------------------------------------
- A batch holds samples as rows; ``Ws[l-1]`` is :math:`W^l` of shape (N_l, N_{l-1}), ``bs[l-1]``
  is :math:`b^l` of shape (N_l,).
- The cost is the mean over the m samples of the per-sample loss:
  ``"squared_error"``: :math:`C = \frac1{2m}\sum_i \lVert \hat y_i - y_i \rVert^2`;
  ``"cross_entropy"`` (softmax output): :math:`C = -\frac1m \sum_i \sum_k y_{ik} \log \hat y_{ik}`.
  So :math:`\partial C/\partial Z^l` already holds the 1/m, and
  :math:`\partial C/\partial W^l = (\delta^l)^\top A^{l-1}`, :math:`\partial C/\partial b^l = \sum_i \delta^l_i`.
"""
import contextlib
import copy
import dis
import functools
import io
import warnings

import numpy as np

from nnlib import activations as act
from nnlib import gradcheck, losses
from nnlib.checks import (CheckFailed, as_array, call, check_close, check_no_loops, check_own_code, check_shape,
                          describe, fail, functions_reached)
from nnlib.exercises.common import passed
from nnlib.graph import lecture_example
from nnlib.network import MLP
from nnlib.tolerance import GRAD_RTOL, close, max_error

LOSS_NAMES = ("squared_error", "cross_entropy")
ACTIVATION_NAMES = ("linear", "relu", "sigmoid", "tanh", "softmax")

# ---------------------------------------------------------------------- the lectures' networks
#: Lecture 000's 2-2-1 ReLU network. w_ij runs from unit i to unit j (inputs 1, 2; hidden 3, 4;
#: output 5), so row j of W^l holds the weights into unit j: W1 = [[w13, w23], [w14, w24]].
LECTURE_000 = {
    "X": np.array([[1.0, -1.0]]), "Y": np.array([[0.0]]),
    "Ws": [np.array([[2.0, -3.0], [1.0, 4.0]]), np.array([[2.0, -1.0]])],
    "bs": [np.zeros(2), np.zeros(1)],
    "activations": ["relu", "relu"], "loss": "squared_error", "lr": 0.1,
}
#: Lecture 002's 2-3-1 sigmoid network: W1 = [[w1, w4], [w2, w5], [w3, w6]], W2 = [[w7, w8, w9]].
LECTURE_002 = {
    "X": np.array([[2.0, 9.0]]), "Y": np.array([[1.0]]),
    "Ws": [np.array([[0.2, 0.8], [0.6, 0.3], [0.1, 0.7]]), np.array([[0.4, 0.5, 0.9]])],
    "bs": [np.array([0.1, 0.1, 0.1]), np.array([0.2])],
    "activations": ["sigmoid", "sigmoid"], "loss": "squared_error", "lr": 0.1,
}
#: Lecture 003's exercise: ReLU then softmax, zero biases, cross-entropy with y = [0, 1, 0].
LECTURE_003 = {
    "X": np.array([[1.0, 2.0]]), "Y": np.array([[0.0, 1.0, 0.0]]),
    "Ws": [np.array([[1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]]),
           np.array([[0.0, 1.0, 0.0], [1.0, -1.0, 0.0], [0.0, 0.0, 1.0]])],
    "bs": [np.zeros(3), np.zeros(3)],
    "activations": ["relu", "softmax"], "loss": "cross_entropy", "lr": 0.1,
}


def network_case(net):
    """``(X, Y, Ws, bs, activations, loss)`` of a network dict, as fresh copies."""
    return (net["X"].copy(), net["Y"].copy(), [W.copy() for W in net["Ws"]],
            [b.copy() for b in net["bs"]], list(net["activations"]), net["loss"])


def random_case(rng, sizes, names, m, loss=None, scale=1.0):
    """A random network and batch: ``(X, Y, Ws, bs, activations, loss)``; biases not zero.

    Targets are one-hot rows for a softmax output (cross-entropy), else normal numbers.
    """
    loss = loss or ("cross_entropy" if names[-1] == "softmax" else "squared_error")
    Ws = [scale * rng.normal(size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    bs = [0.5 * rng.normal(size=n_out) for n_out in sizes[1:]]
    X = rng.normal(size=(m, sizes[0]))
    if loss == "cross_entropy":
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=m)]
    else:
        Y = rng.normal(size=(m, sizes[-1]))
    return X, Y, Ws, bs, list(names), loss


# ---------------------------------------------------------------------- references
def ref_local_derivatives(a, b, c):
    """Local derivatives of d = 2b, e = a + d, L = c e."""
    return {"dd_db": 2.0, "de_da": 1.0, "de_dd": 1.0, "dL_de": float(c), "dL_dc": float(a + 2 * b)}


def ref_graph_gradients(a, b, c):
    """(dL/da, dL/db, dL/dc) by nnlib's computation graph."""
    nodes = lecture_example(a, b, c)
    nodes["L"].backward()
    return nodes["a"].grad, nodes["b"].grad, nodes["c"].grad


def ref_activation_backward(dA, Z, name):
    """dZ = dA * f'(Z), or the softmax Jacobian applied to each row."""
    if name == "softmax":
        return act.softmax_backward(Z, dA)
    return np.asarray(dA, dtype=float) * act.get_activation(name)[1](Z)


def ref_dense_backward(dZ, A_prev, W):
    """(dA_prev, dW, db) = (dZ W, dZ^T A_prev, sum of dZ over the rows)."""
    dZ, A_prev, W = (np.asarray(v, dtype=float) for v in (dZ, A_prev, W))
    return dZ @ W, dZ.T @ A_prev, dZ.sum(axis=0)


def _net(Ws, bs, names):
    sizes = [np.shape(Ws[0])[1]] + [np.shape(W)[0] for W in Ws]
    net = MLP(sizes, list(names))
    net.set_weights(Ws, bs)
    return net


def _mean_squared_pair():
    """C = sum of ½ (ŷ - y)² over the batch / m, and its gradient (ŷ - y) / m."""
    return (lambda y_hat, y: losses.squared_error(y_hat, y) / len(y_hat),
            lambda y_hat, y: (np.asarray(y_hat) - np.asarray(y)) / len(y_hat))


def ref_cost(X, Y, Ws, bs, names, loss):
    """The unit's cost: mean over the batch of ½‖ŷ - y‖² or of the cross-entropy."""
    y_hat = _net(Ws, bs, names).forward(X)
    if loss == "cross_entropy":
        return losses.cross_entropy(y_hat, Y)
    return losses.squared_error(y_hat, Y) / len(y_hat)


def ref_backprop(X, Y, Ws, bs, names, loss):
    """(dWs, dbs) from nnlib's MLP."""
    net = _net(Ws, bs, names)
    _, dWs, dbs = net.gradients(X, Y, "cross_entropy" if loss == "cross_entropy" else _mean_squared_pair())
    return dWs, dbs


def ref_train_step(X, Y, Ws, bs, names, loss, lr):
    """One gradient-descent step from gradients computed with the old weights."""
    dWs, dbs = ref_backprop(X, Y, Ws, bs, names, loss)
    return ([np.asarray(W, float) - lr * dW for W, dW in zip(Ws, dWs)],
            [np.asarray(b, float) - lr * db for b, db in zip(bs, dbs)])


def ref_gradient_check(X, Y, Ws, bs, names, loss, dWs, dbs, eps=1e-5):
    """Largest relative error between the given gradients and central differences of the cost."""
    worst = 0.0
    for k in range(len(Ws)):
        for which, given in (("W", dWs[k]), ("b", dbs[k])):
            def cost_at(value, k=k, which=which):
                Ws_, bs_ = list(Ws), list(bs)
                (Ws_ if which == "W" else bs_)[k] = value
                return ref_cost(X, Y, Ws_, bs_, names, loss)
            start = Ws[k] if which == "W" else bs[k]
            worst = max(worst, gradcheck.rel_error(given, gradcheck.numerical_gradient(cost_at, start, eps)))
    return worst


# ---------------------------------------------------------------------- test functions for exercise 5
def cubic(x):
    r""":math:`f(x) = \sum_i x_i^3 + \sum_i x_i` (a scalar test function with curvature)."""
    x = np.asarray(x, dtype=float)
    return float(np.sum(x ** 3) + np.sum(x))


def wavy(x):
    r""":math:`f(x) = \sum \sin(x) \cdot \mathrm{reversed}(x) + \tfrac12 \lVert x \rVert^2` for an array of any shape."""
    x = np.asarray(x, dtype=float)
    return float(np.sum(np.sin(x) * x.ravel()[::-1].reshape(x.shape)) + 0.5 * np.sum(x * x))


def steep(x):
    r""":math:`f(x) = \sum_i e^{x_i}`, with large derivatives where x is large."""
    return float(np.sum(np.exp(np.asarray(x, dtype=float))))


# ---------------------------------------------------------------------- helpers
def _pair_or_fail(result, name, n, what):
    if not isinstance(result, (tuple, list)) or len(result) != n:
        got = f"{len(result)} values" if isinstance(result, (tuple, list)) else type(result).__name__
        fail(f"{name} must return {what}; it returned {got}.")
    return result


def _layers(values, n_layers, name, what):
    if not isinstance(values, (list, tuple)):
        fail(f"{name} must return {what} as a list with one array per layer; got {type(values).__name__}.")
    if len(values) != n_layers:
        fail(f"{name} returned {len(values)} arrays in {what}; this network has {n_layers} layers: one per layer.")
    return list(values)


def _copy_case(case):
    return copy.deepcopy(tuple(case))


def _unchanged(before, after, name, where):
    """Fail if any array inside the (nested) arguments was changed in place."""
    def walk(x, y):
        if isinstance(x, np.ndarray):
            if not np.array_equal(x, y, equal_nan=True):
                fail(f"{name} changed an input array in place {where}: build new arrays "
                     "(W - lr * dW, not W -= ...), the caller still needs the old values.")
        elif isinstance(x, (list, tuple)):
            for xi, yi in zip(x, y):
                walk(xi, yi)
    walk(before, after)


def _exercise(label):
    """Decorator for a public check: its failures name the exercise first ("Exercise 3 (dense_backward): ...")."""
    def wrap(check):
        @functools.wraps(check)
        def checked(*args, **kwargs):
            try:
                return check(*args, **kwargs)
            except CheckFailed as failure:
                message = str(failure)
                fail(message if message.startswith("Exercise") else f"{label}: {message}")
        return checked
    return wrap


def _quietly(fn, *args):
    """``fn(*args)`` with Python warnings silenced: a right answer that makes numpy warn must not print to
    stderr, which Validate would count as a failure."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


def _shapes(args):
    """The arguments described by their shapes only (short, and safe for hidden inputs)."""
    parts = []
    for a in args:
        if isinstance(a, np.ndarray):
            parts.append(f"shape {a.shape}")
        elif isinstance(a, str):
            parts.append(repr(a))
        elif callable(a):
            parts.append(getattr(a, "__name__", "a function"))
        else:
            parts.append("a number")
    return "for inputs of " + ", ".join(parts)


def _check_cases(fn, reference, cases, name, mistakes=(), hint="", reveal=True, error_hint=""):
    """Like checks.check_function, with every message advice first and the inputs by shape after it.

    Messages are cut at a few hundred characters, so the sentence that helps must come first.
    """
    if not callable(fn):
        fail(f"{name} is not a function: did you overwrite it with a value?")
    for args in cases:
        args = tuple(args)
        given = copy.deepcopy(args)
        where = _shapes(args)
        try:
            result = _quietly(fn, *given)
        except CheckFailed:
            raise
        except NotImplementedError:
            fail(f"{name} is not written yet: replace `raise NotImplementedError()` with your code.")
        except Exception as error:
            advice = ""
            for wrong, text in mistakes:
                try:
                    wrong(*copy.deepcopy(args))
                except type(error):
                    advice = text
                    break
                except Exception:
                    continue
            fail(f"{advice or error_hint or hint} ({name} raised {type(error).__name__} {where}: {error})")
        for before, after in zip(args, given):
            if isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True):
                fail(f"{name} changed its input array in place {where}: work on a copy or build a new array.")
        got = as_array(result, name)
        expected = np.asarray(reference(*copy.deepcopy(args)), dtype=float)
        if got.shape == expected.shape and close(got, expected):
            continue
        for wrong, text in mistakes:
            try:
                matches = close(got, np.asarray(wrong(*copy.deepcopy(args)), dtype=float))
            except Exception:
                matches = False
            if matches:
                fail(f"{text} ({name} {where})")
        if got.shape != expected.shape:
            fail(f"{name} returned shape {got.shape}, expected {expected.shape} {where}. {hint}")
        numbers = (f": got {describe(got)}, expected {describe(expected)}" if reveal
                   else f" (largest error {max_error(got, expected):.3g})")
        fail(f"{name} is not right {where}. {hint} {numbers}")
    return True


def _passes(check, *args, **kwargs):
    """True when ``check(*args)`` raises no CheckFailed (used to test earlier exercises quietly)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check(*args, **kwargs)
    except (CheckFailed, Exception):
        return False
    return True


# ---------------------------------------------------------------------- exercise 1: the graph
GRAPH_CASES = [(3.0, 1.0, -2.0), (1.0, 2.0, 3.0)]
LOCAL_KEYS = ("dd_db", "de_da", "de_dd", "dL_de", "dL_dc")
LOCAL_ADVICE = {
    "dd_db": "d = 2b changes by 2 when b changes by 1: its local derivative is the constant 2.",
    "de_da": "e = a + d: a sum passes changes on unchanged, so de/da = 1.",
    "de_dd": "e = a + d: a sum passes changes on unchanged, so de/dd = 1.",
    "dL_de": "L = c·e: the derivative with respect to one factor is the OTHER factor, dL/de = c.",
    "dL_dc": "L = c·e: the derivative with respect to one factor is the OTHER factor, dL/dc = e = a + 2b.",
}


@_exercise("Exercise 1a (local_derivatives)")
def local_derivatives(fn, cases=None, reveal=True):
    """Exercise 1a: the five local derivatives of d = 2b, e = a + d, L = c·e as a dict."""
    for a, b, c in cases or GRAPH_CASES:
        where = f"for a, b, c = {describe(a, reveal)}, {describe(b, reveal)}, {describe(c, reveal)}"
        result = call(fn, a, b, c, name="local_derivatives", where=where)
        if not isinstance(result, dict):
            fail(f"local_derivatives must return a dict with the keys {', '.join(LOCAL_KEYS)}; "
                 f"it returned {type(result).__name__}.")
        missing = [k for k in LOCAL_KEYS if k not in result]
        if missing:
            fail(f"local_derivatives {where} has no key {', '.join(map(repr, missing))}: "
                 f"return a dict with the keys {', '.join(LOCAL_KEYS)}.")
        expected = ref_local_derivatives(a, b, c)
        for key in LOCAL_KEYS:
            value = as_array(result[key], f"local_derivatives()[{key!r}]")
            if not close(value, expected[key]):
                shown = f" (got {describe(value, reveal)})" if reveal else ""
                fail(f"local_derivatives()[{key!r}] is not right {where}{shown}. {LOCAL_ADVICE[key]}")
    return passed("local_derivatives: right", reveal)


GRADIENT_MISTAKES = [
    (lambda a, b, c: (c, c, a + 2 * b),
     "dL/db must pass through d = 2b as well: dL/db = dL/de · de/dd · dd/db = c · 1 · 2."),
    (lambda a, b, c: (1.0, 2.0, a + 2 * b),
     "You kept only the last local derivative: multiply the local derivatives along the whole path "
     "from L back to the input (dL/da = dL/de · de/da)."),
    (lambda a, b, c: (a + 2 * b, 2 * (a + 2 * b), c),
     "dL/de and dL/dc are swapped: for L = c·e, dL/de = c and dL/dc = e."),
]


@_exercise("Exercise 1b (graph_gradients)")
def graph_gradients(fn, local_fn=None, cases=None, reveal=True):
    """Exercise 1b: (dL/da, dL/db, dL/dc) by the chain rule."""
    for a, b, c in cases or GRAPH_CASES:
        where = f"for a, b, c = {describe(a, reveal)}, {describe(b, reveal)}, {describe(c, reveal)}"
        result = call(fn, a, b, c, name="graph_gradients", where=where)
        _pair_or_fail(result, "graph_gradients", 3, "three numbers (dL/da, dL/db, dL/dc)")
        got = as_array(result, "graph_gradients")
        expected = np.array(ref_graph_gradients(a, b, c))
        if close(got, expected):
            continue
        if local_fn is not None and not _passes(local_derivatives, local_fn):
            fail("Fix exercise 1a (local_derivatives) first: graph_gradients multiplies its local derivatives, "
                 "and neither is right yet.")
        for wrong, advice in GRADIENT_MISTAKES:
            if close(got, np.array(wrong(a, b, c), dtype=float)):
                fail(f"{advice} (graph_gradients {where})")
        names = [n for n, g, e in zip(("dL/da", "dL/db", "dL/dc"), got, expected) if not close(g, e)]
        fail(f"graph_gradients is not right {where}: {', '.join(names)} wrong"
             + (f" (got {describe(got)}, expected {describe(expected)})" if reveal else "")
             + ". Multiply the local derivatives along each path from L back to the input.")
    return passed("graph_gradients: right", reveal)


# ---------------------------------------------------------------------- exercise 2: activations
def _sig(z):
    return act.sigmoid(z)


ACTIVATION_MISTAKES = {
    "relu": [
        (lambda dA, Z: dA * (np.asarray(Z) >= 0),
         "At z = 0 the course takes ReLU'(0) = 0: use (Z > 0), not (Z >= 0)."),
        (lambda dA, Z: (np.asarray(Z) > 0).astype(float),
         "You returned f'(Z) alone: multiply by the incoming gradient, dZ = dA * f'(Z)."),
        (lambda dA, Z: dA * act.relu(Z),
         "You multiplied by ReLU(Z) itself; multiply by its derivative (1 where Z > 0, else 0)."),
    ],
    "linear": [
        (lambda dA, Z: np.ones_like(np.asarray(Z, float)),
         "You returned f'(Z) alone: multiply by the incoming gradient, dZ = dA * 1 = dA."),
        (lambda dA, Z: dA * np.asarray(Z),
         "The identity's derivative is 1, not z: dZ = dA."),
    ],
    "sigmoid": [
        (lambda dA, Z: dA * _sig(_sig(Z)) * (1 - _sig(_sig(Z))),
         "You took the derivative at the output a = σ(z) instead of at the input z: σ'(z) = σ(z)(1 - σ(z)), "
         "apply σ once."),
        (lambda dA, Z: dA * np.asarray(Z) * (1 - np.asarray(Z)),
         "a(1 - a) is σ'(z) only with a = σ(z); you used z itself. Compute s = σ(Z) first, then s * (1 - s)."),
        (lambda dA, Z: _sig(Z) * (1 - _sig(Z)),
         "You returned σ'(Z) alone: multiply by the incoming gradient, dZ = dA * σ'(Z)."),
    ],
    "tanh": [
        (lambda dA, Z: dA * (1 - np.tanh(np.tanh(Z)) ** 2),
         "You took the derivative at the output a = tanh(z) instead of at z: tanh'(z) = 1 - tanh(z)², apply tanh once."),
        (lambda dA, Z: dA * (1 - np.asarray(Z) ** 2),
         "1 - a² is tanh'(z) only with a = tanh(z); you used z itself. Compute t = tanh(Z) first."),
        (lambda dA, Z: 1 - np.tanh(Z) ** 2,
         "You returned tanh'(Z) alone: multiply by the incoming gradient, dZ = dA * tanh'(Z)."),
    ],
    "softmax": [
        (lambda dA, Z: dA * act.softmax(Z) * (1 - act.softmax(Z)),
         "Softmax's Jacobian is not diagonal: every output depends on every z of its row, so "
         "dZ = s * (dA - sum(dA * s over the row)), not dA * s(1 - s)."),
        (lambda dA, Z: act.softmax(Z) * (dA - np.sum(dA * act.softmax(Z), axis=0, keepdims=True)),
         "Each row is one sample: take the sum over the classes of each row (axis=1, keepdims=True), "
         "not over the batch."),
        (lambda dA, Z: act.softmax(Z) * (dA - np.sum(dA * act.softmax(Z))),
         "Each row is one sample: take the sum over the classes of each row (axis=1, keepdims=True), "
         "not over the whole batch."),
        (lambda dA, Z: dA - np.sum(dA * act.softmax(Z), axis=-1, keepdims=True),
         "Multiply by s as well: dZ = s * (dA - sum(dA * s over the row))."),
    ],
}
_RNG_VISIBLE = np.random.default_rng(505)
ACTIVATION_CASES = {
    "relu": [(np.array([[1.0, -2.0, 3.0], [0.5, 0.5, -1.0]]), np.array([[2.0, -1.0, 0.0], [-0.5, 3.0, 1.0]]))],
    "linear": [(np.array([[1.0, -2.0], [0.5, 4.0]]), np.array([[3.0, -1.0], [2.0, 0.0]]))],
    "sigmoid": [(np.array([[1.0, -2.0, 0.5]]), np.array([[0.0, 2.0, -3.0]])),
                (_RNG_VISIBLE.normal(size=(4, 3)), 2 * _RNG_VISIBLE.normal(size=(4, 3)))],
    "tanh": [(np.array([[1.0, -2.0, 0.5]]), np.array([[0.0, 1.5, -0.7]])),
             (_RNG_VISIBLE.normal(size=(4, 3)), _RNG_VISIBLE.normal(size=(4, 3)))],
    # the batch first: there summing over the wrong axis and keeping only the diagonal differ
    "softmax": [(np.array([[0.0, -1.0, 0.5], [2.0, 1.0, -1.0], [0.3, 0.0, 0.0]]),
                 np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0], [-1.0, 4.0, 0.5]])),
                (np.array([[1.0, 0.0, 0.0]]), np.array([[1.0, 2.0, 0.0]]))],
}


@_exercise("Exercise 2 (activation_backward)")
def activation_backward(fn, names, cases=None, reveal=True):
    """Exercise 2: dZ = dA * f'(Z) for each activation in ``names`` (softmax: its Jacobian)."""
    for name in names:
        for dA, Z in (cases or {}).get(name, ACTIVATION_CASES[name]):
            mistakes = [(lambda dA_, Z_, name_, w=w: w(dA_, Z_), advice)
                        for w, advice in ACTIVATION_MISTAKES[name]]
            _check_cases(fn, ref_activation_backward, [(dA, Z, name)], name=f'activation_backward(dA, Z, "{name}")',
                         mistakes=mistakes, reveal=reveal,
                         hint="dZ has the shape of Z. Re-read the table of derivatives in section 3 (f' is taken at Z).")
    return passed(f"activation_backward: {', '.join(names)} right", reveal)


#: nnlib names that would hand exercise 2 its derivatives ready-made.
READY_MADE_DERIVATIVES = ("linear_grad", "sigmoid_grad", "tanh_grad", "relu_grad", "leaky_relu_grad", "prelu_grad",
                          "elu_grad", "softmax_jacobian", "softmax_backward", "get_activation", "ACTIVATIONS")


def _names_used(code, kinds):
    """Names a code object (nested code included) loads with the given instructions."""
    found = {step.argval for step in dis.get_instructions(code) if step.opname in kinds}
    for constant in code.co_consts:
        if hasattr(constant, "co_code"):
            found |= _names_used(constant, kinds)
    return found


def _ready_made(fn):
    """nnlib derivative names ``fn`` uses: as attributes (activations.sigmoid_grad), imports, or globals
    that are nnlib's (a notebook's own function called sigmoid_grad is the student's and allowed)."""
    code, scope = fn.__code__, getattr(fn, "__globals__", {})
    by_attribute = _names_used(code, ("LOAD_ATTR", "LOAD_METHOD", "IMPORT_FROM"))
    by_global = {name for name in _names_used(code, ("LOAD_GLOBAL", "LOAD_NAME"))
                 if str(getattr(scope.get(name), "__module__", "") or "").startswith("nnlib")}
    return sorted((by_attribute | by_global) & set(READY_MADE_DERIVATIVES))


@_exercise("Exercise 2 (activation_backward)")
def activation_backward_rules(fn, reveal=True):
    """Exercise 2's rule: the derivatives are written by the student (nnlib's *_grad, softmax_backward,
    softmax_jacobian and get_activation are not used, also not in helpers). Stubs do not pass."""
    call(fn, *copy.deepcopy(ACTIVATION_CASES["sigmoid"][0]), "sigmoid", name="activation_backward")
    for current in functions_reached(fn):  # the function and the notebook helpers it reaches
        if getattr(current, "__code__", None) is None:
            continue
        ready = _ready_made(current)
        if ready:
            fail(f"activation_backward uses nnlib's {', '.join(ready)}: write each derivative yourself "
                 "(the activations themselves, like activations.sigmoid, are allowed).")
    return passed("activation_backward: your own derivatives", reveal)


# ---------------------------------------------------------------------- exercise 3: one dense layer
DENSE_CASES = [
    # m = 4 samples, N_(l-1) = 2, N_l = 3: every transposition shows as a shape.
    (np.array([[0.1, -0.2, 0.3], [0.0, 0.4, -0.1], [0.2, 0.2, 0.2], [-0.3, 0.1, 0.0]]),
     np.array([[1.0, 2.0], [0.5, -1.0], [0.0, 3.0], [2.0, 1.0]]),
     np.array([[1.0, -1.0], [0.5, 2.0], [-2.0, 0.0]])),
    # all sizes 3 and not symmetric: a transposition gives the right shape and the wrong values.
    (np.array([[0.1, -0.2, 0.3], [0.0, 0.4, -0.1], [0.2, -0.5, 0.2]]),
     np.array([[1.0, 2.0, 0.0], [0.5, -1.0, 1.0], [0.0, 3.0, -2.0]]),
     np.array([[1.0, -1.0, 0.5], [0.5, 2.0, 0.0], [-2.0, 0.0, 1.0]])),
]


def _dense_part(fn, k):
    def part(dZ, A_prev, W):
        try:
            result = _quietly(fn, dZ, A_prev, W)
        except NotImplementedError:
            fail("dense_backward is not written yet: replace `raise NotImplementedError()` with your code.")
        if isinstance(result, (tuple, list)) and len(result) == 2:
            fail("dense_backward returned two arrays; it must return three, (dA_prev, dW, db): "
                 "did you forget the bias gradient db?")
        _pair_or_fail(result, "dense_backward", 3, "three arrays (dA_prev, dW, db)")
        if result[k] is None:
            fail(f"dense_backward returned None for {('dA_prev', 'dW', 'db')[k]}: compute and return it.")
        return result[k]
    part.__name__ = ("dA_prev", "dW", "db")[k] + " from dense_backward"
    return part


def _m(dZ):
    return len(np.asarray(dZ))


DW_MISTAKES = [
    (lambda dZ, A, W: np.asarray(A).T @ dZ,
     "dW is transposed: it must have W's shape (N_l, N_(l-1)), so dW = dZ.T @ A_prev."),
    (lambda dZ, A, W: np.asarray(dZ).T @ A / _m(dZ),
     "You divided by m again: dZ already holds the 1/m of the mean cost, so dW = dZ.T @ A_prev is "
     "already the average. Do not add another 1/m."),
    (lambda dZ, A, W: np.asarray(dZ).T @ A * _m(dZ),
     "dW is m times too large: dZ.T @ A_prev already sums over the samples."),
]
DB_MISTAKES = [
    (lambda dZ, A, W: np.asarray(dZ).mean(axis=0),
     "db is m times too small: dZ already holds the 1/m of the mean cost, so db is the SUM of dZ "
     "over the samples (axis=0), not the mean."),
    (lambda dZ, A, W: np.asarray(dZ).sum(axis=1),
     "db is summed over the wrong axis: sum over the samples, the rows (axis=0), giving one number per unit."),
    (lambda dZ, A, W: np.zeros(np.shape(W)[0]),
     "db is all zero: the bias has a gradient too, the sum of dZ over the samples."),
    (lambda dZ, A, W: np.asarray(dZ).sum(),
     "db must hold one number per unit (shape (N_l,)): sum over the samples only (axis=0)."),
]
DA_MISTAKES = [
    (lambda dZ, A, W: np.asarray(dZ) @ np.asarray(W).T,
     "W is transposed here: the layer computed Z = A_prev @ W.T, so dA_prev = dZ @ W "
     "(shape (m, N_l) times (N_l, N_(l-1)))."),
    (lambda dZ, A, W: np.asarray(dZ) @ W / _m(dZ),
     "You divided by m: dZ already holds the 1/m, dA_prev = dZ @ W."),
]


DENSE_CRASH = ("dense_backward raised an error: check the shape of each of its three results, dA_prev = dZ @ W "
               "(m, N_(l-1)), dW = dZ.T @ A_prev (N_l, N_(l-1)), db = dZ.sum(axis=0) (N_l,).")


@_exercise("Exercise 3 (dense_backward)")
def dense_backward_dW(fn, cases=None, reveal=True):
    """Exercise 3: dW = dZ^T A_prev of W's shape."""
    for dZ, A, W in cases or DENSE_CASES:
        try:
            shape = np.shape(_quietly(fn, *copy.deepcopy((dZ, A, W)))[1])
        except Exception:
            break  # the comparison below explains the error
        if shape == np.shape(W)[::-1] and shape != np.shape(W):
            fail(f"dW is transposed: it must have W's shape {np.shape(W)} = (N_l, N_(l-1)), so dW = dZ.T @ A_prev "
                 f"(dW from dense_backward returned shape {shape}).")
    _check_cases(_dense_part(fn, 1), lambda dZ, A, W: ref_dense_backward(dZ, A, W)[1], cases or DENSE_CASES,
                 name="dW from dense_backward", mistakes=DW_MISTAKES, reveal=reveal, error_hint=DENSE_CRASH,
                 hint="dW has W's shape (N_l, N_(l-1)). Re-read 'A batch, with samples as rows' in section 3.")
    return passed("dense_backward: dW right", reveal)


@_exercise("Exercise 3 (dense_backward)")
def dense_backward_db(fn, cases=None, reveal=True):
    """Exercise 3: db = sum of dZ over the samples, shape (N_l,)."""
    part = _dense_part(fn, 2)
    for dZ, A, W in cases or DENSE_CASES:
        try:
            result = as_array(part(*copy.deepcopy((dZ, A, W))), "db from dense_backward")
        except CheckFailed:
            raise
        except Exception:
            break  # the comparison below explains the error
        n_units = np.shape(W)[0]
        if result.shape in ((1, n_units), (n_units, 1)):
            fail(f"db from dense_backward has shape {result.shape}; keep it 1-D like b, shape ({n_units},): "
                 "a (1, N) or (N, 1) gradient broadcasts wrongly against b (shape (N,)) in the update "
                 "b - lr * db, turning b into an (N, N) matrix.")
    _check_cases(part, lambda dZ, A, W: ref_dense_backward(dZ, A, W)[2], cases or DENSE_CASES,
                 name="db from dense_backward", mistakes=DB_MISTAKES, reveal=reveal, error_hint=DENSE_CRASH,
                 hint="db has b's shape (N_l,). Re-read 'A batch, with samples as rows' in section 3.")
    return passed("dense_backward: db right", reveal)


@_exercise("Exercise 3 (dense_backward)")
def dense_backward_dA_prev(fn, cases=None, reveal=True):
    """Exercise 3: dA_prev = dZ W, shape (m, N_(l-1))."""
    _check_cases(_dense_part(fn, 0), lambda dZ, A, W: ref_dense_backward(dZ, A, W)[0], cases or DENSE_CASES,
                 name="dA_prev from dense_backward", mistakes=DA_MISTAKES, reveal=reveal, error_hint=DENSE_CRASH,
                 hint="dA_prev has A_prev's shape (m, N_(l-1)). Re-read 'A batch, with samples as rows' in section 3.")
    return passed("dense_backward: dA_prev right", reveal)


@_exercise("Exercise 3 (dense_backward)")
def dense_backward_rules(fn, reveal=True):
    """Exercise 3's rules: no Python loops, and the student's own numpy code (not nnlib's network).

    A stub does not earn the rules' point: the function must run first.
    """
    call(fn, *copy.deepcopy(DENSE_CASES[0]), name="dense_backward")
    check_no_loops(fn, "Each gradient is one matrix expression over the whole batch: dZ.T @ A_prev, "
                       "dZ.sum(axis=0), dZ @ W.", name="dense_backward")
    check_own_code(fn, forbidden=("nnlib",), name="dense_backward")  # follows the helpers it calls
    return passed("dense_backward: no loops, your own code", reveal)


# ---------------------------------------------------------------------- exercise 4: cost and backprop
def visible_network_cases():
    """The networks the visible backprop tests use: lectures, batches, a square network, softmax."""
    rng = np.random.default_rng(2024)
    # the square network first: a transposed or misplaced W then gives wrong values, not a shape error
    return [random_case(rng, [3, 3, 3, 3], ["sigmoid", "tanh", "linear"], m=4),
            random_case(rng, [3, 4, 2], ["tanh", "sigmoid"], m=5),
            random_case(rng, [4, 5, 3], ["relu", "softmax"], m=6),
            random_case(rng, [2, 3, 1], ["tanh", "linear"], m=5)]


def _forward(X, Ws, bs, names):
    return _net(Ws, bs, names).forward(X)


COST_MISTAKES = [
    (lambda X, Y, Ws, bs, n, loss: ref_cost(X, Y, Ws, bs, n, loss) * len(X),
     "Your cost is the SUM over the samples: the cost is the mean over the m samples (divide by m)."),
    (lambda X, Y, Ws, bs, n, loss: 2 * ref_cost(X, Y, Ws, bs, n, loss),
     "The squared-error loss has a factor ½: C = 1/(2m) · sum of (ŷ - y)²."),
    (lambda X, Y, Ws, bs, n, loss: 2 * ref_cost(X, Y, Ws, bs, n, loss) / np.shape(Y)[1],
     "You averaged over every entry (as MSE does); the unit's cost is ½ · the sum over the outputs, "
     "averaged over the m samples only."),
    (lambda X, Y, Ws, bs, n, loss: float(np.sum((_forward(X, Ws, bs, n) - np.ravel(Y)) ** 2) / (2 * len(X))),
     "Shapes (m, 1) and (m,) broadcast into an (m, m) matrix: keep Y and ŷ both of shape (m, N_L) "
     "(do not ravel or flatten one of them)."),
]


@_exercise("Exercise 4a (cost)")
def cost(fn, cases=None, reveal=True):
    """Exercise 4a: the mean cost of a batch, for both losses."""
    base = [network_case(LECTURE_000), network_case(LECTURE_002), network_case(LECTURE_003)]
    rng = np.random.default_rng(77)
    base += [random_case(rng, [2, 3, 1], ["tanh", "linear"], m=5), random_case(rng, [3, 4, 3], ["relu", "softmax"], m=4)]
    for case in cases or base:
        where = f"for a network {[np.shape(case[2][0])[1]] + [np.shape(W)[0] for W in case[2]]} with " \
                f"{case[4]} and loss {case[5]!r} on a batch of {len(case[0])}"
        given = _copy_case(case)
        result = call(fn, *given, name="cost", where=where)
        _unchanged(case, given, "cost", where)
        if isinstance(result, np.ndarray) and result.size == 1:
            result = float(result.reshape(()))
        if not np.ndim(result) == 0:
            fail(f"cost must return one number; it returned shape {np.shape(result)} {where}. Sum and average "
                 "down to a scalar (and keep ŷ and Y of the same shape (m, N_L)).")
        expected = ref_cost(*case)
        if close(result, expected):
            continue
        for wrong, advice in COST_MISTAKES:
            try:
                if case[5] == "squared_error" or wrong is COST_MISTAKES[0][0]:
                    if close(result, wrong(*_copy_case(case))):
                        fail(f"{advice} (cost {where})")
            except CheckFailed:
                raise
            except Exception:
                pass
        fail(f"cost is not right {where}" + (f": got {result:.6g}, expected {expected:.6g}" if reveal else "")
             + ". Re-read the table of the two costs in section 3: each sample's loss, averaged over the m samples.")
    return passed("cost: right", reveal)


def _backprop_variant(X, Y, Ws, bs, names, loss, at_output=False, wrong_W=False, no_output_grad=False,
                      softmax_twice=False):
    """A hand-written backprop with one chosen mistake (used to name the mistake)."""
    fs = [act.get_activation(n) for n in names]
    A, Zs, As = np.asarray(X, float), [], [np.asarray(X, float)]
    for W, b, (f, _) in zip(Ws, bs, fs):
        Z = A @ np.asarray(W).T + b
        A = f(Z)
        Zs.append(Z)
        As.append(A)
    m = len(A)
    if loss == "cross_entropy":
        delta = (A - Y) / m
        if softmax_twice:
            delta = delta * A * (1 - A)
    else:
        delta = (A - Y) / m
        if not no_output_grad:
            point = As[-1] if at_output else Zs[-1]
            delta = delta * fs[-1][1](point)
    dWs, dbs = [None] * len(Ws), [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        dWs[l], dbs[l] = delta.T @ As[l], delta.sum(axis=0)
        if l > 0:
            W_used = Ws[l - 1] if wrong_W else Ws[l]
            if wrong_W and np.shape(Ws[l - 1]) != np.shape(Ws[l]):
                return None
            point = As[l] if at_output else Zs[l - 1]
            delta = (delta @ W_used) * fs[l - 1][1](point)
    return dWs, dbs


BACKPROP_MISTAKES = [
    (dict(at_output=True),
     "You evaluated f' at the layer's output A instead of its input Z: δ^l = f'(Z^l) ⊙ (δ^(l+1) W^(l+1)); "
     "keep the Zs of the forward pass for this."),
    (dict(wrong_W=True),
     "The δ of a hidden layer is multiplied by the wrong weights: δ^l = f'(Z^l) ⊙ (δ^(l+1) @ W^(l+1)) uses the "
     "weights of the layer ABOVE (Ws[l] in 0-based lists when computing the δ of Ws[l-1]'s layer)."),
    (dict(no_output_grad=True),
     "δ^L misses the output activation's derivative: for the squared error δ^L = (Ŷ - Y)/m ⊙ f'(Z^L)."),
    (dict(softmax_twice=True),
     "Softmax followed by cross-entropy gives δ^L = (Ŷ - Y)/m directly; do not multiply by the softmax "
     "derivative again."),
]


def _grads_close(got, expected):
    return all(close(g, e) for g, e in zip(got[0] + got[1], expected[0] + expected[1]))


def _read_backprop(result, n_layers, where):
    _pair_or_fail(result, "backprop", 2, "the pair (dWs, dbs)")
    dWs = _layers(result[0], n_layers, "backprop", "dWs")
    dbs = _layers(result[1], n_layers, "backprop", "dbs")
    if any(v is None for v in dWs + dbs):
        fail(f"backprop returned None for a gradient {where}: return an array for every dW and db.")
    return [as_array(v, "backprop") for v in dWs], [as_array(v, "backprop") for v in dbs]


def _check_one_backprop(fn, case, reveal, pieces):
    X, Y, Ws, bs, names, loss = case
    sizes = [np.shape(Ws[0])[1]] + [np.shape(W)[0] for W in Ws]
    where = f"for the network {sizes} ({', '.join(names)}; {loss}; m = {len(X)})"
    given = _copy_case(case)
    try:
        result = _quietly(fn, *given)
    except CheckFailed:
        raise
    except NotImplementedError:
        fail("backprop is not written yet: replace `raise NotImplementedError()` with your code.")
    except Exception as error:
        fail("A shape error: keep Y and Ŷ both (m, N_L) — (m,) against (m, 1) broadcasts wrongly; δ^l = "
             "(δ^(l+1) @ W^(l+1)) ⊙ f'(Z^l) uses the layer ABOVE; dW = δ.T @ A_prev. "
             f"(backprop raised {type(error).__name__} {where}: {error})")
    _unchanged(case, given, "backprop", where)
    n_layers = len(Ws)
    dWs, dbs = _read_backprop(result, n_layers, where)
    expected = ref_backprop(*case)
    for l in range(n_layers):
        W_shape, b_shape = np.shape(Ws[l]), np.shape(bs[l])
        if dWs[l].shape != W_shape:
            hint = " It looks transposed: dW = δ.T @ A_prev." if dWs[l].shape == W_shape[::-1] else ""
            if dWs[l].ndim == 2 and dWs[l].shape[0] == len(X) and len(X) not in W_shape:
                hint += " An (m, m) block usually comes from broadcasting shapes (m,) against (m, 1)."
            fail(f"dWs[{l}] (layer {l + 1}) must have the shape of Ws[{l}], {W_shape}, not {dWs[l].shape}.{hint} "
                 f"({where})")
        if dbs[l].shape != b_shape:
            fail(f"dbs[{l}] (layer {l + 1}) must have b's shape {b_shape}, not {dbs[l].shape}: sum δ over the "
                 f"samples (axis=0); shapes (m,) against (m, 1) broadcast into the wrong shape. ({where})")
    if _grads_close((dWs, dbs), expected):
        return
    # Pieces before wholes: a broken earlier exercise is named first.
    for label, check, args in pieces:
        if not _passes(check, *args):
            fail(f"Fix {label} first: it does not pass its own tests yet, and backprop builds on it "
                 f"(backprop is not right {where}).")
    m = len(X)
    if m > 1 and _grads_close((dWs, dbs), ([m * g for g in expected[0]], [m * g for g in expected[1]])):
        fail(f"Your gradients are m = {m} times too large: the cost is the MEAN over the batch, "
             f"so δ^L carries a factor 1/m (sum instead of mean). (backprop {where})")
    if m > 1 and _grads_close((dWs, dbs), ([g / m for g in expected[0]], [g / m for g in expected[1]])):
        fail(f"Your gradients are m = {m} times too small: δ^L already holds the 1/m; do not divide "
             f"by m again in dW or db. (backprop {where})")
    if not all(close(d, e) for d, e in zip(dbs, expected[1])) and all(close(d, e) for d, e in zip(dWs, expected[0])):
        fail(f"The dW are right but a db is not: db^l is the sum of δ^l over the samples (axis=0). (backprop {where})")
    for options, advice in BACKPROP_MISTAKES:  # (a missing or extra 1/m is recognised above, by its ratio)
        wrong = _backprop_variant(*case, **options)
        if wrong is not None and _grads_close((dWs, dbs), wrong):
            fail(f"{advice} (backprop {where})")
    bad = [l for l in range(n_layers) if not (close(dWs[l], expected[0][l]) and close(dbs[l], expected[1][l]))]
    detail = (f" (largest error {max(max_error(dWs[l], expected[0][l]) for l in bad):.3g})" if reveal else "")
    if bad and bad[-1] < n_layers - 1:
        fail(f"The last layer's gradients are right but layer {bad[-1] + 1}'s are not {where}{detail}: look at "
             "how δ moves back one layer, δ^l = f'(Z^l) ⊙ (δ^(l+1) @ W^(l+1)).")
    fail(f"backprop is not right {where}: the gradients of layer(s) {', '.join(str(l + 1) for l in bad)} differ"
         f"{detail}. Re-read the three steps of section 4, starting at the output layer.")


def _backprop_pieces(activation_fn, dense_fn):
    pieces = []
    if activation_fn is not None:
        pieces.append(("activation_backward (exercise 2)", activation_backward, (activation_fn, ACTIVATION_NAMES)))
    if dense_fn is not None:
        pieces += [("dense_backward (exercise 3)", dense_backward_dW, (dense_fn,)),
                   ("dense_backward (exercise 3)", dense_backward_db, (dense_fn,)),
                   ("dense_backward (exercise 3)", dense_backward_dA_prev, (dense_fn,))]
    return pieces


@_exercise("Exercise 4b (backprop)")
def backprop_lectures(fn, activation_fn=None, dense_fn=None, cases=None, reveal=True):
    """Exercise 4b on the three lectures' networks (one sample each; ``cases`` may give other samples)."""
    pieces = _backprop_pieces(activation_fn, dense_fn)
    for case in cases or [network_case(net) for net in (LECTURE_000, LECTURE_002, LECTURE_003)]:
        _check_one_backprop(fn, case, reveal, pieces)
    return passed("backprop: the three lectures' networks right", reveal)


@_exercise("Exercise 4b (backprop)")
def backprop(fn, activation_fn=None, dense_fn=None, cases=None, reveal=True):
    """Exercise 4b on batches: several layers, a square network, softmax with cross-entropy."""
    pieces = _backprop_pieces(activation_fn, dense_fn)
    for case in cases or visible_network_cases():
        _check_one_backprop(fn, case, reveal, pieces)
    return passed("backprop: right on batches", reveal)


@_exercise("Exercise 4 (cost and backprop)")
def backprop_rules(fn, reveal=True):
    """Exercise 4's rule: your own backprop, not nnlib's network or gradient checker (stubs do not pass)."""
    call(fn, *network_case(LECTURE_000), name=getattr(fn, "__name__", "backprop"))
    check_own_code(fn, forbidden=("nnlib.network", "nnlib.gradcheck", "nnlib.graph", "nnlib.optim", "nnlib.train",
                                  "nnlib.losses"))  # follows the helpers it calls
    return passed(f"{getattr(fn, '__name__', 'backprop')}: your own code", reveal)


# ---------------------------------------------------------------------- exercise 5: gradient checking
NUMERICAL_CASES = [(cubic, np.array([1.0, -2.0, 0.5]), 1e-5), (cubic, np.array([[1.0, 2.0], [-1.0, 3.0]]), 1e-3),
                   (wavy, np.array([[0.3, -1.2, 2.0], [0.7, 0.0, -0.4]]), 1e-5)]


def _one_sided(f, x, eps):
    x = np.array(x, float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = x.copy()
        step[i] += eps
        grad[i] = (f(step) - f(x)) / eps
    return grad


NUMERICAL_MISTAKES = [
    (_one_sided, "That is a one-sided difference (f(x + ε) - f(x)) / ε, whose error shrinks only like ε; "
                 "use the central difference (f(x + ε) - f(x - ε)) / (2ε), whose error shrinks like ε²."),
    (lambda f, x, eps: 2 * gradcheck.numerical_gradient(f, x, eps),
     "Your values are twice too large: the central difference divides by 2ε, the distance between x - ε and x + ε."),
    (lambda f, x, eps: np.full(np.shape(x), (f(np.asarray(x) + eps) - f(np.asarray(x) - eps)) / (2 * eps)),
     "You moved every entry at once: change ONE entry x_i at a time (by ±ε), keeping the others, "
     "to get the partial derivative with respect to x_i."),
]


@_exercise("Exercise 5a (numerical_gradient)")
def numerical_gradient(fn, cases=None, reveal=True):
    """Exercise 5a: central differences, one entry at a time, input unchanged."""
    for f, x, eps in cases or NUMERICAL_CASES:
            _check_cases(fn, lambda f_, x_, e_: gradcheck.numerical_gradient(f_, x_, e_), [(f, x, eps)],
                     name=f"numerical_gradient(f, x, eps={eps:g})" if reveal else "numerical_gradient",
                     mistakes=NUMERICAL_MISTAKES, reveal=reveal,
                     hint="Re-read the central difference in section 7: one entry at a time, a result of x's shape.")
    return passed("numerical_gradient: right", reveal)


RELATIVE_CASES = [(np.array([1000.0, -2000.0, 500.0]), np.array([1000.5, -2000.0, 499.0])),
                  (np.array([[1e-6, 2e-6], [0.0, -3e-6]]), np.array([[1.1e-6, 2e-6], [0.0, -3e-6]])),
                  (np.zeros(3), np.zeros(3)),
                  (np.array([0.5, -1.0]), np.array([0.0, 0.0]))]
RELATIVE_MISTAKES = [
    (lambda a, b: np.max(np.abs(a - b)),
     "That is the absolute error max|a - b|; it depends on the size of the gradients. Divide by the "
     "largest |a_i| + |b_i|, so that the answer means the same for gradients of size 1e-6 or 1e3."),
    (lambda a, b: np.max(np.abs(a - b)) / np.max(np.abs(b)),
     "Divide by max(|a| + |b|), the size of BOTH arrays: then a zero reference is no problem and a and b play "
     "the same role."),
    (lambda a, b: np.mean(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-300),
     "Use the LARGEST difference max|a - b|, not the mean: one wrong entry must show."),
]


@_exercise("Exercise 5b (relative_error)")
def relative_error(fn, cases=None, reveal=True):
    """Exercise 5b: max|a - b| / max(max(|a| + |b|), tiny)."""
    for a, b in cases or RELATIVE_CASES:
        if not np.any(a) and not np.any(b):
            where = "for two arrays of zeros"
            result = call(fn, a.copy(), b.copy(), name="relative_error", where=where)
            value = as_array(result, "relative_error")
            if not np.all(np.isfinite(value)):
                fail("relative_error of two zero arrays returned nan or inf: keep the denominator above 0, "
                     "e.g. max(np.max(np.abs(a) + np.abs(b)), 1e-300). Two equal arrays have error 0.")
        _check_cases(fn, gradcheck.rel_error, [(a, b)], name="relative_error", mistakes=RELATIVE_MISTAKES,
                     reveal=reveal, hint="Re-read the formula of the relative error in section 7.")
    return passed("relative_error: right", reveal)


def _wrong_gradients(case, kind):
    """Gradients of a case with one deliberate error (data for the gradient-check tests)."""
    dWs, dbs = ref_backprop(*case)
    dWs, dbs = [g.copy() for g in dWs], [g.copy() for g in dbs]
    if kind == "first_W_doubled":
        dWs[0] = 2 * dWs[0]
    elif kind == "last_b_off":
        dbs[-1] = dbs[-1] + 0.5 * np.max(np.abs(dbs[-1])) + 0.1
    elif kind == "first_b_zero":
        dbs[0] = np.zeros_like(dbs[0])
    elif kind == "scaled_1e-3":
        dWs = [g * (1 + 1e-3) for g in dWs]
    return dWs, dbs


def gradient_check_cases():
    """(network case, gradients, what they are) for the visible gradient-check tests."""
    rng = np.random.default_rng(55)
    small = random_case(rng, [3, 4, 2], ["tanh", "sigmoid"], m=5)
    soft = random_case(rng, [2, 3, 3], ["sigmoid", "softmax"], m=4)
    # large weights and inputs: gradients in the thousands, so an absolute error of a relative
    # 1e-3 mistake is far above any tolerance, and of the right gradients still above 1e-6.
    big = random_case(rng, [2, 3, 1], ["linear", "linear"], m=3, scale=30.0)
    big = (big[0] * 10, big[1]) + big[2:]
    return [(small, ref_backprop(*small), "right"), (small, _wrong_gradients(small, "first_W_doubled"), "wrong"),
            (soft, _wrong_gradients(soft, "first_b_zero"), "wrong"), (soft, ref_backprop(*soft), "right"),
            (big, ref_backprop(*big), "right"), (big, _wrong_gradients(big, "scaled_1e-3"), "wrong"),
            (network_case(LECTURE_002), ref_backprop(*network_case(LECTURE_002)), "right"),
            (network_case(LECTURE_000), _wrong_gradients(network_case(LECTURE_000), "last_b_off"), "wrong")]


def _worst_error(case, grads, error_of):
    """The largest ``error_of(given, cost_at, start)`` over every W and b of the network in ``case``.

    ``cost_at(value)`` is the network's cost with that one parameter replaced by ``value``;
    ``start`` is the parameter's value; ``given`` the gradient being checked.
    """
    X, Y, Ws, bs, names, loss = case
    worst = 0.0
    for k in range(len(Ws)):
        for which, given in (("W", grads[0][k]), ("b", grads[1][k])):
            def cost_at(value, k=k, which=which):
                Ws_, bs_ = list(Ws), list(bs)
                (Ws_ if which == "W" else bs_)[k] = value
                return ref_cost(X, Y, Ws_, bs_, names, loss)
            worst = max(worst, error_of(given, cost_at, Ws[k] if which == "W" else bs[k]))
    return worst


def _one_sided_check(case, grads, eps=1e-5):
    """The gradient check with one-sided differences (to recognise it)."""
    return _worst_error(case, grads, lambda given, cost_at, start: gradcheck.rel_error(
        given, _one_sided(cost_at, start, eps)))


def _absolute_check(case, grads, eps=1e-5):
    """The gradient check with the absolute instead of the relative error (to recognise it)."""
    return _worst_error(case, grads, lambda given, cost_at, start: float(np.max(np.abs(
        given - gradcheck.numerical_gradient(cost_at, start, eps)))))


@_exercise("Exercise 5c (gradient_check)")
def gradient_check(fn, pieces=(), cases=None, reveal=True):
    """Exercise 5c: the largest relative error between given gradients and central differences of the cost.

    ``pieces`` is ``(cost, numerical_gradient, relative_error)`` (the student's), named first when
    one of them is broken.
    """
    cost_fn, numerical_fn, relative_fn = (tuple(pieces) + (None,) * 3)[:3]
    for case, grads, kind in cases or gradient_check_cases():
        X, Y, Ws, bs, names, loss = case
        sizes = [np.shape(Ws[0])[1]] + [np.shape(W)[0] for W in Ws]
        where = f"for the network {sizes} with {names} and {kind + ' ' if reveal else ''}gradients"
        args = _copy_case(case) + (copy.deepcopy(grads[0]), copy.deepcopy(grads[1]))
        result = call(fn, *args, name="gradient_check", where=where)
        if isinstance(result, np.ndarray) and result.size == 1:
            result = float(result.reshape(()))
        if np.ndim(result) != 0:
            fail(f"gradient_check must return one number, the largest relative error; it returned shape {np.shape(result)}.")
        result = float(result)
        expected = ref_gradient_check(*case, grads[0], grads[1])
        right = expected < GRAD_RTOL
        if right and 0.0 <= result < GRAD_RTOL:
            continue
        if not right and abs(result - expected) <= 1e-4 * expected:
            continue
        for label, check, piece in (("cost (exercise 4a)", cost, cost_fn),
                                    ("numerical_gradient (exercise 5a)", numerical_gradient, numerical_fn),
                                    ("relative_error (exercise 5b)", relative_error, relative_fn)):
            if piece is not None and not _passes(check, piece):
                fail(f"Fix {label} first: it does not pass its own tests yet, and gradient_check builds on it "
                     f"(gradient_check is not right {where}).")
        absolute = _absolute_check(case, grads)
        if abs(result - absolute) <= 1e-4 * max(absolute, 1e-12):
            fail("gradient_check reports the absolute error max|analytic - numerical|: use your relative_error, "
                 f"so the verdict does not depend on how large the gradients are. ({where})")
        one_sided = _one_sided_check(case, grads)
        if right and abs(result - one_sided) <= 0.05 * one_sided:
            fail("gradient_check uses a one-sided difference (C(θ + ε) - C(θ)) / ε: its error ~ε is too large to "
                 f"confirm right gradients. Use central differences (your numerical_gradient). ({where})")
        if right:
            fail(f"gradient_check reports {result:.3g} {where}, but these gradients are right (relative error "
                 f"below {GRAD_RTOL:g}). Compare each dW and db with central differences of cost, and return the "
                 "largest relative error.")
        fail(f"gradient_check {where} " + (f"returned {result:.3g}, expected {expected:.3g}" if reveal else "is not right")
             + ". Check EVERY parameter array, each W and each b of every layer, and return the largest "
             "relative error among them.")
    return passed("gradient_check: right", reveal)


@_exercise("Exercise 5d (your backprop, your gradient check)")
def own_backprop_passes(backprop_fn, gradient_check_fn, cases=None, reveal=True):
    """Exercise 5d: the student's gradient check passes the student's backprop."""
    rng = np.random.default_rng(99)
    base = [random_case(rng, [3, 4, 2], ["tanh", "sigmoid"], m=4),
            random_case(rng, [2, 5, 4, 3], ["sigmoid", "tanh", "softmax"], m=3),
            random_case(rng, [2, 3, 1], ["relu", "linear"], m=6)]
    for case in cases or base:
        sizes = [np.shape(case[2][0])[1]] + [np.shape(W)[0] for W in case[2]]
        where = f"for the network {sizes} with {case[4]}"
        grads = call(backprop_fn, *_copy_case(case), name="backprop", where=where)
        dWs, dbs = _read_backprop(grads, len(case[2]), where)
        error = call(gradient_check_fn, *_copy_case(case), dWs, dbs, name="gradient_check", where=where)
        error = float(np.asarray(error, dtype=float).reshape(()))
        if not (0.0 <= error < GRAD_RTOL):
            if not _grads_close((dWs, dbs), ref_backprop(*case)):
                fail(f"Fix exercise 4 (backprop) first: your gradient check rightly rejects it {where} "
                     f"(relative error {error:.3g}).")
            fail(f"Fix exercise 5c (gradient_check) first: your backprop is right {where}, but your gradient_check "
                 f"reports {error:.3g}.")
    return passed("your backprop passes your gradient check", reveal)


# ---------------------------------------------------------------------- exercise 6: one training step
def _update_too_early(X, Y, Ws, bs, names, loss, lr):
    """Each layer's weights updated as soon as its gradient is known, before the δ below is computed."""
    fs = [act.get_activation(n) for n in names]
    Ws, bs = [np.array(W, float) for W in Ws], [np.array(b, float) for b in bs]
    A, Zs, As = np.asarray(X, float), [], [np.asarray(X, float)]
    for W, b, (f, _) in zip(Ws, bs, fs):
        Z = A @ W.T + b
        A = f(Z)
        Zs.append(Z)
        As.append(A)
    m = len(A)
    delta = (A - Y) / m if loss == "cross_entropy" else (A - Y) / m * fs[-1][1](Zs[-1])
    for l in range(len(Ws) - 1, -1, -1):
        Ws[l] = Ws[l] - lr * delta.T @ As[l]
        bs[l] = bs[l] - lr * delta.sum(axis=0)
        if l > 0:
            delta = (delta @ Ws[l]) * fs[l - 1][1](Zs[l - 1])  # the NEW weights: wrong
    return Ws, bs


TRAIN_MISTAKES = [
    (_update_too_early,
     "You updated a layer's weights before computing the δ of the layer below, so that δ used the NEW "
     "weights. Compute every gradient from the old weights first, then update all of them."),
    (lambda X, Y, Ws, bs, n, loss, lr: ref_train_step(X, Y, Ws, bs, n, loss, -lr),
     "The weights moved uphill: gradient descent subtracts, W - lr * dW."),
]


@_exercise("Exercise 6 (train_step)")
def train_step(fn, backprop_fn=None, cases=None, reveal=True):
    """Exercise 6: one step of gradient descent with every gradient taken at the old weights.

    With ``backprop_fn`` (the student's), a wrong step on a case where backprop is wrong too is sent back
    to exercise 4.
    """
    rng = np.random.default_rng(66)
    base = [network_case(LECTURE_000) + (0.1,), network_case(LECTURE_002) + (0.1,),
            random_case(rng, [3, 3, 3, 2], ["tanh", "relu", "linear"], m=4) + (0.5,),
            random_case(rng, [2, 4, 3], ["sigmoid", "softmax"], m=5) + (1.0,)]
    for case in cases or base:
        X, Y, Ws, bs, names, loss, lr = case
        sizes = [np.shape(Ws[0])[1]] + [np.shape(W)[0] for W in Ws]
        where = f"for the network {sizes} with {names}, loss {loss!r}" + (f", lr = {lr:g}" if reveal else "")
        given = _copy_case(case)
        result = call(fn, *given, name="train_step", where=where)
        _unchanged(case, given, "train_step", where)
        _pair_or_fail(result, "train_step", 2, "the pair (new_Ws, new_bs)")
        new_Ws = [as_array(v, "train_step") for v in _layers(result[0], len(Ws), "train_step", "new_Ws")]
        new_bs = [as_array(v, "train_step") for v in _layers(result[1], len(Ws), "train_step", "new_bs")]
        for l, (b_new, b) in enumerate(zip(new_bs, bs)):
            if b_new.shape != np.shape(b):
                extra = (" A (N, N) bias comes from subtracting a db of shape (N, 1) from b of shape (N,): "
                         "broadcasting (n,) against (n, 1). Keep db 1-D." if b_new.ndim == 2 else "")
                fail(f"new_bs[{l}] has shape {b_new.shape} {where}; it must keep b's shape {np.shape(b)}.{extra}")
        for l, (W_new, W) in enumerate(zip(new_Ws, Ws)):
            check_shape(W_new, np.shape(W), f"new_Ws[{l}] from train_step")
        expected = ref_train_step(*case)
        got = (new_Ws, new_bs)
        if _grads_close(got, expected):
            continue
        for wrong, advice in TRAIN_MISTAKES:
            if _grads_close(got, wrong(*_copy_case(case))):
                fail(f"{advice} (train_step {where})")
        if backprop_fn is not None:
            try:
                right_backprop = _grads_close(_read_backprop(_quietly(backprop_fn, *_copy_case(case)[:6]),
                                                             len(Ws), where), ref_backprop(*case[:6]))
            except Exception:
                right_backprop = False
            if not right_backprop:
                fail(f"Fix exercise 4 (backprop) first: train_step takes its gradients, and backprop is not right "
                     f"{where}.")
        if all(close(W_new, W) for W_new, W in zip(new_Ws, Ws)):
            fail(f"train_step returned the old weights {where}: subtract lr times each gradient.")
        fail(f"train_step is not right {where}. Re-read section 8: every gradient from backprop at the given "
             "weights, then each W - lr * dW and b - lr * db.")
    return passed("train_step: right", reveal)


# ---------------------------------------------------------------------- exercise 7: the lectures' numbers
def exact_lecture_numbers():
    """The lectures' numbers at full precision, from nnlib's reference (for the tests and the notebook)."""
    out = {}
    dWs, dbs = ref_backprop(*network_case(LECTURE_000))
    new_Ws, _ = ref_train_step(*network_case(LECTURE_000), LECTURE_000["lr"])
    out["000"] = {"output": float(_forward(LECTURE_000["X"], LECTURE_000["Ws"], LECTURE_000["bs"],
                                           LECTURE_000["activations"])[0, 0]),
                  "deltas": np.array([dbs[0][0], dbs[0][1], dbs[1][0]]), "new_Ws": new_Ws}
    dWs, _ = ref_backprop(*network_case(LECTURE_002))
    new_Ws, _ = ref_train_step(*network_case(LECTURE_002), LECTURE_002["lr"])
    out["002"] = {"grad_w7": dWs[1][0, 0], "new_w7": new_Ws[1][0, 0], "grad_w1": dWs[0][0, 0],
                  "new_w1": new_Ws[0][0, 0], "new_w2": new_Ws[0][1, 0], "new_w6": new_Ws[0][2, 1],
                  "new_w8": new_Ws[1][0, 1], "new_w9": new_Ws[1][0, 2]}
    dWs, _ = ref_backprop(*network_case(LECTURE_003))
    out["003"] = {"loss": ref_cost(*network_case(LECTURE_003)), "grad_w1_21": dWs[0][1, 0]}
    return out


#: What the slides printed (rounded, some from rounded intermediates).
SLIDE_NUMBERS = {
    "000": {"output": 10.0, "deltas": np.array([20.0, 0.0, 10.0]),
            "new_Ws": [np.array([[0.0, -1.0], [1.0, 4.0]]), np.array([[-3.0, -1.0]])]},
    "002": {"grad_w7": -0.0127, "new_w7": 0.40127, "grad_w1": -5.097e-6, "new_w1": 0.20000051,
            "new_w2": 0.60002253753, "new_w6": 0.70001443866, "new_w8": 0.50125, "new_w9": 0.90127325094},
    "003": {"loss": 0.4076, "grad_w1_21": 0.5795},
}


def _lecture_value(numbers, key, lecture):
    name = f"lecture_{lecture}_numbers()"
    if not isinstance(numbers, dict):
        fail(f"{name} must return a dict with the keys {', '.join(SLIDE_NUMBERS[lecture])}; "
             f"it returned {type(numbers).__name__}.")
    if key not in numbers:
        fail(f"{name} has no key {key!r}: fill in every key of the dict.")
    value = numbers[key]
    if value is None or value is Ellipsis:
        fail(f"{name}[{key!r}] is not filled in yet: compute it with your functions.")
    if key == "new_Ws":
        return _layers(value, 2, name, "'new_Ws'")
    return as_array(value, f"{name}[{key!r}]")


def lecture_numbers(fn, lecture, keys=None, backprop_fn=None, reveal=True):
    """Exercise 7: the numbers of one lecture's exercise, computed with the student's functions.

    With ``backprop_fn``, a wrong number caused by a wrong backprop is sent back to exercise 4.
    """
    return _exercise(f"Exercise 7 (lecture_{lecture}_numbers)")(_lecture_numbers)(fn, lecture, keys, backprop_fn,
                                                                                 reveal)


def _lecture_numbers(fn, lecture, keys, backprop_fn, reveal):
    numbers = call(fn, name=f"lecture_{lecture}_numbers")
    exact, slide = exact_lecture_numbers()[lecture], SLIDE_NUMBERS[lecture]
    for key in keys or exact:
        value = _lecture_value(numbers, key, lecture)
        pairs = zip(value, exact[key]) if key == "new_Ws" else [(value, exact[key])]
        for k, (got, want) in enumerate(pairs):
            got = as_array(got, f"lecture_{lecture}_numbers()[{key!r}]")
            if np.ndim(want) == 0 and got.size == 1:
                got = got.reshape(())
            label = f"lecture_{lecture}_numbers()[{key!r}]" + (f"[{k}]" if key == "new_Ws" else "")
            if close(got, want):
                continue
            rounded = slide[key][k] if key == "new_Ws" else slide[key]
            if np.shape(got) == np.shape(rounded) and close(got, rounded):
                fail(f"{label} is the slide's rounded value {describe(np.asarray(rounded, float))}; compute it "
                     "with your functions at full precision (the notebook explains where the slide rounded).")
            if lecture == "000" and key == "deltas" and np.shape(got) == (3,) and close(got, [-30.0, 0.0, 10.0]):
                fail(f"{label}: δ3 = -30 comes from the UPDATED w35 = -3; every δ uses the old weights "
                     "(δ3 = δ5 · w35 · F'(x3) with w35 = 2).")
            if backprop_fn is not None:
                _require_right_backprop(backprop_fn, lecture)
            check_close(got, want, label, hint="Compute it with your backprop and train_step on the lecture's "
                                                "network (LECTURE_000, LECTURE_002, LECTURE_003).")
    return passed(f"lecture {lecture}'s numbers, exact", reveal)


def _require_right_backprop(backprop_fn, lecture):
    net = {"000": LECTURE_000, "002": LECTURE_002, "003": LECTURE_003}[lecture]
    case = network_case(net)
    grads = call(backprop_fn, *_copy_case(case), name="backprop", where=f"on lecture {lecture}'s network")
    dWs, dbs = _read_backprop(grads, 2, f"on lecture {lecture}'s network")
    if not _grads_close((dWs, dbs), ref_backprop(*case)):
        fail(f"Fix exercise 4 (backprop) first: lecture {lecture}'s numbers come from it, and it is not right on "
             "that network.")


def lecture_numbers_match_own_code(fn, lecture, backprop_fn):
    """Hidden part of exercise 7: the student's own backprop gives these numbers too (pieces first)."""
    _exercise(f"Exercise 7 (lecture_{lecture}_numbers)")(_require_right_backprop)(backprop_fn, lecture)
    return lecture_numbers(fn, lecture, reveal=False)
