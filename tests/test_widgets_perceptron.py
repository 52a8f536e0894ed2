"""Tests of unit 02's XOR explorer (nnlib.widgets.perceptron), driven from Python without a browser."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnlib import datasets  # noqa: E402
from nnlib.tolerance import close  # noqa: E402
from nnlib.widgets.perceptron import (LECTURE_B, LECTURE_U, LECTURE_W, draw_xor, truth_table_rows,  # noqa: E402
                                      xor_explorer, xor_network)

SLIDERS = ("w11", "w12", "w21", "w22", "b1", "b2", "u1", "u2")


@pytest.fixture(scope="module")
def explorer():
    return xor_explorer()


def wrong_rows(html):
    """Number of shaded (wrong) rows in the explorer's truth table."""
    return sum("background:#fde2e2" in row for row in html.split("<tr>"))


def test_lecture_network_reproduces_the_lecture_table():
    """Do the lecture's weights give h1, h2, y = (0,0,0), (1,0,1), (1,0,1), (2,1,0)?"""
    X, _ = datasets.xor_gate()
    H, y = xor_network(X, LECTURE_W, LECTURE_B, LECTURE_U)
    assert close(H, [[0, 0], [1, 0], [1, 0], [2, 1]])
    assert close(y, [0, 1, 1, 0])


def test_truth_table_marks_the_rows_a_network_gets_wrong():
    """Does the table flag exactly the rows whose prediction differs from XOR?"""
    rows, wrong = truth_table_rows(LECTURE_W, LECTURE_B, LECTURE_U)
    assert wrong == [] and [row[5] for row in rows] == [0, 1, 1, 0]
    # b2 = 0 makes both hidden units equal: y = -(x1 + x2), class 0 everywhere, so (0,1) and (1,0) fail.
    rows, wrong = truth_table_rows(LECTURE_W, np.array([0.0, 0.0]), LECTURE_U)
    assert wrong == [1, 2]


def test_explorer_starts_at_the_lecture_weights_with_four_right_rows(explorer):
    """Does the explorer start with the lecture's weights, all four rows right, and a picture shown?"""
    explorer.update(w11=1.0, w12=1.0, w21=1.0, w22=1.0, b1=0.0, b2=-1.0, u1=1.0, u2=-2.0)
    assert set(explorer.controls) == set(SLIDERS)
    assert close([explorer.controls[name].value for name in SLIDERS], [1, 1, 1, 1, 0, -1, 1, -2])
    assert "<table" in explorer.info.value and wrong_rows(explorer.info.value) == 0
    assert "4 of 4 right" in np.ravel(explorer.axes)[0].get_title()
    assert explorer.output.outputs[0]["data"]["image/png"]


def test_moving_a_slider_redraws_the_regions_and_the_table(explorer):
    """Does moving b2 to 0 redraw the figure and shade the two rows that become wrong?"""
    explorer.update(b2=-1.0)
    before_png, before_count = explorer.to_png(), explorer.draw_count
    explorer.controls["b2"].value = 0.0  # as a user would move the slider
    assert explorer.draw_count == before_count + 1
    assert explorer.last_error is None
    assert wrong_rows(explorer.info.value) == 2
    assert "2 of 4 right" in np.ravel(explorer.axes)[0].get_title()
    assert explorer.to_png() != before_png


def test_hidden_space_shows_where_the_inputs_land(explorer):
    """Does the right panel plot the four inputs at their hidden coordinates?"""
    explorer.update(w11=1.0, w12=1.0, w21=1.0, w22=1.0, b1=0.0, b2=-1.0, u1=1.0, u2=-2.0)
    hidden_axes = np.ravel(explorer.axes)[1]
    points = np.vstack([collection.get_offsets() for collection in hidden_axes.collections
                        if len(collection.get_offsets())])
    for expected in ([0, 0], [1, 0], [2, 1]):
        assert any(close(p, expected) for p in points), f"no point drawn at h = {expected}"


def test_reset_button_puts_the_lecture_weights_back(explorer):
    """Does the button restore every slider to the lecture's value and redraw once?"""
    explorer.update(w11=-2.0, b1=1.5, u2=0.3)
    count = explorer.draw_count
    explorer.reset_button.click()
    assert close([explorer.controls[name].value for name in SLIDERS], [1, 1, 1, 1, 0, -1, 1, -2])
    assert explorer.draw_count == count + 1
    assert wrong_rows(explorer.info.value) == 0


