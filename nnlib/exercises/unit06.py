r"""Checks behind unit 06's test cells (training neural networks).

Each public function is one short call in a grade cell, e.g. ``check.sgd_values(sgd_step)``. It
holds the visible cases, the reference (nnlib's optimisers and training loop, or the formula
written out) and the catalogue of typical mistakes with the advice each one gets. Hidden tests
pass their own cases with ``reveal=False``; then no input value or expected value is printed.

The student's functions receive only data (arrays, numbers, lists and dicts of those) and nnlib
objects (an :class:`nnlib.network.MLP`, an nnlib optimiser's ``step``).
"""
import copy
import functools
import inspect

import numpy as np

from nnlib import datasets, losses
from nnlib.checks import as_array, call, check_close, check_own_code, exercise, fail
from nnlib.network import MLP
from nnlib.optim import SGD, Adam, Momentum
from nnlib.tolerance import close, max_error

__all__ = [
    "sgd_values", "sgd_new_arrays", "momentum_one_step", "momentum_sequence",
    "adam_first_step", "adam_sequence", "adam_extremes", "optimisers_own_code",
    "train_loop_history", "train_loop_validation", "train_loop_own_code", "classifiers_own_code",
    "units_identical_values", "symmetry_after_training",
    "l2_values", "dropout_training", "dropout_evaluation",
    "moons_threshold", "digits_threshold", "reference_loop",
    "MOONS_THRESHOLD", "DIGITS_THRESHOLD",
]

#: Held-out accuracy the two classifiers of exercise 7 must reach.
MOONS_THRESHOLD = 0.92
DIGITS_THRESHOLD = 0.95


# ------------------------------------------------------------------------ shared helpers
def _arrays(values):
    return [np.array(v, dtype=float) for v in values]


def _as_list(result, length, name, where):
    """The student's list of arrays, checked for type and length."""
    if result is None:
        fail(f"{name} returned None {where}: did you forget the `return` statement?")
    if isinstance(result, np.ndarray) or not isinstance(result, (list, tuple)):
        fail(f"{name} must return a list with one array per parameter {where}; it returned "
             f"{type(result).__name__}.")
    if len(result) != length:
        fail(f"{name} returned {len(result)} arrays {where}, expected {length}: one per parameter, "
             "in the order of params.")
    return [as_array(r, name) for r in result]


def _compare_lists(actual, expected, name, where, hint="", reveal=True):
    for i, (a, e) in enumerate(zip(actual, expected)):
        check_close(a, e, f"{name}[{i}] {where}", hint=hint, reveal=reveal)


def _same_lists(first, second):
    try:
        return len(first) == len(second) and all(close(a, b) for a, b in zip(first, second))
    except Exception:
        return False


def _unchanged(before, after, name, what, where):
    """Fail when a list of arrays (or a state dict) was written into by the student's function."""
    for b, a in zip(before, after):
        if not np.array_equal(np.asarray(b), np.asarray(a)):
            fail(f"Build new arrays (p - lr * g) instead of updating the old ones (p -= ...): {name} changed "
                 f"its argument {what} in place ({where}).")


def _where(args, reveal):
    shapes = ", ".join(str(np.shape(p)) for p in args[0])
    return f"for {'hidden ' if not reveal else ''}parameters of shapes {shapes}"


def _first_matching(result, mistakes, args):
    for wrong, advice in mistakes:
        try:
            if _same_lists(result, wrong(*copy.deepcopy(args))):
                return advice
        except Exception:
            continue
    return ""


def _check_lists(result, expected, mistakes, args, name, where, hint, reveal, prefix=""):
    """Fail unless the list of arrays ``result`` matches ``expected``: a recognised mistake is named
    first (``prefix`` before its advice), otherwise the first array that differs, with ``hint``."""
    if _same_lists(result, expected):
        return
    advice = _first_matching(result, mistakes, args)
    if advice:
        fail(f"{prefix}{advice} (checked {where}.)")
    _compare_lists(result, expected, f"{name}(...)", where, hint=hint, reveal=reveal)


def _lecture_002_output_layer():
    """Lecture 002's output weights [w7, w8, w9], bias b2, and dE/d(them) at (2, 9) -> 1."""
    a = 1.0 / (1.0 + np.exp(-np.array([7.7, 4.0, 6.6])))  # the hidden outputs a1, a2, a3
    out = 1.0 / (1.0 + np.exp(-(a @ np.array([0.4, 0.5, 0.9]) + 0.2)))
    delta = -(1.0 - out) * out * (1.0 - out)  # dE/dz for E = (1/2)(1 - out)^2
    return [np.array([[0.4, 0.5, 0.9]]), np.array([0.2])], [delta * a.reshape(1, 3), np.array([delta])]


# ------------------------------------------------------------------------ exercise 1: SGD
def _sgd(params, grads, lr):
    return [np.asarray(p, float) - lr * np.asarray(g, float) for p, g in zip(params, grads)]


SGD_MISTAKES = [
    (lambda p, g, lr: [np.asarray(a, float) + lr * np.asarray(b, float) for a, b in zip(p, g)],
     "The step goes against the gradient: subtract lr * g (you added it, so the loss grows)."),
    (lambda p, g, lr: [np.asarray(a, float) - np.asarray(b, float) for a, b in zip(p, g)],
     "Multiply the gradient by the learning rate lr before subtracting it."),
    (lambda p, g, lr: [np.asarray(a, float) - np.asarray(b, float) / lr for a, b in zip(p, g)],
     "Multiply the gradient by lr; do not divide by it."),
    (lambda p, g, lr: [-lr * np.asarray(b, float) for b in g],
     "Return the new parameters p - lr * g, not only the change -lr * g."),
]


def _sgd_cases():
    rng = np.random.default_rng(6)
    params_002, grads_002 = _lecture_002_output_layer()
    layers = [rng.normal(size=(3, 2)), rng.normal(size=3), rng.normal(size=(1, 3)), rng.normal(size=1)]
    grads = [rng.normal(size=np.shape(p)) for p in layers]
    return [(params_002, grads_002, 0.1), (layers, grads, 0.5)]


