"""Unit 06's grade cells against a catalogue of typical wrong answers and of other right answers.

Each wrong answer replaces one name in the namespace the grade cells see (the reference answers
otherwise); the test proves that a grade cell of that exercise fails with a message naming the
mistake. Each right answer written another way must pass every grade cell. Rule breakers must
lose exactly the rule's cell.
"""
import copy

import numpy as np
import pytest

from nnlib import losses, optim
from nnlib.train import minibatches, train
from tests.notebook_harness import Unit, VisibleTests
from tests.unit_checks import run_all_released

UNIT = Unit("06_training")

SGD_CELLS = ["test_sgd_values", "test_sgd_new_arrays"]
MOMENTUM_CELLS = ["test_momentum_one_step", "test_momentum_sequence"]
ADAM_CELLS = ["test_adam_first_step", "test_adam_sequence", "test_adam_extremes"]
LOOP_CELLS = ["test_train_loop_history", "test_train_loop_validation"]
SYMMETRY_CELLS = ["test_units_identical_values", "test_symmetry_after_training"]
L2_CELLS = ["test_l2_gradients"]
DROPOUT_CELLS = ["test_dropout_training", "test_dropout_evaluation"]
CLASSIFIER_CELLS = ["test_classify_moons", "test_classify_digits"]
# Cells that do not train classifiers: quick to run for the exercises 1-6.
QUICK_CELLS = [g for g in UNIT.grade_ids() if g not in CLASSIFIER_CELLS]


def floats(values):
    return [np.asarray(v, dtype=float) for v in values]


def weights_then_biases(dWs, dbs):
    return [g for pair in zip(dWs, dbs) for g in pair]


# ---------------------------------------------------------------- exercise 1: sgd_step
def sgd_sign_flipped(params, grads, lr):
    return [p + lr * g for p, g in zip(floats(params), floats(grads))]


def sgd_in_place(params, grads, lr):
    for p, g in zip(params, grads):
        p -= lr * g
    return params


def sgd_no_learning_rate(params, grads, lr):
    return [p - g for p, g in zip(floats(params), floats(grads))]


def sgd_returns_change(params, grads, lr):
    return [-lr * g for g in floats(grads)]


def sgd_first_array_only(params, grads, lr):
    return [params[0] - lr * grads[0]] + [np.array(p, dtype=float) for p in params[1:]]


@pytest.mark.parametrize("wrong, message", [
    pytest.param(sgd_sign_flipped, "subtract lr * g", id="sign-flipped"),
    pytest.param(sgd_in_place, "in place", id="updates-params-in-place"),
    pytest.param(sgd_no_learning_rate, "learning rate", id="forgets-lr"),
    pytest.param(sgd_returns_change, "not only the change", id="returns-the-change"),
    pytest.param(sgd_first_array_only, "sgd_step(...)[1]", id="updates-one-array"),
])
def test_wrong_sgd_step_is_caught(wrong, message):
    """Do the sgd_step cells reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"sgd_step": wrong}, grade_ids=SGD_CELLS, message_contains=message)


def test_sgd_in_place_loses_only_the_new_arrays_cell():
    """Does an in-place SGD step keep the values point (its numbers are right) and lose the other?"""
    outcomes = UNIT.run(SGD_CELLS, {"sgd_step": sgd_in_place})
    assert outcomes["test_sgd_values"].passed
    assert not outcomes["test_sgd_new_arrays"].passed


def sgd_loop(params, grads, lr):
    new = []
    for k in range(len(params)):
        new.append(np.subtract(params[k], np.multiply(lr, grads[k])))
    return new


def sgd_copy_then_update(params, grads, lr):
    new = [np.array(p, dtype=float, copy=True) for p in params]
    for p, g in zip(new, grads):
        p -= lr * np.asarray(g)
    return tuple(new)


@pytest.mark.parametrize("right", [sgd_loop, sgd_copy_then_update], ids=["index-loop", "copy-then-subtract"])
def test_other_right_sgd_step_earns_full_marks(right):
    """Does a right sgd_step written another way pass every quick grade cell?"""
    UNIT.assert_accepted({"sgd_step": right}, grade_ids=QUICK_CELLS)


def sgd_by_nnlib(params, grads, lr):
    return optim.SGD(lr=lr).step(params, grads)


def test_sgd_from_nnlib_loses_exactly_the_rule_cell():
    """Does an sgd_step that calls nnlib's SGD pass the value cells and lose only the rule cell?"""
    outcomes = UNIT.run(QUICK_CELLS, {"sgd_step": sgd_by_nnlib})
    failed = [g for g, o in outcomes.items() if not o.passed]
    assert failed == ["test_optimisers_own_code"], failed
    assert "nnlib" in outcomes["test_optimisers_own_code"].message


# ---------------------------------------------------------------- exercise 2: momentum_step
def momentum_forgets_velocity(params, grads, velocity, lr, beta=0.9):
    new_velocity = [-lr * g for g in floats(grads)]
    return [p + v for p, v in zip(floats(params), new_velocity)], new_velocity


