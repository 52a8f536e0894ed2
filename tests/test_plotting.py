"""Tests of nnlib.plotting: each helper returns an Axes holding the artists it promises."""
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from nnlib import datasets, plotting  # noqa: E402
from nnlib.tolerance import close  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def saves_as_png(ax):
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png")
    return buffer.getvalue().startswith(b"\x89PNG")


def legend_texts(ax):
    legend = ax.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend is not None else []


def labelled_lines(ax):
    return [line for line in ax.lines if not line.get_label().startswith("_")]


# ---------------------------------------------------------------------- activations
def test_plot_activation_by_name_draws_f_and_its_derivative():
    """Does plot_activation("relu") draw relu(z) and its derivative on the requested range?"""
    ax = plotting.plot_activation("relu", z_range=(-3, 3))
    assert isinstance(ax, Axes)
    f_line, grad_line = labelled_lines(ax)
    z = f_line.get_xdata()
    assert close([z.min(), z.max()], [-3.0, 3.0])
    assert close(f_line.get_ydata(), np.maximum(z, 0.0))
    assert close(grad_line.get_ydata(), (z > 0).astype(float))
    assert legend_texts(ax) == ["relu(z)", "relu'(z)"]
    assert ax.get_xlabel() and ax.get_title()
    assert saves_as_png(ax)


def test_plot_activation_without_derivative_into_given_axes():
    """With with_grad=False and a given Axes, is only f drawn, into that Axes?"""
    _, given = plt.subplots()
    ax = plotting.plot_activation("tanh", ax=given, with_grad=False)
    assert ax is given
    assert len(labelled_lines(ax)) == 1


def test_plot_activation_of_a_plain_function_estimates_the_derivative():
    """For a function without a derivative (np.sin), is the drawn derivative close to cos?"""
    ax = plotting.plot_activation(np.sin)
    f_line, grad_line = labelled_lines(ax)
    z = grad_line.get_xdata()
    assert np.max(np.abs(grad_line.get_ydata() - np.cos(z))) < 1e-8


def test_plot_activation_of_a_pair_uses_the_given_derivative():
    """Given (f, f_grad), is f_grad drawn as it is?"""
    ax = plotting.plot_activation((np.square, lambda z: 2 * z), z_range=(0, 1))
    _, grad_line = labelled_lines(ax)
    assert close(grad_line.get_ydata(), 2 * grad_line.get_xdata())


# ---------------------------------------------------------------------- points and boundaries
def test_plot_points_one_legend_entry_per_class():
    """Does plot_points draw one scatter and one legend entry per class?"""
    X, y = datasets.spirals(n=90, classes=3)
    ax = plotting.plot_points(X, y)
    assert len(ax.collections) == 3
    assert legend_texts(ax) == ["class 0", "class 1", "class 2"]
    assert ax.get_xlabel() and ax.get_ylabel()
    assert saves_as_png(ax)


def test_plot_points_regression_targets_get_a_colour_bar():
    """With float targets, are the points coloured by value with a colour bar added?"""
    X, y = datasets.average_of_inputs_sample(n=30)
    ax = plotting.plot_points(X, y)
    assert len(ax.collections) == 1
    assert len(ax.figure.axes) == 2  # the plot and its colour bar


def test_plot_points_rejects_non_2d_inputs():
    """Does plot_points refuse X with three columns?"""
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_points(np.zeros((5, 3)), np.zeros(5, dtype=int))


def test_decision_boundary_from_labels():
    """With a labelling predict, are the regions shaded, the boundary drawn and the points on top?"""
    X, y = datasets.circles(n=60)
    calls = []

    def predict(points):
        calls.append(points.shape)
        return (np.hypot(points[:, 0], points[:, 1]) < 0.75).astype(int)

    ax = plotting.plot_decision_boundary(predict, X, y, resolution=50)
    assert calls == [(2500, 2)]
    assert legend_texts(ax) == ["class 0", "class 1"]
    # contourf + contour + one scatter per class
    assert len(ax.collections) >= 4
    assert ax.get_xlim()[0] < X[:, 0].min() and ax.get_xlim()[1] > X[:, 0].max()
    assert saves_as_png(ax)


