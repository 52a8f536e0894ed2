r"""Unit 05's explorer: lecture 000's 2-2-1 ReLU network, forward and backward, one step at a time.

Lecture 000 (Neural Networks: study notes) numbers the units 1, 2 (inputs), 3, 4 (hidden) and 5
(output); :math:`w_{ij}` is the weight from unit i to unit j, :math:`x_j` the weighted sum that
enters unit j and :math:`y_j = F(x_j)` its output, with F = ReLU everywhere. The loss is
:math:`\tfrac12 (y_5 - y)^2` with target y = 0, the learning rate :math:`\eta = 0.1`.

:func:`lecture_000_steps` computes the whole walk-through as data: each :class:`Step` says which
node or weights it is about, the formula with the lecture's numbers, and everything known after
it (values, δ's, gradients, new weights). :func:`draw_step` draws one step on the network;
:func:`backprop_explorer` puts a step slider, Back/Next buttons, a Play button and a check box
that updates each weight as soon as its gradient is known (the mistake that the lecture's order
of writing invites) around it. The figure is drawn once; each step only changes texts and colours.
"""
from dataclasses import dataclass, field

import ipywidgets as widgets

from nnlib.widgets.base import Explorer, checkbox, html_table, int_slider, play_control

__all__ = ["LECTURE_WEIGHTS", "LECTURE_X", "LECTURE_Y", "LECTURE_LR", "Step", "lecture_000_steps",
           "draw_step", "backprop_explorer"]

#: Lecture 000's weights, w_ij from unit i to unit j.
LECTURE_WEIGHTS = {"w13": 2.0, "w23": -3.0, "w14": 1.0, "w24": 4.0, "w35": 2.0, "w45": -1.0}
LECTURE_X = (1.0, -1.0)
LECTURE_Y = 0.0
LECTURE_LR = 0.1

# Where each unit is drawn (data units) and which weights enter it.
_POSITIONS = {1: (0.0, 1.0), 2: (0.0, -1.0), 3: (1.6, 1.0), 4: (1.6, -1.0), 5: (3.2, 0.0)}
_LOSS_POSITION = (4.5, 0.0)
_INTO = {3: (1, 2), 4: (1, 2), 5: (3, 4)}
_RADIUS = 0.5
_BASE, _MARK = "#2b5d8a", "#d62728"


def _relu(v):
    return max(0.0, v)


def _relu_grad(v):
    return 1.0 if v > 0 else 0.0  # the course's ReLU'(0) = 0


def _fmt(v):
    return f"{v + 0.0:g}"


def _factor(v):
    """A number as a factor in a product: negative numbers in parentheses."""
    return f"({_fmt(v)})" if v < 0 else _fmt(v)


@dataclass
class Step:
    """One step of the walk-through.

    Attributes
    ----------
    phase : str
        ``"start"``, ``"forward"``, ``"loss"``, ``"backward"``, ``"gradients"`` or ``"update"``.
    focus : tuple
        Units (ints), ``"loss"`` and weight names (``"w35"``) the step is about (drawn highlighted).
    text : str
        The step's formula with the lecture's numbers.
    x, y, delta : dict of int to float
        Weighted sums, outputs and δ's known after this step.
    grad : dict of str to float
        dLoss/dw known after this step.
    weights : dict of str to float
        The weights after this step (they change only in update steps).
    loss : float or None
    """

    phase: str
    focus: tuple
    text: str
    x: dict = field(default_factory=dict)
    y: dict = field(default_factory=dict)
    delta: dict = field(default_factory=dict)
    grad: dict = field(default_factory=dict)
    weights: dict = field(default_factory=dict)
    loss: object = None


