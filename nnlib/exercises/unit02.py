"""Checks behind unit 02's test cells (perceptrons and the XOR problem).

Each public function checks one grade cell's idea, e.g. ``check.perceptron_output_batch(perceptron_output)``,
prints one line when it passes and raises :class:`nnlib.checks.CheckFailed` with advice when it does
not. Hidden cases come from the grade cell: ``cases=..., reveal=False``.

How a failure is worded (the course's feedback pattern):

- an untouched stub is told only that it is not written yet;
- a function that builds on earlier exercises first has those checked; if one it uses (directly or
  through a helper) is wrong and the function's output is wrong too, it is told to fix that
  exercise first, and no mistake is guessed;
- a recognised mistake gets its name and the fix first; otherwise the message points to the idea
  to re-read, without the formula.

The generic helpers (:func:`~nnlib.exercises.common.compare` and the others) live in
:mod:`nnlib.exercises.common`.
"""
import functools

import numpy as np

from nnlib.checks import CheckFailed, check_type, fail
from nnlib.exercises.common import (compare, exercise, part_of, passed, pieces_advice, quietly, require_tuple,
                                    require_written, same)
from nnlib.tolerance import ATOL

# ---------------------------------------------------------------------------------- exercise 1

def _z(X, w, b):
    return np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + b


def _reference_output(X, w, b):
    return (_z(X, w, b) > 0).astype(int)


OUTPUT_MISTAKES = [
    (lambda X, w, b: (_z(X, w, b) >= 0).astype(int),
     "When w.x + b is exactly 0 the perceptron outputs 0: use a strict `> 0`, not `>= 0`."),
    (lambda X, w, b: _z(X, w, b),
     "You returned the weighted sum z itself; the output is 1 where z > 0 and 0 elsewhere."),
    (lambda X, w, b: (_z(X, w, 0.0) > 0).astype(int), "The bias is missing: compare w.x + b, not w.x, with 0."),
    (lambda X, w, b: np.sign(_z(X, w, b)), "np.sign gives -1 for a negative sum; the perceptron outputs 0 there."),
    (lambda X, w, b: 1 / (1 + np.exp(-_z(X, w, b))), "That is a sigmoid neuron; a perceptron outputs a hard 0 or 1."),
    (lambda X, w, b: (np.asarray(X, dtype=float) @ np.asarray(w, dtype=float).reshape(-1, 1) + b > 0).astype(int),
     "Return one value per sample, shape (n_samples,), not a column of shape (n_samples, 1)."),
]
ROWS_ADVICE = ("A batch X holds one sample per row and w one weight per feature: check which axes your "
               "product combines.")


def _zero_one_numbers(result, batch):
    """Fail unless ``result`` is what the docstring promises: the numbers 0 and 1, an ndarray for a batch."""
    check_type(result, "perceptron_output", returns="numbers" if batch else None)
    if isinstance(result, (bool, np.bool_)):  # one input: a Python or numpy bool is not the number 0 or 1
        check_type(np.asarray(result), "perceptron_output", returns="numbers")


def _single_cases():
    X_gate = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    # w = (1, 1), b = -1 puts (0, 1) and (1, 0) exactly on the line: the strict > 0 matters there.
    weights = ((np.array([1.0, 1.0]), -1.5), (np.array([1.0, 1.0]), -1.0), (np.array([-2.0, 0.5]), 0.25))
    return [(x, w, b) for w, b in weights for x in X_gate]


def _output_single(perceptron_output, cases=None, reveal=True):
    cases = _single_cases() if cases is None else cases
    require_written(perceptron_output, cases[0])
    compare(perceptron_output, _reference_output, cases, "perceptron_output", mistakes=OUTPUT_MISTAKES,
            hint="Re-read the rule in section 2: when is the output 1, when 0, and what happens when w.x + b is "
                 "exactly 0?", reveal=reveal)
    for case in cases:
        _zero_one_numbers(quietly(perceptron_output, *case), batch=False)


@exercise("Exercise 1 (perceptron_output)")
def perceptron_output_single(perceptron_output, cases=None, reveal=True):
    """Exercise 1 on single inputs: ``cases`` of ``(x, w, b)`` (default: truth-table rows, ties included)."""
    _output_single(perceptron_output, cases, reveal)
    passed("perceptron_output: right on single inputs, ties included")