def test_decision_boundary_from_probabilities():
    """With probabilities of class 1, is a colour bar of P(class 1) added?"""
    X, y = datasets.two_moons(n=40)

    def predict(points):
        return 1.0 / (1.0 + np.exp(-(points[:, 0] - 0.5)))

    ax = plotting.plot_decision_boundary(predict, X, y, resolution=40)
    colour_bars = [a for a in ax.figure.axes if a is not ax]
    assert len(colour_bars) == 1 and "P(class 1)" in colour_bars[0].get_ylabel()
    assert saves_as_png(ax)


def test_decision_boundary_from_class_probabilities_takes_the_argmax():
    """With (m, K) probabilities, are they turned into labels (no colour bar)?"""
    X, y = datasets.spirals(n=60, classes=3)

    def predict(points):
        scores = np.column_stack([points[:, 0], points[:, 1], -points[:, 0]])
        return np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)

    ax = plotting.plot_decision_boundary(predict, X, y, resolution=30)
    assert len(ax.figure.axes) == 1
    assert legend_texts(ax) == ["class 0", "class 1", "class 2"]


# ---------------------------------------------------------------------- loss curves
def test_loss_curves_training_and_validation():
    """Are the training and validation losses drawn against epochs 1..n with a legend?"""
    history = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.2, 0.7, 0.6]}
    ax = plotting.plot_loss_curves(history)
    train, val = labelled_lines(ax)
    assert close(train.get_xdata(), [1, 2, 3]) and close(train.get_ydata(), history["loss"])
    assert close(val.get_ydata(), history["val_loss"])
    assert legend_texts(ax) == ["training loss", "validation loss"]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    assert saves_as_png(ax)


def test_loss_curves_training_only_and_log_scale():
    """Without val_loss, is one curve drawn, and does log_scale set a log axis?"""
    ax = plotting.plot_loss_curves({"loss": [3.0, 1.0, 0.1]}, log_scale=True)
    assert len(labelled_lines(ax)) == 1
    assert ax.get_yscale() == "log"


def test_loss_curves_need_a_loss():
    """Does a history without "loss" raise a clear error?"""
    with pytest.raises(ValueError, match="loss"):
        plotting.plot_loss_curves({"val_loss": [1.0]})


# ---------------------------------------------------------------------- network diagrams
WEIGHTS_231 = [np.array([[0.2, 0.8], [0.6, 0.3], [0.1, 0.7]]), np.array([[0.4, 0.5, 0.9]])]
BIASES_231 = [np.array([0.1, 0.1, 0.1]), np.array([0.2])]


def gid_texts(ax, gid):
    return [t.get_text() for t in ax.texts if t.get_gid() == gid]


def test_draw_network_writes_one_weight_per_edge():
    """For a 2-3-1 network with weights, is there one circle per unit and one number per edge?"""
    ax = plotting.draw_network([2, 3, 1], WEIGHTS_231, BIASES_231,
                               activations=["sigmoid", "sigmoid"])
    assert isinstance(ax, Axes)
    assert len(ax.patches) == 6
    weights = gid_texts(ax, "weight")
    assert len(weights) == 2 * 3 + 3 * 1
    assert sorted(weights) == sorted(f"{w:.2g}" for W in WEIGHTS_231 for w in W.ravel())
    assert sorted(gid_texts(ax, "bias")) == ["b=0.1"] * 3 + ["b=0.2"]
    headings = " ".join(t.get_text() for t in ax.texts)
    assert "sigmoid" in headings and "hidden 1" in headings
    assert saves_as_png(ax)