def _sgd_values(sgd_step, cases=None, reveal=True):
    """sgd_step returns p - lr * g for every array; the first visible case is lecture 002's output layer."""
    for params, grads, lr in cases or _sgd_cases():
        args = (_arrays(params), _arrays(grads), lr)
        where = _where(args, reveal) + (f" and lr = {lr}" if reveal else "")
        result = call(sgd_step, *copy.deepcopy(args), name="sgd_step", where=where)
        result = _as_list(result, len(params), "sgd_step", where)
        _check_lists(result, _sgd(*args), SGD_MISTAKES, args, "sgd_step", where,
                     "Each new array is p - lr * g, with p and g at the same position.", reveal)
    return True


def _sgd_new_arrays(sgd_step, seed=7):
    """sgd_step leaves params and grads as they were and returns new arrays."""
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=(4, 3)), rng.normal(size=4)]
    grads = [rng.normal(size=(4, 3)), rng.normal(size=4)]
    before_p, before_g = copy.deepcopy(params), copy.deepcopy(grads)
    where = "for params of shapes (4, 3) and (4,)"
    result = call(sgd_step, params, grads, 0.1, name="sgd_step", where=where)
    result = _as_list(result, 2, "sgd_step", where)
    _unchanged(before_p, params, "sgd_step", "params", where)
    _unchanged(before_g, grads, "sgd_step", "grads", where)
    for new, old in zip(result, params):
        if np.shares_memory(new, old):
            fail("sgd_step returned arrays that share memory with params: return new arrays, so the "
                 "caller keeps the old parameters (e.g. to compare them after the step).")
    return True


# ------------------------------------------------------------------------ exercise 2: momentum
def _momentum(params, grads, velocity, lr, beta):
    new_velocity = [beta * np.asarray(v, float) - lr * np.asarray(g, float) for v, g in zip(velocity, grads)]
    return [np.asarray(p, float) + v for p, v in zip(params, new_velocity)], new_velocity


MOMENTUM_MISTAKES = [
    (lambda p, g, v, lr, beta: _momentum(p, g, [np.zeros_like(np.asarray(x, float)) for x in v], lr, beta),
     "You ignore the incoming velocity: start from v_new = beta * velocity - lr * g, with the velocity you are given."),
    (lambda p, g, v, lr, beta: ([np.asarray(a, float) + beta * np.asarray(c, float) - lr * np.asarray(b, float)
                                 for a, b, c in zip(p, g, v)], [np.asarray(c, float) for c in v]),
     "Return the NEW velocity (beta * velocity - lr * g), not the one you were given: the next step needs it."),
    (lambda p, g, v, lr, beta: ([np.asarray(a, float) - lr * (beta * np.asarray(c, float) + np.asarray(b, float))
                                 for a, b, c in zip(p, g, v)],
                                [beta * np.asarray(c, float) + np.asarray(b, float) for b, c in zip(g, v)]),
     "This unit stores the velocity as the step itself: v_new = beta * v - lr * g and p_new = p + v_new "
     "(you used v = beta * v + g with p - lr * v)."),
    (lambda p, g, v, lr, beta: ([np.asarray(a, float) - (beta * np.asarray(c, float) - lr * np.asarray(b, float))
                                 for a, b, c in zip(p, g, v)],
                                [beta * np.asarray(c, float) - lr * np.asarray(b, float) for b, c in zip(g, v)]),
     "The velocity already points downhill (it contains -lr * g): ADD it, p_new = p + v_new."),
    (lambda p, g, v, lr, beta: ([np.asarray(a, float) + (1 - beta) * np.asarray(c, float) - lr * np.asarray(b, float)
                                 for a, b, c in zip(p, g, v)],
                                [(1 - beta) * np.asarray(c, float) - lr * np.asarray(b, float) for b, c in zip(g, v)]),
     "beta is the share of the old velocity that is KEPT: v_new = beta * v - lr * g."),
]


def _momentum_result(result, n, where):
    if not isinstance(result, (list, tuple)) or len(result) != 2:
        fail(f"momentum_step must return a pair (new_params, new_velocity) {where}; it returned "
             f"{type(result).__name__}.")
    return _as_list(result[0], n, "momentum_step (new_params)", where), \
        _as_list(result[1], n, "momentum_step (new_velocity)", where)


def _momentum_cases():
    rng = np.random.default_rng(8)
    shapes = [(2, 3), (2,), (1, 2), (1,)]
    params = [rng.normal(size=s) for s in shapes]
    grads = [rng.normal(size=s) for s in shapes]
    velocity = [0.1 * rng.normal(size=s) for s in shapes]
    return [(params, grads, [np.zeros(s) for s in shapes], 0.1, 0.9),
            (params, grads, velocity, 0.05, 0.9),
            ([np.array([1.0, -2.0])], [np.array([0.5, 0.5])], [np.array([0.2, -0.1])], 0.1, 0.5)]


def _momentum_one_step(momentum_step, cases=None, reveal=True):
    """One momentum step, from a zero velocity and from a velocity left by earlier steps."""
    for params, grads, velocity, lr, beta in cases or _momentum_cases():
        args = (_arrays(params), _arrays(grads), _arrays(velocity), lr, beta)
        moving = "a non-zero" if any(np.any(v) for v in args[2]) else "a zero"
        where = _where(args, reveal) + (f" with {moving} velocity, lr = {lr}, beta = {beta}" if reveal else "")
        given = copy.deepcopy(args)
        result = call(momentum_step, *given, name="momentum_step", where=where)
        new_params, new_velocity = _momentum_result(result, len(params), where)
        _unchanged(args[0], given[0], "momentum_step", "params", where)
        _unchanged(args[2], given[2], "momentum_step", "velocity", where)
        expected_params, expected_velocity = _momentum(*args)
        if not (_same_lists(new_params, expected_params) and _same_lists(new_velocity, expected_velocity)):
            for wrong, advice in MOMENTUM_MISTAKES:
                wrong_params, wrong_velocity = wrong(*copy.deepcopy(args))
                if _same_lists(new_params, wrong_params) and _same_lists(new_velocity, wrong_velocity):
                    fail(f"{advice} (checked {where}.)")
            hint = "v_new = beta * velocity - lr * g, then p_new = p + v_new, for every array."
            _compare_lists(new_velocity, expected_velocity, "new_velocity", where, hint, reveal)
            _compare_lists(new_params, expected_params, "new_params", where, hint, reveal)
    return True


def _bowl_gradient(theta, scales):
    """Gradient of the bowl f(theta) = 1/2 sum(scales * theta**2)."""
    return scales * theta