def momentum_returns_old_velocity(params, grads, velocity, lr, beta=0.9):
    new_params = [p + beta * v - lr * g for p, g, v in zip(floats(params), floats(grads), floats(velocity))]
    return new_params, [np.array(v, dtype=float) for v in velocity]


def momentum_other_convention(params, grads, velocity, lr, beta=0.9):
    new_velocity = [beta * v + g for v, g in zip(floats(velocity), floats(grads))]
    return [p - lr * v for p, v in zip(floats(params), new_velocity)], new_velocity


def momentum_subtracts_velocity(params, grads, velocity, lr, beta=0.9):
    new_velocity = [beta * v - lr * g for v, g in zip(floats(velocity), floats(grads))]
    return [p - v for p, v in zip(floats(params), new_velocity)], new_velocity


def momentum_beta_as_decay(params, grads, velocity, lr, beta=0.9):
    new_velocity = [(1 - beta) * v - lr * g for v, g in zip(floats(velocity), floats(grads))]
    return [p + v for p, v in zip(floats(params), new_velocity)], new_velocity


def momentum_velocity_in_place(params, grads, velocity, lr, beta=0.9):
    for v, g in zip(velocity, grads):
        v *= beta
        v -= lr * g
    return [np.asarray(p, dtype=float) + v for p, v in zip(params, velocity)], velocity


@pytest.mark.parametrize("wrong, message", [
    pytest.param(momentum_forgets_velocity, "ignore the incoming velocity", id="forgets-velocity"),
    pytest.param(momentum_returns_old_velocity, "Return the NEW velocity", id="returns-old-velocity"),
    pytest.param(momentum_other_convention, "stores the velocity as the step", id="other-convention"),
    pytest.param(momentum_subtracts_velocity, "ADD it", id="subtracts-velocity"),
    pytest.param(momentum_beta_as_decay, "KEPT", id="one-minus-beta"),
    pytest.param(momentum_velocity_in_place, "in place", id="velocity-in-place"),
])
def test_wrong_momentum_step_is_caught(wrong, message):
    """Do the momentum cells reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"momentum_step": wrong}, grade_ids=MOMENTUM_CELLS, message_contains=message)


def momentum_step_written_out(params, grads, velocity, lr, beta=0.9):
    new_params, new_velocity = [], []
    for p, g, v in zip(params, grads, velocity):
        step = beta * np.asarray(v, dtype=float) - lr * np.asarray(g, dtype=float)
        new_velocity.append(step)
        new_params.append(np.asarray(p, dtype=float) + step)
    return new_params, new_velocity


def momentum_step_tuples(params, grads, velocity, lr, beta=0.9):
    pairs = [(np.add(p, beta * v - lr * g), beta * v - lr * g) for p, g, v in zip(params, grads, velocity)]
    return tuple(p for p, _ in pairs), tuple(v for _, v in pairs)


@pytest.mark.parametrize("right", [momentum_step_written_out, momentum_step_tuples], ids=["loop", "tuples"])
def test_other_right_momentum_step_earns_full_marks(right):
    """Does a right momentum_step written another way pass every quick grade cell?"""
    UNIT.assert_accepted({"momentum_step": right}, grade_ids=QUICK_CELLS)


# ---------------------------------------------------------------- exercise 3: adam_step
def adam_variant(correct=True, t_shift=1, eps_inside=False, keep_t=False, fresh=False, in_place=False):
    def adam_step(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        params, grads = floats(params), floats(grads)
        if state is None or fresh:
            state = {"m": [np.zeros_like(p) for p in params], "v": [np.zeros_like(p) for p in params],
                     "t": 0 if state is None else state["t"]}
        t = state["t"] + 1
        if in_place:
            m, v = state["m"], state["v"]
            for k, g in enumerate(grads):
                m[k] *= beta1
                m[k] += (1 - beta1) * g
                v[k] *= beta2
                v[k] += (1 - beta2) * g * g
        else:
            m = [beta1 * mk + (1 - beta1) * g for mk, g in zip(state["m"], grads)]
            v = [beta2 * vk + (1 - beta2) * g * g for vk, g in zip(state["v"], grads)]
        t_used = t - 1 + t_shift
        new = []
        with np.errstate(divide="ignore", invalid="ignore"):
            for p, mk, vk in zip(params, m, v):
                m_hat = mk / (1 - beta1 ** t_used) if correct else mk
                v_hat = vk / (1 - beta2 ** t_used) if correct else vk
                root = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
                new.append(p - lr * m_hat / root)
        return new, {"m": m, "v": v, "t": state["t"] if keep_t else t}
    return adam_step


@pytest.mark.parametrize("wrong, message", [
    pytest.param(adam_variant(correct=False), "Correct the bias", id="no-bias-correction"),
    pytest.param(adam_variant(t_shift=0), "first step has t = 1", id="t-starts-at-0"),
    pytest.param(adam_variant(t_shift=2), "t = 2", id="t-counted-twice"),
    pytest.param(adam_variant(eps_inside=True), "after the square root", id="eps-inside-sqrt"),
    pytest.param(adam_variant(keep_t=True), "one more after every call", id="t-never-increases"),
    pytest.param(adam_variant(fresh=True), "new_state['m']", id="forgets-m-and-v"),
    pytest.param(adam_variant(in_place=True), "in place", id="state-updated-in-place"),
])
def test_wrong_adam_step_is_caught(wrong, message):
    """Do the Adam cells reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"adam_step": wrong}, grade_ids=ADAM_CELLS, message_contains=message)


