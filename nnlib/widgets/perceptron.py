r"""Unit 02's explorer: the two-layer ReLU network that computes XOR, every weight on a slider.

The network is the one of lecture 001 (Introduction to Neural Networks):

.. math::

    h = \mathrm{ReLU}(W x + b), \qquad y = U \cdot h,

with :math:`W = [[1, 1], [1, 1]]`, :math:`b = [0, -1]` and :math:`U = [1, -2]`. The output is
read as class 1 when :math:`y > 0.5`. The explorer shows, for the current weights, the decision
regions in the input plane, where the four inputs land in the hidden plane (the plane of
:math:`h_1, h_2`, where the output unit draws a straight line), and the truth table.
"""
import ipywidgets as widgets
import numpy as np

from nnlib import datasets, plotting
from nnlib.widgets.base import Explorer, float_slider, html_table, pin_axis_labels

__all__ = ["LECTURE_W", "LECTURE_B", "LECTURE_U", "THRESHOLD",
           "xor_network", "truth_table_rows", "draw_xor", "xor_explorer"]

#: The lecture's weights: hidden layer W (2, 2) and b (2,), output weights U (2,).
LECTURE_W = np.array([[1.0, 1.0], [1.0, 1.0]])
LECTURE_B = np.array([0.0, -1.0])
LECTURE_U = np.array([1.0, -2.0])
#: Outputs above this count as class 1 (the lecture's outputs are exactly 0 or 1).
THRESHOLD = 0.5

# Slider name -> (what it sets, row, column); rows of W are hidden units.
_HIDDEN = {"w11": ("W", 0, 0), "w12": ("W", 0, 1), "w21": ("W", 1, 0), "w22": ("W", 1, 1),
           "b1": ("b", 0, None), "b2": ("b", 1, None)}
_OUTPUT = {"u1": ("U", 0, None), "u2": ("U", 1, None)}


def xor_network(X, W, b, U):
    r"""Forward pass of the two-layer network, for a batch.

    Parameters
    ----------
    X : ndarray of shape (n, 2)
    W : ndarray of shape (2, 2)
        Row j holds the weights into hidden unit j.
    b : ndarray of shape (2,)
    U : ndarray of shape (2,)

    Returns
    -------
    H : ndarray of shape (n, 2)
        :math:`H = \mathrm{ReLU}(X W^\top + b)`.
    y : ndarray of shape (n,)
        :math:`y = H U`.
    """
    X = np.asarray(X, dtype=float)
    H = np.maximum(0.0, X @ np.asarray(W, dtype=float).T + np.asarray(b, dtype=float))
    return H, H @ np.asarray(U, dtype=float)


def truth_table_rows(W, b, U, threshold=THRESHOLD):
    """Rows ``[x1, x2, h1, h2, y, predicted, XOR]`` for the four inputs, and the indices of wrong rows."""
    X, target = datasets.xor_gate()
    H, y = xor_network(X, W, b, U)
    predicted = (y > threshold).astype(int)
    rows = [[int(x[0]), int(x[1]), float(h[0]), float(h[1]), float(out), int(p), int(t)]
            for x, h, out, p, t in zip(X, H, y, predicted, target)]
    wrong = [i for i in range(len(rows)) if predicted[i] != target[i]]
    return rows, wrong


def _parameters(values):
    """W, b, U from slider values named as in ``_HIDDEN`` and ``_OUTPUT``."""
    params = {"W": np.zeros((2, 2)), "b": np.zeros(2), "U": np.zeros(2)}
    for name, (target, row, col) in {**_HIDDEN, **_OUTPUT}.items():
        if col is None:
            params[target][row] = values[name]
        else:
            params[target][row, col] = values[name]
    return params["W"], params["b"], params["U"]


def _class_map(ax, extent, alpha, threshold):
    """An image of two class colours over ``extent``: class 1 where the data shown exceeds ``threshold``.

    It is fed the network's output on a grid (``set_data``), not class labels: the image is
    interpolated before it is coloured, so the edge between the colours falls where the output
    crosses the threshold, between grid points, and looks as smooth as filled contours.
    """
    from matplotlib.colors import ListedColormap

    colours = ListedColormap([plotting.CLASS_COLORS[0], plotting.CLASS_COLORS[1]])
    return ax.imshow(np.zeros((2, 2)), origin="lower", extent=extent, cmap=colours,
                     norm=_threshold_norm(threshold), alpha=alpha, aspect="auto",
                     interpolation="bilinear", interpolation_stage="data", zorder=0)


def _threshold_norm(threshold):
    """Two colour bins, up to ``threshold`` and above: an output equal to it is class 0, as in the table."""
    from matplotlib.colors import BoundaryNorm

    return BoundaryNorm([-np.inf, np.nextafter(threshold, np.inf), np.inf], ncolors=2)


