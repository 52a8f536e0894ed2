r"""Gradient descent on small loss surfaces, and unit 04's learning-rate explorer.

Gradient descent repeats one step, :math:`w_{k+1} = w_k - \eta \nabla L(w_k)`, from a start
:math:`w_0`; its *path* is :math:`[w_0, w_1, \dots, w_n]`. The surfaces here are small functions
of one or two parameters whose minimum is known, so that a path can be judged at a glance:

=================  ===================================================================  ==========
name               loss                                                                 diverges
=================  ===================================================================  ==========
``parabola``       :math:`(w - 3)^2` (one parameter)                                    η > 1
``bowl``           :math:`\tfrac12 (w_1^2 + 10 w_2^2)`, a narrow valley along w_1       η > 0.2
``line_fit``       MSE of the line :math:`\hat y = w_1 x + w_2` on :data:`LINE_X`,      η > 0.45
                   :data:`LINE_Y` (a real loss surface: a tilted valley)
``two_minima``     :math:`\tfrac14 (w_1^2 - 1)^2 + w_2^2`, minima at (±1, 0)            η ≥ 1
=================  ===================================================================  ==========

On a quadratic loss a step multiplies the distance to the minimum along each principal direction
by :math:`(1 - \eta\lambda)`, where λ is the curvature along it; descent converges when
:math:`|1 - \eta\lambda| < 1` for every λ, i.e. :math:`\eta < 2/\lambda_{max}`, and diverges above.

Each loss takes ``w`` of shape (..., d) (so whole grids at once) and each gradient ``w`` of
shape (d,) (a number for the parabola); all are plain module functions, so the course's checks
can hand them to a student's gradient-descent loop. :func:`descend` is the reference loop.
"""

import numpy as np

from nnlib.widgets.base import Explorer, dropdown, int_slider, log_slider

__all__ = ["parabola", "parabola_grad", "bowl", "bowl_grad", "LINE_X", "LINE_Y", "line_fit",
           "line_fit_grad", "two_minima", "two_minima_grad", "SURFACES", "descend",
           "first_blow_up", "DescentView", "descent_explorer"]


# ---------------------------------------------------------------------- surfaces
def parabola(w):
    r""":math:`L(w) = (w - 3)^2`, minimum 0 at w = 3; w a number or an array of numbers."""
    return (np.asarray(w, dtype=float) - 3.0) ** 2


def parabola_grad(w):
    r""":math:`L'(w) = 2 (w - 3)`."""
    return 2.0 * (np.asarray(w, dtype=float) - 3.0)


def bowl(w):
    r""":math:`L(w) = \tfrac12 (w_1^2 + 10 w_2^2)` for ``w`` of shape (..., 2); curvatures 1 and 10."""
    w = np.asarray(w, dtype=float)
    return 0.5 * (w[..., 0] ** 2 + 10.0 * w[..., 1] ** 2)


def bowl_grad(w):
    r""":math:`\nabla L = (w_1, 10 w_2)`, shape (2,)."""
    w = np.asarray(w, dtype=float)
    return np.array([w[0], 10.0 * w[1]])


#: Inputs and targets of the line fit: roughly y = 2x - 1 plus fixed noise, x in [0, 2].
LINE_X = np.array([0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0])
LINE_Y = np.array([-1.1, -0.4, -0.1, 0.6, 0.9, 1.6, 1.9, 2.6, 2.9])


def line_fit(w):
    r"""MSE of the line :math:`\hat y = w_1 x + w_2`: :math:`\frac1n \sum_i (w_1 x_i + w_2 - y_i)^2`.

    ``w`` of shape (..., 2) (slope, intercept); the mean is over the n = 9 points of
    :data:`LINE_X`, :data:`LINE_Y`.
    """
    w = np.asarray(w, dtype=float)
    residuals = w[..., 0, None] * LINE_X + w[..., 1, None] - LINE_Y
    return np.mean(residuals ** 2, axis=-1)