def lecture_000_steps(weights=None, x=LECTURE_X, y=LECTURE_Y, lr=LECTURE_LR, update_early=False):
    """The forward pass, the backward pass and the update of lecture 000's network, step by step.

    Parameters
    ----------
    weights : dict, optional
        ``w13, w23, w14, w24, w35, w45``; the lecture's when omitted.
    x : (float, float)
        The inputs x1, x2.
    y : float
        The target.
    lr : float
        The learning rate η.
    update_early : bool
        Update w35 and w45 as soon as their gradients are known, before δ3 and δ4 are computed
        (wrong: δ3 then uses the new w35). The right order computes every δ first.

    Returns
    -------
    list of Step
        11 steps: start, 3 forward, loss, δ5, gradients of w35/w45, δ3, δ4, gradients of the
        first layer, update.
    """
    w = dict(LECTURE_WEIGHTS if weights is None else weights)
    state = {"x": {}, "y": {1: float(x[0]), 2: float(x[1])}, "delta": {}, "grad": {}, "weights": dict(w),
             "loss": None}
    steps = []

    def record(phase, focus, text):
        steps.append(Step(phase, tuple(focus), text, dict(state["x"]), dict(state["y"]), dict(state["delta"]),
                          dict(state["grad"]), dict(state["weights"]), state["loss"]))

    record("start", (1, 2), f"Inputs x1 = {_fmt(x[0])}, x2 = {_fmt(x[1])}; target y = {_fmt(y)}; η = {lr:g}.")
    for j in (3, 4, 5):
        i, k = _INTO[j]
        wi, wk = state["weights"][f"w{i}{j}"], state["weights"][f"w{k}{j}"]
        s = state["y"][i] * wi + state["y"][k] * wk
        state["x"][j], state["y"][j] = s, _relu(s)
        record("forward", (j, f"w{i}{j}", f"w{k}{j}"),
               f"x{j} = y{i}·w{i}{j} + y{k}·w{k}{j} = {_factor(state['y'][i])}·{_factor(wi)} + {_factor(state['y'][k])}·{_factor(wk)} "
               f"= {_fmt(s)};   y{j} = F(x{j}) = {_fmt(state['y'][j])}")
    y5 = state["y"][5]
    state["loss"] = 0.5 * (y5 - y) ** 2
    record("loss", ("loss",), f"Loss = ½(y5 - y)² = ½({_fmt(y5)} - {_fmt(y)})² = {_fmt(state['loss'])}")
    state["delta"][5] = (y5 - y) * _relu_grad(state["x"][5])
    record("backward", (5, "loss"), f"δ5 = (y5 - y)·F'(x5) = {_factor(y5 - y)}·{_factor(_relu_grad(state['x'][5]))} "
                                    f"= {_fmt(state['delta'][5])}")

    def gradients_of(j, update):
        names, parts = [], []
        for i in _INTO[j]:
            name = f"w{i}{j}"
            state["grad"][name] = state["delta"][j] * state["y"][i]
            names.append(name)
            parts.append(f"∂/∂{name} = δ{j}·y{i} = {_fmt(state['grad'][name])}")
            if update:
                state["weights"][name] = state["weights"][name] - lr * state["grad"][name]
                parts[-1] += f" → {name} = {_fmt(state['weights'][name])} (updated now!)"
        return names, ";   ".join(parts)

    names, text = gradients_of(5, update_early)
    record("gradients", names, text)
    for j in (3, 4):
        w_used = state["weights"][f"w{j}5"]
        state["delta"][j] = state["delta"][5] * w_used * _relu_grad(state["x"][j])
        note = "  ← uses the NEW w{0}5".format(j) if update_early and w_used != w[f"w{j}5"] else ""
        record("backward", (j, f"w{j}5"),
               f"δ{j} = δ5·w{j}5·F'(x{j}) = {_factor(state['delta'][5])}·{_factor(w_used)}·{_factor(_relu_grad(state['x'][j]))} "
               f"= {_fmt(state['delta'][j])}{note}")
    first = []
    texts = []
    for j in (3, 4):
        names, text = gradients_of(j, update_early)
        first += names
        texts.append(text)
    record("gradients", first, ";   ".join(texts))
    if not update_early:
        for name in state["weights"]:
            state["weights"][name] = state["weights"][name] - lr * state["grad"][name]
    new = ", ".join(f"{name} = {_fmt(value)}" for name, value in state["weights"].items())
    record("update", tuple(state["weights"]),
           ("Every weight was updated as soon as its gradient was known: " if update_early else
            "All gradients came from the old weights; now w ← w - η·∂Loss/∂w: ") + new)
    return steps


