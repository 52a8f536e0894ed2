r"""Unit 03's explorer: pick layer sizes, see the network, its parameter count and every shape.

Layer :math:`l` (for :math:`l = 1, \dots, L`) of a fully connected network with sizes
:math:`[N_0, N_1, \dots, N_L]` has a weight matrix :math:`W^l` of shape :math:`(N_l, N_{l-1})`
and a bias :math:`b^l` of shape :math:`(N_l,)`, so it holds :math:`N_l N_{l-1} + N_l` numbers.
"""
import ipywidgets as widgets

from nnlib import plotting
from nnlib.widgets.base import Explorer, html_table, int_slider

__all__ = ["parse_sizes", "layer_shapes", "count_parameters", "draw_shapes",
           "network_shape_explorer"]

#: Hidden layers wider than this are refused by the explorer (the picture would be unreadable).
MAX_UNITS = 512


def parse_sizes(text):
    """Hidden-layer sizes from text such as ``"4, 3"``; ``""`` means no hidden layer.

    Raises
    ------
    ValueError
        With a message saying what is wrong, for anything but positive whole numbers.
    """
    parts = [p for p in str(text).replace(";", ",").replace(" ", ",").split(",") if p]
    sizes = []
    for part in parts:
        if not part.isdigit() or int(part) < 1:
            raise ValueError(f"{part!r} is not a layer size: write positive whole numbers "
                             "separated by commas, e.g. 4, 3")
        if int(part) > MAX_UNITS:
            raise ValueError(f"{part} units is more than this explorer draws (at most {MAX_UNITS})")
        sizes.append(int(part))
    return sizes


def layer_shapes(layer_sizes):
    """One row per weight layer: ``(l, shape of W^l, shape of b^l, number of parameters)``."""
    sizes = [int(n) for n in layer_sizes]
    return [(l, (sizes[l], sizes[l - 1]), (sizes[l],), sizes[l] * sizes[l - 1] + sizes[l])
            for l in range(1, len(sizes))]


def count_parameters(layer_sizes):
    r"""Number of weights and biases: :math:`\sum_{l=1}^{L} N_l (N_{l-1} + 1)`."""
    return sum(row[-1] for row in layer_shapes(layer_sizes))


def draw_shapes(ax, n_inputs, hidden, n_outputs):
    """Draw the network ``[n_inputs, *hidden, n_outputs]`` into ``ax``; return the table of shapes (HTML).

    ``hidden`` is text as :func:`parse_sizes` reads it. A mistake in it is reported in the
    picture and the table instead of raising, so typing in the box never breaks the explorer.
    """
    try:
        sizes = [int(n_inputs), *parse_sizes(hidden), int(n_outputs)]
    except ValueError as error:
        ax.axis("off")
        ax.text(0.5, 0.5, str(error), ha="center", va="center", wrap=True, fontsize=11)
        return f"<p style='color:#c0392b'>{error}</p>"
    plotting.draw_network(sizes, ax=ax, max_nodes=8)
    rows = [[f"{l}", f"W^{l}: {w}", f"b^{l}: {b}", f"{n}"] for l, w, b, n in layer_shapes(sizes)]
    total = count_parameters(sizes)
    rows.append(["all", "", "", f"{total}"])
    ax.set_title(f"{'-'.join(map(str, sizes))}: L = {len(sizes) - 1} layers, {total} parameters")
    return html_table(["layer l", "W^l (N_l, N_{l-1})", "b^l (N_l,)", "parameters"], rows)


def network_shape_explorer(n_inputs=2, hidden="3", n_outputs=1):
    """Choose the inputs, hidden sizes (typed, e.g. ``4, 3``) and outputs of a network.

    Returns
    -------
    nnlib.widgets.base.Explorer
        Controls ``n_inputs``, ``hidden`` (a text box) and ``n_outputs``; the figure shows the
        network and ``explorer.info.value`` the shapes of every W^l and b^l and the parameter count.
    """
    controls = {
        "n_inputs": int_slider("inputs $N_0$", n_inputs, 1, 12, continuous_update=False),
        "hidden": widgets.Text(value=str(hidden), description="hidden sizes", continuous_update=False,
                               placeholder="e.g. 4, 3", style={"description_width": "initial"}),
        "n_outputs": int_slider("outputs $N_L$", n_outputs, 1, 10, continuous_update=False),
    }
    return Explorer(controls, draw_shapes, figsize=(7.5, 4.2),
                    title="Shape of a fully connected network")