def test_draw_network_reads_weights_as_next_by_previous():
    """Does each number sit on the edge from unit i to unit j that W[l][j, i] belongs to (square W, so a transpose would fit too)?"""
    W = [np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[5.0, 6.0], [7.0, 8.0]])]
    ax = plotting.draw_network([2, 2, 2], W, value_format="{:g}")
    # Units are drawn layer by layer, top to bottom: centres[l][unit].
    centres = np.array([patch.center for patch in ax.patches]).reshape(3, 2, 2)
    found = 0
    for text in ax.texts:
        if text.get_gid() != "weight":
            continue
        point = np.array(text.get_position())
        for l in range(2):
            for j in range(2):
                for i in range(2):
                    start, end = centres[l][i], centres[l + 1][j]
                    along = end - start
                    offset = point - start
                    cross = along[0] * offset[1] - along[1] * offset[0]
                    t = offset @ along / (along @ along)
                    if abs(cross) < 1e-9 and 0.0 < t < 1.0:
                        assert text.get_text() == f"{W[l][j, i]:g}", (l, j, i)
                        found += 1
    assert found == 8


def test_draw_network_rejects_a_transposed_weight_matrix():
    """Does a W of shape (N_{l-1}, N_l) raise an error that names the expected shape?"""
    with pytest.raises(ValueError, match=r"\(3, 2\)"):
        plotting.draw_network([2, 3, 1], [WEIGHTS_231[0].T, WEIGHTS_231[1]])


def test_draw_network_without_weights_and_wide_layers():
    """For a 64-32-10 network, are wide layers cut to max_nodes units with an ellipsis, with no numbers?"""
    ax = plotting.draw_network([64, 32, 10], max_nodes=8)
    assert len(ax.patches) == 8 + 8 + 8
    assert sum(1 for t in ax.texts if t.get_text() == "⋮") == 3
    assert gid_texts(ax, "weight") == []
    assert saves_as_png(ax)


def test_draw_network_custom_labels():
    """Are given node labels written inside the units?"""
    labels = [["a", "b"], ["h"], ["out"]]
    ax = plotting.draw_network([2, 1, 1], node_labels=labels)
    written = {t.get_text() for t in ax.texts}
    assert {"a", "b", "h", "out"} <= written


# ---------------------------------------------------------------------- loss surfaces
def bowl(w1, w2):
    return (w1 - 1.0) ** 2 + 4.0 * (w2 + 0.5) ** 2


def test_loss_surface_with_a_descent_path():
    """Is the path drawn through exactly the given points, with its start and end marked?"""
    path = np.array([[-2.0, 1.5], [-1.0, 0.5], [0.0, -0.2], [0.9, -0.5]])
    ax = plotting.plot_loss_surface(bowl, (-3, 3), (-2, 2), path=path, resolution=40)
    descent = labelled_lines(ax)[0]
    assert close(descent.get_xdata(), path[:, 0]) and close(descent.get_ydata(), path[:, 1])
    assert legend_texts(ax) == ["descent path (3 steps)", "start", "end"]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert saves_as_png(ax)


def test_loss_surface_of_a_scalar_only_function():
    """Does a loss that only accepts single numbers still give a full contour plot?"""
    import math

    def scalar_loss(w1, w2):
        return math.exp(0.1 * w1) + float(w2) ** 2

    ax = plotting.plot_loss_surface(scalar_loss, (-1, 1), (-1, 1), resolution=15, colorbar=False)
    assert len(ax.collections) >= 2  # filled contours and contour lines
    assert len(ax.figure.axes) == 1


def test_loss_surface_of_a_flat_function():
    """Does a constant loss draw without an error about contour levels?"""
    ax = plotting.plot_loss_surface(lambda a, b: np.zeros_like(a), (0, 1), (0, 1), resolution=10)
    assert saves_as_png(ax)


def test_plot_activation_refuses_softmax():
    """Does plot_activation("softmax") explain that softmax has no element-wise curve?"""
    with pytest.raises(ValueError, match="vector"):
        plotting.plot_activation("softmax")