def _momentum_sequence(momentum_step, steps=8, lr=0.05, beta=0.9, start=(2.0, -1.5), scales=(1.0, 10.0),
                      reveal=True):
    """Several momentum steps on a bowl, each fed the velocity the previous step returned (nnlib's Momentum)."""
    scales = np.asarray(scales, dtype=float)
    theta = [np.asarray(start, dtype=float)]
    velocity = [np.zeros_like(theta[0])]
    reference = Momentum(lr=lr, beta=beta)
    expected = [theta[0].copy()]
    for k in range(1, steps + 1):
        grads = [_bowl_gradient(theta[0], scales)]
        where = f"at step {k} of {steps} on the bowl f = (x^2 + 10 y^2)/2 (lr = {lr}, beta = {beta})" \
            if reveal else f"at step {k} of a hidden sequence"
        result = call(momentum_step, [theta[0].copy()], copy.deepcopy(grads), copy.deepcopy(velocity), lr, beta,
                      name="momentum_step", where=where)
        theta, velocity = _momentum_result(result, 1, where)
        expected = reference.step(expected, [_bowl_gradient(expected[0], scales)])
        if not close(theta[0], expected[0]):
            fail("Feed the returned velocity into the next call: v_new = beta * velocity - lr * g remembers "
                 f"the earlier steps. Your steps drift from the reference {where} (largest error "
                 f"{max_error(theta[0], expected[0]):.3g}).")
    return True


# ------------------------------------------------------------------------ exercise 3: Adam
def _adam(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, correct=True, t_offset=1,
          eps_inside=False):
    params, grads = _arrays(params), _arrays(grads)
    if state is None:
        state = {"m": [np.zeros_like(p) for p in params], "v": [np.zeros_like(p) for p in params], "t": 0}
    t = int(state["t"]) + 1
    m = [beta1 * np.asarray(mi, float) + (1 - beta1) * g for mi, g in zip(state["m"], grads)]
    v = [beta2 * np.asarray(vi, float) + (1 - beta2) * g * g for vi, g in zip(state["v"], grads)]
    t_used = t - 1 + t_offset
    new = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, mi, vi in zip(params, m, v):
            m_hat = mi / (1 - beta1 ** t_used) if correct else mi
            v_hat = vi / (1 - beta2 ** t_used) if correct else vi
            denominator = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
            new.append(p - lr * m_hat / denominator)
    return new, {"m": m, "v": v, "t": t}


ADAM_MISTAKES = [
    (lambda *a: _adam(*a, correct=False)[0],
     "Correct the bias of starting m and v at 0: m_hat = m / (1 - beta1**t) and v_hat = v / (1 - beta2**t). "
     "Without it the first steps have the wrong size (here about 3.2 * lr instead of lr)."),
    (lambda *a: _adam(*a, t_offset=0)[0],
     "The bias correction uses the number of THIS step: t = state['t'] + 1, so the first step has t = 1 "
     "(with t = 0, 1 - beta**0 = 0 and you divide by zero)."),
    (lambda *a: _adam(*a, t_offset=2)[0],
     "Increase t by one per step, once: the first step has t = 1 (you corrected with t = 2)."),
    (lambda *a: _adam(*a, eps_inside=True)[0],
     "Add eps after the square root: sqrt(v_hat) + eps, not sqrt(v_hat + eps)."),
    (lambda p, g, s, lr, b1, b2, eps: _adam(p, [-np.asarray(x, float) for x in g], s, lr, b1, b2, eps)[0],
     "Adam steps against the gradient: p_new = p - lr * m_hat / (sqrt(v_hat) + eps)."),
]


def _adam_result(result, n, where):
    if not isinstance(result, (list, tuple)) or len(result) != 2:
        fail(f"adam_step must return a pair (new_params, new_state) {where}; it returned {type(result).__name__}.")
    new_params, state = result
    new_params = _as_list(new_params, n, "adam_step (new_params)", where)
    if not isinstance(state, dict) or not {"m", "v", "t"} <= set(state):
        fail(f"adam_step's new_state must be a dict with the keys 'm', 'v' and 't' {where}.")
    try:
        t = int(state["t"])
    except (TypeError, ValueError):
        fail(f"new_state['t'] must be a whole number (the steps taken so far) {where}.")
    m = _as_list(state["m"], n, "adam_step (new_state['m'])", where)
    v = _as_list(state["v"], n, "adam_step (new_state['v'])", where)
    return new_params, {"m": m, "v": v, "t": t}


def _check_adam_call(adam_step, args, where, reveal, convention=None):
    """One call of adam_step against the reference: new params, m, v and t.

    ``convention`` (keywords of :func:`_adam`) replaces the reference's bias correction by the one
    the student's first step showed, so that a wrong correction costs the first-step cell only.
    """
    params, grads, state, lr, beta1, beta2, eps = args
    given = copy.deepcopy(args)
    result = call(adam_step, *given, name="adam_step", where=where)
    new_params, new_state = _adam_result(result, len(params), where)
    _unchanged(args[0], given[0], "adam_step", "params", where)
    if state is not None:
        _unchanged(args[2]["m"] + args[2]["v"], given[2]["m"] + given[2]["v"], "adam_step", "state", where)
        if given[2]["t"] != args[2]["t"]:
            fail(f"adam_step changed state['t'] in place {where}: return a new state dict instead.")
    expected_params, expected_state = _adam(*args, **(convention or {}))
    if not _same_lists(new_params, expected_params):
        if not all(np.all(np.isfinite(p)) for p in new_params):
            fail("The bias correction divides by 1 - beta**t: t counts this step (t = state['t'] + 1), so the first "
                 f"step has t = 1 and nothing is 0. adam_step returned nan or inf ({where}).")
        advice = _first_matching(new_params, ADAM_MISTAKES, args)
        if advice:
            fail(f"{advice} (checked {where}.)")
    hint = ("m = beta1*m + (1-beta1)*g, v = beta2*v + (1-beta2)*g**2, m_hat = m/(1-beta1**t), "
            "v_hat = v/(1-beta2**t), p_new = p - lr*m_hat/(sqrt(v_hat)+eps).")
    _compare_lists(new_state["m"], expected_state["m"], "new_state['m']", where, hint, reveal)
    _compare_lists(new_state["v"], expected_state["v"], "new_state['v']", where,
                   hint + " Square the gradient element by element for v.", reveal)
    if new_state["t"] != expected_state["t"]:
        fail(f"new_state['t'] is {new_state['t']} {where}, expected {expected_state['t']}: "
             "t counts the steps taken, one more after every call.")
    _compare_lists(new_params, expected_params, "new_params", where, hint, reveal)
    return new_params, new_state


