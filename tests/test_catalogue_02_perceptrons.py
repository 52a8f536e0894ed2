"""Unit 02's grade cells against a catalogue of typical wrong answers and of other right answers.

Each wrong answer replaces one name in the namespace the grade cells see (the reference answers
otherwise); the test proves that some grade cell of that exercise fails with a message naming the
mistake. Each right answer written another way must pass every grade cell.
"""
import numpy as np
import pytest

from tests.notebook_harness import Unit, VisibleTests
from tests.unit_checks import released_stubs, run_all_released

UNIT = Unit("02_perceptrons")

OUTPUT_CELLS = ["test_perceptron_output_single", "test_perceptron_output_batch"]
UPDATE_CELLS = ["test_perceptron_update_step", "test_perceptron_update_pure"]
TRAIN_CELLS = ["test_train_perceptron_converges", "test_train_perceptron_xor"]
XOR_CELLS = ["test_xor_forward_table", "test_xor_forward_shapes"]


def _z(X, w, b):
    return np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + b


def _predict(x, w, b):
    return int(_z(x, w, b) > 0)


# ---------------------------------------------------------------- perceptron_output
def output_ties_give_one(X, w, b):
    return (_z(X, w, b) >= 0).astype(int)


def output_returns_sum(X, w, b):
    return _z(X, w, b)


def output_without_bias(X, w, b):
    return (_z(X, w, 0.0) > 0).astype(int)


def output_sign(X, w, b):
    return np.sign(_z(X, w, b))


def output_sigmoid(X, w, b):
    return 1 / (1 + np.exp(-_z(X, w, b)))


def output_column(X, w, b):
    return (np.asarray(X, dtype=float) @ np.asarray(w).reshape(-1, 1) + b > 0).astype(int)


def output_w_first(X, w, b):
    """np.dot(w, X): right for one sample, a shape error for a batch."""
    return (np.dot(w, X) + b > 0).astype(int)


def output_first_sample_only(X, w, b):
    first = np.asarray(X, dtype=float).reshape(-1, len(w))[0]
    return int(first @ w + b > 0)


def output_booleans(X, w, b):
    """The comparison itself: True/False where the docstring promises the numbers 0 and 1."""
    return np.asarray(X) @ w + b > 0


def output_list_for_batch(X, w, b):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        return int(X @ w + b > 0)
    return [int(x @ w + b > 0) for x in X]


def output_in_place(X, w, b):
    X *= w  # multiplies the caller's array
    return (X.sum(axis=-1) + b > 0).astype(int)


