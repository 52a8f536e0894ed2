"""Unit 00 (welcome, numpy warm-up): typical wrong answers the grade cells must catch, and right ones they accept.

The grade cells run in-process from the solutions notebook, hidden tests included (see
tests/notebook_harness.py). Each wrong answer must fail with a message that names the mistake;
each differently written correct answer must earn every point; answers that are right in part
(right values, but a Python loop) must earn part of the points.
"""
import math

import numpy as np
import pytest

from nnlib.exercises import unit00
from tests.notebook_harness import Unit
from tests.unit_checks import released_stubs

UNIT = Unit("00_welcome")

DOT = ["test_dot_product_values", "test_dot_product_no_loops"]
SHAPES = ["test_shape_a", "test_shape_b", "test_shape_c"]
STANDARDISE = ["test_standardise_values", "test_standardise_vectorised"]


def points(outcomes):
    """Points earned by the passed grade cells among ``outcomes``."""
    return sum(UNIT.points(grade_id) for grade_id, outcome in outcomes.items() if outcome.passed)


# ---------------------------------------------------------------------- dot_product
def dot_for_loop(u, v):
    total = 0.0
    for i in range(len(u)):
        total += u[i] * v[i]
    return total


def dot_while_loop(u, v):
    total, i = 0.0, 0
    while i < len(u):
        total += u[i] * v[i]
        i += 1
    return total


def dot_generator(u, v):
    return sum(a * b for a, b in zip(u, v))


DOT_WRONG = [
    pytest.param(lambda u, v: u * v, DOT, "element-wise products", id="elementwise-product-without-sum"),
    pytest.param(lambda u, v: np.sum(u) * np.sum(v), DOT, "multiplied the two sums", id="product-of-sums"),
    pytest.param(lambda u, v: np.sum(u + v), DOT, "added the vectors", id="sum-of-sums"),
    pytest.param(lambda u, v: int(np.dot(u, v)), DOT, "is not right", id="rounded-to-an-int"),
    pytest.param(dot_for_loop, ["test_dot_product_no_loops"], "python loop", id="for-loop"),
    pytest.param(dot_while_loop, ["test_dot_product_no_loops"], "python loop", id="while-loop"),
    pytest.param(dot_generator, ["test_dot_product_no_loops"], "python loop", id="generator-expression"),
]


@pytest.mark.parametrize("wrong, grade_ids, message", DOT_WRONG)
def test_dot_product_mistake_is_caught(wrong, grade_ids, message):
    """Is this wrong (or looping) dot_product refused with a message that names the mistake?"""
    UNIT.assert_caught({"dot_product": wrong}, grade_ids=grade_ids, message_contains=message)


def dot_einsum(u, v):
    return np.einsum("i,i->", u, v)


def dot_fsum(u, v):
    return math.fsum(u * v)


@pytest.mark.parametrize("right", [lambda u, v: u @ v, np.dot, np.inner, dot_einsum, dot_fsum,
                                   lambda u, v: (u * v).sum()],
                         ids=["matmul-operator", "np-dot-itself", "np-inner", "einsum", "math-fsum", "method-sum"])
def test_other_correct_dot_products_earn_full_marks(right):
    """Does a differently written loop-free dot product earn both points?"""
    UNIT.assert_accepted({"dot_product": right}, grade_ids=DOT)


def test_looping_dot_product_earns_the_value_point_only():
    """Does a right but looping dot product keep the value point and lose the no-loop point?"""
    outcomes = UNIT.run(DOT, {"dot_product": dot_for_loop})
    assert outcomes["test_dot_product_values"].passed
    assert not outcomes["test_dot_product_no_loops"].passed
    assert 0 < points(outcomes) < sum(UNIT.points(g) for g in DOT)


# ---------------------------------------------------------------------- shapes
SHAPE_WRONG = [
    pytest.param({"shape_a": 4}, "test_shape_a", "with a comma", id="int-instead-of-one-element-tuple"),
    pytest.param({"shape_a": "(4,)"}, "test_shape_a", "string", id="string"),
    pytest.param({"shape_a": [4]}, "test_shape_a", "tuple of ints", id="list"),
    pytest.param({"shape_a": (4.0,)}, "test_shape_a", "tuple of ints", id="floats"),
    pytest.param({"shape_a": None}, "test_shape_a", "not written yet", id="left-as-none"),
    pytest.param({"shape_a": (3,)}, "test_shape_a", "one dot product", id="a-wrong-size"),
    pytest.param({"shape_b": (5, 4)}, "test_shape_b", "not the shape", id="b-transposed"),
    pytest.param({"shape_b": (4, 3)}, "test_shape_b", "not the shape", id="b-without-the-transpose"),
    pytest.param({"shape_c": (4, 3, 5)}, "test_shape_c", "axis by axis", id="c-axes-in-the-wrong-order"),
    pytest.param({"shape_c": (4, 5)}, "test_shape_c", "not the shape", id="c-drops-the-last-axis"),
]


