"""Figures the course draws again and again.

Every function takes ``ax=None`` (a new figure is made when it is omitted), draws into that
Axes, and returns it; none calls ``plt.show()``, so notebooks and the explorers in
:mod:`nnlib.widgets` can place the drawing wherever they like.
"""
import numpy as np

__all__ = [
    "CLASS_COLORS", "CLASS_MARKERS",
    "plot_activation", "plot_points", "plot_decision_boundary", "plot_loss_curves",
    "draw_network", "plot_loss_surface",
]

#: One colour and one marker per class (colour-blind safe, and the marker tells classes apart
#: in grey-scale prints too).
CLASS_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
CLASS_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")

_POSITIVE, _NEGATIVE = "#1f5fa8", "#c0392b"


def _new_axes(ax, figsize=(6.0, 4.0)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


# ---------------------------------------------------------------------- activations
def _numerical_derivative(f, z, eps=1e-5):
    return (np.asarray(f(z + eps), dtype=float) - np.asarray(f(z - eps), dtype=float)) / (2 * eps)


def plot_activation(name_or_fn, ax=None, z_range=(-5, 5), with_grad=True, resolution=401):
    """Plot an activation function f(z) and, optionally, its derivative f'(z).

    Parameters
    ----------
    name_or_fn : str, callable or (callable, callable)
        A name known to :func:`nnlib.activations.get_activation` (``"sigmoid"``...), a function
        of an array ``z`` (its derivative is then estimated by central differences), or a pair
        ``(f, f_grad)``.
    ax : matplotlib Axes, optional
    z_range : (float, float)
        Interval of z drawn.
    with_grad : bool
        Also draw f'(z), dashed.
    resolution : int
        Number of points on the curve.

    Returns
    -------
    matplotlib Axes
    """
    ax = _new_axes(ax)
    if isinstance(name_or_fn, str):
        from nnlib.activations import get_activation

        if name_or_fn == "softmax":
            raise ValueError("softmax acts on a whole vector, not on each z alone, so it has "
                             "no curve f(z); plot its outputs for a chosen vector instead")

        f, f_grad = get_activation(name_or_fn)
        name = name_or_fn
    elif isinstance(name_or_fn, tuple):
        f, f_grad = name_or_fn
        name = getattr(f, "__name__", "f")
    else:
        f, f_grad = name_or_fn, None
        name = getattr(f, "__name__", "f")
    z = np.linspace(z_range[0], z_range[1], resolution)
    ax.plot(z, f(z), color=_POSITIVE, lw=2.2, label=f"{name}(z)")
    if with_grad:
        dz = f_grad(z) if f_grad is not None else _numerical_derivative(f, z)
        if np.shape(dz) != z.shape:
            raise ValueError(f"the derivative returned shape {np.shape(dz)} for z of shape "
                             f"{z.shape}; plot_activation needs an element-wise derivative")
        ax.plot(z, dz, color=_NEGATIVE, lw=1.8, ls="--", label=f"{name}'(z)")
    ax.axhline(0.0, color="0.6", lw=0.8, zorder=0)
    ax.axvline(0.0, color="0.6", lw=0.8, zorder=0)
    ax.set_xlim(z_range)
    ax.set_xlabel("z")
    ax.set_ylabel("value")
    ax.set_title(f"{name} and its derivative" if with_grad else name)
    ax.grid(alpha=0.3)
    ax.legend(loc="best")
    return ax


# ---------------------------------------------------------------------- points and boundaries
def plot_points(X, y, ax=None, class_names=None, edgecolor="white", size=36):
    """Scatter 2-D samples, one colour and marker per class.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
        Integer class labels; float targets are drawn with a colour scale instead.
    ax : matplotlib Axes, optional
    class_names : sequence of str, optional
        Legend entry for class k; ``"class k"`` when omitted.

    Returns
    -------
    matplotlib Axes
    """
    ax = _new_axes(ax, figsize=(5.0, 4.5))
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_points needs X of shape (n, 2), got {X.shape}")
    if _looks_like_labels(y):
        labels = y.astype(int)
        for k in np.unique(labels):
            mask = labels == k
            name = class_names[k] if class_names is not None else f"class {k}"
            ax.scatter(X[mask, 0], X[mask, 1], s=size, c=CLASS_COLORS[k % len(CLASS_COLORS)],
                       marker=CLASS_MARKERS[k % len(CLASS_MARKERS)], edgecolors=edgecolor,
                       linewidths=0.6, label=name, zorder=3)
        ax.legend(loc="best", framealpha=0.85)
    else:
        points = ax.scatter(X[:, 0], X[:, 1], s=size, c=y.astype(float), cmap="viridis",
                            edgecolors=edgecolor, linewidths=0.6, zorder=3)
        ax.figure.colorbar(points, ax=ax, label="target")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if not ax.get_title():
        ax.set_title("Data")
    return ax


def _looks_like_labels(values):
    values = np.asarray(values)
    if values.dtype.kind in "biu":
        return True
    return bool(np.all(np.isfinite(values)) and np.all(np.mod(values, 1) == 0))


def plot_decision_boundary(predict, X, y, ax=None, resolution=200, padding=0.5, class_names=None,
                           colorbar=True):
    """Shade the regions a classifier assigns to each class, with the samples on top.

    Parameters
    ----------
    predict : callable
        Maps an array of shape (m, 2) to either integer labels of shape (m,), probabilities of
        class 1 of shape (m,) or (m, 1), or class probabilities of shape (m, K) (their argmax is
        taken). With probabilities of class 1, the shading shows the probability and a black line
        marks where it is 0.5.
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,), int
    ax : matplotlib Axes, optional
    resolution : int
        Grid points per axis.
    padding : float
        Margin added around the data on every side.
    class_names : sequence of str, optional
    colorbar : bool
        With probabilities, add a colour bar of P(class 1) next to the Axes.

    Returns
    -------
    matplotlib Axes
    """
    ax = _new_axes(ax, figsize=(5.5, 4.5))
    X = np.asarray(X, dtype=float)
    x_min, x_max = X[:, 0].min() - padding, X[:, 0].max() + padding
    y_min, y_max = X[:, 1].min() - padding, X[:, 1].max() + padding
    grid_x, grid_y = np.meshgrid(np.linspace(x_min, x_max, resolution),
                                 np.linspace(y_min, y_max, resolution))
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    output = np.asarray(predict(grid))
    if output.ndim == 2 and output.shape[1] > 1:
        output = np.argmax(output, axis=1)
    output = output.reshape(grid_x.shape)

    from matplotlib.colors import ListedColormap

    if _looks_like_labels(output):
        classes = int(max(np.max(output), np.max(y))) + 1
        cmap = ListedColormap([CLASS_COLORS[k % len(CLASS_COLORS)] for k in range(classes)])
        ax.contourf(grid_x, grid_y, output, levels=np.arange(classes + 1) - 0.5, cmap=cmap,
                    alpha=0.25)
        if classes > 1:
            ax.contour(grid_x, grid_y, output, levels=np.arange(classes) + 0.5, colors="k",
                       linewidths=1.0)
    else:
        cmap = ListedColormap(_blend(CLASS_COLORS[0], CLASS_COLORS[1], 64))
        shading = ax.contourf(grid_x, grid_y, output, levels=np.linspace(0, 1, 21), cmap=cmap,
                              alpha=0.35, extend="both")
        if np.min(output) < 0.5 < np.max(output):
            ax.contour(grid_x, grid_y, output, levels=[0.5], colors="k", linewidths=1.2)
        if colorbar:
            ax.figure.colorbar(shading, ax=ax, label="P(class 1)", ticks=[0, 0.25, 0.5, 0.75, 1])
    plot_points(X, y, ax=ax, class_names=class_names)
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.set_title("Decision boundary")
    return ax


def _blend(first, second, n):
    from matplotlib.colors import to_rgb

    a, b = np.array(to_rgb(first)), np.array(to_rgb(second))
    # Pass through white so that uncertain regions (p near 0.5) look pale.
    half = n // 2
    left = [tuple(a + (1 - a) * t) for t in np.linspace(0, 1, half)]
    right = [tuple(1 + (b - 1) * t) for t in np.linspace(0, 1, n - half)]
    return left + right


# ---------------------------------------------------------------------- training curves
def plot_loss_curves(history, ax=None, log_scale=False):
    """Plot training (and validation) loss against the epoch.

    Parameters
    ----------
    history : dict
        ``"loss"``: list of training losses, one per epoch; optionally ``"val_loss"`` of the
        same kind.
    ax : matplotlib Axes, optional
    log_scale : bool
        Logarithmic loss axis (useful when the loss falls by orders of magnitude).

    Returns
    -------
    matplotlib Axes
    """
    ax = _new_axes(ax)
    if "loss" not in history:
        raise ValueError("history needs a 'loss' entry (a list with one value per epoch)")
    loss = np.asarray(history["loss"], dtype=float)
    epochs = np.arange(1, len(loss) + 1)
    ax.plot(epochs, loss, color=_POSITIVE, lw=2, label="training loss")
    if history.get("val_loss") is not None and len(history["val_loss"]) > 0:
        val = np.asarray(history["val_loss"], dtype=float)
        ax.plot(np.arange(1, len(val) + 1), val, color=_NEGATIVE, lw=2, ls="--",
                label="validation loss")
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title("Loss during training")
    ax.grid(alpha=0.3)
    ax.legend(loc="best")
    return ax


# ---------------------------------------------------------------------- network diagrams
def _shown_indices(size, max_nodes):
    """Which units of a layer to draw: all of them, or the first ones, a gap and the last one."""
    if size <= max_nodes:
        return list(range(size)), None
    shown = list(range(max_nodes - 1)) + [size - 1]
    return shown, max_nodes - 1  # position of the gap ("...") among the drawn slots


def _default_node_labels(layer_sizes):
    labels = []
    last = len(layer_sizes) - 1
    for l, size in enumerate(layer_sizes):
        if l == 0:
            labels.append([f"$x_{{{i + 1}}}$" for i in range(size)])
        elif l == last:
            labels.append(["$\\hat{y}$"] if size == 1 else
                          [f"$\\hat{{y}}_{{{i + 1}}}$" for i in range(size)])
        else:
            labels.append([f"$a^{{{l}}}_{{{i + 1}}}$" for i in range(size)])
    return labels


def draw_network(layer_sizes, weights=None, biases=None, ax=None, node_labels=None,
                 activations=None, show_values=None, max_nodes=10, value_format="{:.2g}"):
    """Draw a fully connected network: one column of circles per layer, an edge per weight.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input layer first, e.g. ``[2, 3, 1]``.
    weights : list of ndarray, optional
        ``weights[l]`` of shape (N_{l+1}, N_l): the weight from unit i of layer l to unit j of
        layer l+1 is ``weights[l][j, i]`` (the course's W^{l+1}). Edges are then drawn blue for
        positive and red for negative weights, thicker for larger |w|.
    biases : list of ndarray, optional
        ``biases[l]`` of shape (N_{l+1},), written under each unit of layer l+1.
    ax : matplotlib Axes, optional
    node_labels : list of list of str, optional
        Text inside each unit, one list per layer; x_1..., a^l_j..., y-hat when omitted.
    activations : sequence of str, optional
        Activation of each non-input layer (len(layer_sizes) - 1 names), written over the column.
    show_values : bool, optional
        Write each weight on its edge. Default: when weights are given and there are at most
        40 edges drawn.
    max_nodes : int
        Wider layers show their first max_nodes - 1 units, a vertical ellipsis and the last unit.
    value_format : str
        Format of the numbers written on edges and under units.

    Returns
    -------
    matplotlib Axes
    """
    from matplotlib.patches import Circle

    layer_sizes = [int(s) for s in layer_sizes]
    n_layers = len(layer_sizes)
    if n_layers < 2:
        raise ValueError("a network needs at least an input and an output layer")
    if weights is not None:
        weights = [np.asarray(W, dtype=float) for W in weights]
        for l, W in enumerate(weights):
            expected = (layer_sizes[l + 1], layer_sizes[l])
            if W.shape != expected:
                raise ValueError(f"weights[{l}] has shape {W.shape}, expected {expected} "
                                 "(rows = units of the next layer, columns = units of this one)")
    if activations is not None and len(activations) != n_layers - 1:
        raise ValueError(f"give one activation per non-input layer ({n_layers - 1}), "
                         f"got {len(activations)}")
    labels = node_labels if node_labels is not None else _default_node_labels(layer_sizes)

    shown = [_shown_indices(size, max_nodes) for size in layer_sizes]
    tallest = max(len(idx) + (gap is not None) for idx, gap in shown)
    ax = _new_axes(ax, figsize=(max(5.0, 2.6 * n_layers), max(3.5, 0.9 * tallest + 1.5)))
    x_gap, radius = 3.0, 0.32

    # Position of every drawn unit: (layer, unit index) -> (x, y).
    positions = {}
    for l, (indices, gap) in enumerate(shown):
        slots = len(indices) + (gap is not None)
        for slot_i, unit in enumerate(indices):
            slot = slot_i + (1 if gap is not None and slot_i >= gap else 0)
            positions[(l, unit)] = (l * x_gap, (slots - 1) / 2 - slot)
        if gap is not None:
            ax.text(l * x_gap, (slots - 1) / 2 - gap, "⋮", ha="center", va="center", fontsize=16)

    edge_count = sum(len(shown[l][0]) * len(shown[l + 1][0]) for l in range(n_layers - 1))
    if show_values is None:
        show_values = weights is not None and edge_count <= 40
    biggest = max((np.max(np.abs(W)) for W in weights), default=0.0) if weights else 0.0

    for l in range(n_layers - 1):
        targets = shown[l + 1][0]
        sources = shown[l][0]
        for j_pos, j in enumerate(targets):
            for i_pos, i in enumerate(sources):
                (x0, y0), (x1, y1) = positions[(l, i)], positions[(l + 1, j)]
                if weights is None:
                    ax.plot([x0, x1], [y0, y1], color="0.55", zorder=1,
                            lw=1.0 if edge_count <= 40 else 0.5)
                    continue
                w = weights[l][j, i]
                scale = abs(w) / biggest if biggest > 0 else 0.0
                ax.plot([x0, x1], [y0, y1], color=_POSITIVE if w >= 0 else _NEGATIVE,
                        lw=0.6 + 3.0 * scale, alpha=0.35 + 0.55 * scale, zorder=1)
                if show_values:
                    # Put each label on its own stretch of the edge: edges into the same unit
                    # meet near it, so spreading the labels along the edges keeps them apart.
                    t = 0.62 - 0.42 * (i_pos + 0.5) / len(sources)
                    # Written along the edge, so that it is clear which edge it belongs to
                    # (the axes have an equal aspect, so data and screen angles agree).
                    angle = np.degrees(np.arctan2(y1 - y0, x1 - x0))
                    ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), value_format.format(w),
                            ha="center", va="center", fontsize=8.5, zorder=4, gid="weight",
                            rotation=angle, rotation_mode="anchor",
                            color=_POSITIVE if w >= 0 else _NEGATIVE,
                            bbox=dict(boxstyle="round,pad=0.15", facecolor="white",
                                      edgecolor="none", alpha=0.85))

    for (l, unit), (x, y) in positions.items():
        face = "#e8f1fb" if l == 0 else ("#fde8d7" if l == n_layers - 1 else "#eef7e8")
        ax.add_patch(Circle((x, y), radius, facecolor=face, edgecolor="0.2", lw=1.2, zorder=2))
        try:
            text = labels[l][unit]
        except (IndexError, TypeError):
            text = ""
        ax.text(x, y, text, ha="center", va="center", fontsize=10, zorder=3)
        if biases is not None and l > 0:
            b = float(np.asarray(biases[l - 1], dtype=float).reshape(-1)[unit])
            ax.text(x, y - radius - 0.12, "b=" + value_format.format(b), ha="center", va="top",
                    fontsize=8, zorder=4, gid="bias", color="0.15")

    top = max(y for _, y in positions.values())
    for l, size in enumerate(layer_sizes):
        name = "input" if l == 0 else ("output" if l == n_layers - 1 else f"hidden {l}")
        heading = f"{name}\n({size} unit{'s' if size != 1 else ''})"
        if activations is not None and l > 0:
            heading += f"\n{activations[l - 1]}"
        ax.text(l * x_gap, top + 0.65, heading, ha="center", va="bottom", fontsize=9)

    bottom = min(y for _, y in positions.values())
    ax.set_xlim(-0.8, (n_layers - 1) * x_gap + 0.8)
    ax.set_ylim(bottom - 0.9, top + 1.6 + (0.3 if activations is not None else 0.0))
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Network " + "-".join(str(s) for s in layer_sizes))
    return ax