def _adam_convention(adam_step):
    """The bias correction the student's first step uses, as keywords of :func:`_adam` (None: unknown)."""
    rng = np.random.default_rng(17)
    params, grads = [rng.normal(size=(2, 2))], [rng.normal(size=(2, 2))]
    try:
        new_params = adam_step(copy.deepcopy(params), copy.deepcopy(grads), None, 0.1, 0.9, 0.999, 1e-8)[0]
        new_params = [np.asarray(p, dtype=float) for p in new_params]
    except Exception:
        return None
    for convention in ({}, {"correct": False}, {"t_offset": 2}, {"eps_inside": True}):
        if _same_lists(new_params, _adam(params, grads, None, 0.1, 0.9, 0.999, 1e-8, **convention)[0]):
            return convention
    return None


def _adam_first_step(adam_step, cases=None, reveal=True):
    """The first Adam step (state None): bias correction makes each parameter move by about lr."""
    rng = np.random.default_rng(9)
    params, grads = _lecture_002_output_layer()
    default = [(params, grads, None, 0.1, 0.9, 0.999, 1e-8),
               ([rng.normal(size=(3, 2)), rng.normal(size=3)], [rng.normal(size=(3, 2)), rng.normal(size=3)],
                None, 0.01, 0.9, 0.999, 1e-8)]
    for args in cases or default:
        args = (_arrays(args[0]), _arrays(args[1]), *args[2:])
        where = (_where(args, reveal) + f", state None, lr = {args[3]}") if reveal else _where(args, reveal)
        _check_adam_call(adam_step, args, where, reveal)
    return True


def _adam_sequence(adam_step, steps=6, lr=0.1, betas=(0.9, 0.999), start=(2.0, -1.5), scales=(1.0, 10.0),
                  reveal=True):
    """Several Adam steps on a bowl, each fed the state the previous one returned (m, v and t carried on).

    The reference follows the bias correction of the student's first step (a wrong correction is
    the first-step cell's point); with the right correction it is nnlib's Adam.
    """
    scales = np.asarray(scales, dtype=float)
    convention = _adam_convention(adam_step)
    theta, state = [np.asarray(start, dtype=float)], None
    for k in range(1, steps + 1):
        args = ([theta[0].copy()], [_bowl_gradient(theta[0], scales)], state, lr, betas[0], betas[1], 1e-8)
        where = f"at step {k} of {steps} on the bowl f = (x^2 + 10 y^2)/2 (lr = {lr})" if reveal \
            else f"at step {k} of a hidden sequence"
        theta, state = _check_adam_call(adam_step, args, where, reveal, convention)
    return True


def _adam_extremes(adam_step, reveal=True):
    """Zero gradients leave parameters in place; gradients scaled by 1e6 or 1e-6 give (about) the same step."""
    rng = np.random.default_rng(10)
    params = [rng.normal(size=(2, 3)), rng.normal(size=2)]
    # entries of size 0.5 to 2 (either sign), so that eps stays small beside every scaled gradient
    grads = [rng.choice([-1.0, 1.0], size=s) * rng.uniform(0.5, 2.0, size=s) for s in ((2, 3), (2,))]

    def first_step(gradients, what):
        where = f"for {what} (first step)"
        result = call(adam_step, copy.deepcopy(params), gradients, None, 0.01, 0.9, 0.999, 1e-8,
                      name="adam_step", where=where)
        new_params, _ = _adam_result(result, 2, where)
        if not all(np.all(np.isfinite(p)) for p in new_params):
            fail("Check that the bias correction uses t = 1 at the first step (1 - beta**t is then not 0) and that "
                 f"eps is added AFTER the square root: adam_step returned nan or inf ({where}).")
        return [p - q for p, q in zip(new_params, params)]

    moved = first_step([np.zeros((2, 3)), np.zeros(2)], "all-zero gradients")
    for step in moved:
        check_close(step, np.zeros_like(step), "the change for all-zero gradients",
                    hint="A zero gradient must not move a parameter: 0 / (sqrt(0) + eps) = 0.")
    usual = first_step(grads, "gradients of size about 1")
    for scale, text in ((1e6, "huge"), (1e-4, "tiny")):
        scaled = first_step([scale * g for g in grads], f"gradients multiplied by {scale:g}")
        for a, b in zip(scaled, usual):
            if np.max(np.abs(a - b)) > 0.02 * np.max(np.abs(b)) + 1e-12:
                fail(f"adam_step's step for {text} gradients (times {scale:g}) differs from the step for the same "
                     "gradients unscaled: dividing m_hat by sqrt(v_hat) cancels the scale, as long as eps is "
                     "added after the square root, sqrt(v_hat) + eps, and stays small.")
    return True


def _written(fn):
    """Fail for an untouched stub: a rule cannot be kept by code that is not written yet."""
    name = getattr(fn, "__name__", "your function")
    if not callable(fn):
        fail(f"{name} is not a function: did you overwrite it with a value?")
    code = getattr(fn, "__code__", None)
    if code is not None and "NotImplementedError" in code.co_names:
        fail(f"{name} is not written yet: replace `raise NotImplementedError()` with your code.")


def _optimisers_own_code(*functions):
    """sgd_step, momentum_step and adam_step are written with numpy, without nnlib's optimisers."""
    for fn in functions:
        _written(fn)
        check_own_code(fn, forbidden=("nnlib",))
    return True


# ------------------------------------------------------------------------ exercise 4: the loop
def reference_loop(X, y, model, step, epochs=10, batch_size=32, seed=0, X_val=None, y_val=None,
                   loss="softmax_cross_entropy", shuffle=True, reshuffle=True, drop_last=False,
                   val_on_train=False, batch_mean=False):
    """The training loop of exercise 4 (the keyword arguments after ``loss`` build typical mistakes).

    Matches :func:`nnlib.train.train` with ``progress=False`` (tests prove it).
    """
    loss_fn = losses.get_loss(loss)[0]
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    n = len(X)
    rng = np.random.default_rng(seed)
    history = {"loss": [], "val_loss": []}
    order = None
    for _ in range(int(epochs)):
        if not shuffle:
            order = np.arange(n)
        elif reshuffle or order is None:
            order = rng.permutation(n)
        last = n - n % batch_size if drop_last else n
        batch_losses = []
        for start in range(0, last, batch_size):
            rows = order[start:start + batch_size]
            value, dWs, dbs = model.gradients(X[rows], y[rows], loss)
            batch_losses.append(value)
            grads = [g for pair in zip(dWs, dbs) for g in pair]
            model.set_params(step(model.get_params(), grads))
        history["loss"].append(float(np.mean(batch_losses)) if batch_mean else float(loss_fn(model.forward(X), y)))
        if X_val is not None and y_val is not None:
            X_eval, y_eval = (X, y) if val_on_train else (X_val, y_val)
            history["val_loss"].append(float(loss_fn(model.forward(X_eval), y_eval)))
    return history