@pytest.mark.parametrize("wrong, message", [
    pytest.param(output_ties_give_one, "strict", id="tie-gives-1"),
    pytest.param(output_returns_sum, "weighted sum z itself", id="returns-z"),
    pytest.param(output_without_bias, "bias is missing", id="missing-bias"),
    pytest.param(output_sign, "np.sign", id="sign-gives-minus-1"),
    pytest.param(output_sigmoid, "sigmoid", id="sigmoid-not-step"),
    pytest.param(output_column, "shape", id="column-output"),
    pytest.param(output_w_first, "one sample per row", id="w-dot-X-batch"),
    pytest.param(output_first_sample_only, "shape", id="first-sample-only"),
    pytest.param(output_in_place, "in place", id="modifies-input"),
    pytest.param(output_booleans, "booleans", id="booleans"),
    pytest.param(output_list_for_batch, "numpy array", id="list-for-a-batch"),
])
def test_wrong_perceptron_output_is_caught(wrong, message):
    """Do the perceptron_output cells reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"perceptron_output": wrong}, grade_ids=OUTPUT_CELLS, message_contains=message)


def output_list_comprehension(X, w, b):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        return 1 if sum(wi * xi for wi, xi in zip(w, X)) + b > 0 else 0
    return np.array([1 if float(np.dot(w, x)) + b > 0 else 0 for x in X])


def output_heaviside(X, w, b):
    return np.heaviside(np.dot(X, w) + b, 0.0)


@pytest.mark.parametrize("right", [output_list_comprehension, output_heaviside],
                         ids=["loop-into-array", "heaviside-floats"])
def test_other_right_perceptron_output_earns_full_marks(right):
    """Does a right perceptron_output written another way pass every grade cell?"""
    UNIT.assert_accepted({"perceptron_output": right})


def test_perceptron_output_right_for_one_sample_only_earns_part_of_the_points():
    """Does np.dot(w, X) earn the single-sample point but lose the batch point?"""
    outcomes = UNIT.run(OUTPUT_CELLS, {"perceptron_output": output_w_first})
    assert outcomes["test_perceptron_output_single"].passed
    assert not outcomes["test_perceptron_output_batch"].passed


# ---------------------------------------------------------------- AND and OR weights
@pytest.mark.parametrize("overrides, grade_id, message", [
    pytest.param({"w_and": np.array([1.0, 1.0]), "b_and": -0.5}, "test_gate_and", "AND needs", id="and-gets-or-weights"),
    pytest.param({"w_and": np.array([1.0, 1.0]), "b_and": -1.0}, "test_gate_and", "decision line",
                 id="and-on-the-boundary"),
    pytest.param({"w_or": np.array([1.0, 1.0]), "b_or": 0.0}, "test_gate_or", "decision line", id="or-on-the-boundary"),
    pytest.param({"w_or": np.array([1.0, 1.0]), "b_or": 0.5}, "test_gate_or", "OR needs", id="or-bias-positive"),
    pytest.param({"w_and": np.array([1.0, 1.0, -1.5]), "b_and": 0.0}, "test_gate_and", "2 numbers",
                 id="bias-inside-w"),
    pytest.param({"w_or": np.array([1.0, 1.0]), "b_or": np.array([-0.5, -0.5])}, "test_gate_or", "one number",
                 id="bias-array"),
    pytest.param({"w_and": np.zeros(2), "b_and": 0.5}, "test_gate_and", "only (1, 1) may give a positive sum", id="only-the-bias-changed"),
])
def test_wrong_gate_weights_are_caught(overrides, grade_id, message):
    """Do the gate cells reject wrong or fragile weights and say which rows fail?"""
    UNIT.assert_caught(overrides, grade_ids=[grade_id], message_contains=message)


def test_other_right_gate_weights_earn_full_marks():
    """Do other weights with a margin (lists, scaled, a bias of shape (1,)) pass?"""
    UNIT.assert_accepted({"w_and": [2.0, 2.0], "b_and": -3.0, "w_or": np.array([0.5, 3.0]), "b_or": np.array([-0.25])},
                         grade_ids=["test_gate_and", "test_gate_or"])


def test_right_and_wrong_or_earns_part_of_the_points():
    """Do right AND weights keep their point when the OR weights are wrong?"""
    outcomes = UNIT.run(["test_gate_and", "test_gate_or"], {"w_or": np.array([1.0, 1.0]), "b_or": -1.5})
    assert outcomes["test_gate_and"].passed and not outcomes["test_gate_or"].passed


# ---------------------------------------------------------------- perceptron_update
def update_sign_flipped(x, y, w, b, lr=1.0):
    error = _predict(x, w, b) - y
    return w + lr * error * x, b + lr * error


def update_without_lr(x, y, w, b, lr=1.0):
    error = y - _predict(x, w, b)
    return w + error * x, b + error


def update_delta_rule(x, y, w, b, lr=1.0):
    error = y - _z(x, w, b)
    return w + lr * error * x, b + lr * error


def update_forgets_bias(x, y, w, b, lr=1.0):
    return w + lr * (y - _predict(x, w, b)) * x, b


def update_bias_sign(x, y, w, b, lr=1.0):
    error = y - _predict(x, w, b)
    return w + lr * error * x, b - lr * error


def update_in_place(x, y, w, b, lr=1.0):
    error = y - _predict(x, w, b)
    w += lr * error * x
    return w, b + lr * error


def update_always_by_target(x, y, w, b, lr=1.0):
    return w + lr * y * x, b + lr * y


def update_by_target_sign(x, y, w, b, lr=1.0):
    step = lr if y == 1 else -lr  # right on mistakes, but also moves when the answer is right
    return w + step * x, b + step


def update_returns_w_only(x, y, w, b, lr=1.0):
    return w + lr * (y - _predict(x, w, b)) * x


@pytest.mark.parametrize("wrong, message", [
    pytest.param(update_sign_flipped, "wrong sign", id="sign-flipped"),
    pytest.param(update_without_lr, "learning rate", id="lr-ignored"),
    pytest.param(update_delta_rule, "0/1 output", id="z-instead-of-y-hat"),
    pytest.param(update_forgets_bias, "bias must be corrected", id="bias-not-updated"),
    pytest.param(update_bias_sign, "bias correction has the wrong sign", id="bias-sign"),
    pytest.param(update_in_place, "in place", id="w-plus-equals"),
    pytest.param(update_always_by_target, "y - y_hat", id="updates-when-right"),
    pytest.param(update_by_target_sign, "must change nothing", id="moves-on-right-answers"),
    pytest.param(update_returns_w_only, "pair (w_new, b_new)", id="returns-w-only"),
])
def test_wrong_perceptron_update_is_caught(wrong, message):
    """Do the perceptron_update cells reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"perceptron_update": wrong}, grade_ids=UPDATE_CELLS, message_contains=message)