# ---------------------------------------------------------------------- loss surfaces
def _evaluate_on_grid(f, W1, W2):
    try:
        values = np.asarray(f(W1, W2), dtype=float)
        if values.shape == W1.shape:
            return values
    except Exception:  # f may only accept scalars; fall back to one call per point
        pass
    return np.vectorize(lambda a, b: float(f(a, b)))(W1, W2)


def plot_loss_surface(f, xlim, ylim, path=None, ax=None, resolution=120, levels=25,
                      param_names=("$w_1$", "$w_2$"), colorbar=True):
    """Contour plot of a loss of two parameters, with an optional gradient-descent path.

    Parameters
    ----------
    f : callable
        ``f(w1, w2) -> loss``; called on whole grids when it accepts arrays, else point by point.
    xlim, ylim : (float, float)
        Ranges of the first and second parameter.
    path : ndarray of shape (k, 2), optional
        Successive parameter values, e.g. from gradient descent; drawn with its start and end
        marked.
    ax : matplotlib Axes, optional
    resolution : int
        Grid points per axis.
    levels : int
        Number of contour levels; they are placed at quantiles of the loss on the grid so that
        both the flat bottom and the steep walls get lines.
    param_names : (str, str)
        Axis labels.
    colorbar : bool
        Add a colour bar of the loss next to the Axes.

    Returns
    -------
    matplotlib Axes
    """
    ax = _new_axes(ax, figsize=(5.5, 4.5))
    W1, W2 = np.meshgrid(np.linspace(xlim[0], xlim[1], resolution),
                         np.linspace(ylim[0], ylim[1], resolution))
    Z = _evaluate_on_grid(f, W1, W2)
    finite = Z[np.isfinite(Z)]
    contour_levels = np.unique(np.quantile(finite, np.linspace(0, 1, levels)))
    if len(contour_levels) < 2:  # a flat surface: any two levels will do
        contour_levels = np.array([finite.min() - 1, finite.max() + 1])
    from matplotlib.colors import BoundaryNorm

    # One evenly spaced colour per band, whatever the spacing of the levels.
    norm = BoundaryNorm(contour_levels, ncolors=256)
    filled = ax.contourf(W1, W2, Z, levels=contour_levels, cmap="viridis", norm=norm, alpha=0.9)
    if colorbar:
        bar = ax.figure.colorbar(filled, ax=ax, label="loss")
        bar.ax.yaxis.set_major_formatter("{x:.3g}")
    ax.contour(W1, W2, Z, levels=contour_levels, colors="white", linewidths=0.4, alpha=0.6)
    if path is not None:
        path = np.asarray(path, dtype=float).reshape(-1, 2)
        ax.plot(path[:, 0], path[:, 1], "-o", color="#ff7f0e", ms=3.5, lw=1.5,
                label=f"descent path ({len(path) - 1} steps)", zorder=3)
        ax.plot(*path[0], "o", color="white", mec="k", ms=8, label="start", zorder=4)
        ax.plot(*path[-1], "*", color="#d62728", mec="k", ms=13, label="end", zorder=4)
        ax.legend(loc="upper right", framealpha=0.85)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel(param_names[0])
    ax.set_ylabel(param_names[1])
    ax.set_title("Loss surface")
    return ax
