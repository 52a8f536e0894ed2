"""Tests of nnlib.graph: values, gradients against central differences, and the drawing."""
import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from nnlib.graph import Value, draw_graph, lecture_example, node_positions, trace  # noqa: E402
from nnlib.tolerance import close  # noqa: E402

EPS = 1e-6
# Central differences carry an error of order EPS**2 * f''' plus round-off of order
# 1e-16 * |f| / EPS, so the analytic and numerical gradients agree to about 1e-8 here.
NUMERIC_RTOL = 1e-6


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def agree(analytic, numeric):
    """Relative agreement with an absolute floor of NUMERIC_RTOL."""
    return abs(analytic - numeric) <= NUMERIC_RTOL * (1.0 + abs(analytic) + abs(numeric))


# ---------------------------------------------------------------------- the lecture's example
def test_lecture_example_forward_and_backward():
    """Does L = c(a + 2b) at a=3, b=1, c=-2 give L=-10, dL/da=-2, dL/db=-4, dL/dc=5?"""
    nodes = lecture_example()
    loss = nodes["L"]
    loss.backward()
    assert close(loss.data, -10.0)
    assert close(nodes["d"].data, 2.0) and close(nodes["e"].data, 5.0)
    assert close([nodes[k].grad for k in "abc"], [-2.0, -4.0, 5.0])
    # The inner nodes' gradients follow the lecture's local derivatives: dL/de = c, dL/dd = c.
    assert close([nodes["e"].grad, nodes["d"].grad], [-2.0, -2.0])


@given(st.floats(-10, 10), st.floats(-10, 10), st.floats(-10, 10))
@settings(max_examples=50, deadline=None)
def test_lecture_example_any_inputs(a, b, c):
    """Are L = c(a+2b)'s gradients c, 2c and a+2b for any inputs?"""
    nodes = lecture_example(a, b, c)
    nodes["L"].backward()
    assert close([nodes[k].grad for k in "abc"], [c, 2 * c, a + 2 * b])


def test_lecture_example_against_central_differences():
    """Do the lecture example's gradients match central differences?"""
    def loss(a, b, c):
        return c * (a + 2 * b)

    nodes = lecture_example()
    nodes["L"].backward()
    point = [3.0, 1.0, -2.0]
    for i, name in enumerate("abc"):
        plus, minus = list(point), list(point)
        plus[i] += EPS
        minus[i] -= EPS
        assert agree(nodes[name].grad, (loss(*plus) - loss(*minus)) / (2 * EPS))


# ---------------------------------------------------------------------- random expressions
# An expression is a tree: ("var", i), ("const", c), (unary_op, child) or (binary_op, l, r).
# Operations whose inputs are restricted are wrapped so that every expression is defined:
# log and fractional powers act on child^2 + 0.5, and division divides by right^2 + 0.5.
UNARY = ["neg", "exp", "log", "tanh", "sigmoid", "relu", "square", "cube", "sqrt_pos", "inv_pos"]
BINARY = ["+", "-", "*", "/"]

leaves = st.one_of(
    st.tuples(st.just("var"), st.integers(0, 2)),
    st.tuples(st.just("const"), st.floats(-2, 2).filter(lambda c: abs(c) > 1e-3)),
)


def extend(children):
    return st.one_of(
        st.tuples(st.sampled_from(UNARY), children),
        st.tuples(st.sampled_from(BINARY), children, children),
    )


expressions = st.recursive(leaves, extend, max_leaves=8)


class KinkTracker:
    """Remembers how close any ReLU input came to its kink at 0."""

    def __init__(self):
        self.closest = math.inf


def evaluate(tree, inputs, kinks):
    """Evaluate ``tree`` on ``inputs`` (floats or Values) with the same formula in both cases."""
    kind = tree[0]
    if kind == "var":
        return inputs[tree[1]]
    if kind == "const":
        return tree[1]
    if kind in BINARY:
        left = evaluate(tree[1], inputs, kinks)
        right = evaluate(tree[2], inputs, kinks)
        if kind == "+":
            return left + right
        if kind == "-":
            return left - right
        if kind == "*":
            return left * right
        return left / (right * right + 0.5)
    x = evaluate(tree[1], inputs, kinks)
    is_value = isinstance(x, Value)
    raw = x.data if is_value else x
    if kind == "neg":
        return -x
    if kind == "square":
        return x ** 2
    if kind == "cube":
        return x ** 3
    if kind == "sqrt_pos":
        return (x * x + 0.5) ** 0.5
    if kind == "inv_pos":
        return (x * x + 0.5) ** -1.5
    if kind == "log":
        positive = x * x + 0.5
        return positive.log() if is_value else math.log(positive)
    if kind == "relu":
        kinks.closest = min(kinks.closest, abs(raw))
        return x.relu() if is_value else max(0.0, x)
    if kind == "exp":
        return x.exp() if is_value else math.exp(x)
    if kind == "tanh":
        return x.tanh() if is_value else math.tanh(x)
    if kind == "sigmoid":
        return x.sigmoid() if is_value else 1.0 / (1.0 + math.exp(-x))
    raise AssertionError(kind)


