"""The checks behind unit 00's test cells (welcome, numpy warm-up).

Each public function is one test cell: ``check.dot_product(dot_product)`` checks the visible
cases and prints a ✓ line; the hidden part of the grade cell calls it again with its own
``cases=..., reveal=False``. Every failure names its exercise and says what to look at; a formula
appears only in the advice of a recognised mistake.
"""
import numpy as np

from nnlib.checks import check_function, check_no_loops, exercise, fail

# ---- Exercise 1: dot_product --------------------------------------------------------------------
DOT_CASES = [(np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])),
             (np.array([0.5, -1.0]), np.array([1.0, 2.0]))]
DOT_MISTAKES = [
    (lambda u, v: u * v,
     "You returned the element-wise products: add them up (np.sum) to get one number."),
    (lambda u, v: np.sum(u) * np.sum(v),
     "You multiplied the two sums; multiply matching entries first, then add: sum of u_i * v_i."),
    (lambda u, v: np.sum(u + v),
     "You added the vectors; the dot product multiplies matching entries, then adds the products."),
]
DOT_HINT = "Re-read section 3: which entries are multiplied together, and what happens to the products?"


def _dot_reference(u, v):
    return float(np.sum(np.asarray(u, dtype=float) * np.asarray(v, dtype=float)))


def dot_product(fn, cases=None, reveal=True):
    """Exercise 1, values: one number, right for small vectors (visible) or the given cases."""
    with exercise("Exercise 1"):
        check_function(fn, _dot_reference, cases or DOT_CASES, name="dot_product", mistakes=DOT_MISTAKES,
                       hint=DOT_HINT, reveal=reveal)
    if reveal:
        print("✓ dot_product: right values")


def dot_product_no_loops(fn):
    """Exercise 1, the rule: right on a small example, and no Python loop anywhere it reaches."""
    with exercise("Exercise 1"):
        check_function(fn, _dot_reference, DOT_CASES[:1], name="dot_product", hint=DOT_HINT)
        check_no_loops(fn, "Work on whole arrays: numpy can multiply all matching entries at once and add "
                           "them up in one call.", name="dot_product")
    print("✓ dot_product: no Python loop")


# ---- Exercise 2: shapes -------------------------------------------------------------------------
# The expressions asked about. The right shapes, and the advice for a wrong one, are in the hidden
# part of each grade cell: this module ships to students.
SHAPE_QUESTIONS = {"shape_a": "A @ v", "shape_b": "A @ B.T + c", "shape_c": "A[:, None, :] - B[None, :, :]"}


def _shape_answer(question, answer, expected=None, advice=""):
    expression = SHAPE_QUESTIONS[question]
    with exercise("Exercise 2"):
        if answer is None:
            fail(f"{question} is not written yet: replace None by the shape of {expression}, a tuple such as (2, 3).")
        if isinstance(answer, str):
            fail(f"{question} is a string: write the tuple itself, e.g. (2, 3), without quotes.")
        if isinstance(answer, (int, np.integer)):
            fail(f"{question} is a single int: a shape is a tuple even with one axis; write it with a comma, e.g. (4,).")
        if not isinstance(answer, tuple) or not all(isinstance(n, (int, np.integer)) for n in answer):
            fail(f"{question} should be a tuple of ints such as (2, 3); it is {answer!r}.")
        if expected is not None and tuple(int(n) for n in answer) != tuple(expected):
            fail(f"{question} is not the shape of {expression}. {advice}")
    if expected is None:
        print(f"✓ {question} is a tuple of ints (its value is checked when your work is graded)")


def shape_a(answer, expected=None, advice=""):
    """Exercise 2 (a): a tuple of ints; with ``expected`` (hidden), the right one, else ``advice``."""
    _shape_answer("shape_a", answer, expected, advice)


def shape_b(answer, expected=None, advice=""):
    """Exercise 2 (b): a tuple of ints; with ``expected`` (hidden), the right one, else ``advice``."""
    _shape_answer("shape_b", answer, expected, advice)


def shape_c(answer, expected=None, advice=""):
    """Exercise 2 (c): a tuple of ints; with ``expected`` (hidden), the right one, else ``advice``."""
    _shape_answer("shape_c", answer, expected, advice)


# ---- Exercise 3: standardise ----------------------------------------------------------------------
# The third column has a small spread (std about 0.0012): an epsilon added to the std shows there.
STANDARDISE_CASES = [(np.array([[1.0, 2.0, 1.000], [3.0, 4.0, 1.001], [5.0, 9.0, 1.003], [7.0, 5.0, 1.002]]),)]


def _standardise_reference(X):
    X = np.asarray(X, dtype=float)
    return (X - X.mean(axis=0)) / X.std(axis=0)


def _with_epsilon(epsilon):
    return lambda X: (X - X.mean(axis=0)) / (X.std(axis=0) + epsilon)


def _with_epsilon_in_sqrt(epsilon):
    return lambda X: (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + epsilon)


EPSILON_ADVICE = ("You added a small number to the standard deviation. The docstring promises that no column is "
                  "constant, so none is needed, and on a column with a small spread it changes the result: "
                  "divide by the standard deviation itself.")
STANDARDISE_MISTAKES = [
    (lambda X: (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True),
     "You standardised the rows: each column (feature) gets its own mean and std, so use axis=0."),
    (lambda X: (X - X.mean()) / X.std(),
     "You used one mean and one std for the whole array: compute them per column with axis=0."),
    (lambda X: (X - X.mean(axis=0)) / X.std(axis=0, ddof=1),
     "You divided by n - 1 inside the std (ddof=1): this exercise uses np.std's default, dividing by n."),
    (lambda X: X - X.mean(axis=0),
     "You subtracted the mean but did not divide by the standard deviation."),
    (lambda X: (X - X.mean(axis=0)) / X.var(axis=0),
     "You divided by the variance: divide by the standard deviation, its square root."),
] + [(_with_epsilon(10.0 ** -k), EPSILON_ADVICE) for k in range(2, 13)] \
  + [(_with_epsilon_in_sqrt(10.0 ** -k), EPSILON_ADVICE) for k in range(2, 13)]
STANDARDISE_HINT = ("Each column is a feature with its own mean and standard deviation: check over which axis "
                    "you compute them, and that their shape broadcasts against X (section 5).")


def standardise(fn, cases=None, reveal=True):
    """Exercise 3, values: right on a small batch (visible) or the given cases, with X unchanged."""
    with exercise("Exercise 3"):
        check_function(fn, _standardise_reference, cases or STANDARDISE_CASES, name="standardise",
                       mistakes=STANDARDISE_MISTAKES, hint=STANDARDISE_HINT, reveal=reveal, returns="numbers")
    if reveal:
        print("✓ standardise: right values, and X left unchanged")


def standardise_no_loops(fn):
    """Exercise 3, the rule: right on a small batch, and no Python loop anywhere it reaches."""
    with exercise("Exercise 3"):
        check_function(fn, _standardise_reference, STANDARDISE_CASES, name="standardise", hint=STANDARDISE_HINT)
        check_no_loops(fn, "Compute the statistics of every column at once with the axis argument "
                           "(calling standardise_loop counts: it loops).", name="standardise")
    print("✓ standardise: vectorised")