def line_fit_grad(w):
    r""":math:`\nabla L = \frac2n \big(\sum_i r_i x_i, \sum_i r_i\big)` with :math:`r_i = w_1 x_i + w_2 - y_i`."""
    w = np.asarray(w, dtype=float)
    residuals = w[0] * LINE_X + w[1] - LINE_Y
    return 2.0 * np.array([np.mean(residuals * LINE_X), np.mean(residuals)])


def two_minima(w):
    r""":math:`L(w) = \tfrac14 (w_1^2 - 1)^2 + w_2^2` for ``w`` of shape (..., 2): minima 0 at (±1, 0)."""
    w = np.asarray(w, dtype=float)
    return 0.25 * (w[..., 0] ** 2 - 1.0) ** 2 + w[..., 1] ** 2


def two_minima_grad(w):
    r""":math:`\nabla L = (w_1 (w_1^2 - 1),\ 2 w_2)`."""
    w = np.asarray(w, dtype=float)
    return np.array([w[0] * (w[0] ** 2 - 1.0), 2.0 * w[1]])


#: The explorer's surfaces: loss, gradient, drawn window, start, minimum and a good learning rate.
SURFACES = {
    "narrow bowl": dict(loss=bowl, grad=bowl_grad, xlim=(-5.0, 5.0), ylim=(-2.0, 2.0),
                        start=(-4.5, 1.5), minimum=(0.0, 0.0), good_rate=0.15,
                        names=("$w_1$", "$w_2$")),
    "line fit (MSE)": dict(loss=line_fit, grad=line_fit_grad, xlim=(-2.0, 6.0), ylim=(-5.0, 3.0),
                           start=(-1.5, 2.0), minimum=tuple(np.polyfit(LINE_X, LINE_Y, 1)),
                           good_rate=0.15, names=("slope $w_1$", "intercept $w_2$")),
    "two minima": dict(loss=two_minima, grad=two_minima_grad, xlim=(-2.0, 2.0), ylim=(-1.5, 1.5),
                       start=(0.15, 1.2), minimum=(1.0, 0.0), good_rate=0.3,
                       names=("$w_1$", "$w_2$")),
}