@given(expressions, st.lists(st.floats(-2, 2), min_size=3, max_size=3))
@settings(max_examples=300, deadline=None)
def test_random_expressions_match_central_differences(tree, point):
    """Does backward() give every input's gradient of a random expression, as central differences do?"""
    kinks = KinkTracker()
    try:
        value = evaluate(tree, point, kinks)
    except OverflowError:
        value = math.inf
    assume(math.isfinite(value) and abs(value) < 1e6)
    # Too near a ReLU kink, a difference quotient straddles two slopes and means nothing.
    assume(kinks.closest > 1e-3)

    inputs = [Value(p, f"x{i}") for i, p in enumerate(point)]
    output = evaluate(tree, inputs, KinkTracker())
    assume(isinstance(output, Value))  # an expression of constants only has no graph
    assert close(output.data, value)
    output.backward()

    for i in range(3):
        plus, minus = list(point), list(point)
        plus[i] += EPS
        minus[i] -= EPS
        numeric = (evaluate(tree, plus, KinkTracker()) - evaluate(tree, minus, KinkTracker())) / (2 * EPS)
        assert agree(inputs[i].grad, numeric), (tree, i, inputs[i].grad, numeric)


# ---------------------------------------------------------------------- single operations
@pytest.mark.parametrize("make, expected_value, expected_grad", [
    (lambda x: 2.0 + x, 5.0, 1.0),
    (lambda x: x - 2.0, 1.0, 1.0),
    (lambda x: 2.0 - x, -1.0, -1.0),
    (lambda x: 2.0 * x, 6.0, 2.0),
    (lambda x: x / 2.0, 1.5, 0.5),
    (lambda x: 6.0 / x, 2.0, -6.0 / 9.0),
    (lambda x: -x, -3.0, -1.0),
    (lambda x: x ** 2, 9.0, 6.0),
    (lambda x: x.exp(), math.exp(3.0), math.exp(3.0)),
    (lambda x: x.log(), math.log(3.0), 1.0 / 3.0),
    (lambda x: x.tanh(), math.tanh(3.0), 1.0 - math.tanh(3.0) ** 2),
    (lambda x: x.sigmoid(), 1 / (1 + math.exp(-3.0)), math.exp(-3.0) / (1 + math.exp(-3.0)) ** 2),
    (lambda x: x.relu(), 3.0, 1.0),
    (lambda x: (-x).relu(), 0.0, 0.0),
])
def test_each_operation_at_three(make, expected_value, expected_grad):
    """Does each operation, with a plain number on either side, give the right value and derivative at x = 3?"""
    x = Value(3.0, "x")
    out = make(x)
    out.backward()
    assert close(out.data, expected_value)
    assert close(x.grad, expected_grad)


def test_relu_derivative_at_zero_is_zero():
    """Is the ReLU derivative at exactly 0 taken as 0, the course's convention?"""
    x = Value(0.0)
    x.relu().backward()
    assert close(x.grad, 0.0)


def test_sigmoid_stays_finite_far_from_zero():
    """Does sigmoid of -1000 and +1000 give finite values and gradients instead of overflowing?"""
    for z, expected in [(-1000.0, 0.0), (1000.0, 1.0)]:
        x = Value(z)
        out = x.sigmoid()
        out.backward()
        assert close(out.data, expected) and close(x.grad, 0.0)


def test_invalid_inputs_raise():
    """Do log of a non-positive number and a Value exponent raise clear errors?"""
    with pytest.raises(ValueError, match="log"):
        Value(0.0).log()
    with pytest.raises(TypeError, match="exponent"):
        Value(2.0) ** Value(3.0)