# ---------------------------------------------------------------------- drawing
def _edge_label_position(i, j):
    (x0, y0), (x1, y1) = _POSITIONS[i], _POSITIONS[j]
    t = 0.32 if j in (3, 4) and (i, j) in ((2, 3), (1, 4)) else 0.5
    return x0 + t * (x1 - x0), y0 + t * (y1 - y0)


def _build(ax):
    """Create every artist once; return a dict of them for :func:`draw_step` to update."""
    from matplotlib.patches import Circle, FancyBboxPatch

    ax.set_xlim(-0.6, 5.3)
    ax.set_ylim(-2.05, 1.75)
    ax.set_aspect("equal")
    ax.axis("off")
    artists = {"edges": {}, "edge_text": {}, "nodes": {}, "node_text": {}}
    for j, (i_a, i_b) in _INTO.items():
        for i in (i_a, i_b):
            (x0, y0), (x1, y1) = _POSITIONS[i], _POSITIONS[j]
            line, = ax.plot([x0, x1], [y0, y1], color="#888888", lw=1.5, zorder=1)
            name = f"w{i}{j}"
            artists["edges"][name] = line
            tx, ty = _edge_label_position(i, j)
            artists["edge_text"][name] = ax.text(tx, ty, "", ha="center", va="center", fontsize=8.5, zorder=4,
                                                 bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))
    x5, y5 = _POSITIONS[5]
    line, = ax.plot([x5, _LOSS_POSITION[0]], [y5, _LOSS_POSITION[1]], color="#888888", lw=1.5, zorder=1)
    artists["edges"]["loss"] = line
    for j, (cx, cy) in _POSITIONS.items():
        circle = Circle((cx, cy), _RADIUS, facecolor="#e8f1fb" if j > 2 else "#f2f2f2", edgecolor=_BASE,
                        lw=1.3, zorder=2)
        ax.add_patch(circle)
        artists["nodes"][j] = circle
        artists["node_text"][j] = ax.text(cx, cy, "", ha="center", va="center", fontsize=8.5, zorder=3,
                                          linespacing=1.2)
    lx, ly = _LOSS_POSITION
    box = FancyBboxPatch((lx - 0.45, ly - 0.3), 0.9, 0.6, boxstyle="round,pad=0.02,rounding_size=0.1",
                         facecolor="#fde8d7", edgecolor="#b35a1f", lw=1.3, zorder=2)
    ax.add_patch(box)
    artists["nodes"]["loss"] = box
    artists["node_text"]["loss"] = ax.text(lx, ly, "", ha="center", va="center", fontsize=8, zorder=3)
    artists["title"] = ax.set_title("", fontsize=10)
    artists["caption"] = ax.text(2.35, -1.85, "", ha="center", va="center", fontsize=8.5)
    return artists


def _node_lines(j, step):
    if j in (1, 2):
        return f"x{j}\n{_fmt(step.y[j])}"
    lines = [f"unit {j}", f"x{j} = {_fmt(step.x[j])}" if j in step.x else f"x{j} = ?",
             f"y{j} = {_fmt(step.y[j])}" if j in step.y else f"y{j} = ?"]
    if j in step.delta:
        lines.append(f"δ{j} = {_fmt(step.delta[j])}")
    return "\n".join(lines)


def _wrap(text, width=95):
    words, lines, line = text.split(" "), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join(lines + [line])