def update_with_branch(x, y, w, b, lr=1.0):
    predicted = 1 if float(np.dot(w, x)) + b > 0 else 0
    if predicted == y:
        return np.array(w, dtype=float), b
    step = lr if y == 1 else -lr
    return np.add(w, step * np.asarray(x)), b + step


def update_as_list(x, y, w, b, lr=1.0):
    error = y - _predict(x, w, b)
    return [np.asarray(w) + lr * error * np.asarray(x), b + lr * error]


@pytest.mark.parametrize("right", [update_with_branch, update_as_list], ids=["if-branch", "returns-list"])
def test_other_right_perceptron_update_earns_full_marks(right):
    """Does a right perceptron_update written another way pass every grade cell?"""
    UNIT.assert_accepted({"perceptron_update": right})


def test_update_that_also_moves_on_right_answers_earns_part_of_the_points():
    """Does an update that is right on mistakes but moves on right answers keep the first point only?"""
    outcomes = UNIT.run(UPDATE_CELLS, {"perceptron_update": update_by_target_sign})
    assert outcomes["test_perceptron_update_step"].passed
    assert not outcomes["test_perceptron_update_pure"].passed


# ---------------------------------------------------------------- train_perceptron
def _make_trainer(*, stop=True, record_last=True, cumulative=False, count_at_end=False, init=None,
                  shuffle=False, epochs_offset=0, use_lr=True, apply_update=True):
    """A perceptron trainer with one deliberate deviation from the rule."""
    def train(X, y, lr=1.0, max_epochs=100):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        w = np.zeros(X.shape[1]) if init is None else np.full(X.shape[1], init)
        b = 0.0 if init is None else init
        rng = np.random.default_rng(0)
        errors, total = [], 0
        for _ in range(max_epochs + epochs_offset):
            order = rng.permutation(len(X)) if shuffle else range(len(X))
            mistakes = 0
            for i in order:
                error = y[i] - _predict(X[i], w, b)
                mistakes += int(error != 0)
                if apply_update:
                    step = lr if use_lr else 1.0
                    w, b = w + step * error * X[i], b + step * error
            if count_at_end:
                mistakes = int(sum(_predict(x, w, b) != t for x, t in zip(X, y)))
            total += mistakes
            if mistakes == 0 and stop:
                if record_last:
                    errors.append(total if cumulative else 0)
                break
            errors.append(total if cumulative else mistakes)
        return w, b, errors
    return train