# ---------------------------------------------------------------------- reuse and accumulation
def test_node_used_twice_gets_both_contributions():
    """Does a + a give a gradient of 2, and a * a a gradient of 2a?"""
    a = Value(3.0)
    (a + a).backward()
    assert close(a.grad, 2.0)
    b = Value(3.0)
    (b * b).backward()
    assert close(b.grad, 6.0)


def test_reuse_through_a_shared_inner_node():
    """Is a shared inner node's gradient summed over its users before it is passed on?"""
    x = Value(2.0, "x")
    h = x * x           # used twice below
    out = h * 3.0 + h.tanh()
    out.backward()
    expected = (3.0 + (1 - math.tanh(4.0) ** 2)) * 2 * 2.0
    assert close(x.grad, expected)


def test_second_backward_accumulates_and_zero_grad_resets():
    """Does a second backward() add to the gradients, and zero_grad() set them back to 0?"""
    nodes = lecture_example()
    loss = nodes["L"]
    loss.backward()
    loss.backward()
    assert close(nodes["a"].grad, -4.0)
    loss.zero_grad()
    assert all(close(node.grad, 0.0) for node in trace(loss))
    loss.backward()
    assert close(nodes["a"].grad, -2.0)


def test_trace_is_a_topological_order():
    """Does trace() list each node once, every node after its parents, the output last?"""
    x = Value(1.0)
    out = ((x * 2.0 + x) * x).tanh()
    order = trace(out)
    assert order[-1] is out
    assert len({id(n) for n in order}) == len(order)
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]


def test_long_chain_does_not_hit_the_recursion_limit():
    """Can a chain of 5,000 operations be traced and differentiated?"""
    x = Value(0.5)
    out = x
    for _ in range(5000):
        out = out + x
    out.backward()
    assert close(x.grad, 5001.0)


# ---------------------------------------------------------------------- drawing
def count(ax, gid):
    return sum(1 for patch in ax.patches if patch.get_gid() == gid)


def texts(ax):
    return [t.get_text() for t in ax.texts]


def test_draw_graph_has_a_box_per_value_and_a_circle_per_operation():
    """Does the lecture graph's drawing hold a box for each of its 7 values and a circle for each of its 3 operations?"""
    nodes = lecture_example()
    nodes["L"].backward()
    ax = draw_graph(nodes["L"])
    n_values = len(trace(nodes["L"]))
    assert n_values == 7  # a, b, c, the constant 2, d, e, L
    assert count(ax, "node") == n_values
    assert count(ax, "op") == 3
    written = "\n".join(texts(ax))
    for expected in ["value -10", "grad -4", "grad 5", "constant"]:
        assert expected in written
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")


def test_draw_graph_without_gradients_and_into_given_axes():
    """With show_grad=False and a given Axes, is no gradient written and the same Axes returned?"""
    nodes = lecture_example()
    _, ax = plt.subplots()
    assert draw_graph(nodes["L"], ax=ax, show_grad=False) is ax
    assert not any("grad" in t for t in texts(ax))


def test_long_edges_bend_around_boxes():
    """With inputs kept left, do the edges from a and c get waypoints in the columns they cross?"""
    nodes = lecture_example()
    loss = nodes["L"]
    boxes, circles, bends = node_positions(loss, inputs_left=True)
    c_edge = bends[(id(loss), 0)]  # L = c * e: parent 0 is c
    assert len(c_edge) == 2
    assert all(p[0] < circles[id(loss)][0] for p in c_edge)
    # By default inputs sit next to their consumers, so no edge needs a bend.
    _, _, default_bends = node_positions(loss)
    assert all(len(points) == 0 for points in default_bends.values())
    # No two boxes share a place.
    assert len(set(boxes.values())) == len(boxes)


def test_step_through_hides_unknown_values_and_gradients():
    """Given the first 3 nodes as known values and none as known gradients, are the rest shown as '?'?"""
    nodes = lecture_example()
    loss = nodes["L"]
    loss.backward()
    order = trace(loss)
    ax = draw_graph(loss, known_values=order[:3], known_grads=[], highlight=[order[2]])
    written = texts(ax)
    assert sum("value ?" in t for t in written) == len(order) - 3
    assert sum("grad ?" in t for t in written) == len(order)
    thick = [p for p in ax.patches if p.get_gid() == "node" and p.get_linewidth() > 2]
    assert len(thick) == 1