@pytest.mark.parametrize("overrides, grade_id, message", SHAPE_WRONG)
def test_shape_mistake_is_caught(overrides, grade_id, message):
    """Is this wrong shape answer refused by its own cell with a message that says what is wrong?"""
    UNIT.assert_caught(overrides, grade_ids=[grade_id], message_contains=message)


def test_each_shape_question_is_worth_its_own_point():
    """Does one wrong shape cost only that question's point?"""
    outcomes = UNIT.run(SHAPES, {"shape_b": (5, 4)})
    assert [outcomes[g].passed for g in SHAPES] == [True, False, True]


def test_shapes_computed_with_numpy_are_accepted():
    """Are answers that are numpy shapes (ints of numpy's own type) accepted?"""
    A, B, v, c = np.ones((4, 3)), np.ones((5, 3)), np.ones(3), np.ones(5)
    UNIT.assert_accepted({"shape_a": (A @ v).shape, "shape_b": (A @ B.T + c).shape,
                          "shape_c": tuple(np.int64(n) for n in (A[:, None, :] - B[None, :, :]).shape)},
                         grade_ids=SHAPES)


# ---------------------------------------------------------------------- standardise
def standardise_in_place(X):
    X -= X.mean(axis=0)
    X /= X.std(axis=0)
    return X


def standardise_loop(X):
    result = np.empty_like(X, dtype=float)
    for j in range(X.shape[1]):
        result[:, j] = (X[:, j] - X[:, j].mean()) / X[:, j].std()
    return result


STANDARDISE_WRONG = [
    pytest.param(lambda X: (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True),
                 "standardised the rows", id="rows-instead-of-columns"),
    pytest.param(lambda X: (X - X.mean(axis=1)) / X.std(axis=1), "broadcasts", id="axis-1-without-keepdims"),
    pytest.param(lambda X: (X - X.mean()) / X.std(), "one mean and one std", id="whole-array-statistics"),
    pytest.param(lambda X: (X - X.mean(axis=0)) / X.std(axis=0, ddof=1), "n - 1", id="ddof-1"),
    pytest.param(lambda X: X - X.mean(axis=0), "did not divide", id="centred-only"),
    pytest.param(lambda X: (X - X.mean(axis=0)) / X.var(axis=0), "variance", id="divides-by-the-variance"),
    pytest.param(standardise_in_place, "in place", id="changes-X-in-place"),
]


@pytest.mark.parametrize("wrong, message", STANDARDISE_WRONG)
def test_standardise_mistake_is_caught(wrong, message):
    """Is this wrong standardise refused with a message that names the mistake?"""
    UNIT.assert_caught({"standardise": wrong}, grade_ids=STANDARDISE, message_contains=message)


def standardise_by_hand(X):
    mean = X.sum(axis=0) / len(X)
    spread = np.sqrt(((X - mean) ** 2).mean(axis=0))
    return (X - mean) / spread


@pytest.mark.parametrize("right", [
    lambda X: (X - X.mean(axis=0, keepdims=True)) / X.std(axis=0, keepdims=True),
    standardise_by_hand,
    lambda X: ((X.T - X.T.mean(axis=1, keepdims=True)) / X.T.std(axis=1, keepdims=True)).T,
], ids=["keepdims", "mean-and-std-by-hand", "through-the-transpose"])
def test_other_correct_standardisations_earn_full_marks(right):
    """Does a differently written loop-free standardise earn every point?"""
    UNIT.assert_accepted({"standardise": right}, grade_ids=STANDARDISE)


def test_looping_standardise_earns_the_value_points_only():
    """Does a right but looping standardise keep its value points and lose the vectorised point?"""
    outcomes = UNIT.run(STANDARDISE, {"standardise": standardise_loop})
    assert outcomes["test_standardise_values"].passed
    assert not outcomes["test_standardise_vectorised"].passed
    assert "python loop" in outcomes["test_standardise_vectorised"].message.lower()
    assert 0 < points(outcomes) < sum(UNIT.points(g) for g in STANDARDISE)


def test_every_grade_cell_passes_with_the_model_answers():
    """Do all grade cells pass in-process with the solutions notebook's own answers?"""
    UNIT.assert_accepted({})


# ---------------------------------------------------------------------- the feedback loop (issue 8)
def notebook_function(source, name, **names):
    """A function defined the way a notebook cell defines it: in a namespace named __main__."""
    namespace = {"__name__": "__main__", "np": np, **names}
    exec(compile(source, "<cell>", "exec"), namespace)
    return namespace[name]


def notebook_cell_defining(name):
    """The source of the (non-graded) notebook cell that defines ``name``."""
    return next(source(c) for c in UNIT.cells if c["cell_type"] == "code" and f"def {name}(" in source(c))


def source(cell):
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else text


