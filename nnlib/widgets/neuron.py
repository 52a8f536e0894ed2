r"""Unit 01's explorers: one neuron, with one input or with two.

A neuron computes a weighted sum of its inputs plus a bias and passes it through an activation:

.. math::

    z = w \cdot x + b, \qquad a = f(z).

With one input, :math:`a = f(w x + b)` is a curve over :math:`x`: the weight sets how steep it is
(and flips it when negative), the bias slides it sideways, so that the step of a sigmoid sits
where :math:`z = 0`, at :math:`x = -b / w` (the pictures of ``sig(w x)`` and ``sig(x + b)`` in
lecture 004 (Neural Network 101)). With two inputs the output is a surface over the plane; it is
constant along the lines :math:`w_1 x_1 + w_2 x_2 + b = c`, which are perpendicular to the
weight vector.

The drawings use the reference activations of :mod:`nnlib.activations`, never the student's.
"""
import numpy as np

from nnlib import activations
from nnlib.widgets.base import Explorer, checkbox, dropdown, float_slider, pin_axis_labels

__all__ = ["ACTIVATION_CHOICES", "one_input_output", "two_input_output", "draw_one_input",
           "plot_weight_and_bias", "neuron_explorer", "draw_two_input", "surface_explorer"]

#: The activations offered by the explorers' drop-downs, in the order of the unit.
ACTIVATION_CHOICES = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "linear")

# Vertical range of the one-input picture, per activation: fixed, so that moving a slider moves
# the curve and not the axes. Unbounded activations get a window that shows their bend.
_Y_LIMITS = {"sigmoid": (-0.1, 1.1), "tanh": (-1.15, 1.15)}
_UNBOUNDED_Y_LIMITS = (-3.0, 8.0)
_CURVE, _REFERENCE, _SLOPE = "#1f5fa8", "0.55", "#c0392b"


def _activation(name):
    """``(f, f_grad)`` for an activation name of :data:`ACTIVATION_CHOICES`."""
    if name not in ACTIVATION_CHOICES:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATION_CHOICES)}")
    return activations.get_activation(name)


def _signed(value):
    """``+ 1.50`` or ``− 1.50``: a term after the first, its sign written as an operator."""
    return f"{'+' if value >= 0 else '−'} {abs(value):.2f}"


def one_input_output(x, w, b, activation="sigmoid"):
    r"""Output of a neuron with one input: :math:`a = f(w x + b)`.

    Parameters
    ----------
    x : array_like of any shape
        Input values (one neuron evaluated at many inputs).
    w, b : float
        Weight and bias.
    activation : str
        One of :data:`ACTIVATION_CHOICES`.

    Returns
    -------
    ndarray of the shape of ``x``
    """
    f, _ = _activation(activation)
    return f(w * np.asarray(x, dtype=float) + b)


def two_input_output(x1, x2, w1, w2, b, activation="sigmoid"):
    r"""Output of a neuron with two inputs: :math:`a = f(w_1 x_1 + w_2 x_2 + b)`.

    Parameters
    ----------
    x1, x2 : array_like of the same shape (e.g. the two grids of ``np.meshgrid``)
    w1, w2, b : float
    activation : str
        One of :data:`ACTIVATION_CHOICES`.

    Returns
    -------
    ndarray of the shape of ``x1``
    """
    f, _ = _activation(activation)
    return f(w1 * np.asarray(x1, dtype=float) + w2 * np.asarray(x2, dtype=float) + b)