@exercise("Exercise 1 (perceptron_output)")
def perceptron_output_batch(perceptron_output, cases=None, reveal=True):
    """Exercise 1 on batches: ``cases`` of ``(X, w, b)``; one 0/1 number per row, shape (n_samples,)."""
    visible = cases is None
    if visible:
        X_gate = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        cases = [(X_gate, np.array([1.0, 1.0]), -1.5), (X_gate, np.array([1.0, 1.0]), -1.0),
                 (np.array([[2.0, -1.0, 0.5], [0.0, 1.0, 3.0]]), np.array([1.0, 2.0, -1.0]), 0.25)]
    require_written(perceptron_output, cases[0])
    if visible:
        compare(perceptron_output, _reference_output, [(np.array([[1.0, 1.0]]), np.array([1.0, 1.0]), -1.5)],
                "perceptron_output", mistakes=OUTPUT_MISTAKES, error_hint=ROWS_ADVICE, hint=ROWS_ADVICE,
                shape_hint="For a batch of one, X of shape (1, n_features), return shape (1,): keep the batch axis.")
    compare(perceptron_output, _reference_output, cases, "perceptron_output", mistakes=OUTPUT_MISTAKES,
            hint=ROWS_ADVICE, error_hint=ROWS_ADVICE, reveal=reveal)
    for case in cases:
        _zero_one_numbers(quietly(perceptron_output, *case), batch=True)
    passed("perceptron_output: right on batches")


# ---------------------------------------------------------------------------------- exercise 2

GATES = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1]}
GATE_IDEA = {"and": "only (1, 1) may give a positive sum w.x + b",
             "or": "only (0, 0) may give a sum w.x + b of 0 or less"}


@exercise("Exercise 2 (weights for AND and OR)")
def gate_weights(w, b, gate):
    """Exercise 2: do the weights ``w`` and bias ``b`` make the perceptron compute ``gate`` ("and" or "or")?"""
    X_gate = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    wanted = np.array(GATES[gate])
    names = f"w_{gate} and b_{gate}"
    try:
        w_array, b_array = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        fail(f"{names} must be numbers: w_{gate} an array of 2 numbers, b_{gate} one number.")
    if w_array.shape != (2,):
        fail(f"w_{gate} has shape {w_array.shape}; it holds one weight per input: an array of 2 numbers "
             "(the bias goes in b).")
    if b_array.size != 1:
        fail(f"b_{gate} has shape {b_array.shape}: the bias is one number.")
    bias = float(b_array.reshape(-1)[0])
    if not (np.all(np.isfinite(w_array)) and np.isfinite(bias)):
        fail(f"{names} hold nan or inf: use ordinary numbers.")
    if not np.any(w_array) and bias == 0.0:
        fail(f"{names} are not set yet: replace the zeros with your own weights and bias.")
    z = X_gate @ w_array + bias
    out = (z > 0).astype(int)
    rows = [tuple(int(v) for v in X_gate[i]) for i in range(4) if out[i] != wanted[i]]
    if rows:
        fail(f"For {gate.upper()}, {GATE_IDEA[gate]}: your perceptron is wrong on {rows}. With w_{gate} = "
             f"{w_array.tolist()} and b_{gate} = {bias} it outputs {out.tolist()} on the rows (0,0), (0,1), (1,0), "
             f"(1,1); {gate.upper()} needs {wanted.tolist()}. Work out w.x + b on each row.")
    on_line = [tuple(int(v) for v in X_gate[i]) for i in range(4) if abs(z[i]) <= ATOL]
    if on_line:
        fail(f"Your {gate.upper()} weights put the row(s) {on_line} exactly on the decision line (w.x + b = 0), "
             "so the answer depends on the tie rule. Shift the bias so that the line passes between the points.")
    passed(f"w_{gate}, b_{gate} compute {gate.upper()}")


# ---------------------------------------------------------------------------------- exercise 3

def _predicted(x, w, b):
    return float(_z(x, w, b) > 0)


def _reference_update(x, y, w, b, lr):
    error = y - _predicted(x, w, b)
    return np.asarray(w, dtype=float) + lr * error * np.asarray(x, dtype=float), b + lr * error