def test_adam_without_bias_correction_fails_the_first_step():
    """Is a missing bias correction caught already on the first step, with the size it gives?"""
    outcomes = UNIT.run(["test_adam_first_step"], {"adam_step": adam_variant(correct=False)})
    assert "3.2 * lr" in outcomes["test_adam_first_step"].message


def adam_step_one_array_at_a_time(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    state = state or {"m": [0.0 * np.asarray(p, dtype=float) for p in params],
                      "v": [0.0 * np.asarray(p, dtype=float) for p in params], "t": 0}
    t = state["t"] + 1
    out = {"m": [], "v": [], "t": t}
    new = []
    for p, g, m, v in zip(params, grads, state["m"], state["v"]):
        m = beta1 * m + (1 - beta1) * np.asarray(g)
        v = beta2 * v + (1 - beta2) * np.square(g)
        out["m"].append(m)
        out["v"].append(v)
        new.append(np.asarray(p) - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps))
    return new, out


def adam_step_on_a_copy(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    if state is None:
        state = {"m": [np.zeros(np.shape(p)) for p in params], "v": [np.zeros(np.shape(p)) for p in params], "t": 0}
    state = copy.deepcopy(state)
    state["t"] += 1
    new = [np.array(p, dtype=float) for p in params]
    for k, g in enumerate(floats(grads)):
        state["m"][k] = state["m"][k] * beta1 + g * (1 - beta1)
        state["v"][k] = state["v"][k] * beta2 + g ** 2 * (1 - beta2)
        correction = np.sqrt(1 - beta2 ** state["t"]) / (1 - beta1 ** state["t"])
        new[k] -= lr * correction * state["m"][k] / (np.sqrt(state["v"][k]) + eps * np.sqrt(1 - beta2 ** state["t"]))
    return new, state


@pytest.mark.parametrize("right", [adam_step_one_array_at_a_time, adam_step_on_a_copy],
                         ids=["array-by-array", "folded-correction-on-a-copy"])
def test_other_right_adam_step_earns_full_marks(right):
    """Does a right adam_step written another way pass every quick grade cell?"""
    UNIT.assert_accepted({"adam_step": right}, grade_ids=QUICK_CELLS)


def adam_by_nnlib(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    optimizer = optim.Adam(lr, beta1, beta2, eps)
    if state is not None:
        # copies: nnlib's Adam may update its moments in place
        optimizer.m, optimizer.v = [np.array(m, dtype=float) for m in state["m"]], [np.array(v, dtype=float) for v in state["v"]]
        optimizer.t = state["t"]
    new = optimizer.step(params, grads)
    return new, {"m": [np.array(m) for m in optimizer.m], "v": [np.array(v) for v in optimizer.v], "t": optimizer.t}


def test_adam_from_nnlib_loses_exactly_the_rule_cell():
    """Does an adam_step built on nnlib's Adam pass the value cells and lose only the rule cell?"""
    outcomes = UNIT.run(QUICK_CELLS, {"adam_step": adam_by_nnlib})
    failed = [g for g, o in outcomes.items() if not o.passed]
    assert failed == ["test_optimisers_own_code"], failed


# ---------------------------------------------------------------- exercise 4: train_loop
def loop_variant(shuffle=True, reshuffle=True, drop_last=False, val_on_train=False, batch_mean=False,
                 fresh_rng=False):
    def train_loop(X, y, model, step, epochs=10, batch_size=32, seed=0, X_val=None, y_val=None,
                   loss="softmax_cross_entropy"):
        loss_fn = losses.get_loss(loss)[0]
        n = len(X)
        rng = np.random.default_rng(seed)
        history = {"loss": [], "val_loss": []}
        order = rng.permutation(n)
        for epoch in range(epochs):
            if fresh_rng:
                order = np.random.default_rng(seed).permutation(n)
            elif not shuffle:
                order = np.arange(n)
            elif reshuffle and epoch > 0:
                order = rng.permutation(n)
            stop = n - n % batch_size if drop_last else n
            seen = []
            for start in range(0, stop, batch_size):
                rows = order[start:start + batch_size]
                value, dWs, dbs = model.gradients(X[rows], y[rows], loss)
                seen.append(value)
                model.set_params(step(model.get_params(), weights_then_biases(dWs, dbs)))
            history["loss"].append(float(np.mean(seen)) if batch_mean else float(loss_fn(model.forward(X), y)))
            if X_val is not None:
                X_eval, y_eval = (X, y) if val_on_train else (X_val, y_val)
                history["val_loss"].append(float(loss_fn(model.forward(X_eval), y_eval)))
        return history
    return train_loop


def loop_forgets_to_store_params(X, y, model, step, epochs=10, batch_size=32, seed=0, X_val=None, y_val=None,
                                 loss="softmax_cross_entropy"):
    loss_fn = losses.get_loss(loss)[0]
    rng = np.random.default_rng(seed)
    history = {"loss": [], "val_loss": []}
    params = model.get_params()
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            _, dWs, dbs = model.gradients(X[rows], y[rows], loss)
            params = step(params, weights_then_biases(dWs, dbs))  # never put back into the model
        history["loss"].append(float(loss_fn(model.forward(X), y)))
    return history


@pytest.mark.parametrize("wrong, message", [
    pytest.param(loop_variant(shuffle=False), "same fixed order", id="never-shuffles"),
    pytest.param(loop_variant(reshuffle=False), "NEW permutation", id="shuffles-once"),
    pytest.param(loop_variant(fresh_rng=True), "NEW permutation", id="new-generator-every-epoch"),
    pytest.param(loop_variant(drop_last=True), "Keep the last, smaller batch", id="drops-last-partial-batch"),
    pytest.param(loop_variant(batch_mean=True), "whole training set", id="mean-of-batch-losses"),
    pytest.param(loop_variant(val_on_train=True), "measured on the training data", id="validates-on-training-set"),
    pytest.param(loop_forgets_to_store_params, "set_params", id="never-updates-the-model"),
])
def test_wrong_train_loop_is_caught(wrong, message):
    """Do the train_loop cells reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"train_loop": wrong}, grade_ids=LOOP_CELLS, message_contains=message)


def test_validating_on_the_training_set_costs_only_the_validation_point():
    """Does a loop that validates on its training data keep the history point and lose the validation one?"""
    outcomes = UNIT.run(LOOP_CELLS, {"train_loop": loop_variant(val_on_train=True)})
    assert outcomes["test_train_loop_history"].passed
    assert not outcomes["test_train_loop_validation"].passed


def test_a_broken_loop_is_named_by_the_classifier_cells():
    """Do the classifier cells say "fix exercise 4 first" when train_loop never updates the model?"""
    outcomes = UNIT.run(CLASSIFIER_CELLS, {"train_loop": loop_forgets_to_store_params})
    for outcome in outcomes.values():
        assert not outcome.passed and "fix exercise 4" in outcome.message.lower()


def test_a_loop_that_never_shuffles_costs_only_its_own_cell():
    """Does a loop that never shuffles lose the history cell only, its classifiers still reaching the thresholds?"""
    outcomes = UNIT.run(overrides={"train_loop": loop_variant(shuffle=False)})
    failed = [g for g, o in outcomes.items() if not o.passed]
    assert failed == ["test_train_loop_history"], failed


def loop_with_backward(X, y, model, step, epochs=10, batch_size=32, seed=0, X_val=None, y_val=None,
                       loss="softmax_cross_entropy"):
    """Forward, loss gradient and backward written out instead of model.gradients."""
    loss_fn, loss_grad = losses.get_loss(loss)
    rng = np.random.default_rng(seed)
    history = {"loss": [], "val_loss": []}
    for _ in range(epochs):
        order = rng.permutation(len(X))
        start = 0
        while start < len(X):
            rows = order[start:start + batch_size]
            dWs, dbs = model.backward(loss_grad(model.forward(X[rows]), y[rows]))
            model.set_params(step(model.get_params(), weights_then_biases(dWs, dbs)))
            start += batch_size
        history["loss"].append(loss_fn(model.forward(X), y))
        if X_val is not None and y_val is not None:
            history["val_loss"].append(loss_fn(model.forward(X_val), y_val))
    return history


def loop_with_minibatches(X, y, model, step, epochs=10, batch_size=32, seed=0, X_val=None, y_val=None,
                          loss="softmax_cross_entropy"):
    """nnlib's mini-batch iterator (unit 04's exercise) with the same generator."""
    rng = np.random.default_rng(seed)
    history = {"loss": [], "val_loss": []}
    for _ in range(epochs):
        for X_batch, y_batch in minibatches(X, y, batch_size, rng):
            _, dWs, dbs = model.gradients(X_batch, y_batch, loss)
            model.set_params(step(model.get_params(), weights_then_biases(dWs, dbs)))
        history["loss"].append(model.gradients(X, y, loss)[0])
        if X_val is not None:
            history["val_loss"].append(model.gradients(X_val, y_val, loss)[0])
    return history


@pytest.mark.parametrize("right", [loop_with_backward, loop_with_minibatches], ids=["backward-by-hand", "minibatches"])
def test_other_right_train_loop_earns_full_marks(right):
    """Does a right train_loop written another way pass every grade cell (the classifiers' included)?"""
    UNIT.assert_accepted({"train_loop": right})


def loop_by_nnlib(X, y, model, step, epochs=10, batch_size=32, seed=0, X_val=None, y_val=None,
                  loss="softmax_cross_entropy"):
    optimizer = type("Step", (), {"step": staticmethod(step)})()
    history = train(model, X, y, loss, optimizer, epochs=epochs, batch_size=batch_size, X_val=X_val, y_val=y_val,
                    seed=seed, progress=False)
    return {"loss": history["loss"], "val_loss": history["val_loss"]}


def test_loop_from_nnlib_loses_exactly_the_rule_cell():
    """Does a train_loop that calls nnlib's train pass the value cells and lose only the rule cell?"""
    outcomes = UNIT.run(QUICK_CELLS, {"train_loop": loop_by_nnlib})
    failed = [g for g, o in outcomes.items() if not o.passed]
    assert failed == ["test_train_loop_own_code"], failed


# ---------------------------------------------------------------- exercise 5: units_identical
def identical_columns(W, b, tol=1e-8):
    W = np.asarray(W, dtype=float)
    return bool(np.all(np.abs(W - W[:, :1]) <= tol) and np.all(np.abs(b - b[0]) <= tol))


def identical_ignores_bias(W, b, tol=1e-8):
    W = np.asarray(W, dtype=float)
    return bool(np.all(np.abs(W - W[0]) <= tol))


def identical_exact(W, b, tol=1e-8):
    return bool(np.all(W == W[0]) and np.all(b == b[0]))


def identical_first_two_units(W, b, tol=1e-8):
    if len(W) < 2:
        return True
    return bool(np.all(np.abs(W[1] - W[0]) <= tol) and abs(b[1] - b[0]) <= tol)


def identical_returns_text(W, b, tol=1e-8):
    return "yes" if np.all(np.abs(W - W[0]) <= tol) else "no"


@pytest.mark.parametrize("wrong, message", [
    pytest.param(identical_columns, "compare rows, not columns", id="compares-columns"),
    pytest.param(identical_ignores_bias, "biases too", id="ignores-bias"),
    pytest.param(identical_exact, "not with ==", id="exact-comparison"),
    pytest.param(identical_first_two_units, "every row of W", id="first-two-units-only"),
    pytest.param(identical_returns_text, "True or False", id="returns-text"),
])
def test_wrong_units_identical_is_caught(wrong, message):
    """Do the symmetry cells reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"units_identical": wrong}, grade_ids=SYMMETRY_CELLS, message_contains=message)


def identical_by_spread(W, b, tol=1e-8):
    units = np.column_stack([W, b])
    return bool(np.ptp(units, axis=0).max() <= tol)


def identical_by_allclose(W, b, tol=1e-8):
    return np.allclose(W, W[0], rtol=0, atol=tol) and np.allclose(b, b[0], rtol=0, atol=tol)


@pytest.mark.parametrize("right", [identical_by_spread, identical_by_allclose], ids=["spread", "allclose"])
def test_other_right_units_identical_earns_full_marks(right):
    """Does a right units_identical written another way pass every quick grade cell?"""
    UNIT.assert_accepted({"units_identical": right}, grade_ids=QUICK_CELLS)


# ---------------------------------------------------------------- exercise 6: l2_gradients, dropout
def l2_on_biases(params, grads, lam):
    return [g + lam * p for p, g in zip(floats(params), floats(grads))]


def l2_twice_lambda(params, grads, lam):
    return [g + (2 * lam * p if k % 2 == 0 else 0) for k, (p, g) in enumerate(zip(floats(params), floats(grads)))]


def l2_wrong_sign(params, grads, lam):
    return [g - (lam * p if k % 2 == 0 else 0) for k, (p, g) in enumerate(zip(floats(params), floats(grads)))]


def l2_adds_lambda(params, grads, lam):
    return [g + (lam if k % 2 == 0 else 0) for k, g in enumerate(floats(grads))]


def l2_in_place(params, grads, lam):
    for k in range(0, len(grads), 2):
        grads[k] += lam * params[k]
    return grads


@pytest.mark.parametrize("wrong, message", [
    pytest.param(l2_on_biases, "Do not penalise the biases", id="penalises-biases"),
    pytest.param(l2_twice_lambda, "the 2 cancels", id="two-lambda"),
    pytest.param(l2_wrong_sign, "ADD lam * W", id="wrong-sign"),
    pytest.param(l2_adds_lambda, "not the number lam", id="adds-lambda"),
    pytest.param(l2_in_place, "in place", id="changes-grads-in-place"),
])
def test_wrong_l2_gradients_is_caught(wrong, message):
    """Does the L2 cell reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"l2_gradients": wrong}, grade_ids=L2_CELLS, message_contains=message)