@pytest.mark.parametrize("wrong, message", [
    pytest.param(_make_trainer(stop=False), "Stop after the first epoch", id="never-stops"),
    pytest.param(_make_trainer(record_last=False), "end with 0", id="drops-final-zero"),
    pytest.param(_make_trainer(cumulative=True, stop=False), "Reset the mistake count", id="cumulative-count"),
    pytest.param(_make_trainer(count_at_end=True), "before each update", id="counts-after-epoch"),
    pytest.param(_make_trainer(init=0.5), "Start from w = 0", id="nonzero-start"),
    pytest.param(_make_trainer(shuffle=True), "visit the rows in order", id="shuffles"),
    pytest.param(_make_trainer(epochs_offset=-1), "not one fewer", id="one-epoch-short"),
    pytest.param(_make_trainer(apply_update=False), "train_perceptron", id="never-updates"),
])
def test_wrong_train_perceptron_is_caught(wrong, message):
    """Do the train_perceptron cells reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"train_perceptron": wrong}, grade_ids=TRAIN_CELLS, message_contains=message)


def test_train_perceptron_ignoring_lr_is_caught_by_a_visible_test():
    """Does a loop that ignores lr (right at lr = 1) fail the converging cell only, visibly, with lr named?"""
    failed = VISIBLE.assert_caught({"train_perceptron": _make_trainer(use_lr=False)}, grade_ids=TRAIN_CELLS,
                                   message_contains="learning rate lr is not used")
    assert [o.grade_id for o in failed] == ["test_train_perceptron_converges"]


def train_with_while(X, y, lr=1.0, max_epochs=100):
    X = np.asarray(X, dtype=float)
    w, b, errors, epoch = np.zeros(X.shape[1]), 0.0, [], 0
    while epoch < max_epochs:
        epoch += 1
        count = 0
        for i in range(len(X)):
            new_w, new_b = w + lr * (y[i] - _predict(X[i], w, b)) * X[i], b + lr * (y[i] - _predict(X[i], w, b))
            count += int(_predict(X[i], w, b) != y[i])
            w, b = new_w, new_b
        errors.append(count)
        if not count:
            break
    return w, b, errors


def test_other_right_train_perceptron_earns_full_marks():
    """Does a right training loop written with while and inline updates pass every grade cell?"""
    UNIT.assert_accepted({"train_perceptron": train_with_while})


def test_loop_that_never_stops_earns_the_xor_point_only():
    """Does a loop that never stops early still earn the XOR point (it is right there)?"""
    outcomes = UNIT.run(TRAIN_CELLS, {"train_perceptron": _make_trainer(stop=False)})
    assert outcomes["test_train_perceptron_xor"].passed
    assert not outcomes["test_train_perceptron_converges"].passed


# ---------------------------------------------------------------- xor_forward
def _relu(Z):
    return np.maximum(0.0, Z)


def xor_no_relu(X, W, b, U):
    H = np.asarray(X, dtype=float) @ W.T + b
    return H, H @ U


def xor_bias_subtracted(X, W, b, U):
    H = _relu(np.asarray(X, dtype=float) @ W.T - b)
    return H, H @ U


def xor_no_bias(X, W, b, U):
    H = _relu(np.asarray(X, dtype=float) @ W.T)
    return H, H @ U


def xor_untransposed(X, W, b, U):
    H = _relu(np.asarray(X, dtype=float) @ W + b)
    return H, H @ U


def xor_relu_on_output(X, W, b, U):
    H = _relu(np.asarray(X, dtype=float) @ W.T + b)
    return H, _relu(H @ U)


def xor_squeezed(X, W, b, U):
    H = _relu(np.asarray(X, dtype=float) @ W.T + b)
    return np.squeeze(H), np.squeeze(H @ U)


def xor_always_batch(X, W, b, U):
    H = _relu(np.atleast_2d(np.asarray(X, dtype=float)) @ W.T + b)
    return H, H @ U


def xor_sigmoid(X, W, b, U):
    H = 1 / (1 + np.exp(-(np.asarray(X, dtype=float) @ W.T + b)))
    return H, H @ U


@pytest.mark.parametrize("wrong, message", [
    pytest.param(xor_no_relu, "Apply the ReLU", id="no-relu"),
    pytest.param(xor_bias_subtracted, "do not subtract", id="bias-subtracted"),
    pytest.param(xor_no_bias, "bias b is missing", id="missing-bias"),
    pytest.param(xor_untransposed, "transposed", id="W-not-transposed"),
    pytest.param(xor_relu_on_output, "output unit is linear", id="relu-on-output"),
    pytest.param(xor_squeezed, "keep the batch axis", id="squeezes-batch-of-one"),
    pytest.param(xor_always_batch, "shape", id="single-input-gets-batch-axis"),
    pytest.param(xor_sigmoid, "H from xor_forward", id="sigmoid-hidden"),
])
def test_wrong_xor_forward_is_caught(wrong, message):
    """Do the xor_forward cells reject this typical mistake and say what it is?"""
    UNIT.assert_caught({"xor_forward": wrong}, grade_ids=XOR_CELLS, message_contains=message)


def xor_with_where(X, W, b, U):
    Z = np.dot(np.asarray(X, dtype=float), np.transpose(W)) + b
    H = np.where(Z > 0, Z, 0.0)
    return H, np.dot(H, U)


def xor_with_einsum(X, W, b, U):
    H = np.clip(np.einsum("...i,ji->...j", np.asarray(X, dtype=float), W) + b, 0.0, None)
    return H, np.einsum("...j,j->...", H, U)


@pytest.mark.parametrize("right", [xor_with_where, xor_with_einsum], ids=["np-where", "einsum-clip"])
def test_other_right_xor_forward_earns_full_marks(right):
    """Does a right xor_forward written another way pass every grade cell?"""
    UNIT.assert_accepted({"xor_forward": right})


def test_xor_forward_losing_the_batch_axis_earns_part_of_the_points():
    """Does a forward pass that reproduces the table but squeezes a batch of one keep the table point?"""
    outcomes = UNIT.run(XOR_CELLS, {"xor_forward": xor_squeezed})
    assert outcomes["test_xor_forward_table"].passed
    assert not outcomes["test_xor_forward_shapes"].passed


def test_reference_answers_earn_every_point():
    """Do the notebook's own answers pass every grade cell in-process?"""
    UNIT.assert_accepted({})