W_MISTAKES = [
    (lambda x, y, w, b, lr: w + lr * (_predicted(x, w, b) - y) * x,
     "The correction has the wrong sign: add lr * (y - y_hat) * x (target minus prediction)."),
    (lambda x, y, w, b, lr: w + (y - _predicted(x, w, b)) * x, "The learning rate lr is not used."),
    (lambda x, y, w, b, lr: w + lr * (y - _z(x, w, b)) * x,
     "Use the perceptron's 0/1 output y_hat in y - y_hat, not the weighted sum z."),
    (lambda x, y, w, b, lr: w + lr * y * x,
     "The factor is (y - y_hat), not y: the correction is lr * (y - y_hat) * x, so a correctly classified "
     "sample must change nothing."),
    (lambda x, y, w, b, lr: w + lr * (2 * y - 1) * x,
     "Correct only on mistakes: a correctly classified sample must change nothing (there y - y_hat is 0)."),
]
B_MISTAKES = [
    (lambda x, y, w, b, lr: b, "The bias must be corrected too: b + lr * (y - y_hat)."),
    (lambda x, y, w, b, lr: b + lr * (_predicted(x, w, b) - y),
     "The bias correction has the wrong sign: add lr * (y - y_hat)."),
    (lambda x, y, w, b, lr: b + (y - _predicted(x, w, b)), "The learning rate lr is not used for the bias."),
    (lambda x, y, w, b, lr: b + lr * y, "The bias correction is lr * (y - y_hat): the factor is (y - y_hat), not y."),
]
UPDATE_IDEA = ("Re-read the perceptron rule in section 4: what is the factor when the prediction is right, and when "
               "it is wrong in each direction? Both w and b are corrected, and lr sets the size of the step.")


def _output_piece(perceptron_output):
    return [(perceptron_output, _output_single, "exercise 1 (perceptron_output)")]


def _check_update(perceptron_update, perceptron_output, cases, reveal, keep_hint=""):
    require_written(perceptron_update, cases[0])
    broken = pieces_advice("perceptron_update", _output_piece(perceptron_output), perceptron_update)
    for index, name in ((0, "w"), (1, "b")):
        label = f"the new {name} from perceptron_update"
        compare(part_of(perceptron_update, index, "perceptron_update"),
                lambda *a, index=index: _reference_update(*a)[index], cases, label,
                mistakes=W_MISTAKES if index == 0 else B_MISTAKES,
                hint=keep_hint.format(name=name) or UPDATE_IDEA, reveal=reveal, broken=broken)


def _structure(perceptron_update):
    require_tuple(perceptron_update, (np.array([1.0, 1.0]), 1, np.zeros(2), 0.0, 1.0), 2, "the pair (w_new, b_new)")


def _update_step_cases():
    # said 0, should be 1: w grows by lr * x; said 1, should be 0: w shrinks by lr * x
    return [(np.array([1.0, 1.0]), 1, np.array([0.0, 0.0]), 0.0, 1.0),
            (np.array([0.0, 1.0]), 0, np.array([1.0, 1.0]), 0.5, 1.0),
            (np.array([2.0, 1.0, 1.0]), 1, np.array([0.5, -1.0, 2.0]), -3.0, 0.25)]


def _update_keep_cases():
    return [(np.array([1.0, 1.0]), 1, np.array([1.0, 1.0]), -1.5, 1.0),
            (np.array([0.0, 1.0]), 0, np.array([1.0, 1.0]), -1.5, 0.5),
            (np.array([1.0, 1.0, 1.0]), 1, np.array([2.0, -1.0, 0.5]), 0.0, 0.1),
            (np.array([1.0, -1.0]), 0, np.array([1.0, 1.0]), 0.5, 1.0)]   # a correction, inputs unchanged


def _update_step(perceptron_update, perceptron_output=None, cases=None, reveal=True):
    cases = _update_step_cases() if cases is None else cases
    require_written(perceptron_update, cases[0])
    _structure(perceptron_update)
    _check_update(perceptron_update, perceptron_output, cases, reveal)


def _update_pure(perceptron_update, perceptron_output=None, cases=None, reveal=True):
    cases = _update_keep_cases() if cases is None else cases
    require_written(perceptron_update, cases[0])
    _structure(perceptron_update)
    _check_update(perceptron_update, perceptron_output, cases, reveal,
                  keep_hint="A correctly classified sample must leave {name} unchanged.")