def dropout_not_rescaled(A, p, seed=0, training=True):
    if not training:
        return np.array(A, dtype=float)
    return A * (np.random.default_rng(seed).random(np.shape(A)) >= p)


def dropout_multiplied(A, p, seed=0, training=True):
    if not training:
        return np.array(A, dtype=float)
    return A * (np.random.default_rng(seed).random(np.shape(A)) >= p) * (1 - p)


def dropout_on_at_evaluation(A, p, seed=0, training=True):
    return A * (np.random.default_rng(seed).random(np.shape(A)) >= p) / (1 - p)


def dropout_classic(A, p, seed=0, training=True):
    """Scales at evaluation instead of in training (the non-inverted form)."""
    if not training:
        return np.asarray(A, dtype=float) * (1 - p)
    return A * (np.random.default_rng(seed).random(np.shape(A)) >= p)


def dropout_keep_probability(A, p, seed=0, training=True):
    if not training:
        return np.array(A, dtype=float)
    return A * (np.random.default_rng(seed).random(np.shape(A)) < p) / (1 - p)


def dropout_global_random(A, p, seed=0, training=True):
    if not training:
        return np.array(A, dtype=float)
    return A * (np.random.random(np.shape(A)) >= p) / (1 - p)


def dropout_in_place(A, p, seed=0, training=True):
    if training:
        A *= (np.random.default_rng(seed).random(np.shape(A)) >= p) / (1 - p)
    return A