def test_explorer_accepts_other_starting_weights():
    """Does another XOR solution given at construction start with four right rows?"""
    other = xor_explorer(W=[[1.0, -1.0], [-1.0, 1.0]], b=[0.0, 0.0], U=[1.0, 1.0])
    assert close(other.controls["w12"].value, -1.0)
    assert wrong_rows(other.info.value) == 0


# ---------------------------------------------------------------------- updated in place
def pixels(figure):
    """The figure rendered, as an RGBA array."""
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba()).copy()


def drawn_pair():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10.0, 4.2), dpi=60)
    FigureCanvasAgg(figure)
    return figure, figure.subplots(1, 2)


def test_sliders_moved_and_moved_back_give_the_first_picture():
    """After moving several sliders (one of them far) and back, are the picture and the table the first ones?"""
    explorer = xor_explorer()
    first, first_table = explorer.to_png(), explorer.info.value
    explorer.update(b2=0.0)
    explorer.update(w11=3.0, w12=3.0, w21=3.0, w22=3.0, b1=3.0, b2=3.0, u1=3.0, u2=3.0)
    explorer.update(w11=-2.0, b1=1.5, u2=0.3)
    explorer.reset_button.click()
    assert explorer.last_error is None
    assert explorer.info.value == first_table
    assert explorer.to_png() == first


@pytest.mark.parametrize("weights, threshold", [
    ((1, 1, 1, 1, 0, 0, 1, -2), 0.5),      # b2 = 0: two rows wrong
    ((3, 3, 3, 3, 3, 3, 3, 3), 0.5),       # every output class 1, hidden points far out
    ((0, 0, 0, 0, 0, 0, 0, 0), 0.5),       # every output 0: no boundary at all
    ((1, -1, -1, 1, 0, 0, 1, 1), 1.5),     # another solution, read with another threshold
])
def test_drawing_again_into_used_axes_equals_drawing_into_fresh_ones(weights, threshold):
    """Does updating a drawn figure give exactly the picture that new Axes get from the same weights?"""
    used, used_axes = drawn_pair()
    draw_xor(used_axes, *LECTURE_W.ravel(), *LECTURE_B, *LECTURE_U)
    table = draw_xor(used_axes, *weights, threshold=threshold)
    fresh, fresh_axes = drawn_pair()
    assert table == draw_xor(fresh_axes, *weights, threshold=threshold)
    assert np.array_equal(pixels(used), pixels(fresh))
    for ax in used_axes:  # the regions fill each panel, whatever its limits
        assert close(ax.images[0].get_extent(), [*ax.get_xlim(), *ax.get_ylim()])


def test_the_picture_follows_the_weights(explorer):
    """After b2 = 0, are the rings, the hidden points, their labels and the regions those of the new network?"""
    explorer.update(w11=1.0, w12=1.0, w21=1.0, w22=1.0, b1=0.0, b2=0.0, u1=1.0, u2=-2.0)
    left, right = np.ravel(explorer.axes)
    X, target = datasets.xor_gate()
    H, _ = xor_network(X, LECTURE_W, np.array([0.0, 0.0]), LECTURE_U)
    rings = [c for c in left.collections if len(c.get_offsets()) and c.get_sizes()[0] == 260]
    assert len(rings) == 1 and close(rings[0].get_offsets(), X[[1, 2]])  # (0,1) and (1,0) wrong
    regions = np.asarray(left.images[0].get_array())
    assert regions.min() <= 0.5 and regions.max() <= 0.5  # y = -(x1 + x2) <= 0 everywhere: class 0
    labels = sorted(t.get_text() for t in right.texts if t.get_visible() and t.get_text())
    assert labels == ["(0,0)", "(0,1) (1,0)", "(1,1)"]  # (0,1) and (1,0) land on one point
    for k in (0, 1):
        drawn = [c.get_offsets() for c in right.collections if c.get_label() == f"XOR = {k}"]
        assert len(drawn) == 1 and close(drawn[0], H[target == k])