# ---------------------------------------------------------------- what the student can see
VISIBLE = VisibleTests("02_perceptrons")


@pytest.mark.parametrize("overrides, grade_ids, message", [
    pytest.param({"perceptron_output": output_booleans}, OUTPUT_CELLS, "booleans", id="booleans"),
    pytest.param({"perceptron_output": output_list_for_batch}, OUTPUT_CELLS, "numpy array", id="list-for-a-batch"),
    pytest.param({"xor_forward": xor_untransposed}, ["test_xor_forward_table"], "untransposed", id="W-untransposed-table"),
    pytest.param({"xor_forward": xor_untransposed}, ["test_xor_forward_shapes"], "untransposed", id="W-untransposed-shapes"),
    pytest.param({"train_perceptron": _make_trainer(epochs_offset=1)}, ["test_train_perceptron_xor"],
                 "must end after max_epochs", id="one-epoch-too-many"),
])
def test_classic_bug_fails_a_visible_test_that_names_it(overrides, grade_ids, message):
    """Does a bug the text warns about fail a test the student can see, with a message naming it?"""
    VISIBLE.assert_caught(overrides, grade_ids=grade_ids, message_contains=message)


_RELEASED = released_stubs("02_perceptrons")  # the untouched exercises, as students get them
STUBS = {name: _RELEASED[name] for name in ("perceptron_output", "perceptron_update", "train_perceptron", "xor_forward")}
FORMULA_WORDS = ("@", ".T", "y - y_hat", "np.", "between", "> 0")


def test_untouched_notebook_is_told_only_that_each_exercise_is_not_written_yet():
    """With every exercise untouched, does each test cell say only "not written yet", with no formula?"""
    outcomes = VISIBLE.run(overrides=dict(STUBS, w_and=np.zeros(2), b_and=0.0, w_or=np.zeros(2), b_or=0.0))
    for grade_id, outcome in outcomes.items():
        assert not outcome.passed, grade_id
        assert "not written yet" in outcome.message or "not set yet" in outcome.message, (grade_id, outcome.message)
        assert "first" not in outcome.message, (grade_id, outcome.message)  # no blame on other exercises
        assert not [w for w in FORMULA_WORDS if w in outcome.message], (grade_id, outcome.message)


@pytest.mark.parametrize("w_and, b_and", [(np.zeros(2), 0.0), (np.array([1.0, 1.0]), -0.5), (np.array([1.0, 1.0]), 0.5)],
                         ids=["template", "or-weights", "positive-bias"])
def test_and_hint_points_to_the_idea_without_giving_weights(w_and, b_and):
    """Does a wrong AND answer get pointed to the rows and the sums, never told a bias range to pick?"""
    failed = UNIT.assert_caught({"w_and": w_and, "b_and": b_and}, grade_ids=["test_gate_and"])
    message = failed[0].message
    assert "pick" not in message and "between" not in message and "-2" not in message and "-1.5" not in message, message