LOOP_MISTAKES = [
    (dict(shuffle=False), "Shuffle the samples at the start of every epoch (rng.permutation(n)): "
                          "your loop visits them in the same fixed order."),
    (dict(reshuffle=False), "Draw a NEW permutation at the start of every epoch: you shuffled once "
                            "and reused that order."),
    (dict(drop_last=True), "Keep the last, smaller batch: with n samples and batch_size B the epoch has "
                           "ceil(n / B) batches and visits every sample once."),
    (dict(batch_mean=True), "Record the loss of the whole training set after the epoch's updates, "
                            "not the mean of the batch losses measured during the epoch."),
    (dict(val_on_train=True), "Your validation loss is measured on the training data: evaluate on "
                              "X_val, y_val, which the network never trains on."),
]

_OPTIMISERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def _loop_cases():
    X_moons, y_moons = datasets.two_moons(n=50, noise=0.15, seed=3)
    X_avg, y_avg = datasets.average_of_inputs_sample(n=30, seed=4)
    return [
        # (X, y, layer sizes, activations, optimiser, lr, epochs, batch size, seed, loss)
        (X_moons, y_moons, [2, 6, 2], ["tanh", "linear"], "sgd", 0.3, 4, 16, 1, "softmax_cross_entropy"),
        (X_avg, y_avg.reshape(-1, 1), [2, 3, 1], ["relu", "linear"], "adam", 0.05, 3, 7, 2, "mse"),
    ]


def _run(loop, case, validation=None, **mistake):
    X, y, sizes, names, optimiser, lr, epochs, batch_size, seed, loss = case
    model = MLP(sizes, names, seed=seed)
    step = _OPTIMISERS[optimiser](lr=lr).step
    extra = {} if validation is None else {"X_val": validation[0], "y_val": validation[1]}
    history = loop(copy.deepcopy(X), copy.deepcopy(y), model, step, epochs=epochs, batch_size=batch_size,
                   seed=seed, loss=loss, **extra, **mistake)
    return history, model


def _describe_case(case, reveal):
    X, _, sizes, names, optimiser, lr, epochs, batch_size, seed, loss = case
    if not reveal:
        return f"for a hidden data set of {len(X)} samples"
    return (f"for {len(X)} samples, MLP({sizes}), {optimiser} lr {lr}, {epochs} epochs, batch_size {batch_size}, "
            f"seed {seed}, loss {loss}")


def _history_part(history, key, epochs, where):
    if not isinstance(history, dict):
        fail(f"train_loop must return a dict with the lists 'loss' and 'val_loss'; it returned "
             f"{type(history).__name__} {where}.")
    if key not in history:
        fail(f"train_loop's history has no key {key!r}: return {{'loss': [...], 'val_loss': [...]}} ({where}).")
    values = as_array(history[key], f"history[{key!r}]").reshape(-1)
    if epochs is not None and len(values) != epochs:
        fail(f"history[{key!r}] must hold one value per epoch, appended after the epoch's last update: it has "
             f"{len(values)}, expected {epochs} ({where}).")
    return values


def _train_loop_history(train_loop, cases=None, reveal=True):
    """train_loop's 'loss' history matches the reference loop: reshuffled every epoch, every sample once."""
    for case in cases or _loop_cases():
        where = _describe_case(case, reveal)
        history, model = _run(lambda *a, **k: call(lambda: train_loop(*a, **k), name="train_loop", where=where),
                              case)
        values = _history_part(history, "loss", case[6], where)
        expected, expected_model = _run(reference_loop, case)
        if not close(values, expected["loss"]):
            for mistake, advice in LOOP_MISTAKES:
                wrong, _ = _run(reference_loop, case, **mistake)
                if close(values, np.asarray(wrong["loss"], dtype=float)):
                    fail(f"{advice} (checked {where}.)")
            if len(values) > 1 and np.ptp(values) < 1e-12:
                fail("The loss never changes: put the new parameters back into the model after every batch, "
                     f"model.set_params(step(model.get_params(), grads)). (Checked {where}.)")
            fail(f"train_loop's history['loss'] differs from the reference (largest error "
                 f"{max_error(values, expected['loss']):.3g}). Per epoch: order = rng.permutation(n) from the one "
                 "rng made before the first epoch; for each batch of rows: model.gradients, step, model.set_params; "
                 f"then append the loss on all of X. (Checked {where}.)")
        if not all(close(a, b) for a, b in zip(model.get_params(), expected_model.get_params())):
            fail(f"train_loop did not leave the trained parameters in the model: call "
                 f"model.set_params(step(model.get_params(), grads)) after every batch ({where}).")
    return True


def _validation_data(case):
    if case[9] == "mse":
        X_val, y_val = datasets.average_of_inputs_sample(n=20, seed=12)
        return X_val, y_val.reshape(-1, 1)
    n_classes = int(np.max(case[1])) + 1
    if n_classes == 2:
        return datasets.two_moons(n=40, noise=0.15, seed=11)
    return datasets.spirals(n=40, classes=n_classes, noise=0.1, seed=11)


def _train_loop_validation(train_loop, cases=None, reveal=True):
    """With X_val, y_val the loop records the held-out loss each epoch; without them 'val_loss' stays empty.

    Checked on the student's own training (so that a mistake in the updates costs the history cell,
    not this one): the last entry is the loss of the trained model on the validation data.
    """
    for case in cases or _loop_cases()[:1]:
        X_val, y_val = _validation_data(case)
        loss_fn = losses.get_loss(case[9])[0]
        student = lambda *a, where="", **k: call(lambda: train_loop(*a, **k), name="train_loop", where=where)  # noqa: E731
        where = _describe_case(case, reveal) + " with validation data"
        history, model = _run(lambda *a, **k: student(*a, where=where, **k), case, validation=(X_val, y_val))
        values = _history_part(history, "val_loss", case[6], where)
        train_values = _history_part(history, "loss", case[6], where)
        final = float(loss_fn(model.forward(X_val), y_val))
        if not close(values[-1], final):
            if close(values, train_values):
                fail(f"{LOOP_MISTAKES[-1][1]} (checked {where}.)")
            fail(f"history['val_loss'][-1] is not the loss of the trained model on X_val, y_val: after each epoch "
                 f"append loss_fn(model.forward(X_val), y_val) ({where}).")
        where = _describe_case(case, reveal) + " without validation data"
        history, _ = _run(lambda *a, **k: student(*a, where=where, **k), case)
        values = _history_part(history, "val_loss", None, where)
        if len(values):
            fail(f"history['val_loss'] holds {len(values)} values without validation data: leave it an empty "
                 f"list when X_val and y_val are None ({where}).")
    return True


