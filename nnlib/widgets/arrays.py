r"""Unit 00's explorers: pictures of numpy's broadcasting and of the matrix product.

Broadcasting. Two shapes are compared from their last axis backwards; on each axis the sizes must
be equal, or one of them must be 1 (that array is then repeated along the axis), or missing (it
counts as 1). ``(4, 1) + (3,)`` therefore gives ``(4, 3)``: the column is repeated over 3 columns
and the row over 4 rows. The pictures draw each array as a grid of cells, its own cells solid and
the repeated copies pale, then the result.

Matrix product. For ``A`` of shape (m, n) and ``B`` of shape (n, p), ``C = A @ B`` has shape
(m, p) and :math:`C_{ij} = \sum_k A_{ik} B_{kj}`: row i of A against column j of B.

Only arrays of at most two axes are drawn (a 1-D array of shape (n,) is drawn as one row).
"""
import numpy as np

from nnlib.widgets.base import Explorer, dropdown, int_slider

__all__ = ["SHAPE_CHOICES", "broadcast_shape", "explain_broadcast", "draw_array", "draw_broadcast",
           "broadcast_explorer", "example_arrays", "draw_matmul", "matmul_explorer"]

#: Shapes offered by the broadcasting explorer's drop-downs.
SHAPE_CHOICES = ((3,), (4,), (1,), (4, 1), (1, 3), (3, 1), (4, 3), (3, 4), (2, 3), (1, 1))

_OWN, _COPY, _RESULT, _HIGHLIGHT = "#9ecae1", "#eef5fb", "#c7e9c0", "#fdae6b"


def broadcast_shape(shape_a, shape_b):
    """The shape numpy gives ``A + B`` for arrays of these shapes, or None when they do not broadcast."""
    try:
        return tuple(np.broadcast_shapes(tuple(shape_a), tuple(shape_b)))
    except ValueError:
        return None


def explain_broadcast(shape_a, shape_b):
    """The broadcasting rule applied axis by axis, as a list of sentences (last axis first).

    Examples
    --------
    >>> explain_broadcast((4, 1), (3,))[0]
    'last axis: 1 and 3 -> 3 (A is repeated 3 times)'
    """
    shape_a, shape_b = tuple(shape_a), tuple(shape_b)
    ndim = max(len(shape_a), len(shape_b))
    padded_a = (None,) * (ndim - len(shape_a)) + shape_a
    padded_b = (None,) * (ndim - len(shape_b)) + shape_b
    names = ["last axis", "second-to-last axis", "third-to-last axis"]
    lines = []
    for position in range(ndim):
        size_a, size_b = padded_a[ndim - 1 - position], padded_b[ndim - 1 - position]
        where = names[position] if position < len(names) else f"axis {ndim - 1 - position}"
        shown_a = "missing" if size_a is None else str(size_a)
        shown_b = "missing" if size_b is None else str(size_b)
        a, b = size_a or 1, size_b or 1
        if a == b:
            lines.append(f"{where}: {shown_a} and {shown_b} -> {a}"
                         + ("" if size_a == size_b else f" ({'A' if size_a is None else 'B'} gets a new axis)"))
        elif a == 1:
            lines.append(f"{where}: {shown_a} and {shown_b} -> {b} (A is repeated {b} times)")
        elif b == 1:
            lines.append(f"{where}: {shown_a} and {shown_b} -> {a} (B is repeated {a} times)")
        else:
            lines.append(f"{where}: {shown_a} and {shown_b} -> incompatible (neither size is 1)")
    return lines


def _as_grid(shape):
    """Rows and columns used to draw an array of at most two axes: (n,) is one row of n cells."""
    shape = tuple(shape)
    if len(shape) > 2:
        raise ValueError(f"only arrays with at most 2 axes are drawn, got shape {shape}")
    return (1,) * (2 - len(shape)) + shape


def example_arrays(shape_a, shape_b):
    """Small integer arrays of the given shapes whose sum is easy to read: A holds tens, B units."""
    A = 10 * np.arange(int(np.prod(shape_a))).reshape(shape_a)
    B = np.arange(int(np.prod(shape_b))).reshape(shape_b)
    return A, B