@exercise("Exercise 3a (perceptron_update)")
def perceptron_update_step(perceptron_update, perceptron_output, cases=None, reveal=True):
    """Exercise 3a on misclassified samples: ``cases`` of ``(x, y, w, b, lr)``."""
    _update_step(perceptron_update, perceptron_output, cases, reveal)
    passed("perceptron_update: corrections right")


@exercise("Exercise 3a (perceptron_update)")
def perceptron_update_pure(perceptron_update, perceptron_output, cases=None, reveal=True):
    """Exercise 3a on correctly classified samples (nothing moves) and on the caller's arrays (never changed)."""
    _update_pure(perceptron_update, perceptron_output, cases, reveal)
    passed("perceptron_update: leaves right answers and your arrays alone")


def _train(X, y, lr, max_epochs, stop=True, record_last=True, cumulative=False, count_at_end=False, lr_used=True):
    """The perceptron training loop, or one of its typical variants (for recognising mistakes)."""
    X = np.asarray(X, dtype=float)
    lr = lr if lr_used else 1.0
    w, b, errors, total = np.zeros(X.shape[1]), 0.0, [], 0
    for _ in range(max_epochs):
        count = 0
        for x, target in zip(X, y):
            error = target - _predicted(x, w, b)
            count += int(error != 0)
            w, b = w + lr * error * x, b + lr * error
        if count_at_end:
            count = int(sum(_predicted(x, w, b) != t for x, t in zip(X, y)))
        total += count
        if count == 0 and stop:
            if record_last:
                errors.append(total if cumulative else 0)
            break
        errors.append(total if cumulative else count)
    return w, b, errors


TRAIN_MISTAKES = [
    (lambda *a: _train(*a, stop=False)[2], "Stop after the first epoch with no mistake."),
    (lambda *a: _train(*a, record_last=False)[2],
     "Record the last epoch's 0 mistakes before stopping: errors should end with 0."),
    (lambda *a: _train(*a, cumulative=True)[2], "Reset the mistake count to 0 at the start of every epoch."),
    (lambda *a: _train(*a, cumulative=True, stop=False)[2], "Reset the mistake count to 0 at the start of every epoch."),
    (lambda *a: _train(*a, count_at_end=True)[2],
     "Count the mistakes made while visiting the samples, before each update (not with the weights at the "
     "end of the epoch)."),
]
PARAMETER_MISTAKES = [
    (lambda *a, part: _train(*a, lr_used=False)[part],
     "The learning rate lr is not used: pass it to perceptron_update, which scales every correction by it."),
]
TRAIN_IDEA = ("Start from w = 0, b = 0, visit the rows in order, count a mistake whenever the prediction "
              "differs from the target, and stop after an epoch with none.")


def _train_pieces(perceptron_update, perceptron_output):
    return _output_piece(perceptron_output) + [
        (perceptron_update, lambda fn: _update_step(fn, perceptron_output), "exercise 3a (perceptron_update)"),
        (perceptron_update, lambda fn: _update_pure(fn, perceptron_output), "exercise 3a (perceptron_update)")]


def _triple(train_perceptron, args):
    require_tuple(train_perceptron, args, 3, "the triple (w, b, errors)")


def _errors_of(train_perceptron):
    def errors(*args):
        return np.asarray(train_perceptron(*args)[2], dtype=float)
    errors.__name__ = "train_perceptron"
    return errors


