"""Unit 00 (welcome, numpy warm-up): typical wrong answers the grade cells must catch, and right ones they accept.

The grade cells run in-process from the solutions notebook, hidden tests included (see
tests/notebook_harness.py). Each wrong answer must fail with a message that names the mistake;
each differently written correct answer must earn every point; answers that are right in part
(right values, but a Python loop) must earn part of the points.
"""
import math

import numpy as np
import pytest

from tests.notebook_harness import Unit

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
    pytest.param({"shape_a": None}, "test_shape_a", "still none", id="left-as-none"),
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