def _names(code):
    """Global names a code object reads, those of nested functions and comprehensions included."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if hasattr(constant, "co_names"):
            names |= _names(constant)
    return names


def _training_own_code(*functions):
    """The training functions run the student's own loop: nnlib.train.train is not called."""
    import inspect

    from nnlib import train as train_module

    for fn in functions:
        name = getattr(fn, "__name__", "your function")
        _written(fn)
        code, scope = getattr(fn, "__code__", None), getattr(fn, "__globals__", {})
        used = [scope.get(n) for n in (_names(code) if code else ())]
        try:
            text = inspect.getsource(fn)
        except (OSError, TypeError):
            text = ""
        if any(obj is train_module.train or obj is train_module for obj in used) or "nnlib.train" in text:
            fail(f"{name} uses nnlib's train (nnlib.train): this exercise asks you to train with your own "
                 "train_loop.")
    return True


# ------------------------------------------------------------------------ exercise 5: symmetry
def _units_identical(W, b, tol=1e-8):
    rows = np.column_stack([np.asarray(W, float), np.asarray(b, float)])
    return bool(np.max(np.abs(rows - rows[0]), initial=0.0) <= tol)


def _identical_cases():
    rng = np.random.default_rng(13)
    row = rng.normal(size=3)
    same = np.tile(row, (4, 1))
    noisy = same + 1e-12 * rng.normal(size=same.shape)
    one_off = same.copy()
    one_off[2, 1] += 1e-3
    columns_equal = np.array([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])
    return [
        (same, np.full(4, 0.3), "four units with the same weights and biases"),
        (one_off, np.full(4, 0.3), "four units, one weight of unit 3 differing by 1e-3"),
        (same, np.array([0.3, 0.3, -0.2, 0.3]), "the same weights but different biases"),
        (columns_equal, np.zeros(2), "W = [[1, 1, 1], [2, 2, 2]] (equal columns, different rows)"),
        (noisy, np.full(4, 0.3), "the same units up to round-off (differences of 1e-12)"),
        (row.reshape(1, 3), np.array([0.5]), "a layer of a single unit"),
    ]


IDENTICAL_MISTAKES = [
    (lambda W, b: bool(np.all(np.abs(W - W[:, :1]) <= 1e-8) and np.all(np.abs(b - b[0]) <= 1e-8)),
     "A unit's weights are a ROW of W (shape (N_l, N_(l-1))): compare rows, not columns."),
    (lambda W, b: _units_identical(W, np.zeros(len(b))),
     "A unit is its row of W AND its bias: compare the biases too."),
    (lambda W, b: bool(np.all(np.asarray(W) == np.asarray(W)[0]) and np.all(np.asarray(b) == np.asarray(b)[0])),
     "Compare within the tolerance tol (max |difference| <= tol), not with ==: round-off leaves tiny differences."),
]


def _units_identical_values(units_identical, cases=None, reveal=True):
    """units_identical compares whole units (a row of W and its bias) within the tolerance."""
    advice = {
        1: "A single weight that differs makes the units different: compare every row of W with the first.",
        5: "One unit is always identical to itself: return True.",
    }
    cases = list(cases or _identical_cases())
    answers = []
    for W, b, text in cases:
        where = f"for {text}" if reveal else f"for a hidden W of shape {np.shape(W)}"
        result = call(units_identical, np.array(W), np.array(b), name="units_identical", where=where)
        if not isinstance(result, (bool, np.bool_)):
            fail(f"units_identical must return True or False {where}; it returned {type(result).__name__}.")
        answers.append(bool(result))
    expected = [_units_identical(W, b) for W, b, _ in cases]
    if answers == expected:
        return True
    for wrong, tip in IDENTICAL_MISTAKES:
        if answers == [bool(wrong(np.asarray(W, float), np.asarray(b, float))) for W, b, _ in cases]:
            break
    else:
        tip = ""
    index = next(i for i, (a, e) in enumerate(zip(answers, expected)) if a != e)
    W, b, text = cases[index]
    where = f"for {text}" if reveal else f"for a hidden W of shape {np.shape(W)}"
    tip = tip or (advice.get(index, "") if reveal else "")
    fail(f"{tip} units_identical returned {answers[index]} {where}, expected {expected[index]}.".strip())


def _symmetry_after_training(units_identical, configs=None, reveal=True):
    """Networks trained from all-zero weights keep identical hidden units; randomly started ones do not."""
    from nnlib.train import train

    X, y = datasets.xor_gate()
    for sizes, names, seed in configs or [([2, 4, 1], ["sigmoid", "sigmoid"], 0), ([2, 3, 1], ["tanh", "sigmoid"], 1)]:
        for init, expected in (("zeros", True), ("auto", False)):
            model = MLP(sizes, names, seed=seed, init=init)
            train(model, X, y.reshape(-1, 1), "binary_cross_entropy", SGD(lr=0.5), epochs=30, batch_size=4,
                  seed=seed, progress=False)
            where = (f"for the hidden layer of MLP({sizes}, {names}) trained on XOR from "
                     f"{'all-zero' if init == 'zeros' else 'random'} weights") if reveal else \
                f"for a hidden network trained from {'all-zero' if init == 'zeros' else 'random'} weights"
            result = call(units_identical, model.W[0].copy(), model.b[0].copy(), name="units_identical", where=where)
            if bool(result) != expected:
                fail(f"units_identical returned {bool(result)} {where}, expected {expected}. "
                     + ("Units that start equal get equal gradients and stay copies of each other."
                        if expected else "Random starts give every unit its own weights."))
    return True