@exercise("Exercise 3b (train_perceptron)")
def train_perceptron_converges(train_perceptron, perceptron_update, perceptron_output, cases=None, reveal=True):
    """Exercise 3b on separable data: ``cases`` of ``(X, y, lr, max_epochs)`` (default AND and OR)."""
    if cases is None:
        gates = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        cases = [(gates, np.array([0, 0, 0, 1]), 1.0, 100), (gates, np.array([0, 1, 1, 1]), 1.0, 100),
                 (gates, np.array([0, 1, 1, 1]), 0.5, 100)]   # lr scales the weights, not the mistakes
    require_written(train_perceptron, cases[0])
    broken = pieces_advice("train_perceptron", _train_pieces(perceptron_update, perceptron_output), train_perceptron)
    for case in cases:
        try:
            _triple(train_perceptron, case)
        except CheckFailed:
            if broken:
                fail(broken)
            raise
    compare(_errors_of(train_perceptron), lambda *a: np.asarray(_train(*a)[2], dtype=float), cases,
            "errors from train_perceptron", mistakes=TRAIN_MISTAKES, hint=TRAIN_IDEA, reveal=reveal, broken=broken)
    for index, name in ((0, "w"), (1, "b")):
        compare(lambda *a, index=index: train_perceptron(*a)[index], lambda *a, index=index: _train(*a)[index],
                cases, f"{name} from train_perceptron", hint="Follow the rule exactly: s" + TRAIN_IDEA[1:],
                mistakes=[(functools.partial(wrong, part=index), advice) for wrong, advice in PARAMETER_MISTAKES],
                reveal=reveal, broken=broken)
    passed("train_perceptron: converges on separable data as expected")


@exercise("Exercise 3b (train_perceptron)")
def train_perceptron_xor(train_perceptron, perceptron_update, perceptron_output, cases=None, reveal=True):
    """Exercise 3b on XOR, which never converges: ``cases`` of ``(lr, max_epochs)`` (default lr 1, 10 epochs)."""
    X_xor, y_xor = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0, 1, 1, 0])
    cases = [(X_xor, y_xor, lr, epochs) for lr, epochs in ([(1.0, 10)] if cases is None else cases)]
    require_written(train_perceptron, cases[0])
    broken = pieces_advice("train_perceptron", _train_pieces(perceptron_update, perceptron_output), train_perceptron)
    for case in cases:
        max_epochs = case[3]
        expected = np.asarray(_train(*case)[2], dtype=float)
        try:
            _triple(train_perceptron, case)
            errors = np.asarray(quietly(train_perceptron, *case)[2], dtype=float).reshape(-1)
        except CheckFailed:
            if broken:
                fail(broken)
            raise
        except Exception:  # reported with its hint by compare below
            errors = None
        if broken and (errors is None or not same(errors, expected)):
            fail(broken)
        if errors is not None and len(errors) != max_epochs:
            ran = f"{len(errors)} epochs for max_epochs = {max_epochs}" if reveal else "a different number of epochs than max_epochs"
            if len(errors) > max_epochs:
                advice = "The loop ran more epochs than max_epochs: it must end after max_epochs epochs."
            elif np.any(errors == 0):
                advice = ("An epoch without mistakes is impossible on XOR: count one mistake for each sample "
                          "the perceptron gets wrong when it visits it.")
            elif len(errors) == max_epochs - 1:
                advice = "Run exactly max_epochs epochs, not one fewer."
            else:
                advice = ("Every epoch on XOR has mistakes, so training must go on until max_epochs: stop "
                          "early only after an epoch with no mistake.")
            fail(f"{advice} (errors from train_perceptron on XOR has {ran}.)")
        compare(_errors_of(train_perceptron), lambda *a: expected, [case], "errors from train_perceptron on XOR",
                mistakes=TRAIN_MISTAKES[4:], hint=TRAIN_IDEA, reveal=reveal)
    passed("train_perceptron: stops after max_epochs on XOR")


# ---------------------------------------------------------------------------------- exercise 4

def _reference_xor(X, W, b, U):
    H = np.maximum(0.0, np.asarray(X, dtype=float) @ np.asarray(W, dtype=float).T + b)
    return H, H @ np.asarray(U, dtype=float)


UNTRANSPOSED = ("W is used untransposed: row j of W holds the weights into hidden unit j, so "
                "H = ReLU(X W^T + b), in numpy X @ W.T + b.")