# ---------------------------------------------------------------------- one input
def draw_one_input(ax, w=1.0, b=0.0, activation="sigmoid", show_slope=False, x_range=(-10.0, 10.0),
                   show_reference=True, resolution=401):
    r"""Draw :math:`a = f(w x + b)` against :math:`x`, with the point where :math:`z = 0` marked.

    Parameters
    ----------
    ax : matplotlib Axes
    w, b : float
        Weight and bias of the neuron.
    activation : str
        One of :data:`ACTIVATION_CHOICES`.
    show_slope : bool
        Also draw the slope :math:`da/dx = w\, f'(w x + b)` (chain rule), dashed.
    x_range : (float, float)
    show_reference : bool
        Draw the same activation with :math:`w = 1, b = 0` in grey, to compare against.
    resolution : int
        Points on the curve.

    Returns
    -------
    matplotlib Axes
        The neuron's curve carries ``gid="neuron"``, the reference ``gid="reference"``, the
        slope ``gid="slope"`` and the marker of :math:`z = 0` ``gid="threshold"``.
    """
    f, f_grad = _activation(activation)
    x = np.linspace(x_range[0], x_range[1], resolution)
    z = w * x + b
    if show_reference:
        ax.plot(x, f(x), color=_REFERENCE, lw=1.4, ls=":", gid="reference",
                label=f"{activation}(x)   (w = 1, b = 0)")
    ax.plot(x, f(z), color=_CURVE, lw=2.4, gid="neuron",
            label=f"{activation}({w:.2f}·x {_signed(b)})")
    if show_slope:
        ax.plot(x, w * f_grad(z), color=_SLOPE, lw=1.6, ls="--", gid="slope", label="slope da/dx")
    if abs(w) > 1e-12:
        x_zero = -b / w
        if x_range[0] <= x_zero <= x_range[1]:
            ax.axvline(x_zero, color=_CURVE, lw=1.0, ls="--", alpha=0.7, gid="threshold")
            ax.plot([x_zero], [float(f(np.array(0.0)))], "o", color=_CURVE, ms=6)
            ax.annotate(f"z = 0 at x = −b/w = {x_zero:.2f}", (x_zero, float(f(np.array(0.0)))),
                        xytext=(8, -18), textcoords="offset points", fontsize=9, color=_CURVE)
    ax.axhline(0.0, color="0.7", lw=0.8, zorder=0)
    ax.axvline(0.0, color="0.7", lw=0.8, zorder=0)
    ax.set_xlim(x_range)
    ax.set_ylim(_Y_LIMITS.get(activation, _UNBOUNDED_Y_LIMITS))
    ax.set_xlabel("input x")
    ax.set_ylabel("output a")
    ax.set_title(f"a = {activation}(w·x + b)   with w = {w:.2f}, b = {b:.2f}")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    return ax


def plot_weight_and_bias(axes=None, weights=(0.5, 1.0, 2.0), biases=(-5.0, 0.0, 5.0),
                         x_range=(-10.0, 10.0)):
    r"""Lecture 004 (Neural Network 101)'s two pictures: the weight sets the steepness, the bias
    shifts the curve.

    Left: :math:`\sigma(w x)` for each weight (no bias). Right: :math:`\sigma(x + b)` for each bias
    (weight 1); the step moves to :math:`x = -b`.

    Parameters
    ----------
    axes : sequence of two matplotlib Axes, optional
        A new figure with two Axes side by side when omitted.
    weights, biases : sequence of float
    x_range : (float, float)

    Returns
    -------
    ndarray of two Axes
    """
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
    axes = np.ravel(axes)
    x = np.linspace(x_range[0], x_range[1], 401)
    shades = ("#9ecae1", "#3182bd", "#08519c")
    left, right = axes[0], axes[1]
    for color, w in zip(shades, weights):
        left.plot(x, one_input_output(x, w, 0.0), color=color, lw=2.2, label=f"σ({w:g}·x)")
    for color, b in zip(shades, biases):
        right.plot(x, one_input_output(x, 1.0, b), color=color, lw=2.2,
                   label=f"σ(x {'+' if b >= 0 else '−'} {abs(b):g})")
        right.axvline(-b, color=color, lw=0.8, ls="--")
    left.set_title("the weight changes the steepness")
    right.set_title("the bias shifts the curve (its middle sits at x = −b)")
    for ax in (left, right):
        ax.set_xlabel("input x")
        ax.set_xlim(x_range)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=9)
    left.set_ylabel("output a")
    return np.asarray(axes)