@pytest.mark.parametrize("wrong, message", [
    pytest.param(dropout_not_rescaled, "did not rescale", id="not-rescaled"),
    pytest.param(dropout_multiplied, "DIVIDE", id="multiplies-by-keep-probability"),
    pytest.param(dropout_on_at_evaluation, "still on at evaluation", id="on-at-evaluation"),
    pytest.param(dropout_classic, "at evaluation", id="scales-at-evaluation"),
    pytest.param(dropout_keep_probability, "probability of", id="p-as-keep-probability"),
    pytest.param(dropout_global_random, "same seed", id="ignores-seed"),
    pytest.param(dropout_in_place, "in place", id="changes-A-in-place"),
])
def test_wrong_dropout_is_caught(wrong, message):
    """Do the dropout cells reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"dropout": wrong}, grade_ids=DROPOUT_CELLS, message_contains=message)


def l2_comprehension(params, grads, lam):
    return [np.add(g, lam * np.asarray(p)) if k % 2 == 0 else np.array(g, dtype=float)
            for k, (p, g) in enumerate(zip(params, grads))]


def l2_copy_then_add(params, grads, lam):
    new = [np.array(g, dtype=float) for g in grads]
    for k in range(0, len(new), 2):
        new[k] += lam * np.asarray(params[k])
    return new


def dropout_binomial(A, p, seed=0, training=True):
    A = np.array(A, dtype=float)
    if not training:
        return A
    mask = np.random.default_rng(seed).binomial(1, 1.0 - p, size=A.shape)
    return A * mask / (1.0 - p)


def dropout_where(A, p, seed=0, training=True):
    if not training or p == 0:
        return np.copy(A)
    keep = np.random.default_rng(seed).random(np.shape(A)) < 1.0 - p
    return np.where(keep, A / (1.0 - p), 0.0)


@pytest.mark.parametrize("name, right", [("l2_gradients", l2_comprehension), ("l2_gradients", l2_copy_then_add),
                                         ("dropout", dropout_binomial), ("dropout", dropout_where)],
                         ids=["l2-comprehension", "l2-copy-then-add", "dropout-binomial", "dropout-where"])
def test_other_right_regularisation_earns_full_marks(name, right):
    """Does a right l2_gradients or dropout written another way pass every quick grade cell?"""
    UNIT.assert_accepted({name: right}, grade_ids=QUICK_CELLS)


# ---------------------------------------------------------------- exercise 7: the classifiers
def moons_linear(X_train, y_train, X_test, seed=0):
    from nnlib.network import MLP

    model = MLP([2, 2], ["linear"], seed=seed)
    UNIT_LOOP(X_train, y_train, model, optim.Adam(lr=0.05).step, epochs=60, batch_size=32, seed=seed)
    return model.predict(X_test)


def digits_undertrained(X_train, y_train, X_test, seed=0):
    from nnlib.network import MLP

    model = MLP([64, 8, 10], ["relu", "linear"], seed=seed)
    UNIT_LOOP(X_train, y_train, model, optim.SGD(lr=0.05).step, epochs=2, batch_size=64, seed=seed)
    return model.predict(X_test)


def digits_probabilities(X_train, y_train, X_test, seed=0):
    from nnlib.network import MLP

    model = MLP([64, 32, 10], ["relu", "softmax"], seed=seed)
    UNIT_LOOP(X_train, y_train, model, optim.Adam(lr=0.01).step, epochs=10, batch_size=64, seed=seed,
              loss="cross_entropy")
    return model.forward(X_test)


def UNIT_LOOP(*args, **kwargs):  # noqa: N802 - the reference loop, as a student's own would be
    from nnlib.exercises.unit06 import reference_loop

    return reference_loop(*args, **kwargs)


@pytest.mark.parametrize("name, wrong, message", [
    pytest.param("classify_moons", moons_linear, "needs at least 0.92", id="moons-straight-line"),
    pytest.param("classify_digits", digits_undertrained, "needs at least 0.95", id="digits-undertrained"),
    pytest.param("classify_digits", digits_probabilities, "one class label per row", id="digits-probabilities"),
])
def test_classifier_below_the_threshold_is_caught(name, wrong, message):
    """Does a classifier that misses the held-out threshold (or returns probabilities) lose its cell, with advice?"""
    cell = "test_classify_moons" if name == "classify_moons" else "test_classify_digits"
    UNIT.assert_caught({name: wrong}, grade_ids=[cell], message_contains=message)


def digits_by_nnlib(X_train, y_train, X_test, seed=0):
    from nnlib.network import MLP

    model = MLP([64, 48, 10], ["relu", "linear"], seed=seed)
    train(model, X_train, y_train, "softmax_cross_entropy", optim.Adam(lr=0.01), epochs=20, batch_size=64,
          seed=seed, progress=False)
    return model.predict(X_test)


def test_classifier_trained_by_nnlib_loses_exactly_the_rule_cell():
    """Does classify_digits trained with nnlib's train pass its threshold and lose only the rule cell?"""
    outcomes = UNIT.run(CLASSIFIER_CELLS + ["test_classifiers_own_code"], {"classify_digits": digits_by_nnlib})
    failed = [g for g, o in outcomes.items() if not o.passed]
    assert failed == ["test_classifiers_own_code"], failed


