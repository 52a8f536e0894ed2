"""Tests of nnlib.datasets: shapes, types, labels, determinism and the lectures' numbers."""
import numpy as np
import pytest

from nnlib import datasets
from nnlib.tolerance import close

RANDOM_LOADERS = {
    "two_moons": lambda seed: datasets.two_moons(n=101, noise=0.1, seed=seed),
    "spirals": lambda seed: datasets.spirals(n=100, classes=3, noise=0.2, seed=seed),
    "circles": lambda seed: datasets.circles(n=101, noise=0.05, factor=0.5, seed=seed),
    "odd_difference": lambda seed: datasets.odd_difference(n=100, seed=seed),
    "average_of_inputs_sample": lambda seed: datasets.average_of_inputs_sample(n=100, seed=seed),
}


# ---------------------------------------------------------------------- logic gates
def test_xor_gate_is_the_xor_truth_table():
    """Is xor_gate() the rows (0,0),(0,1),(1,0),(1,1) with outputs 0,1,1,0?"""
    X, y = datasets.xor_gate()
    assert X.dtype == np.float64 and X.shape == (4, 2)
    assert np.array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert np.issubdtype(y.dtype, np.integer)
    assert y.tolist() == [0, 1, 1, 0]


@pytest.mark.parametrize("name, rule", [
    ("and", lambda a, b: a and b),
    ("or", lambda a, b: a or b),
    ("xor", lambda a, b: a != b),
    ("nand", lambda a, b: not (a and b)),
])
def test_every_gate_follows_its_rule(name, rule):
    """Does each gate's table agree with the Boolean rule on every row, whatever the case of its name?"""
    for spelling in (name, name.upper()):
        X, y = datasets.logic_gate(spelling)
        expected = [int(rule(bool(a), bool(b))) for a, b in X.astype(int)]
        assert y.tolist() == expected


def test_gate_shortcuts_match_logic_gate():
    """Do and_gate, or_gate and nand_gate return the same tables as logic_gate?"""
    for shortcut, name in [(datasets.and_gate, "and"), (datasets.or_gate, "or"),
                           (datasets.nand_gate, "nand")]:
        X, y = shortcut()
        X_ref, y_ref = datasets.logic_gate(name)
        assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref)


def test_unknown_gate_names_the_known_ones():
    """Does an unknown gate name raise an error listing the gates there are?"""
    with pytest.raises(ValueError, match="xor"):
        datasets.logic_gate("nor")


def test_gate_tables_are_fresh_copies():
    """Can a caller modify a returned table without changing the next one?"""
    X, y = datasets.xor_gate()
    X[0, 0] = 7.0
    y[0] = 7
    X2, y2 = datasets.xor_gate()
    assert close(X2[0, 0], 0.0) and y2[0] == 0


# ---------------------------------------------------------------------- the lectures' data
def test_average_of_inputs_is_lecture_004s_table():
    """Are the three samples (0.1,0.3)->0.2, (0.1,-0.1)->0.0, (-0.8,0.2)->-0.3?"""
    X, y = datasets.average_of_inputs()
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert close(X, [[0.1, 0.3], [0.1, -0.1], [-0.8, 0.2]])
    assert close(y, [0.2, 0.0, -0.3])
    assert close(y, X.mean(axis=1))


def test_average_of_inputs_sample_follows_the_rule():
    """Is every generated target the mean of its two inputs, inside the requested range?"""
    X, y = datasets.average_of_inputs_sample(n=50, seed=3, low=-2.0, high=2.0)
    assert X.shape == (50, 2) and y.shape == (50,)
    assert close(y, (X[:, 0] + X[:, 1]) / 2)
    assert X.min() >= -2.0 and X.max() <= 2.0


def test_odd_difference_labels_and_range():
    """Is y = |a - b| mod 2 on whole numbers 0..9, with both classes and both ends of the range present?"""
    X, y = datasets.odd_difference(n=500, seed=1)
    assert X.shape == (500, 2) and X.dtype == np.float64
    assert np.issubdtype(y.dtype, np.integer)
    assert close(X, np.round(X))  # whole numbers
    pairs = np.round(X).astype(int)
    assert pairs.min() == 0 and pairs.max() == 9
    expected = np.abs(pairs[:, 0] - pairs[:, 1]) % 2
    assert np.array_equal(y, expected)
    assert set(y.tolist()) == {0, 1}


def test_odd_difference_custom_range_includes_the_lecture_example():
    """With low=2 and high=9, are all inputs in 2..9 and is (2, 9) among enough samples, labelled 1?"""
    X, y = datasets.odd_difference(n=2000, seed=0, low=2, high=9)
    pairs = np.round(X).astype(int)
    assert pairs.min() >= 2 and pairs.max() <= 9
    rows = np.flatnonzero((pairs[:, 0] == 2) & (pairs[:, 1] == 9))
    assert rows.size > 0 and np.all(y[rows] == 1)