def neuron_explorer(w=1.0, b=0.0, activation="sigmoid", show_slope=False):
    """An explorer of a one-input neuron: sliders for the weight and the bias, a choice of activation.

    Parameters
    ----------
    w, b : float
        Initial weight (slider from −5 to 5) and bias (−10 to 10).
    activation : str
        Initial activation, one of :data:`ACTIVATION_CHOICES`.
    show_slope : bool
        Initial state of the "show the slope" box.

    Returns
    -------
    nnlib.widgets.base.Explorer
        Display it as the last expression of a cell; ``explorer.update(w=2.0)`` sets it from code.
    """
    controls = {
        "w": float_slider("weight w", w, -5.0, 5.0, step=0.05),
        "b": float_slider("bias b", b, -10.0, 10.0, step=0.1),
        "activation": dropdown("activation f", ACTIVATION_CHOICES, value=activation),
        "show_slope": checkbox("show the slope da/dx", value=show_slope),
    }

    def draw(ax, w, b, activation, show_slope):
        draw_one_input(ax, w, b, activation, show_slope=show_slope)

    return Explorer(controls, draw, figsize=(7.0, 4.2),
                    title="One neuron, one input: a = f(w·x + b)")


# ---------------------------------------------------------------------- two inputs
def draw_two_input(axes, w1=1.0, w2=-1.0, b=0.0, activation="sigmoid", extent=3.0, resolution=61):
    r"""Draw a two-input neuron's output :math:`a = f(w_1 x_1 + w_2 x_2 + b)` over the plane.

    Called again with the same Axes (as :func:`surface_explorer` does), it updates the picture in
    place: the colour map takes the new output, the line and the arrow move, and the 3-D view
    gets the new surface, while the Axes, their ticks and the colour bar stay.

    Parameters
    ----------
    axes : sequence of one or two matplotlib Axes
        The first gets a colour map seen from above, with the line :math:`z = 0` and the weight
        vector; the second, if given, is replaced by a 3-D view of the same surface.
    w1, w2, b : float
    activation : str
        One of :data:`ACTIVATION_CHOICES`.
    extent : float
        Both inputs range over ``[-extent, extent]``.
    resolution : int
        Grid points per axis.

    Returns
    -------
    ndarray of shape (resolution, resolution)
        The output on the grid (row i holds :math:`x_2` = i-th grid value), as drawn.
    """
    axes = list(np.ravel(axes))
    grid = np.linspace(-extent, extent, resolution)
    X1, X2 = np.meshgrid(grid, grid)
    A = two_input_output(X1, X2, w1, w2, b, activation)
    top = axes[0]
    picture = getattr(top, "_two_input_picture", None)
    if picture is None:
        picture = top._two_input_picture = _TwoInputPicture(top, A, extent)
    picture.show_plane(grid, A, w1, w2, b, activation, extent)
    if len(axes) > 1:
        picture.show_surface(axes[1], X1, X2, A)
    return A