def _cell_centres(low, high, count):
    """``count`` points at the centres of equal cells that tile [low, high] (where imshow puts pixels)."""
    step = (high - low) / count
    return low + step * (np.arange(count) + 0.5)


class _XorPicture:
    """The artists of :func:`draw_xor`, made at its first call on a pair of Axes and then updated.

    Input plane: the class regions (an image), the boundary (a contour, made anew), the four
    inputs and rings around the wrong ones. Hidden plane: the regions of the output unit (an
    image), its line, the unreachable strips, the inputs at their hidden coordinates with labels.
    """

    INPUT_LIMITS = (-0.5, 1.5)  # the inputs are 0 and 1, padded by 0.5
    INPUT_RESOLUTION, HIDDEN_RESOLUTION = 120, 160

    def __init__(self, left, right, threshold):
        X, target = datasets.xor_gate()
        self.left, self.right, self.threshold = left, right, threshold
        low, high = self.INPUT_LIMITS
        self.input_grid = np.stack(np.meshgrid(_cell_centres(low, high, self.INPUT_RESOLUTION),
                                               _cell_centres(low, high, self.INPUT_RESOLUTION)), axis=-1)
        self.input_regions = _class_map(left, (low, high, low, high), 0.25, threshold)
        self.boundary = None
        plotting.plot_points(X, target, ax=left)
        # The four points never move, so the legend's "best" place is always the upper right
        # corner; naming it spares the search at every drawing.
        left.get_legend().set_loc("upper right")
        self.rings = left.scatter(np.empty(0), np.empty(0), s=260, facecolors="none",
                                  edgecolors="k", linewidths=1.5, zorder=4)
        left.set_xlim(low, high)
        left.set_ylim(low, high)

        self.hidden_regions = _class_map(right, (-0.5, 2.5, -0.5, 2.5), 0.2, threshold)
        self.output_line, = right.plot([], [], color="k", lw=1.0)
        # ReLU outputs are never negative: the rest of the plane cannot be reached.
        for span in (right.axhspan, right.axvspan):
            span(-0.5, 0.0, facecolor="none", edgecolor="0.55", hatch="///", lw=0, zorder=1)
        self.hidden_points = [right.scatter(np.empty(0), np.empty(0), s=70, c=plotting.CLASS_COLORS[k],
                                            marker=plotting.CLASS_MARKERS[k], edgecolors="k",
                                            zorder=3, label=f"XOR = {k}")
                              for k in (0, 1)]
        # One label per distinct hidden point: at most four.
        self.hidden_labels = [right.annotate("", (0.0, 0.0), textcoords="offset points",
                                             xytext=(6, 6), fontsize=8) for _ in range(len(X))]
        right.set_xlabel("$h_1$")
        right.set_ylabel("$h_2$")
        # A title given its height (the top of the Axes, where it would go: nothing is drawn above
        # them) is not placed anew, by measuring the tick labels, at every drawing.
        right.set_title("Hidden space: $U \\cdot h$ = 0.5 is a line", y=1.0)
        right.legend(loc="upper left", fontsize=8)

    def set_threshold(self, threshold):
        if threshold != self.threshold:
            self.threshold = threshold
            for image in (self.input_regions, self.hidden_regions):
                image.set_norm(_threshold_norm(threshold))

    def show_inputs(self, W, b, U, wrong):
        X, _ = datasets.xor_gate()
        _, y = xor_network(self.input_grid.reshape(-1, 2), W, b, U)
        y = y.reshape(self.input_grid.shape[:2])
        self.input_regions.set_data(y)
        if self.boundary is not None:
            self.boundary.remove()
            self.boundary = None
        above = y > self.threshold
        if above.any() and not above.all():
            self.boundary = self.left.contour(self.input_grid[..., 0], self.input_grid[..., 1], y,
                                              levels=[self.threshold], colors="k", linewidths=1.0)
        self.rings.set_offsets(X[wrong] if wrong else np.empty((0, 2)))
        self.left.set_title(f"Input plane: {4 - len(wrong)} of 4 right", y=1.0)

    def show_hidden(self, W, b, U):
        X, target = datasets.xor_gate()
        H, _ = xor_network(X, W, b, U)
        high = max(2.5, float(np.max(H)) + 0.5)
        centres = _cell_centres(-0.5, high, self.HIDDEN_RESOLUTION)
        g1, g2 = np.meshgrid(centres, centres)
        output = U[0] * g1 + U[1] * g2
        self.hidden_regions.set_data(output)
        self.hidden_regions.set_extent((-0.5, high, -0.5, high))
        above = output > self.threshold
        if above.any() and not above.all():  # the line U.h = threshold crosses the picture
            edge = np.array([-0.5, high])
            if abs(U[1]) >= abs(U[0]):
                self.output_line.set_data(edge, (self.threshold - U[0] * edge) / U[1])
            else:
                self.output_line.set_data((self.threshold - U[1] * edge) / U[0], edge)
        else:
            self.output_line.set_data([], [])
        for k, points in enumerate(self.hidden_points):
            points.set_offsets(H[target == k])
        # Inputs that land on the same hidden point share one label.
        labels = {}
        for x, h in zip(X.astype(int), H):
            labels.setdefault((round(h[0], 6), round(h[1], 6)), []).append(f"({x[0]},{x[1]})")
        shown = list(labels.items())
        for k, annotation in enumerate(self.hidden_labels):
            if k < len(shown):
                (h1, h2), names = shown[k]
                annotation.xy = (h1, h2)
                annotation.set_text(" ".join(names))
            annotation.set_visible(k < len(shown))
        self.right.set_xlim(-0.5, high)
        self.right.set_ylim(-0.5, high)


