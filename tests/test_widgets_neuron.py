"""Unit 01's explorers, driven from code as a student drives them with the mouse."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from nnlib import activations  # noqa: E402
from nnlib.tolerance import close  # noqa: E402
from nnlib.widgets import neuron  # noqa: E402


def line(ax, gid):
    """The one line of ``ax`` whose gid is ``gid``."""
    found = [artist for artist in ax.get_lines() if artist.get_gid() == gid]
    assert len(found) == 1, f"expected one line with gid {gid!r}, found {len(found)}"
    return found[0]


# ---------------------------------------------------------------------- one input
def test_explorer_draws_the_neuron_curve_of_its_sliders():
    """Is the drawn curve exactly a = sigmoid(w x + b) for the initial weight and bias?"""
    explorer = neuron.neuron_explorer(w=1.5, b=-2.0)
    curve = line(explorer.axes, "neuron")
    x, a = curve.get_xdata(), curve.get_ydata()
    assert close(a, activations.sigmoid(1.5 * x - 2.0))


def test_moving_the_sliders_redraws_the_curve():
    """Does setting the weight and the bias from the widgets redraw the picture with the new curve?"""
    explorer = neuron.neuron_explorer()
    before_png, before_count = explorer.to_png(), explorer.draw_count
    explorer.controls["w"].value = 2.0   # as a student moving the slider
    explorer.controls["b"].value = 3.0
    assert explorer.draw_count == before_count + 2
    assert explorer.last_error is None
    x, a = line(explorer.axes, "neuron").get_data()
    assert close(a, activations.sigmoid(2.0 * x + 3.0))
    assert explorer.to_png() != before_png


@pytest.mark.parametrize("w, b", [(1.0, 5.0), (1.0, -5.0), (2.0, 3.0), (-0.5, 1.0)])
def test_the_bias_shifts_the_middle_of_the_sigmoid_to_minus_b_over_w(w, b):
    """Does the sigmoid cross 0.5 at x = -b/w, where the explorer draws its dashed marker?"""
    explorer = neuron.neuron_explorer()
    explorer.update(w=w, b=b)
    x, a = line(explorer.axes, "neuron").get_data()
    crossing = x[np.argmin(np.abs(a - 0.5))]
    step = x[1] - x[0]
    assert abs(crossing - (-b / w)) <= step
    marker = line(explorer.axes, "threshold")
    assert close(marker.get_xdata()[0], -b / w)


@pytest.mark.parametrize("name", neuron.ACTIVATION_CHOICES)
def test_choosing_an_activation_draws_that_activation(name):
    """Does the drop-down switch the curve to the chosen activation, with the slope when asked?"""
    explorer = neuron.neuron_explorer(w=0.8, b=0.5)
    explorer.update(activation=name, show_slope=True)
    f, f_grad = activations.get_activation(name)
    x, a = line(explorer.axes, "neuron").get_data()
    assert close(a, f(0.8 * x + 0.5))
    _, slope = line(explorer.axes, "slope").get_data()
    assert close(slope, 0.8 * f_grad(0.8 * x + 0.5))


def test_the_slope_is_hidden_until_asked_for():
    """Is the slope line absent when the box is not ticked?"""
    explorer = neuron.neuron_explorer()
    assert not [artist for artist in explorer.axes.get_lines() if artist.get_gid() == "slope"]


def test_a_zero_weight_draws_a_flat_line_without_a_threshold():
    """With w = 0 the output is the constant f(b): is it drawn without a marker and without an error?"""
    explorer = neuron.neuron_explorer()
    explorer.controls["w"].value = 0.0
    assert explorer.last_error is None
    _, a = line(explorer.axes, "neuron").get_data()
    assert close(a, np.full_like(a, activations.sigmoid(0.0)))
    assert not [artist for artist in explorer.axes.get_lines() if artist.get_gid() == "threshold"]


def test_an_unknown_activation_is_refused():
    """Is an activation name outside the choices refused with a message listing the choices?"""
    with pytest.raises(ValueError, match="sigmoid"):
        neuron.one_input_output(np.zeros(3), 1.0, 0.0, "softplus")


def test_weight_and_bias_figure_reproduces_the_lecture_curves():
    """Do the two panels hold sigma(w x) for w = 0.5, 1, 2 and sigma(x + b) for b = -5, 0, 5?"""
    figure = Figure()
    axes = figure.subplots(1, 2)
    neuron.plot_weight_and_bias(axes)
    left, right = axes
    for curve, w in zip(left.get_lines(), (0.5, 1.0, 2.0)):
        x, a = curve.get_data()
        assert close(a, activations.sigmoid(w * x))
    curves = [c for c in right.get_lines() if len(c.get_xdata()) > 2]
    for curve, b in zip(curves, (-5.0, 0.0, 5.0)):
        x, a = curve.get_data()
        assert close(a, activations.sigmoid(x + b))
        assert abs(x[np.argmin(np.abs(a - 0.5))] + b) <= x[1] - x[0]


# ---------------------------------------------------------------------- two inputs
def image(explorer):
    axes = explorer.figure.axes
    found = [im for ax in axes for im in ax.get_images() if im.get_gid() == "output"]
    assert len(found) == 1
    return found[0]


def test_surface_explorer_shows_the_output_over_the_input_plane():
    """Is the colour map exactly f(w1 x1 + w2 x2 + b) on the grid, next to a 3-D view?"""
    explorer = neuron.surface_explorer(w1=2.0, w2=-1.0, b=0.5)
    A = np.asarray(image(explorer).get_array())
    grid = np.linspace(-3.0, 3.0, A.shape[0])
    X1, X2 = np.meshgrid(grid, grid)
    assert close(A, activations.sigmoid(2.0 * X1 - 1.0 * X2 + 0.5))
    assert any(ax.name == "3d" for ax in explorer.figure.axes)


def test_changing_the_bias_and_activation_redraws_the_surface():
    """Does moving the bias and picking tanh change the surface to the new output?"""
    explorer = neuron.surface_explorer()
    before = np.array(image(explorer).get_array())
    explorer.controls["b"].value = 2.0
    explorer.controls["activation"].value = "tanh"
    assert explorer.last_error is None
    after = np.asarray(image(explorer).get_array())
    grid = np.linspace(-3.0, 3.0, after.shape[0])
    X1, X2 = np.meshgrid(grid, grid)
    assert close(after, np.tanh(1.0 * X1 - 1.0 * X2 + 2.0))
    assert not close(after, before)


@pytest.mark.parametrize("w1, w2, b", [(1.0, -1.0, 0.0), (2.0, 0.5, 1.0), (0.0, 1.0, -1.0), (3.0, 0.0, 2.0)])
def test_the_dashed_line_is_where_z_is_zero(w1, w2, b):
    """Does the drawn line lie where w1 x1 + w2 x2 + b = 0, whichever weight dominates?"""
    figure = Figure()
    ax = figure.subplots()
    neuron.draw_two_input([ax], w1, w2, b)
    x1, x2 = line(ax, "zero_line").get_data()
    assert close(w1 * np.asarray(x1) + w2 * np.asarray(x2) + b, np.zeros(len(x1)))


def test_all_zero_weights_draw_a_constant_surface():
    """With w1 = w2 = 0, is the surface the constant f(b), drawn without a line or an error?"""
    figure = Figure()
    ax = figure.subplots()
    A = neuron.draw_two_input([ax], 0.0, 0.0, 1.0, "relu")
    assert close(A, np.ones_like(A))
    assert not [artist for artist in ax.get_lines() if artist.get_gid() == "zero_line"]


# ---------------------------------------------------------------------- two inputs, in place
def surfaces(explorer):
    """The 3-D surfaces drawn in the explorer's figure."""
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    return [c for ax in explorer.figure.axes if ax.name == "3d" for c in ax.collections
            if isinstance(c, Poly3DCollection)]