# ---------------------------------------------------------------------- synthetic 2-D sets
@pytest.mark.parametrize("name", sorted(RANDOM_LOADERS))
def test_same_seed_same_data_other_seed_other_data(name):
    """Does a seed fix the data exactly, and does another seed change it?"""
    load = RANDOM_LOADERS[name]
    X1, y1 = load(0)
    X2, y2 = load(0)
    X3, _ = load(1)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_default_seed_is_zero():
    """Does omitting the seed give the seed-0 data?"""
    assert np.array_equal(datasets.two_moons()[0], datasets.two_moons(seed=0)[0])
    assert np.array_equal(datasets.spirals()[0], datasets.spirals(seed=0)[0])
    assert np.array_equal(datasets.circles()[0], datasets.circles(seed=0)[0])


def test_two_moons_shapes_and_geometry():
    """Without noise, do the two classes lie on unit half circles centred at (0,0) and (1,0.5)?"""
    X, y = datasets.two_moons(n=101, noise=0.0)
    assert X.shape == (101, 2) and X.dtype == np.float64 and y.shape == (101,)
    assert set(y.tolist()) == {0, 1}
    assert np.bincount(y).tolist() == [50, 51]
    upper, lower = X[y == 0], X[y == 1]
    assert close(np.hypot(upper[:, 0], upper[:, 1]), np.ones(len(upper)))
    assert np.all(upper[:, 1] >= -1e-12)
    assert close(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), np.ones(len(lower)))
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_two_moons_is_shuffled():
    """Are the classes mixed in order (not all zeros first), so that a plain slice is not one class?"""
    _, y = datasets.two_moons(n=200)
    assert 0 < y[:100].sum() < 100


@pytest.mark.parametrize("classes", [2, 3, 5])
def test_spirals_shapes_and_labels(classes):
    """Does spirals give n points split over the requested classes as evenly as possible?"""
    X, y = datasets.spirals(n=101, classes=classes)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert set(y.tolist()) == set(range(classes))
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1
    assert np.all(np.hypot(X[:, 0], X[:, 1]) <= 1.0 + 1e-12)  # radius at most 1, noise is angular


def test_circles_radii_without_noise():
    """Without noise, is class 0 on the unit circle and class 1 on the circle of radius factor?"""
    X, y = datasets.circles(n=80, noise=0.0, factor=0.3)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert close(radius[y == 0], np.ones(40))
    assert close(radius[y == 1], np.full(40, 0.3))


def test_circles_rejects_a_bad_factor():
    """Does a factor outside (0, 1) raise?"""
    with pytest.raises(ValueError):
        datasets.circles(factor=1.5)


# ---------------------------------------------------------------------- digits
def test_digits_shape_range_and_classes():
    """Do the digits load as 1797 x 64 floats in [0, 1] with integer labels 0..9?"""
    X, y = datasets.digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert X.min() >= 0.0 and X.max() <= 1.0 and close(X.max(), 1.0)
    assert y.shape == (1797,) and np.issubdtype(y.dtype, np.integer)
    assert sorted(set(y.tolist())) == list(range(10))


def test_digits_unnormalised_keeps_pixel_counts():
    """With normalize=False, are the pixels the whole numbers 0..16, 16 times the normalised ones?"""
    X_raw, _ = datasets.digits(normalize=False)
    X, _ = datasets.digits()
    assert close(X_raw.max(), 16.0)
    assert close(X_raw, np.round(X_raw))
    assert close(X_raw / 16.0, X)


# ---------------------------------------------------------------------- splitting
def test_train_test_split_partitions_the_samples():
    """Does the split hold every sample exactly once, with a test part of round(0.2 n)?"""
    X = np.arange(50, dtype=float).reshape(25, 2)
    y = np.arange(25)
    X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, test_fraction=0.2)
    assert len(X_test) == 5 and len(X_train) == 20
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(25))
    # Rows stay with their labels.
    assert close(X_train[:, 0], 2.0 * y_train) and close(X_test[:, 0], 2.0 * y_test)


def test_train_test_split_is_deterministic_and_leaves_inputs_alone():
    """Does the same seed give the same split, another seed another, and are the inputs untouched?"""
    X, y = datasets.two_moons(n=60)
    X_copy, y_copy = X.copy(), y.copy()
    first = datasets.train_test_split(X, y, seed=4)
    second = datasets.train_test_split(X, y, seed=4)
    other = datasets.train_test_split(X, y, seed=5)
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert not np.array_equal(first[3], other[3]) or not np.array_equal(first[1], other[1])
    assert np.array_equal(X, X_copy) and np.array_equal(y, y_copy)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1])
def test_train_test_split_rejects_bad_fractions(fraction):
    """Does a test fraction outside (0, 1) raise?"""
    with pytest.raises(ValueError):
        datasets.train_test_split(np.zeros((10, 2)), np.zeros(10), test_fraction=fraction)


def test_train_test_split_rejects_mismatched_lengths():
    """Does an X and y of different lengths raise, naming both lengths?"""
    with pytest.raises(ValueError, match="10.*9"):
        datasets.train_test_split(np.zeros((10, 2)), np.zeros(9))