def draw_array(ax, values, title="", own_shape=None, highlight=(), color=_OWN, number_format="{:g}"):
    """Draw a 0-, 1- or 2-D array as a grid of numbered cells.

    The cells are kept on ``ax`` and reused by the next call on the same Axes (an explorer moves
    and recolours them instead of making new ones); cells left over from a bigger array are hidden.

    Parameters
    ----------
    ax : matplotlib Axes
    values : array_like with at most two axes
    title : str
    own_shape : tuple, optional
        The array's shape before broadcasting; cells beyond it (repeated copies) are drawn pale
        with a dashed edge.
    highlight : collection of (row, column)
        Cells to fill in orange.
    color : str
        Fill of the array's own cells.
    number_format : str

    Returns
    -------
    matplotlib Axes
    """
    values = np.asarray(values)
    rows, cols = _as_grid(values.shape)
    grid = values.reshape(rows, cols)
    own_rows, own_cols = _as_grid(own_shape if own_shape is not None else values.shape)
    highlight = set(highlight)
    cells = _cells(ax, rows * cols)
    _hide_cells(ax, keep=rows * cols)  # left over from a bigger array
    for k, (patch, text) in enumerate(cells[:rows * cols]):
        i, j = divmod(k, cols)
        own = i < own_rows and j < own_cols
        fill = _HIGHLIGHT if (i, j) in highlight else (color if own else _COPY)
        y = rows - 1 - i
        patch.set_xy((j, y))
        patch.set_facecolor(fill)
        patch.set_edgecolor("0.25" if own else "0.6")
        patch.set_linewidth(1.2 if own else 0.8)
        patch.set_linestyle("-" if own else "--")
        patch.set_visible(True)
        text.set_position((j + 0.5, y + 0.5))
        text.set_text(number_format.format(grid[i, j]))
        text.set_color("0.1" if own else "0.45")
        text.set_visible(True)
    ax.set_xlim(-0.2, max(cols, 4) + 0.2)
    ax.set_ylim(-0.2 - (max(rows, 4) - rows), rows + 0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)
    return ax


def _cells(ax, count):
    """At least ``count`` (Rectangle, Text) pairs kept on ``ax``, in row-major drawing order."""
    from matplotlib.patches import Rectangle

    cells = getattr(ax, "_array_cells", None)
    if cells is None:
        cells = ax._array_cells = []
    while len(cells) < count:
        patch = ax.add_patch(Rectangle((0, 0), 1, 1))
        text = ax.text(0.5, 0.5, "", ha="center", va="center", fontsize=10)
        cells.append((patch, text))
    return cells


def _hide_cells(ax, keep=0):
    """Hide the cells kept on ``ax`` from index ``keep`` on (all of them by default)."""
    for patch, text in getattr(ax, "_array_cells", [])[keep:]:
        patch.set_visible(False)
        text.set_visible(False)
        text.set_text("")  # a hidden cell holds no number


def draw_broadcast(axes, shape_a=(4, 1), shape_b=(3,)):
    """Draw ``A + B`` for arrays of two shapes: A and B stretched to the result, then the result.

    Called again on the same Axes, it updates the picture in place.

    Parameters
    ----------
    axes : sequence of three matplotlib Axes
    shape_a, shape_b : tuple of int
        Shapes with at most two axes.

    Returns
    -------
    str
        HTML that states the result shape and the rule applied on each axis.
    """
    axes = list(np.ravel(axes))
    shape_a, shape_b = tuple(shape_a), tuple(shape_b)
    A, B = example_arrays(shape_a, shape_b)
    result = broadcast_shape(shape_a, shape_b)
    lines = explain_broadcast(shape_a, shape_b)
    failure = getattr(axes[2], "_broadcast_failure", None)
    if result is None:
        draw_array(axes[0], A, f"A, shape {shape_a}")
        draw_array(axes[1], B, f"B, shape {shape_b}")
        _hide_cells(axes[2])
        axes[2].axis("off")
        axes[2].set_title("")
        if failure is None:
            failure = axes[2].text(0.5, 0.5, "", ha="center", va="center", fontsize=12,
                                   color="#c0392b", transform=axes[2].transAxes, gid="failure")
            axes[2]._broadcast_failure = failure
        failure.set_text(f"A + B fails:\n{shape_a} and {shape_b}\ndo not broadcast")
        failure.set_visible(True)
        verdict = f"<b>{shape_a} and {shape_b} do not broadcast</b>"
    else:
        draw_array(axes[0], np.broadcast_to(A, result), f"A {shape_a} stretched to {result}",
                   own_shape=shape_a)
        draw_array(axes[1], np.broadcast_to(B, result), f"B {shape_b} stretched to {result}",
                   own_shape=shape_b)
        draw_array(axes[2], A + B, f"A + B, shape {result}", color=_RESULT)
        if failure is not None:
            failure.set_visible(False)
        verdict = f"<b>A + B has shape {result}</b>"
    return verdict + "<br>" + "<br>".join(lines)