def draw_step(ax, step, number=None, total=None, artists=None):
    """Show ``step`` on the network drawn in ``ax`` (drawn on first use, then only updated).

    Returns the dict of artists (kept on ``ax`` as ``ax._backprop_artists``).
    """
    artists = artists or getattr(ax, "_backprop_artists", None)
    if artists is None:
        artists = _build(ax)
        ax._backprop_artists = artists
    focus = set(step.focus)
    for j, text in artists["node_text"].items():
        if j == "loss":
            text.set_text("Loss\n?" if step.loss is None else f"Loss\n{_fmt(step.loss)}")
        else:
            text.set_text(_node_lines(j, step))
    for key, patch in artists["nodes"].items():
        marked = key in focus
        patch.set_edgecolor(_MARK if marked else ("#b35a1f" if key == "loss" else _BASE))
        patch.set_linewidth(3.0 if marked else 1.3)
    for name, line in artists["edges"].items():
        marked = name in focus
        line.set_color(_MARK if marked else "#888888")
        line.set_linewidth(3.0 if marked else 1.5)
    for name, text in artists["edge_text"].items():
        value = step.weights[name]
        label = f"{name} = {_fmt(value)}"
        if name in step.grad:
            label += f"\n∂L/∂{name} = {_fmt(step.grad[name])}"
        text.set_text(label)
        text.set_color(_MARK if name in focus else "black")
    where = f"step {number} of {total - 1}: " if number is not None and total else ""
    artists["title"].set_text(f"Lecture 000's network — {where}{step.phase}")
    artists["caption"].set_text(_wrap(step.text))
    return artists


def _values_table(step):
    rows = []
    for j in (3, 4, 5):
        rows.append([f"unit {j}", step.x.get(j, "?"), step.y.get(j, "?"), step.delta.get(j, "?")])
    table = html_table(["", "x_j (sum in)", "y_j = F(x_j)", "δ_j"], rows, number_format="{:g}")
    weights = [[name, value, step.grad.get(name, "?")] for name, value in step.weights.items()]
    return table + "<br>" + html_table(["weight", "value now", "∂Loss/∂w"], weights, number_format="{:g}")


def backprop_explorer(step=0, update_early=False, interval=1200):
    """Step through lecture 000's network forward and backward; the current unit or weights in red.

    Controls: a step slider (with Play, Back and Next), and a check box that switches to the
    wrong order (each weight updated as soon as its gradient is known). Below the figure, tables
    of every value, δ and gradient known so far.

    Returns
    -------
    nnlib.widgets.base.Explorer
        ``explorer.update(step=k, update_early=False)`` drives it from code; ``explorer.steps()``
        gives the current list of :class:`Step`; ``explorer.back_button`` / ``explorer.next_button``.
    """
    total = len(lecture_000_steps())
    controls = {"step": int_slider("step", step, 0, total - 1, continuous_update=True),
                "update_early": checkbox("update each weight as soon as its gradient is known (wrong order)",
                                         update_early)}
    back = widgets.Button(description="◀ Back", layout={"width": "90px"})
    forward = widgets.Button(description="Next ▶", layout={"width": "90px"})
    play = play_control(controls["step"], interval=interval)
    cache = {}

    def steps_for(early):
        if early not in cache:
            cache[early] = lecture_000_steps(update_early=early)
        return cache[early]

    def draw(ax, step, update_early):
        sequence = steps_for(bool(update_early))
        draw_step(ax, sequence[step], number=step, total=len(sequence))
        return _values_table(sequence[step])

    explorer = Explorer(controls, draw, figsize=(8.6, 5.0), clear=False, dpi=80,
                        title="Backpropagation on lecture 000's network, one step at a time",
                        extra_widgets=[widgets.HBox([back, forward, play])])

    def move(delta):
        slider = controls["step"]
        slider.value = int(min(max(slider.value + delta, slider.min), slider.max))

    back.on_click(lambda _button: move(-1))
    forward.on_click(lambda _button: move(+1))
    explorer.back_button, explorer.next_button, explorer.play = back, forward, play
    explorer.steps = lambda: steps_for(bool(controls["update_early"].value))
    return explorer