# ------------------------------------------------------------------------ exercise 6: regularisation
def _l2(params, grads, lam):
    return [np.asarray(g, float) + (lam * np.asarray(p, float) if i % 2 == 0 else 0.0)
            for i, (p, g) in enumerate(zip(params, grads))]


L2_MISTAKES = [
    (lambda p, g, lam: [np.asarray(b, float) + lam * np.asarray(a, float) for a, b in zip(p, g)],
     "Do not penalise the biases: add lam * W only to the weight matrices (positions 0, 2, 4, ... of the list)."),
    (lambda p, g, lam: [np.asarray(g[i], float) + (2 * lam * np.asarray(p[i], float) if i % 2 == 0 else 0.0)
                        for i in range(len(p))],
     "The penalty is (lam / 2) * sum(W**2), so its gradient is lam * W (the 2 cancels)."),
    (lambda p, g, lam: [np.asarray(g[i], float) - (lam * np.asarray(p[i], float) if i % 2 == 0 else 0.0)
                        for i in range(len(p))],
     "ADD lam * W to the gradient: the penalty grows with the weights, so it pulls them towards 0."),
    (lambda p, g, lam: [np.asarray(g[i], float) + (lam if i % 2 == 0 else 0.0) for i in range(len(p))],
     "Add lam times the weights, lam * W, not the number lam."),
]


def _l2_values(l2_gradients, cases=None, reveal=True):
    """l2_gradients adds lam * W to every weight gradient and leaves the bias gradients alone."""
    rng = np.random.default_rng(14)
    shapes = [(3, 2), (3,), (2, 3), (2,)]
    default = [([rng.normal(size=s) for s in shapes], [rng.normal(size=s) for s in shapes], 0.1),
               ([np.array([[1.0, -2.0]]), np.array([3.0])], [np.array([[0.5, 0.5]]), np.array([0.5])], 0.01)]
    for params, grads, lam in cases or default:
        args = (_arrays(params), _arrays(grads), lam)
        where = (_where(args, reveal) + f" and lam = {lam}") if reveal else _where(args, reveal)
        given = copy.deepcopy(args)
        result = _as_list(call(l2_gradients, *given, name="l2_gradients", where=where), len(params),
                          "l2_gradients", where)
        _unchanged(args[1], given[1], "l2_gradients", "grads", where)
        _unchanged(args[0], given[0], "l2_gradients", "params", where)
        _check_lists(result, _l2(*args), L2_MISTAKES, args, "l2_gradients", where,
                     "Weights (even positions): g + lam * W; biases (odd positions): g unchanged.", reveal,
                     prefix="l2_gradients: ")
    return True


def _dropout_output(dropout, A, p, seed, training, where):
    given = A.copy()
    result = call(dropout, given, p, seed, training, name="dropout", where=where)
    if not np.array_equal(given, A):
        fail(f"Return a new array: dropout changed its input A in place ({where}).")
    out = as_array(result, "dropout")
    if out.shape != A.shape:
        fail(f"dropout returned shape {out.shape} {where}, expected {A.shape}: drop entries, keep the shape.")
    return out


def _dropout_training(dropout, cases=None, reveal=True):
    """In training, dropout zeroes a share p of the entries and divides the kept ones by 1 - p (inverted dropout)."""
    rng = np.random.default_rng(15)
    default = [(rng.uniform(0.5, 2.0, size=(200, 150)), 0.3, 1), (rng.uniform(0.5, 2.0, size=(300, 100)), 0.5, 2)]
    for A, p, seed in cases or default:
        where = f"for A of shape {A.shape}, p = {p}, seed = {seed}, training=True"
        out = _dropout_output(dropout, A, p, seed, True, where)
        kept = out != 0
        if np.all(kept):
            fail(f"In training each entry is dropped (set to 0) with probability p: dropout zeroed nothing ({where}).")
        if close(out[kept], A[kept]):
            fail("Divide the kept entries by 1 - p (inverted dropout), so that the layer's expected output is the "
                 f"same in training and in evaluation: dropout did not rescale them ({where}).")
        if close(out[kept], A[kept] * (1 - p)):
            fail(f"DIVIDE the kept entries by 1 - p (inverted dropout): dropout multiplied them by 1 - p ({where}).")
        if not close(out[kept], A[kept] / (1 - p)):
            fail(f"Every entry must be either 0 or A / (1 - p): some kept entries are not A / (1 - p) ({where}).")
        share = 1.0 - kept.mean()
        if abs(share - (1 - p)) < 0.02 and abs(p - 0.5) > 0.05:
            fail("p is the probability of DROPPING an entry, so keep it with probability 1 - p: dropout dropped "
                 f"a share {share:.2f} of the entries ({where}).")
        if abs(share - p) > 0.02:
            fail("Draw one uniform number per entry and drop those below p (keep = rng.random(A.shape) >= p): "
                 f"dropout dropped a share {share:.2f} of the entries, expected about p = {p} ({where}).")
        again = _dropout_output(dropout, A, p, seed, True, where)
        if not np.array_equal(again, out):
            fail("Draw the mask from np.random.default_rng(seed): two calls with the same seed gave different "
                 f"masks ({where}).")
        other = _dropout_output(dropout, A, p, seed + 1, True, where)
        if np.array_equal(other, out):
            fail(f"Use the seed argument for the generator: different seeds gave the same mask ({where}).")
    return True


def _dropout_evaluation(dropout, reveal=True):
    """At evaluation (training=False), and for p = 0, dropout returns A unchanged."""
    A = np.random.default_rng(16).uniform(0.5, 2.0, size=(50, 40))
    for p, training, text in ((0.3, False, "training=False"), (0.5, False, "training=False"),
                              (0.0, True, "p = 0 in training")):
        where = f"for A of shape {A.shape}, p = {p}, {text}"
        out = _dropout_output(dropout, A, p, 3, training, where)
        if close(out, A):
            continue
        if not training and np.any(out == 0):
            fail("With training=False return A unchanged (every unit takes part when the network is used): "
                 f"dropout is still on at evaluation ({where}).")
        if not training and close(out, A * (1 - p)):
            fail("With inverted dropout the scaling happens in training, so evaluation returns A as it is: "
                 f"dropout scaled A by 1 - p at evaluation ({where}).")
        check_close(out, A, f"dropout {where}", hint="Return A unchanged (a copy).", reveal=False)
    return True


# ------------------------------------------------------------------------ exercise 7: thresholds
def _loop_is_fine(train_loop):
    try:
        _train_loop_history(train_loop, reveal=False)
    except AssertionError:
        return False
    return True