DISGUISED_LOOPS = [
    pytest.param(notebook_function("def dot_product(u, v):\n    return sum(map(lambda a, b: a * b, u, v))",
                                   "dot_product"), "sum(...)", id="sum-of-map"),
    pytest.param(notebook_function("def dot_product(u, v):\n    return sum(u * v)", "dot_product"), "sum(...)",
                 id="builtin-sum-over-the-products"),
    pytest.param(notebook_function("def products(u, v):\n    return np.array([a * b for a, b in zip(u, v)])\n\n"
                                   "def dot_product(u, v):\n    return float(np.sum(products(u, v)))", "dot_product"),
                 "in products, which it calls", id="loop-hidden-in-a-module-level-helper"),
]


@pytest.mark.parametrize("looping, message", DISGUISED_LOOPS)
def test_disguised_loops_lose_the_no_loop_point(looping, message):
    """Does a loop in disguise (built-in sum, map, a helper) lose the no-loop point, with the loop named?"""
    UNIT.assert_caught({"dot_product": looping}, grade_ids=["test_dot_product_no_loops"],
                       message_contains=["python", message])
    assert UNIT.run(["test_dot_product_values"], {"dot_product": looping})["test_dot_product_values"].passed


def test_standardise_calling_the_notebooks_own_loop_version_is_a_loop():
    """Does a standardise that calls the notebook's own standardise_loop lose the vectorised point, naming it?"""
    loop_cell = notebook_cell_defining("standardise_loop")
    calls_it = notebook_function(loop_cell + "\n\ndef standardise(X):\n    return standardise_loop(X)", "standardise")
    failed = UNIT.assert_caught({"standardise": calls_it}, grade_ids=STANDARDISE,
                                message_contains="in standardise_loop, which it calls")
    assert [o.grade_id for o in failed] == ["test_standardise_vectorised"]


@pytest.mark.parametrize("epsilon", [1e-5, 1e-8])
def test_an_epsilon_in_the_std_is_named_by_the_visible_test(epsilon):
    """Does the visible test (the text forbids an epsilon) name an epsilon added to the std?"""
    with_epsilon = lambda X: (X - X.mean(axis=0)) / (X.std(axis=0) + epsilon)  # noqa: E731
    with pytest.raises(AssertionError, match="small number to the standard deviation"):
        unit00.standardise(with_epsilon)
    UNIT.assert_caught({"standardise": with_epsilon}, grade_ids=["test_standardise_values"],
                       message_contains="small number to the standard deviation")


def test_every_failure_names_its_exercise():
    """Does each exercise's failure message start with the exercise it is about?"""
    outcomes = UNIT.run(DOT + SHAPES + STANDARDISE, {"dot_product": lambda u, v: u * v, "shape_a": None,
                                                   "standardise": lambda X: X - X.mean(axis=0)})
    expected = {"test_dot_product_values": "Exercise 1:", "test_shape_a": "Exercise 2:",
                "test_standardise_values": "Exercise 3:"}
    for grade_id, prefix in expected.items():
        assert outcomes[grade_id].message.startswith(prefix), outcomes[grade_id].message


def test_an_unrecognised_wrong_answer_is_pointed_to_the_idea_not_the_formula():
    """Is a wrong answer that matches no known mistake sent back to the text, without the formula?"""
    failed = UNIT.assert_caught({"dot_product": lambda u, v: float(np.sum(u * v)) + 1.0},
                                grade_ids=["test_dot_product_values"], message_contains="re-read section 3")
    message = failed[0].message
    assert "@" not in message and "np.sum" not in message and "u_i" not in message


def test_untouched_stubs_are_only_told_they_are_not_written():
    """Does each untouched stub of the released notebook get "not written yet" and no advice beyond it?"""
    namespace = released_stubs("00_welcome")
    for check, answer in ((unit00.dot_product, namespace["dot_product"]),
                          (unit00.standardise, namespace["standardise"]), (unit00.shape_a, namespace["shape_a"])):
        with pytest.raises(AssertionError) as failure:
            check(answer)
        message = str(failure.value)
        assert message.startswith("Exercise ") and "not written yet" in message, message
        assert "np." not in message and "axis" not in message, message


def test_the_standardise_demo_waits_for_a_broken_exercise():
    """Does the demo under exercise 3 say to finish it, for any error (not only NotImplementedError)?"""
    import contextlib
    import io

    cell = next(c for c in UNIT.cells if c["cell_type"] == "code" and "same as the loop" in source(c))
    namespace = UNIT.namespace({"standardise": lambda X: X.mean(axis=1) - X})
    exec(compile(notebook_cell_defining("standardise_loop"), "<loop>", "exec"), namespace)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(source(cell), "<demo>", "exec"), namespace)
    assert "Finish exercise 3" in printed.getvalue()


def test_only_the_setup_cell_imports():
    """Does the setup cell import every name the later cells use (no cell after it imports anything)?"""
    import re

    later = [c for c in UNIT.cells if c["cell_type"] == "code"
             and c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != "setup"]
    imports = [line for c in later for line in source(c).splitlines() if re.match(r"\s*(import|from)\s", line)]
    assert imports == []
