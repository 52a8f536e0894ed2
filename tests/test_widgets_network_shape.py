"""Tests of unit 03's network-shape explorer (nnlib.widgets.network_shape), driven from Python."""
import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402

from nnlib.network import MLP  # noqa: E402
from nnlib.widgets.network_shape import (count_parameters, layer_shapes, network_shape_explorer,  # noqa: E402
                                         parse_sizes)


@pytest.mark.parametrize("text, sizes", [("3", [3]), ("4, 3", [4, 3]), (" 5 ;6 7", [5, 6, 7]), ("", [])])
def test_parse_sizes_reads_hidden_layer_sizes(text, sizes):
    """Are hidden sizes read from commas, semicolons or spaces, and is an empty box no hidden layer?"""
    assert parse_sizes(text) == sizes


@pytest.mark.parametrize("text", ["x", "0", "-2", "2.5", "3, ,a"])
def test_parse_sizes_refuses_what_is_not_a_positive_whole_number(text):
    """Does a size that is not a positive whole number raise a ValueError that says so?"""
    with pytest.raises(ValueError, match="positive whole numbers"):
        parse_sizes(text)


@pytest.mark.parametrize("sizes", [[2, 3, 1], [5, 4, 3], [64, 32, 10], [3, 1], [1, 7, 7, 7, 2]])
def test_shapes_and_counts_agree_with_the_network_class(sizes):
    """Do the explorer's shapes and parameter count match those of nnlib's MLP?"""
    net = MLP(sizes, "sigmoid")
    rows = layer_shapes(sizes)
    assert [row[1] for row in rows] == [W.shape for W in net.W]
    assert [row[2] for row in rows] == [b.shape for b in net.b]
    assert count_parameters(sizes) == net.n_params


def test_lecture_networks_have_the_expected_parameter_counts():
    """Do 002's 2-3-1 and 001's 5-4-3 networks have 13 and 39 parameters?"""
    assert count_parameters([2, 3, 1]) == 13
    assert count_parameters([5, 4, 3]) == 39


@pytest.fixture
def explorer():
    return network_shape_explorer(n_inputs=2, hidden="3", n_outputs=1)


def test_explorer_starts_with_the_2_3_1_network(explorer):
    """Does the explorer start by drawing 2-3-1 with its shapes and 13 parameters?"""
    assert "13 parameters" in explorer.axes.get_title()
    assert "W^1: (3, 2)" in explorer.info.value and "W^2: (1, 3)" in explorer.info.value
    assert "b^1: (3,)" in explorer.info.value


def test_typing_hidden_sizes_redraws_the_network_and_the_table(explorer):
    """Does typing new hidden sizes redraw the figure and update every shape and the count?"""
    before_png, before_count = explorer.to_png(), explorer.draw_count
    explorer.controls["hidden"].value = "4, 3"
    assert explorer.draw_count == before_count + 1
    assert "W^2: (3, 4)" in explorer.info.value and "W^3: (1, 3)" in explorer.info.value
    assert f"{count_parameters([2, 4, 3, 1])} parameters" in explorer.axes.get_title()
    assert explorer.to_png() != before_png


def test_moving_the_input_slider_changes_the_first_weight_shape(explorer):
    """Does more inputs widen W^1 and raise the parameter count?"""
    explorer.controls["n_inputs"].value = 5
    assert "W^1: (3, 5)" in explorer.info.value
    assert f"{count_parameters([5, 3, 1])} parameters" in explorer.axes.get_title()
    explorer.controls["n_outputs"].value = 4
    assert "W^2: (4, 3)" in explorer.info.value


def test_an_empty_hidden_box_gives_a_one_layer_network(explorer):
    """Is an empty box a network with no hidden layer (logistic regression's shape)?"""
    explorer.controls["hidden"].value = ""
    assert "W^1: (1, 2)" in explorer.info.value and "W^2" not in explorer.info.value
    assert "3 parameters" in explorer.axes.get_title()


def test_a_typing_mistake_is_reported_not_raised(explorer):
    """Does a bad entry show a message in the explorer instead of breaking it?"""
    explorer.controls["hidden"].value = "4, x"
    assert explorer.last_error is None
    assert "not a layer size" in explorer.info.value
    explorer.controls["hidden"].value = "4"
    assert "W^1: (4, 2)" in explorer.info.value