def _held_out_accuracy(classify, train_loop, X, y, test_fraction, seed, threshold, name, task, reveal):
    """Train and predict with the student's classifier; fail below ``threshold`` on the held-out part.

    Pieces before wholes: when the classifier fails and the train_loop it trains with is wrong too,
    the message sends the student to exercise 4 first; a classifier that reaches the threshold
    earns its points even with a flawed loop (that bug costs the loop's own cell).
    """
    _written(classify)
    X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, test_fraction, seed=seed)
    where = (f"for {task} split with seed {seed} ({len(X_train)} training, {len(X_test)} held-out samples)"
             if reveal else f"for a hidden split of {task} ({len(X_test)} held-out samples)")

    def loop_first():
        if train_loop is not None and _uses(classify, train_loop) and not _loop_is_fine(train_loop):
            fail(f"Fix exercise 4 (train_loop) first: {name} trains with it ({where}).")

    try:
        predicted = call(classify, X_train.copy(), y_train.copy(), X_test.copy(), seed, name=name, where=where)
    except AssertionError:
        loop_first()
        raise
    predicted = as_array(predicted, name).reshape(-1) if np.ndim(predicted) <= 1 else as_array(predicted, name)
    if predicted.shape != y_test.shape:
        fail(f"Return one class label per row of X_test (use model.predict(X_test)): {name} returned shape "
             f"{predicted.shape}, expected {y_test.shape} ({where}).")
    accuracy = float(np.mean(predicted == y_test))
    if accuracy < threshold:
        loop_first()
        fail(f"Try more epochs, more hidden units or another learning rate, and watch the validation curve: {name} "
             f"reached a held-out accuracy of {accuracy:.3f}, it needs at least {threshold} ({where}).")
    return accuracy


def _uses(fn, helper):
    """True when ``fn`` reads ``helper`` as a global name (directly, not through other helpers)."""
    code, scope = getattr(fn, "__code__", None), getattr(fn, "__globals__", {})
    return code is None or any(scope.get(n) is helper for n in _names(code))


def _moons_threshold(classify_moons, train_loop=None, seeds=(0,), reveal=True):
    """classify_moons reaches the held-out accuracy threshold on two moons (noise 0.2)."""
    for seed in seeds:
        X, y = datasets.two_moons(n=300, noise=0.2, seed=seed)
        _held_out_accuracy(classify_moons, train_loop, X, y, 0.3, seed, MOONS_THRESHOLD, "classify_moons",
                           "two moons (300 points, noise 0.2)", reveal)
    return True


def _digits_threshold(classify_digits, train_loop=None, seeds=(0,), reveal=True):
    """classify_digits reaches 95 % held-out accuracy on the 8x8 digits."""
    X, y = datasets.digits()
    for seed in seeds:
        _held_out_accuracy(classify_digits, train_loop, X, y, 0.25, seed, DIGITS_THRESHOLD, "classify_digits",
                           "the 8x8 digits", reveal)
    return True


# ------------------------------------------------------------------------ what the test cells call
def _graded(check, label, passed):
    """``check`` as a test cell calls it: every failure names the exercise first (``label``), a
    visible pass prints "✓ <passed>", and nothing is returned (a cell shows no ``True``)."""
    takes_reveal = "reveal" in inspect.signature(check).parameters

    @functools.wraps(check)
    def run(*args, reveal=True, **kwargs):
        if takes_reveal:
            kwargs["reveal"] = reveal
        with exercise(label):
            check(*args, **kwargs)
        if reveal:
            print("✓ " + passed)

    return run


def _train_loop_own_code(train_loop):
    """train_loop runs the student's own loop: nnlib.train.train is not called."""
    _training_own_code(train_loop)


def _classifiers_own_code(classify_moons, classify_digits):
    """classify_moons and classify_digits train with the student's own loop, not nnlib.train.train."""
    _training_own_code(classify_moons, classify_digits)


sgd_values = _graded(_sgd_values, 'Exercise 1, sgd_step', "sgd_step: right values, lecture 002's step included")
sgd_new_arrays = _graded(_sgd_new_arrays, 'Exercise 1, sgd_step', 'sgd_step: new arrays, inputs untouched')
momentum_one_step = _graded(_momentum_one_step, 'Exercise 2, momentum_step', 'momentum_step: right new parameters and velocity')
momentum_sequence = _graded(_momentum_sequence, 'Exercise 2, momentum_step', "momentum_step: follows nnlib's Momentum step after step")
adam_first_step = _graded(_adam_first_step, 'Exercise 3, adam_step', 'adam_step: the first step moves each parameter by about lr')
adam_sequence = _graded(_adam_sequence, 'Exercise 3, adam_step', 'adam_step: carries m, v and t from step to step')
adam_extremes = _graded(_adam_extremes, 'Exercise 3, adam_step', 'adam_step: safe for zero, huge and tiny gradients')
optimisers_own_code = _graded(_optimisers_own_code, 'Exercises 1-3', 'the three update rules are your own code')
train_loop_history = _graded(_train_loop_history, 'Exercise 4, train_loop', 'train_loop: the same training as the reference, epoch by epoch')
train_loop_validation = _graded(_train_loop_validation, 'Exercise 4, train_loop', 'train_loop: validation loss on held-out data')
units_identical_values = _graded(_units_identical_values, 'Exercise 5, units_identical', 'units_identical: right on equal, nearly equal and different units')
symmetry_after_training = _graded(_symmetry_after_training, 'Exercise 5, units_identical', 'units_identical: sees the symmetry after training from zeros')
l2_values = _graded(_l2_values, 'Exercise 6, l2_gradients', 'l2_gradients: weights penalised, biases not')
dropout_training = _graded(_dropout_training, 'Exercise 6, dropout', 'dropout: inverted dropout in training')
dropout_evaluation = _graded(_dropout_evaluation, 'Exercise 6, dropout', 'dropout: off at evaluation')
moons_threshold = _graded(_moons_threshold, 'Exercise 7, classify_moons', 'classify_moons: above the threshold on held-out data')
digits_threshold = _graded(_digits_threshold, 'Exercise 7, classify_digits', 'classify_digits: at least 95 % on held-out digits')
train_loop_own_code = _graded(_train_loop_own_code, "Exercise 4, train_loop", "train_loop is your own loop")
classifiers_own_code = _graded(_classifiers_own_code, "Exercise 7", "both classifiers use your own training loop")