# ---------------------------------------------------------------------- the reference loop
def descend(grad, w0, learning_rate, n_steps):
    r"""Gradient descent's path: :math:`w_{k+1} = w_k - \eta \nabla L(w_k)` for k = 0..n_steps-1.

    Parameters
    ----------
    grad : callable
        :math:`\nabla L`; maps a parameter value (number or ndarray of shape (d,)) to one of the same shape.
    w0 : float or ndarray of shape (d,)
        Start; not modified.
    learning_rate : float
        η.
    n_steps : int
        Number of updates.

    Returns
    -------
    ndarray of shape (n_steps + 1,) + shape of w0
        ``path[0]`` is w0, ``path[k]`` the parameters after k updates. Values that overflow become
        inf or nan (the loop does not stop early).
    """
    w = np.array(w0, dtype=float)
    path = [w.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(int(n_steps)):
            w = w - learning_rate * np.asarray(grad(w), dtype=float)
            path.append(w.copy())
    return np.array(path)


def first_blow_up(path, losses, xlim, ylim, margin=2.0):
    """Index of the first step whose parameters left the drawn window widened ``margin``-fold or
    whose loss is not finite; None when the path stays in.

    Parameters
    ----------
    path : ndarray of shape (k, 2)
    losses : ndarray of shape (k,)
    xlim, ylim : (float, float)
    """
    centre = np.array([np.mean(xlim), np.mean(ylim)])
    half = margin * np.array([xlim[1] - xlim[0], ylim[1] - ylim[0]]) / 2.0
    with np.errstate(invalid="ignore"):
        outside = ~np.all(np.abs(path - centre) <= half, axis=1) | ~np.isfinite(losses)
    bad = np.flatnonzero(outside)
    return int(bad[0]) if bad.size else None


# ---------------------------------------------------------------------- the explorer
class DescentView:
    """Draws the figure once, then updates the path and the loss curve in place.

    ``draw(axes, surface, learning_rate, n_steps)`` is the drawing function of an
    ``Explorer(clear=False)``. Another surface swaps the background picture's data, shows that
    surface's contour lines (computed the first time it is shown, then kept hidden while another
    surface is shown) and moves the markers; the Axes, the lines and the texts stay. After each
    call, :attr:`path`, :attr:`losses` and :attr:`diverged_at` (None, or the first step that blew
    up) describe what is shown.
    """

    PATH_COLOR, LOSS_COLOR, WARN_COLOR = "#ff7f0e", "#1f5fa8", "#c0392b"

    def __init__(self, resolution=90):
        self.resolution = resolution
        self.surface = None
        self.axes = None
        self.path = self.losses = None
        self.diverged_at = None
        self.status = ""

    def _build(self, axes):
        """Every artist of the figure, drawn once (the surface's own ones by :meth:`_show_surface`)."""
        from matplotlib.ticker import FuncFormatter, NullFormatter

        contour_ax, loss_ax = axes
        contour_ax.clear()
        loss_ax.clear()
        # An image of the surface draws several times faster than filled contours (contourf),
        # which keeps a redraw of the whole figure well under 100 ms.
        self.background = contour_ax.imshow(np.zeros((2, 2)), origin="lower", aspect="auto",
                                            cmap="viridis", alpha=0.9, interpolation="nearest")
        self.contours = {}  # surface name -> its contour lines, made when first shown
        self.minimum_marker, = contour_ax.plot([], [], "+", color="white", ms=12, mew=2, zorder=3)
        self.path_line, = contour_ax.plot([], [], "-o", color=self.PATH_COLOR, ms=3, lw=1.4, zorder=4)
        self.start_marker, = contour_ax.plot([], [], "o", color="white", mec="k", ms=8, zorder=5)
        self.end_marker, = contour_ax.plot([], [], "*", color="#d62728", mec="k", ms=13, zorder=5)
        self.loss_line, = loss_ax.plot([], [], "-", color=self.LOSS_COLOR, lw=1.8)
        loss_ax.set_yscale("log")
        # Labels on the log axis's minor ticks and automatically placed titles make matplotlib
        # measure hundreds of texts per picture; without them a redraw costs half as much.
        loss_ax.yaxis.set_minor_formatter(NullFormatter())
        # Plain numbers ("1e+04") instead of mathtext powers of ten, which are parsed anew per picture.
        loss_ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        loss_ax.set_xlabel("step k")
        loss_ax.set_ylabel("loss $L(w_k)$")
        loss_ax.grid(alpha=0.3, which="both")
        self.warnings = [ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                                 fontsize=15, fontweight="bold", color=self.WARN_COLOR, zorder=6,
                                 bbox=dict(facecolor="white", alpha=0.85, edgecolor=self.WARN_COLOR))
                         for ax in axes]
        self.axes = axes

    def _show_surface(self, name):
        """Put surface ``name`` behind the path: its picture, contour lines, minimum, start and window."""
        from matplotlib.colors import BoundaryNorm

        spec = SURFACES[name]
        contour_ax = self.axes[0]
        W1, W2 = np.meshgrid(np.linspace(*spec["xlim"], self.resolution),
                             np.linspace(*spec["ylim"], self.resolution))
        Z = spec["loss"](np.stack([W1, W2], axis=-1))
        # Levels at quantiles, so that both the flat floor and the steep walls get lines.
        levels = np.unique(np.quantile(Z, np.linspace(0, 1, 18)))
        self.background.set_data(Z)
        self.background.set_extent((*spec["xlim"], *spec["ylim"]))
        self.background.set_norm(BoundaryNorm(levels, ncolors=256))
        if name not in self.contours:
            self.contours[name] = contour_ax.contour(W1, W2, Z, levels=levels, colors="white",
                                                     linewidths=0.4, alpha=0.6)
        for shown, lines in self.contours.items():
            lines.set_visible(shown == name)
        self.minimum_marker.set_data(*([value] for value in spec["minimum"]))
        self.start_marker.set_data(*([value] for value in spec["start"]))
        contour_ax.set_xlim(spec["xlim"])
        contour_ax.set_ylim(spec["ylim"])
        contour_ax.set_xlabel(spec["names"][0])
        contour_ax.set_ylabel(spec["names"][1])
        self.surface = name

    def draw(self, axes, surface, learning_rate, n_steps):
        spec = SURFACES[surface]
        if self.axes is None or any(a is not b for a, b in zip(axes, self.axes)):
            self._build(axes)
            self.surface = None
        if surface != self.surface:
            self._show_surface(surface)
        contour_ax, loss_ax = axes
        path = descend(spec["grad"], spec["start"], learning_rate, n_steps)
        with np.errstate(over="ignore", invalid="ignore"):
            losses = spec["loss"](path)
        blow_up = first_blow_up(path, losses, spec["xlim"], spec["ylim"])
        # Draw only up to the first point that left the window: beyond it the numbers are huge
        # (or inf) and would only wreck the axes.
        shown = len(path) if blow_up is None else max(blow_up, 1)
        self.path_line.set_data(path[:shown, 0], path[:shown, 1])
        self.end_marker.set_data([path[shown - 1, 0]], [path[shown - 1, 1]])
        finite = np.isfinite(losses)
        # The loss curve goes on while the loss is a finite number; its axis is capped at 1e12.
        steps = np.arange(len(losses))[finite]
        curve = np.clip(losses[finite], 1e-12, 1e12)
        self.loss_line.set_data(steps, curve)
        loss_ax.set_xlim(0, max(int(n_steps), 1))
        loss_ax.set_ylim(max(curve.min() / 3.0, 1e-12), min(max(curve.max() * 3.0, 1e-9), 1e13))

        rising = bool(finite.all() and losses[-1] > losses[0])
        self.diverged_at = blow_up if blow_up is not None else (int(n_steps) if rising else None)
        if blow_up is not None:
            message = f"diverged: blew up at step {blow_up}"
        elif rising:
            message = "diverged: the loss grows"
        else:
            message = ""
        for text in self.warnings:
            text.set_text(message)
            text.set_visible(bool(message))
        final = losses[-1]
        summary = (f"loss {final:.3g} after {int(n_steps)} steps" if np.isfinite(final)
                   else f"the loss overflowed after {int(np.argmin(finite))} steps")
        self.status = message or summary
        contour_ax.set_title(f"{surface}: η = {learning_rate:.3g}", fontsize=11, y=1.01)
        loss_ax.set_title(summary, fontsize=11, y=1.01)
        self.path, self.losses = path, losses
        return None