def test_untouched_stubs_lose_the_rule_cells():
    """Do the rule cells refuse unwritten stubs (a rule kept by no code earns nothing)?"""
    def stub(*args, **kwargs):
        raise NotImplementedError()

    outcomes = UNIT.run(["test_optimisers_own_code", "test_train_loop_own_code", "test_classifiers_own_code"],
                        {"sgd_step": stub, "train_loop": stub, "classify_moons": stub})
    for outcome in outcomes.values():
        assert not outcome.passed and "not written yet" in outcome.message


# ---------------------------------------------------------------- one bug, one cell
@pytest.mark.parametrize("name, wrong, cell", [
    pytest.param("sgd_step", sgd_sign_flipped, "test_sgd_values", id="sgd-sign"),
    pytest.param("adam_step", adam_variant(correct=False), "test_adam_first_step", id="adam-no-bias-correction"),
    pytest.param("adam_step", adam_variant(t_shift=2), "test_adam_first_step", id="adam-t-counted-twice"),
    pytest.param("train_loop", loop_variant(drop_last=True), "test_train_loop_history", id="loop-drops-last-batch"),
    pytest.param("train_loop", loop_variant(batch_mean=True), "test_train_loop_history", id="loop-batch-mean"),
    pytest.param("train_loop", loop_variant(shuffle=False), "test_train_loop_history", id="loop-never-shuffles"),
])
def test_one_bug_costs_one_cell_of_its_exercise(name, wrong, cell):
    """Does a mistake in one part of an exercise fail that part's cell only, among the exercise's quick cells?"""
    outcomes = UNIT.run(QUICK_CELLS, {name: wrong})
    failed = [g for g, o in outcomes.items() if not o.passed]
    assert failed == [cell], failed