def broadcast_explorer(shape_a=(4, 1), shape_b=(3,)):
    """An explorer of broadcasting: choose two shapes, see the stretched arrays and their sum.

    Parameters
    ----------
    shape_a, shape_b : tuple of int
        Initial shapes, from :data:`SHAPE_CHOICES`.

    Returns
    -------
    nnlib.widgets.base.Explorer
    """
    options = [(str(shape), shape) for shape in SHAPE_CHOICES]
    controls = {"shape_a": dropdown("shape of A", options, value=tuple(shape_a)),
                "shape_b": dropdown("shape of B", options, value=tuple(shape_b))}
    # The cells are drawn once and then moved and recoloured (clear=False): a redraw costs half.
    return Explorer(controls, draw_broadcast, ncols=3, figsize=(10.0, 3.4), clear=False,
                    title="Broadcasting: what shape does A + B have?")


def draw_matmul(axes, n_rows=2, n_inner=3, n_cols=2, row=0, col=0):
    """Draw ``C = A @ B`` with row ``row`` of A, column ``col`` of B and the entry they make highlighted.

    Called again on the same Axes, it updates the picture in place.

    Parameters
    ----------
    axes : sequence of three matplotlib Axes
    n_rows, n_inner, n_cols : int
        A has shape (n_rows, n_inner), B (n_inner, n_cols), C (n_rows, n_cols).
    row, col : int
        The entry of C to explain (clipped to the shape).

    Returns
    -------
    str
        HTML with the sum that gives ``C[row, col]``.
    """
    axes = list(np.ravel(axes))
    row, col = min(row, n_rows - 1), min(col, n_cols - 1)
    A = (np.arange(n_rows * n_inner).reshape(n_rows, n_inner) % 5) + 1
    B = (np.arange(n_inner * n_cols).reshape(n_inner, n_cols) % 3) - 1
    C = A @ B
    draw_array(axes[0], A, f"A, shape ({n_rows}, {n_inner})",
               highlight=[(row, k) for k in range(n_inner)])
    draw_array(axes[1], B, f"B, shape ({n_inner}, {n_cols})",
               highlight=[(k, col) for k in range(n_inner)])
    draw_array(axes[2], C, f"C = A @ B, shape ({n_rows}, {n_cols})", color=_RESULT,
               highlight=[(row, col)])
    terms = " + ".join(f"{A[row, k]}·({B[k, col]})" for k in range(n_inner))
    return f"C[{row}, {col}] = A[{row}, :] · B[:, {col}] = {terms} = <b>{C[row, col]}</b>"


def matmul_explorer(n_rows=2, n_inner=3, n_cols=2):
    """An explorer of the matrix product: choose the shapes and the entry of C to explain.

    Returns
    -------
    nnlib.widgets.base.Explorer
    """
    controls = {"n_rows": int_slider("rows of A (m)", n_rows, 1, 4),
                "n_inner": int_slider("columns of A = rows of B (n)", n_inner, 1, 4),
                "n_cols": int_slider("columns of B (p)", n_cols, 1, 4),
                "row": int_slider("row i of C", 0, 0, n_rows - 1),
                "col": int_slider("column j of C", 0, 0, n_cols - 1)}

    # Keep the entry's sliders inside the current shape of C.
    def limit_row(change):
        controls["row"].max = change["new"] - 1

    def limit_col(change):
        controls["col"].max = change["new"] - 1

    controls["n_rows"].observe(limit_row, names="value")
    controls["n_cols"].observe(limit_col, names="value")
    return Explorer(controls, draw_matmul, ncols=3, figsize=(10.0, 3.4), clear=False,
                    title="Matrix product: C[i, j] is row i of A times column j of B")
