"""A small scalar computation graph with reverse-mode (backward) differentiation.

Every arithmetic operation on :class:`Value` objects creates a new node that remembers its
inputs (its *parents*), the operation's name and a rule that, given the gradient arriving at the
node, adds each parent's share to that parent's ``grad``. :meth:`Value.backward` visits the nodes
from the output back to the inputs, so each rule runs only after its node's gradient is complete.

Example: the lecture's graph L = c (a + 2b), built step by step::

    >>> a, b, c = Value(3.0, "a"), Value(1.0, "b"), Value(-2.0, "c")
    >>> d = 2 * b; e = a + d; L = c * e
    >>> L.backward()
    >>> L.data, a.grad, b.grad, c.grad
    (-10.0, -2.0, -4.0, 5.0)

:func:`lecture_example` builds exactly this graph with labels, :func:`trace` lists the nodes in
the order a forward pass computes them, and :func:`draw_graph` draws the graph with matplotlib.
"""
import math

__all__ = ["Value", "trace", "lecture_example", "draw_graph", "columns", "node_positions"]


class Value:
    """A scalar node of a computation graph.

    Parameters
    ----------
    data : float
        The node's value.
    label : str, optional
        A name shown in drawings (``"a"``, ``"L"``...).

    Attributes
    ----------
    data : float
        Forward value.
    grad : float
        dOutput/dThis, filled in by :meth:`backward` on the output (0 before).
    op : str
        The operation that produced the node (``""`` for an input).
    parents : tuple of Value
        The operation's inputs, in order.
    """

    def __init__(self, data, label="", _parents=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = _op
        self.parents = tuple(_parents)
        self._constant = False  # True for plain numbers wrapped by an operation
        # Adds this node's gradient, times the local derivative, to each parent's grad.
        self._backward = lambda: None

    def __repr__(self):
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.6g}, grad={self.grad:.6g})"

    # ------------------------------------------------------------------ binary operations
    def __add__(self, other):
        other = _as_value(other)
        out = Value(self.data + other.data, _parents=(self, other), _op="+")

        def _backward():  # d(x + y)/dx = d(x + y)/dy = 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _as_value(other)
        out = Value(self.data * other.data, _parents=(self, other), _op="*")

        def _backward():  # d(xy)/dx = y, d(xy)/dy = x
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            raise TypeError("Value ** Value is not supported; use a plain number as the exponent")
        exponent = float(exponent)
        out = Value(self.data ** exponent, _parents=(self,), _op=f"**{exponent:g}")

        def _backward():  # d(x^k)/dx = k x^(k-1)
            self.grad += exponent * self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out

    def __sub__(self, other):
        other = _as_value(other)
        out = Value(self.data - other.data, _parents=(self, other), _op="-")

        def _backward():  # d(x - y)/dx = 1, d(x - y)/dy = -1
            self.grad += out.grad
            other.grad -= out.grad

        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = _as_value(other)
        out = Value(self.data / other.data, _parents=(self, other), _op="/")

        def _backward():  # d(x/y)/dx = 1/y, d(x/y)/dy = -x/y^2
            self.grad += out.grad / other.data
            other.grad -= self.data / other.data ** 2 * out.grad

        out._backward = _backward
        return out

    def __neg__(self):
        out = Value(-self.data, _parents=(self,), _op="neg")

        def _backward():  # d(-x)/dx = -1
            self.grad -= out.grad

        out._backward = _backward
        return out

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return _as_value(other) - self

    def __rtruediv__(self, other):
        return _as_value(other) / self

    # ------------------------------------------------------------------ unary functions
    def exp(self):
        """e^x; its derivative is e^x itself."""
        out = Value(math.exp(self.data), _parents=(self,), _op="exp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self):
        """Natural logarithm (x > 0); derivative 1/x."""
        if self.data <= 0:
            raise ValueError(f"log of a non-positive number ({self.data})")
        out = Value(math.log(self.data), _parents=(self,), _op="log")

        def _backward():
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self):
        """tanh(x); derivative 1 - tanh(x)^2."""
        out = Value(math.tanh(self.data), _parents=(self,), _op="tanh")

        def _backward():
            self.grad += (1.0 - out.data ** 2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self):
        """sigma(x) = 1 / (1 + e^-x); derivative sigma(x) (1 - sigma(x))."""
        # Two branches keep exp from overflowing for large |x|.
        if self.data >= 0:
            s = 1.0 / (1.0 + math.exp(-self.data))
        else:
            ez = math.exp(self.data)
            s = ez / (1.0 + ez)
        out = Value(s, _parents=(self,), _op="sigmoid")

        def _backward():
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        """max(0, x); derivative 1 for x > 0, else 0 (0 at x = 0: the course's convention)."""
        out = Value(max(0.0, self.data), _parents=(self,), _op="relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    # ------------------------------------------------------------------ the backward pass
    def backward(self):
        """Fill in ``grad`` of every node this one depends on, with d(self)/d(self) = 1.

        Within one pass gradients accumulate (``+=``): a node used twice receives a contribution
        along each path. Across passes only the inputs (nodes without parents) keep adding up,
        as parameters do in deep-learning libraries; computed nodes start each pass from 0, so
        their ``grad`` always belongs to the latest pass. Call :meth:`zero_grad` to reset the
        inputs too.
        """
        nodes = trace(self)
        for node in nodes:
            if node.parents:
                node.grad = 0.0
        self.grad += 1.0
        for node in reversed(nodes):
            node._backward()

    def zero_grad(self):
        """Set ``grad`` to 0 on this node and every node it depends on."""
        for node in trace(self):
            node.grad = 0.0


def _as_value(x):
    if isinstance(x, Value):
        return x
    constant = Value(x)
    constant._constant = True
    return constant


def trace(output):
    """All nodes ``output`` depends on, in an order a forward pass could compute them.

    Parameters
    ----------
    output : Value

    Returns
    -------
    list of Value
        Topological order: every node comes after its parents; ``output`` is last.
        Each node appears once, however many times it is used.
    """
    order, seen = [], set()
    # An explicit stack instead of recursion, so long chains do not hit the recursion limit.
    stack = [(output, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for parent in reversed(node.parents):
            if id(parent) not in seen:
                stack.append((parent, False))
    return order


def lecture_example(a=3.0, b=1.0, c=-2.0):
    """The lecture's graph L = c (a + 2b) as the steps d = 2b, e = a + d, L = c e (lecture 001).

    The slides give the graph and its local derivatives but no numbers (their figure is lost).
    The defaults a = 3, b = 1, c = -2 are the inputs of the textbook figure the slides follow
    (Jurafsky and Martin, *Speech and Language Processing*, chapter on neural networks):
    L = -10 and, after ``L.backward()``, dL/da = c = -2, dL/db = 2c = -4, dL/dc = a + 2b = 5.

    Returns
    -------
    dict of str to Value
        The labelled nodes ``"a", "b", "c", "d", "e", "L"`` (backward not yet run).
    """
    a, b, c = Value(a, "a"), Value(b, "b"), Value(c, "c")
    d = 2 * b
    d.label = "d"
    e = a + d
    e.label = "e"
    loss = c * e
    loss.label = "L"
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "L": loss}


# ---------------------------------------------------------------------- drawing
_OP_SYMBOLS = {"+": "+", "-": "−", "*": "×", "/": "÷", "neg": "−x", "exp": "exp", "log": "log",
               "tanh": "tanh", "sigmoid": "σ", "relu": "ReLU"}

# Layout in data units: value boxes in columns _COLUMN apart, each operation's circle halfway
# between its result and the previous column.
_COLUMN, _ROW = 3.6, 1.5
_BOX_WIDTH, _LINE, _RADIUS = 1.9, 0.34, 0.32
_INCHES_PER_UNIT = 0.55  # figure scale at which the base font size fits the boxes


def _op_text(op):
    if op.startswith("**"):
        return "x^" + op[2:]
    return _OP_SYMBOLS.get(op, op)


def _node_lines(node, show_grad, value_known=True, grad_known=True):
    if node.label:
        first = node.label
    elif not node.parents and node._constant:
        first = "constant"
    else:
        first = None
    lines = [first] if first else []
    # Adding 0.0 turns -0.0 into 0.0, which reads better.
    lines.append(f"value {node.data + 0.0:.4g}" if value_known else "value ?")
    if show_grad:
        lines.append(f"grad {node.grad + 0.0:.4g}" if grad_known else "grad ?")
    return lines


def columns(output, inputs_left=False):
    """Column of each node in a drawing, from 0 (left) to the output's column (right).

    A computed node sits one column right of its rightmost parent. An input sits one column
    left of the leftmost node that uses it, so constants and late inputs are drawn next to
    the operation that consumes them rather than far away on the left. With
    ``inputs_left=True`` only constants move and every named input stays in column 0.

    Returns
    -------
    dict
        ``id(node) -> int``.
    """
    nodes = trace(output)
    column = {}
    for node in nodes:
        column[id(node)] = 1 + max((column[id(p)] for p in node.parents), default=-1)
    consumers = {}
    for node in nodes:
        for parent in node.parents:
            consumers.setdefault(id(parent), []).append(node)
    for node in nodes:
        movable = node._constant or not inputs_left
        if not node.parents and movable and id(node) in consumers:
            column[id(node)] = min(column[id(c)] for c in consumers[id(node)]) - 1
    # Shift so that the leftmost column is 0.
    low = min(column.values())
    return {key: value - low for key, value in column.items()}


def node_positions(output, inputs_left=False):
    """Where :func:`draw_graph` puts each value box, operation circle and edge bend (data units).

    An edge that skips columns gets a waypoint in every column it crosses; waypoints take a row
    there like a node does, so boxes make way for the edge instead of hiding it. Within a
    column, rows are ordered so that edges cross little (a few sweeps of the barycentre
    heuristic) and spread evenly around y = 0.

    Returns
    -------
    boxes : dict
        ``id(node) -> (x, y)`` for every value node.
    circles : dict
        ``id(node) -> (x, y)`` for the operation circle of every computed node.
    bends : dict
        ``(id(node), k) -> list of (x, y)``: waypoints of the edge from ``node.parents[k]`` to
        the node's circle, left to right (empty for an edge between neighbouring columns).
    """
    nodes = trace(output)
    column = columns(output, inputs_left)
    by_column, neighbours, chains = {}, {}, {}

    def add_item(key, col):
        by_column.setdefault(col, []).append(key)
        neighbours[key] = []

    def connect(first, second):
        neighbours[first].append(second)
        neighbours[second].append(first)

    for node in nodes:
        add_item(("node", id(node)), column[id(node)])
    for node in nodes:
        for k, parent in enumerate(node.parents):
            previous = ("node", id(parent))
            chain = []
            for col in range(column[id(parent)] + 1, column[id(node)]):
                waypoint = ("bend", id(node), k, col)
                add_item(waypoint, col)
                connect(previous, waypoint)
                chain.append(waypoint)
                previous = waypoint
            connect(previous, ("node", id(node)))
            chains[(id(node), k)] = chain

    y_of = {}

    def place(col):
        members = by_column[col]
        for i, key in enumerate(members):
            y_of[key] = _ROW * ((len(members) - 1) / 2 - i)

    for col in by_column:
        place(col)
    order = sorted(by_column)

    def centre(key):
        ys = [y_of[n] for n in neighbours[key]]
        return -(sum(ys) / len(ys)) if ys else 0.0

    for sweep in range(4):
        for col in (order if sweep % 2 == 0 else order[::-1]):
            by_column[col].sort(key=centre)  # a stable sort, so ties keep their order
            place(col)

    boxes, circles = {}, {}
    for node in nodes:
        x, y = _COLUMN * column[id(node)], y_of[("node", id(node))]
        boxes[id(node)] = (x, y)
        if node.parents:
            circles[id(node)] = (x - _COLUMN / 2, y)
    bends = {edge: [(_COLUMN * key[3], y_of[key]) for key in chain]
             for edge, chain in chains.items()}
    return boxes, circles, bends


def _box_exit(start, end, half_width, half_height):
    """Distance from ``start`` along the line to ``end`` at which a box around ``start`` ends."""
    dx, dy = abs(end[0] - start[0]), abs(end[1] - start[1])
    length = math.hypot(dx, dy) or 1.0
    limits = []
    if dx > 0:
        limits.append(half_width * length / dx)
    if dy > 0:
        limits.append(half_height * length / dy)
    return min(limits) if limits else 0.0


def draw_graph(output, ax=None, show_grad=True, inputs_left=False, known_values=None,
               known_grads=None, highlight=()):
    """Draw the computation graph that produced ``output``.

    Each value is a box showing its label, value and (optionally) gradient; each operation is
    a circle between its inputs and its result; arrows point the way the forward pass goes.
    Nodes are placed in columns by depth, inputs on the left, the output (shaded orange) on the
    right; constants (plain numbers used in an expression) are grey.

    Parameters
    ----------
    output : Value
        The final node.
    ax : matplotlib Axes, optional
        Where to draw; a new figure sized to the graph is made when omitted.
    show_grad : bool
        Write each node's ``grad`` (run ``output.backward()`` first for meaningful numbers).
    inputs_left : bool
        Keep every named input in the leftmost column (as lecture figures do) instead of next
        to the operation that uses it.
    known_values, known_grads : collection of Value, optional
        For step-by-step explorers: only these nodes show their value (gradient); the others
        show "?". None (default) shows all. For example, step k of the forward pass is
        ``known_values=trace(output)[:k]`` and step k of the backward pass, after
        ``output.backward()``, is ``known_grads=trace(output)[::-1][:k]``.
    highlight : collection of Value
        Nodes drawn with a thick red border (e.g. the one computed in the current step).

    Returns
    -------
    matplotlib Axes
        Each value box is a patch with gid ``"node"``, each operation circle one with gid
        ``"op"``.
    """
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

    nodes = trace(output)
    boxes, circles, bends = node_positions(output, inputs_left)
    xs = [p[0] for p in boxes.values()] + [p[0] for p in circles.values()]
    ys = [p[1] for p in boxes.values()]
    x_low, x_high = min(xs) - _BOX_WIDTH / 2 - 0.2, max(xs) + _BOX_WIDTH / 2 + 0.2
    y_low, y_high = min(ys) - _ROW / 2 - 0.1, max(ys) + _ROW / 2 + 0.1
    if ax is None:
        import matplotlib.pyplot as plt

        width = _INCHES_PER_UNIT * (x_high - x_low)
        height = _INCHES_PER_UNIT * (y_high - y_low)
        figure = plt.figure(figsize=(width, height + 0.4))
        ax = figure.add_axes((0.0, 0.0, 1.0, height / (height + 0.4)))
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Computation graph (forward pass: left to right)")
    fontsize = _font_size(ax, base=8.5)

    def arrow(start, end, shrink_start, shrink_end):
        (x0, y0), (x1, y1) = start, end
        length = math.hypot(x1 - x0, y1 - y0) or 1.0
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        ax.add_patch(FancyArrowPatch((x0 + ux * shrink_start, y0 + uy * shrink_start),
                                     (x1 - ux * shrink_end, y1 - uy * shrink_end),
                                     arrowstyle="-|>", mutation_scale=11, color="#555555",
                                     lw=1.1, shrinkA=0, shrinkB=0, zorder=2))

    value_ids = None if known_values is None else {id(n) for n in known_values}
    grad_ids = None if known_grads is None else {id(n) for n in known_grads}
    highlight_ids = {id(n) for n in highlight}
    half_heights = {}
    for node in nodes:
        x, y = boxes[id(node)]
        lines = _node_lines(node, show_grad,
                            value_known=value_ids is None or id(node) in value_ids,
                            grad_known=grad_ids is None or id(node) in grad_ids)
        half_height = (_LINE * len(lines) + 0.2) / 2
        half_heights[id(node)] = half_height
        if node is output:
            face, edge = "#fde8d7", "#b35a1f"
        elif not node.parents and node._constant:
            face, edge = "#eeeeee", "#777777"
        else:
            face, edge = "#e8f1fb", "#2b5d8a"
        marked = id(node) in highlight_ids
        ax.add_patch(FancyBboxPatch((x - _BOX_WIDTH / 2, y - half_height), _BOX_WIDTH,
                                    2 * half_height, boxstyle="round,pad=0,rounding_size=0.12",
                                    facecolor=face, edgecolor="#d62728" if marked else edge,
                                    lw=3.0 if marked else 1.2, zorder=3, gid="node"))
        ax.text(x, y, "\n".join(lines), ha="center", va="center", fontsize=fontsize, zorder=4,
                linespacing=1.25)

    for node in nodes:
        if not node.parents:
            continue
        x, y = boxes[id(node)]
        cx, cy = circles[id(node)]
        ax.add_patch(Circle((cx, cy), _RADIUS, facecolor="#fff7cc", edgecolor="#8a6d00",
                            lw=1.2, zorder=3, gid="op"))
        ax.text(cx, cy, _op_text(node.op), ha="center", va="center", zorder=4,
                fontsize=fontsize * (0.8 if len(_op_text(node.op)) > 3 else 1.1))
        arrow((cx, cy), (x, y), _RADIUS,
              _box_exit((x, y), (cx, cy), _BOX_WIDTH / 2, half_heights[id(node)]))
        for k, parent in enumerate(node.parents):
            start = boxes[id(parent)]
            points = [start] + bends[(id(node), k)] + [(cx, cy)]
            # A long edge is a polyline through its waypoints; only its last piece has a head.
            first_gap = _box_exit(start, points[1], _BOX_WIDTH / 2, half_heights[id(parent)])
            if len(points) == 2:
                arrow(start, (cx, cy), first_gap, _RADIUS)
                continue
            (x0, y0), (x1, y1) = points[0], points[1]
            length = math.hypot(x1 - x0, y1 - y0) or 1.0
            points[0] = (x0 + (x1 - x0) * first_gap / length, y0 + (y1 - y0) * first_gap / length)
            ax.plot([p[0] for p in points[:-1]], [p[1] for p in points[:-1]], color="#555555",
                    lw=1.1, zorder=2, solid_capstyle="round")
            arrow(points[-2], (cx, cy), 0.0, _RADIUS)
    return ax


def _font_size(ax, base):
    """Scale the font with the Axes so that text fits boxes of a fixed size in data units."""
    figure = ax.figure
    position = ax.get_position()
    width = position.width * figure.get_figwidth()
    height = position.height * figure.get_figheight()
    x_low, x_high = ax.get_xlim()
    y_low, y_high = ax.get_ylim()
    # With an equal aspect the tighter direction sets the scale.
    inches_per_unit = min(width / (x_high - x_low), height / (y_high - y_low))
    return float(min(max(base * inches_per_unit / _INCHES_PER_UNIT, 4.0), 12.0))