HIDDEN_MISTAKES = [
    (lambda X, W, b, U: np.asarray(X, dtype=float) @ W.T + b,
     "Apply the ReLU to the hidden layer: H = max(0, X W^T + b)."),
    (lambda X, W, b, U: np.maximum(0, np.asarray(X, dtype=float) @ W.T - b), "Add the bias, do not subtract it."),
    (lambda X, W, b, U: np.maximum(0, np.asarray(X, dtype=float) @ W.T), "The hidden bias b is missing."),
    (lambda X, W, b, U: np.maximum(0, np.asarray(X, dtype=float) @ W + b), UNTRANSPOSED),
]
OUTPUT_Y_MISTAKES = [
    (lambda X, W, b, U: (np.asarray(X, dtype=float) @ W.T + b) @ U,
     "Apply the ReLU to the hidden layer before the output unit."),
    (lambda X, W, b, U: np.maximum(0, np.asarray(X, dtype=float) @ W.T) @ U, "The hidden bias b is missing."),
    (lambda X, W, b, U: np.maximum(0, np.asarray(X, dtype=float) @ W + b) @ U, UNTRANSPOSED),
    (lambda X, W, b, U: np.maximum(0, _reference_xor(X, W, b, U)[1]),
     "The output unit is linear: y = H U, without a ReLU."),
]
# A function that used W untransposed returns the right answer when it is handed W.T.
TRANSPOSE_PROBE = [(lambda args: (args[0], np.asarray(args[1]).T) + tuple(args[2:]), UNTRANSPOSED)]
XOR_SHAPES = ("W has shape (n_hidden, n_inputs), one row per hidden unit, and U one weight per hidden unit: "
              "check which axes your products combine.")


def _check_xor(xor_forward, cases, reveal, shape_hint="", error_hint=XOR_SHAPES):
    require_written(xor_forward, cases[0])
    require_tuple(xor_forward, cases[0], 2, "the pair (H, y)")
    compare(part_of(xor_forward, 0, "xor_forward"), lambda *a: _reference_xor(*a)[0], cases, "H from xor_forward",
            mistakes=HIDDEN_MISTAKES, probes=TRANSPOSE_PROBE, hint="Check the hidden layer: each hidden unit takes "
            "the weighted sum of the inputs with its own row of W, adds its bias, then the ReLU.",
            shape_hint=shape_hint, error_hint=error_hint, reveal=reveal)
    compare(part_of(xor_forward, 1, "xor_forward"), lambda *a: _reference_xor(*a)[1], cases, "y from xor_forward",
            mistakes=OUTPUT_Y_MISTAKES, probes=TRANSPOSE_PROBE,
            hint="Check the output unit: it is linear, one weight of U per hidden unit.",
            shape_hint=shape_hint, error_hint=error_hint, reveal=reveal)


@exercise("Exercise 4 (xor_forward)")
def xor_forward_table(xor_forward, cases=None, reveal=True):
    """Exercise 4 on the four XOR inputs: the weights of lecture 001, and a W that is not symmetric."""
    if cases is None:
        X_xor = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        cases = [(X_xor, np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]), np.array([1.0, -2.0])),
                 # row j = weights into hidden unit j; W != W.T, so a missing transpose shows
                 (X_xor, np.array([[1.0, 2.0], [-1.0, 0.5]]), np.array([0.0, 0.5]), np.array([1.0, -1.0]))]
    _check_xor(xor_forward, cases, reveal)
    passed("xor_forward: the table of lecture 001 is reproduced, and a W that is not symmetric is used right")


@exercise("Exercise 4 (xor_forward)")
def xor_forward_shapes(xor_forward, cases=None, reveal=True):
    """Exercise 4's shapes: a single input, a batch of one, and layer sizes other than 2-2-1."""
    squeeze = "For a batch of one, X of shape (1, n_inputs), keep the batch axis: do not squeeze."
    W_l, b_l, U_l = np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]), np.array([1.0, -2.0])
    if cases is None:
        _check_xor(xor_forward, [(np.array([1.0, 1.0]), W_l, b_l, U_l)], reveal,
                   shape_hint="For one input of shape (n_inputs,), H has shape (n_hidden,) and y is a single number.")
        _check_xor(xor_forward, [(np.array([[0.0, 1.0]]), W_l, b_l, U_l)], reveal, shape_hint=squeeze)
        cases = [(np.array([[1.0, 0.0], [0.5, 2.0], [-1.0, 1.0]]),        # 3 samples, 2 inputs, 4 hidden units
                  np.array([[1.0, -1.0], [0.5, 2.0], [-2.0, 1.0], [1.0, 1.0]]),
                  np.array([0.0, -1.0, 0.5, -0.5]), np.array([1.0, -2.0, 0.5, 1.0]))]
    _check_xor(xor_forward, cases, reveal)
    passed("xor_forward: shapes right")