def descent_explorer(surface="narrow bowl", learning_rate=0.05, n_steps=30):
    """A learning-rate slider (log scale) over a loss surface, with the descent path and the loss curve.

    Parameters
    ----------
    surface : str
        A key of :data:`SURFACES`.
    learning_rate : float
        Starting η, between 1e-3 and 2.
    n_steps : int
        Starting number of steps, between 1 and 100.

    Returns
    -------
    nnlib.widgets.base.Explorer
        Controls ``learning_rate`` (log slider), ``n_steps`` and ``surface``; ``explorer.view`` is the
        :class:`DescentView` (its ``path``, ``losses`` and ``diverged_at`` describe the picture).
    """
    view = DescentView()
    controls = {
        "learning_rate": log_slider("learning rate $\\eta$", learning_rate, -3, 0.3, step=0.05,
                                    readout_format=".3g"),
        "n_steps": int_slider("steps", n_steps, 1, 100),
        "surface": dropdown("surface", list(SURFACES), value=surface),
    }
    explorer = _FixedLayoutExplorer(controls, view.draw, nrows=1, ncols=2, figsize=(10.0, 3.8),
                                    clear=False, title="Gradient descent: move the learning rate",
                                    dpi=80)
    explorer.view = view
    return explorer


class _FixedLayoutExplorer(Explorer):
    """An Explorer whose two panels keep fixed margins, so the picture does not shift between redraws."""

    def _make_axes(self):
        axes = super()._make_axes()
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.9, wspace=0.25)
        return axes