def moons_relu_momentum(X_train, y_train, X_test, seed=0):
    from nnlib.network import MLP

    model = MLP([2, 32, 32, 2], ["relu", "relu", "linear"], seed=seed)
    UNIT_LOOP(X_train, y_train, model, optim.Momentum(lr=0.05, beta=0.9).step, epochs=80, batch_size=16, seed=seed)
    return model.predict(X_test)


def moons_one_sigmoid_output(X_train, y_train, X_test, seed=0):
    from nnlib.network import MLP

    model = MLP([2, 12, 1], ["tanh", "sigmoid"], seed=seed)
    UNIT_LOOP(X_train, y_train.reshape(-1, 1), model, optim.Adam(lr=0.03).step, epochs=80, batch_size=32,
              seed=seed, loss="binary_cross_entropy")
    return model.predict(X_test)


def digits_tanh_momentum(X_train, y_train, X_test, seed=0):
    from nnlib.network import MLP

    model = MLP([64, 64, 10], ["tanh", "linear"], seed=seed)
    UNIT_LOOP(X_train, y_train, model, optim.Momentum(lr=0.1, beta=0.9).step, epochs=20, batch_size=32, seed=seed)
    return model.predict(X_test)


def digits_softmax_output(X_train, y_train, X_test, seed=0):
    from nnlib.network import MLP

    model = MLP([64, 40, 10], ["relu", "softmax"], seed=seed)
    UNIT_LOOP(X_train, y_train, model, optim.Adam(lr=0.005).step, epochs=20, batch_size=32, seed=seed,
              loss="cross_entropy")
    return model.predict(X_test)


