"""Unit 00's explorers (broadcasting and the matrix product), driven from code."""
import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from nnlib.widgets import arrays  # noqa: E402


def cell_numbers(ax):
    """The numbers written in the cells of a drawn array, in drawing order (row by row)."""
    return [float(text.get_text()) for text in ax.texts if text.get_text().lstrip("-").isdigit()]


def three_axes():
    return Figure().subplots(1, 3)


# ---------------------------------------------------------------------- the rule
@pytest.mark.parametrize("shape_a, shape_b", list(itertools.product(arrays.SHAPE_CHOICES, repeat=2)))
def test_broadcast_shape_agrees_with_numpy(shape_a, shape_b):
    """Does the explorer's result shape (or refusal) match what numpy does with A + B?"""
    try:
        expected = (np.ones(shape_a) + np.ones(shape_b)).shape
    except ValueError:
        expected = None
    assert arrays.broadcast_shape(shape_a, shape_b) == expected


def test_explanation_goes_axis_by_axis_from_the_right():
    """Does the explanation of (4, 1) + (3,) name the repeated array on each axis?"""
    lines = arrays.explain_broadcast((4, 1), (3,))
    assert lines == ["last axis: 1 and 3 -> 3 (A is repeated 3 times)",
                     "second-to-last axis: 4 and missing -> 4 (B is repeated 4 times)"]
    assert "incompatible" in arrays.explain_broadcast((4, 3), (4,))[0]


# ---------------------------------------------------------------------- the pictures
def test_broadcast_picture_writes_the_sum_in_the_result():
    """Are the numbers in the third panel those of A + B, and the copies in A's panel A's own values?"""
    axes = three_axes()
    html = arrays.draw_broadcast(axes, (4, 1), (3,))
    A, B = arrays.example_arrays((4, 1), (3,))
    assert cell_numbers(axes[2]) == list((A + B).ravel().astype(float))
    assert cell_numbers(axes[0]) == list(np.broadcast_to(A, (4, 3)).ravel().astype(float))
    assert "(4, 3)" in html


def test_incompatible_shapes_are_drawn_with_a_refusal():
    """Do shapes that do not broadcast show both arrays unstretched and a refusal in the third panel?"""
    axes = three_axes()
    html = arrays.draw_broadcast(axes, (4, 3), (4,))
    assert "do not broadcast" in html
    assert [t for t in axes[2].texts if t.get_gid() == "failure"]
    assert len(cell_numbers(axes[1])) == 4


def test_broadcast_explorer_follows_its_dropdowns():
    """Does choosing new shapes in the drop-downs redraw the picture and update the explanation?"""
    explorer = arrays.broadcast_explorer()
    assert "(4, 3)" in explorer.info.value
    before, count = explorer.to_png(), explorer.draw_count
    explorer.controls["shape_b"].value = (4,)
    explorer.controls["shape_a"].value = (4, 3)
    assert explorer.draw_count == count + 2 and explorer.last_error is None
    assert "do not broadcast" in explorer.info.value
    explorer.controls["shape_a"].value = (3, 1)
    assert "(3, 4)" in explorer.info.value
    assert explorer.to_png() != before


def test_matmul_picture_explains_the_chosen_entry():
    """Is the highlighted entry's sum in the explanation equal to (A @ B)[i, j]?"""
    axes = three_axes()
    html = arrays.draw_matmul(axes, n_rows=3, n_inner=4, n_cols=2, row=2, col=1)
    A = (np.arange(12).reshape(3, 4) % 5) + 1
    B = (np.arange(8).reshape(4, 2) % 3) - 1
    assert html.endswith(f"<b>{(A @ B)[2, 1]}</b>")
    assert cell_numbers(axes[2]) == list((A @ B).ravel().astype(float))


def test_matmul_explorer_keeps_the_entry_inside_the_result():
    """When C gets fewer rows, does the row slider shrink with it and the picture still draw?"""
    explorer = arrays.matmul_explorer(n_rows=3)
    explorer.update(row=2, col=1)
    assert explorer.info.value.startswith("C[2, 1]")
    explorer.controls["n_rows"].value = 1
    assert explorer.controls["row"].max == 0 and explorer.controls["row"].value == 0
    assert explorer.last_error is None
    assert explorer.info.value.startswith("C[0, 1]")


# ---------------------------------------------------------------------- updated in place
def visible_cells(ax):
    """The cell rectangles of ``ax`` that are shown."""
    return [patch for patch in ax.patches if patch.get_visible()]


def test_broadcast_explorer_comes_back_to_the_same_picture():
    """After the drop-downs go through a failure and a bigger result and back, is the picture the first one?"""
    explorer = arrays.broadcast_explorer((4, 1), (3,))
    first, first_info = explorer.to_png(), explorer.info.value
    explorer.update(shape_a=(4, 3), shape_b=(4,))      # do not broadcast
    explorer.update(shape_a=(1,), shape_b=(1, 1))      # a single cell
    explorer.update(shape_a=(4, 1), shape_b=(3,))
    assert explorer.last_error is None
    assert explorer.info.value == first_info
    assert explorer.to_png() == first


def test_cells_left_from_a_bigger_array_are_hidden():
    """When the result shrinks from (4, 3) to (1, 3), are exactly the new cells shown, with the new sums?"""
    explorer = arrays.broadcast_explorer((4, 1), (3,))
    left, middle, right = explorer.axes
    explorer.update(shape_a=(1, 3), shape_b=(3,))
    A, B = arrays.example_arrays((1, 3), (3,))
    assert cell_numbers(right) == list((A + B).ravel().astype(float))
    assert [len(visible_cells(ax)) for ax in (left, middle, right)] == [3, 3, 3]
    assert right.get_title() == "A + B, shape (1, 3)"


def test_a_refusal_is_taken_back_when_the_shapes_broadcast_again():
    """After a refusal, does choosing shapes that broadcast hide the refusal and show the sum?"""
    explorer = arrays.broadcast_explorer((4, 3), (4,))
    right = explorer.axes[2]
    failure = [t for t in right.texts if t.get_gid() == "failure"]
    assert len(failure) == 1 and failure[0].get_visible() and not visible_cells(right)
    explorer.update(shape_a=(3, 4), shape_b=(4,))
    assert not failure[0].get_visible()
    assert len(visible_cells(right)) == 12
    assert "(3, 4)" in right.get_title()


def test_matmul_explorer_redraws_in_place_and_back():
    """Does the matrix-product explorer keep its Axes, show only C's cells, and come back to its first picture?"""
    explorer = arrays.matmul_explorer()
    first, axes = explorer.to_png(), list(explorer.axes)
    explorer.update(n_rows=4, n_inner=4, n_cols=4)
    explorer.update(row=3, col=3)
    assert len(visible_cells(axes[2])) == 16 and explorer.info.value.startswith("C[3, 3]")
    explorer.update(n_rows=2, n_inner=3, n_cols=2, row=0, col=0)
    assert list(explorer.axes) == axes
    assert len(visible_cells(axes[2])) == 4
    assert explorer.to_png() == first