def test_surface_explorer_comes_back_to_its_first_picture():
    """After moving every control and moving them back, is the picture exactly the first one?"""
    explorer = neuron.surface_explorer(w1=1.0, w2=-1.0, b=0.0)
    first, axes_count = explorer.to_png(), len(explorer.figure.axes)
    explorer.update(w1=0.0, w2=0.0, b=1.0, activation="relu")   # no line, no arrow
    explorer.update(w1=-0.3, w2=4.0, b=-4.5, activation="elu")  # arrow off the picture
    explorer.update(w1=1.0, w2=-1.0, b=0.0, activation="sigmoid")
    assert explorer.last_error is None
    assert len(explorer.figure.axes) == axes_count  # 2-D panel, its colour bar, the 3-D panel
    assert explorer.to_png() == first


def test_surface_explorer_updates_the_surface_and_its_scale():
    """After a change, are the title, the colour scale and the single 3-D surface those of the new output?"""
    explorer = neuron.surface_explorer()
    explorer.update(w1=2.0, w2=1.0, b=1.5, activation="relu")
    A = np.asarray(image(explorer).get_array())
    assert close(image(explorer).get_clim(), (A.min(), A.max()))
    assert close(A.max(), 2.0 * 3 + 1.0 * 3 + 1.5)
    assert "relu(2.00·x₁ + 1.00·x₂ + 1.50)" in explorer.figure.axes[0].get_title()
    drawn = surfaces(explorer)
    assert len(drawn) == 1  # replaced, not stacked
    side = drawn[0].axes
    low, high = side.get_zlim()
    assert low <= 0.0 and 10.5 <= high < 12.0  # the z axis follows the new output
    assert explorer.to_png() != neuron.surface_explorer().to_png()
    # later terms carry their sign as the operator: never "+ -1.00"
    explorer.update(w2=-1.0, b=-0.5)
    assert "relu(2.00·x₁ − 1.00·x₂ − 0.50)" in explorer.figure.axes[0].get_title()


def test_the_zero_line_leaves_and_comes_back_with_the_weights():
    """With both weights at zero, are the line and its legend gone, and back (once) when a weight returns?"""
    explorer = neuron.surface_explorer()
    top = explorer.figure.axes[0]
    explorer.update(w1=0.0, w2=0.0)
    assert not [artist for artist in top.get_lines() if artist.get_gid() == "zero_line"]
    assert not top.get_legend().get_visible()
    explorer.update(w2=2.0, b=1.0)
    x1, x2 = line(top, "zero_line").get_data()
    assert close(2.0 * np.asarray(x2) + 1.0, np.zeros(len(x2)))
    assert top.get_legend().get_visible()