class _TwoInputPicture:
    """The artists of :func:`draw_two_input`, made once and then updated.

    The colour map, its colour bar, the legend and the 3-D Axes are made at the first drawing;
    later drawings change their data. The line z = 0 exists only while some weight is not zero.
    """

    def __init__(self, top, A, extent):
        self.top = top
        box = (-extent, extent, -extent, extent)
        self.image = top.imshow(A, origin="lower", extent=box, cmap="viridis", aspect="equal",
                                gid="output")
        top.figure.colorbar(self.image, ax=top, shrink=0.85, label="output a")
        top.set_xlabel("$x_1$")
        top.set_ylabel("$x_2$")
        self.zero_line = self.legend = self.arrow = self.arrow_label = None
        self.side = self.replaced = self.surface = None

    def show_plane(self, grid, A, w1, w2, b, activation, extent):
        top = self.top
        self.image.set_data(A)
        self.image.set_extent((-extent, extent, -extent, extent))
        self.image.set_clim(float(A.min()), float(A.max()))  # as a new image scales itself
        has_line = abs(w1) > 1e-12 or abs(w2) > 1e-12
        arrow_at = None
        if has_line:
            if abs(w2) >= abs(w1):  # solve for x2 along x1 (the line is not vertical)
                x1_line = grid
                x2_line = -(w1 * grid + b) / w2
            else:
                x2_line = grid
                x1_line = -(w2 * grid + b) / w1
            self._show_zero_line(x1_line, x2_line)
            # The weight vector points to where z grows, from the point of z = 0 nearest the origin.
            norm_sq = w1 * w1 + w2 * w2
            foot = np.array([-b * w1 / norm_sq, -b * w2 / norm_sq])
            direction = np.array([w1, w2]) / np.sqrt(norm_sq)
            if np.all(np.abs(foot) < extent):
                arrow_at = foot, direction
        elif self.zero_line is not None:  # no line at all: f(b) everywhere
            self.zero_line.remove()
            self.zero_line = None
        if self.legend is not None:
            self.legend.set_visible(has_line)
        self._show_arrow(arrow_at)
        top.set_xlim(-extent, extent)
        top.set_ylim(-extent, extent)
        # A title given its height (the top of the Axes, where it would go) is not placed anew,
        # by measuring the tick labels, at every drawing.
        top.set_title(f"a = {activation}({w1:.2f}·x₁ {_signed(w2)}·x₂ {_signed(b)})", fontsize=10, y=1.0)

    def _show_zero_line(self, x1_line, x2_line):
        if self.zero_line is None:
            self.zero_line, = self.top.plot(x1_line, x2_line, color="white", lw=1.8, ls="--",
                                            gid="zero_line", label="z = 0")
        else:
            self.zero_line.set_data(x1_line, x2_line)
        if self.legend is None:
            self.legend = self.top.legend(loc="lower left", fontsize=8, framealpha=0.6)

    def _show_arrow(self, arrow_at):
        if arrow_at is None:
            for artist in (self.arrow, self.arrow_label):
                if artist is not None:
                    artist.set_visible(False)
            return
        foot, direction = arrow_at
        tip, label_at = tuple(foot + 1.2 * direction), tuple(foot + 1.3 * direction)
        if self.arrow is None:
            self.arrow = self.top.annotate("", xy=tip, xytext=tuple(foot),
                                           arrowprops=dict(arrowstyle="->", color="white", lw=2))
            self.arrow_label = self.top.text(*label_at, "w", color="white", fontsize=11)
        else:
            self.arrow.xy = tip
            self.arrow.set_position(tuple(foot))
            self.arrow_label.set_position(label_at)
        self.arrow.set_visible(True)
        self.arrow_label.set_visible(True)

    def show_surface(self, ax, X1, X2, A):
        if ax is not self.side and ax is not self.replaced:  # a 2-D Axes to replace
            figure, spec = ax.figure, ax.get_subplotspec()
            ax.remove()
            self.replaced, self.surface = ax, None
            self.side = figure.add_subplot(spec, projection="3d")
            self.side.set_xlabel("$x_1$")
            self.side.set_ylabel("$x_2$")
            self.side.set_zlabel("a")
            self.side.set_title("the same output as a surface", fontsize=10)
            self.side.view_init(elev=28, azim=-60)
        if self.surface is not None:
            # With the old surface gone the 3-D Axes hold no data, so the new one sets the limits
            # afresh, exactly as on a new Axes; the Axes themselves (panes, ticks) are kept.
            self.surface.remove()
        self.surface = self.side.plot_surface(X1, X2, A, cmap="viridis", linewidth=0,
                                              antialiased=False, rcount=30, ccount=30)


def surface_explorer(w1=1.0, w2=-1.0, b=0.0, activation="sigmoid"):
    """An explorer of a two-input neuron's output surface: sliders for both weights and the bias.

    Parameters
    ----------
    w1, w2, b : float
        Initial weights (−5 to 5) and bias (−5 to 5).
    activation : str
        Initial activation, one of :data:`ACTIVATION_CHOICES`.

    Returns
    -------
    nnlib.widgets.base.Explorer
    """
    controls = {
        "w1": float_slider("weight w₁", w1, -5.0, 5.0, step=0.05),
        "w2": float_slider("weight w₂", w2, -5.0, 5.0, step=0.05),
        "b": float_slider("bias b", b, -5.0, 5.0, step=0.05),
        "activation": dropdown("activation f", ACTIVATION_CHOICES, value=activation),
    }

    def draw(axes, w1, w2, b, activation):
        draw_two_input(axes, w1, w2, b, activation)

    # The figure is drawn once and then updated (clear=False): new Axes, a new colour bar and a
    # new 3-D panel for every picture took two thirds of a redraw.
    explorer = Explorer(controls, draw, ncols=2, figsize=(10.5, 4.2), clear=False,
                        title="One neuron, two inputs: a = f(w₁x₁ + w₂x₂ + b)")
    pin_axis_labels(explorer.axes[0])  # the colour map's limits never change
    return explorer