@pytest.mark.parametrize("wrong", [output_ties_give_one, output_without_bias, output_sign, STUBS["perceptron_output"]],
                         ids=["ties", "missing-bias", "sign", "untouched"])
def test_wrong_perceptron_output_is_blamed_in_exercise_1_only(wrong):
    """With a wrong perceptron_output and right later answers, do the later cells say "fix exercise 1 first" and nothing else?"""
    outcomes = UNIT.run(UPDATE_CELLS + TRAIN_CELLS, {"perceptron_output": wrong})
    failed = [o for o in outcomes.values() if not o.passed]
    assert failed, "a wrong perceptron_output changed no later result"
    for outcome in failed:
        advice = outcome.message.split(": ", 1)[1].split("then run this cell again")[0]
        assert "builds on exercise 1 (perceptron_output)" in advice, outcome.message
        assert "fix exercise 1 (perceptron_output) first" in advice, outcome.message
        for blame in ("Stop after", "Reset the mistake", "max_epochs", "factor", "wrong sign", "learning rate"):
            assert blame not in advice, (blame, outcome.message)


def test_wrong_perceptron_update_is_blamed_in_exercise_3a_only():
    """With a wrong perceptron_update and a right training loop, do the training cells say "fix exercise 3a first"?"""
    outcomes = UNIT.run(TRAIN_CELLS, {"perceptron_update": update_sign_flipped})
    failed = [o for o in outcomes.values() if not o.passed]
    assert failed
    for outcome in failed:
        assert outcome.message.split(": ", 1)[1].startswith("train_perceptron builds on exercise 3a (perceptron_update)"), \
            outcome.message


def test_loop_that_does_not_use_a_wrong_update_is_told_its_own_mistake():
    """Is a training loop written without perceptron_update told its own mistake, not to fix a wrong update first?"""
    outcomes = UNIT.run(TRAIN_CELLS, {"perceptron_update": update_sign_flipped, "train_perceptron": _make_trainer(stop=False)})
    message = outcomes["test_train_perceptron_converges"].message
    assert "Stop after the first epoch" in message and "first, then" not in message, message


def update_without_perceptron_output(x, y, w, b, lr=1.0):
    error = y - int(np.dot(x, w) + b > 0)  # its own prediction: needs nothing from exercise 1
    return np.asarray(w, dtype=float) + lr * error * np.asarray(x, dtype=float), b + lr * error


def test_right_update_that_does_not_use_a_wrong_perceptron_output_keeps_its_points():
    """Does a right perceptron_update that computes its own prediction pass, even while perceptron_output is wrong?"""
    UNIT.assert_accepted({"perceptron_output": output_ties_give_one, "perceptron_update": update_without_perceptron_output},
                         grade_ids=UPDATE_CELLS)


@pytest.mark.parametrize("wrong", [_make_trainer(count_at_end=True), _make_trainer(cumulative=True, stop=False),
                                   _make_trainer(init=0.5)],
                         ids=["counts-after-epoch", "cumulative-count", "nonzero-start"])
def test_xor_loop_that_ends_at_max_epochs_is_not_told_to_end_there(wrong):
    """Does a loop that runs exactly max_epochs on XOR but counts wrongly hear about counting, not about ending the loop?"""
    errors = wrong(*UNIT.namespace()["datasets"].xor_gate(), 1.0, 10)[2]
    assert len(errors) == 10  # the loop did end after max_epochs
    outcomes = UNIT.run(["test_train_perceptron_xor"], {"train_perceptron": wrong})
    outcome = outcomes["test_train_perceptron_xor"]
    if not outcome.passed:
        assert "max_epochs" not in outcome.message, outcome.message


# ---------------------------------------------------------------- the notebook as a whole
@pytest.mark.slow
def test_run_all_on_the_untouched_notebook_goes_through(monkeypatch):
    """Does Run All (errors stop it, except in cells tagged raises-exception) reach the end of the untouched
    notebook, with every figure and the explorer shown and every demo cell asking to finish its exercise?"""
    outputs = run_all_released("02_perceptrons", monkeypatch)
    assert outputs["explorer"] >= 1 and outputs["figures"] >= 5, outputs
    assert outputs["finish"] >= 2, outputs