def draw_xor(axes, w11, w12, w21, w22, b1, b2, u1=LECTURE_U[0], u2=LECTURE_U[1],
             threshold=THRESHOLD):
    """Draw decision regions (input plane) and the hidden plane into two Axes; return the truth table HTML.

    The first call on a pair of Axes draws everything; later calls on the same pair (as
    :func:`xor_explorer` makes them) update the regions, lines, points, labels and titles in place.
    """
    W, b, U = _parameters(dict(w11=w11, w12=w12, w21=w21, w22=w22, b1=b1, b2=b2, u1=u1, u2=u2))
    left, right = np.ravel(axes)[:2]
    picture = getattr(left, "_xor_picture", None)
    if picture is None:
        picture = left._xor_picture = _XorPicture(left, right, threshold)
    picture.set_threshold(threshold)
    rows, wrong = truth_table_rows(W, b, U, threshold)
    picture.show_inputs(W, b, U, wrong)
    picture.show_hidden(W, b, U)
    header = ["x1", "x2", "h1", "h2", "y", f"y > {threshold}", "XOR"]
    return html_table(header, rows, highlight=wrong)


def xor_explorer(W=None, b=None, U=None, low=-3.0, high=3.0, step=0.1):
    """Sliders on the hidden layer's weights and biases (and the output weights) of the XOR network.

    Parameters
    ----------
    W, b, U : array_like, optional
        Starting weights, shapes (2, 2), (2,), (2,); the lecture's when omitted.
    low, high, step : float
        Range and step of every slider.

    Returns
    -------
    nnlib.widgets.base.Explorer
        Display it as the last expression of a cell. ``explorer.controls`` holds the sliders
        ``w11, w12, w21, w22, b1, b2, u1, u2``; ``explorer.info.value`` the truth table (HTML),
        rows the network gets wrong shaded. A button puts the lecture's weights back.
    """
    W = LECTURE_W if W is None else np.asarray(W, dtype=float)
    b = LECTURE_B if b is None else np.asarray(b, dtype=float)
    U = LECTURE_U if U is None else np.asarray(U, dtype=float)
    start = {"W": W, "b": b, "U": U}
    controls = {}
    for name, (target, row, col) in {**_HIDDEN, **_OUTPUT}.items():
        value = start[target][row] if col is None else start[target][row, col]
        label = {"W": f"$w_{{{row + 1}{col + 1 if col is not None else ''}}}$",
                 "b": f"$b_{{{row + 1}}}$", "U": f"$u_{{{row + 1}}}$"}[target]
        controls[name] = float_slider(label, float(value), low, high, step, continuous_update=False)

    reset = widgets.Button(description="lecture's weights", tooltip="W=[[1,1],[1,1]], b=[0,-1], U=[1,-2]")
    # Drawn once, then updated in place (clear=False): fresh Axes with contour fills and some 45
    # texts for every picture took two thirds of a redraw.
    explorer = Explorer(controls, draw_xor, nrows=1, ncols=2, figsize=(10.0, 4.2), clear=False,
                        title="XOR with one hidden ReLU layer: move the weights",
                        extra_widgets=[reset])

    def put_lecture_weights(_button):
        explorer.update(w11=LECTURE_W[0, 0], w12=LECTURE_W[0, 1], w21=LECTURE_W[1, 0],
                        w22=LECTURE_W[1, 1], b1=LECTURE_B[0], b2=LECTURE_B[1],
                        u1=LECTURE_U[0], u2=LECTURE_U[1])

    reset.on_click(put_lecture_weights)
    pin_axis_labels(np.ravel(explorer.axes)[0])  # the input plane's limits never change
    explorer.reset_button = reset
    return explorer