@pytest.mark.parametrize("name, right", [
    ("classify_moons", moons_relu_momentum), ("classify_moons", moons_one_sigmoid_output),
    ("classify_digits", digits_tanh_momentum), ("classify_digits", digits_softmax_output)],
    ids=["moons-relu-momentum", "moons-sigmoid-output", "digits-tanh-momentum", "digits-softmax-output"])
def test_other_right_classifier_earns_full_marks(name, right):
    """Does another architecture and optimiser that generalises as well pass the threshold and rule cells?"""
    cell = "test_classify_moons" if name == "classify_moons" else "test_classify_digits"
    UNIT.assert_accepted({name: right}, grade_ids=[cell, "test_classifiers_own_code"])


def test_the_checks_reference_loop_is_nnlibs_training():
    """Is the loop the checks compare with the same training as nnlib.train.train, history and weights alike?"""
    from nnlib import datasets
    from nnlib.exercises.unit06 import reference_loop
    from nnlib.network import MLP

    X, y = datasets.two_moons(n=45, noise=0.2, seed=5)
    X_val, y_val = datasets.two_moons(n=20, noise=0.2, seed=6)
    ours, theirs = MLP([2, 5, 2], ["tanh", "linear"], seed=3), MLP([2, 5, 2], ["tanh", "linear"], seed=3)
    history = reference_loop(X, y, ours, optim.Adam(lr=0.02).step, epochs=3, batch_size=8, seed=4,
                             X_val=X_val, y_val=y_val)
    expected = train(theirs, X, y, "softmax_cross_entropy", optim.Adam(lr=0.02), epochs=3, batch_size=8,
                     X_val=X_val, y_val=y_val, seed=4, progress=False)
    assert np.allclose(history["loss"], expected["loss"], rtol=1e-9)
    assert np.allclose(history["val_loss"], expected["val_loss"], rtol=1e-9)
    assert all(np.allclose(a, b) for a, b in zip(ours.get_params(), theirs.get_params()))


# ---------------------------------------------------------------- the notebook as a whole
def test_run_all_on_the_untouched_notebook_goes_through(monkeypatch):
    """Does Run All reach the end of the untouched notebook, with the figures and the dashboard shown and
    the demo cells asking to finish their exercises (nnlib's reference standing in meanwhile)?"""
    outputs = run_all_released("06_training", monkeypatch)
    assert outputs["explorer"] >= 1 and outputs["figures"] >= 8, outputs
    assert outputs["finish"] >= 5, outputs


# ---------------------------------------------------------------- what the student can see
VISIBLE = VisibleTests("06_training")


@pytest.mark.parametrize("name, wrong, cells, message", [
    pytest.param("sgd_step", sgd_sign_flipped, SGD_CELLS, "subtract lr * g", id="sgd-sign"),
    pytest.param("sgd_step", sgd_in_place, SGD_CELLS, "in place", id="sgd-in-place"),
    pytest.param("momentum_step", momentum_forgets_velocity, MOMENTUM_CELLS, "incoming velocity", id="momentum-forgets"),
    pytest.param("adam_step", adam_variant(correct=False), ADAM_CELLS, "Correct the bias", id="adam-no-correction"),
    pytest.param("adam_step", adam_variant(t_shift=0), ADAM_CELLS, "t = 1", id="adam-t-from-0"),
    pytest.param("train_loop", loop_variant(shuffle=False), LOOP_CELLS, "same fixed order", id="loop-no-shuffle"),
    pytest.param("train_loop", loop_variant(drop_last=True), LOOP_CELLS, "last, smaller batch", id="loop-drops-last"),
    pytest.param("train_loop", loop_variant(val_on_train=True), LOOP_CELLS, "training data", id="loop-validates-on-train"),
    pytest.param("units_identical", identical_columns, SYMMETRY_CELLS, "rows, not columns", id="identical-columns"),
    pytest.param("l2_gradients", l2_on_biases, L2_CELLS, "biases", id="l2-on-biases"),
    pytest.param("dropout", dropout_not_rescaled, DROPOUT_CELLS, "1 - p", id="dropout-not-rescaled"),
    pytest.param("dropout", dropout_on_at_evaluation, DROPOUT_CELLS, "still on at evaluation", id="dropout-on-at-eval"),
])
def test_classic_bug_fails_a_visible_test_that_names_it(name, wrong, cells, message):
    """Does a bug the text warns about fail a test the student can see, with a message naming it?"""
    VISIBLE.assert_caught({name: wrong}, grade_ids=cells, message_contains=message)
