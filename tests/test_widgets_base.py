"""Tests of nnlib.widgets.base, driven from Python without a browser or a kernel."""
import base64

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnlib import widgets  # noqa: E402
from nnlib.tolerance import close  # noqa: E402
from nnlib.widgets import (Explorer, checkbox, dropdown, float_slider, html_table,  # noqa: E402
                           int_slider, log_slider, play_control)

Z = np.linspace(-5, 5, 101)


class Recorder:
    """A drawing function that draws a sigmoid curve and remembers every call."""

    def __init__(self):
        self.calls = []

    def __call__(self, ax, w, b):
        self.calls.append({"ax": ax, "w": w, "b": b})
        ax.plot(Z, 1.0 / (1.0 + np.exp(-(w * Z + b))))
        ax.set_title(f"w = {w:.2f}, b = {b:.2f}")


def make_explorer(**options):
    draw = Recorder()
    controls = {"w": float_slider("weight w", 1.0, -3.0, 3.0),
                "b": float_slider("bias b", 0.0, -5.0, 5.0)}
    return Explorer(controls, draw, **options), draw


def shown_png(explorer):
    (output,) = explorer.output.outputs
    return base64.b64decode(output["data"]["image/png"])


def curve(explorer):
    (line,) = explorer.axes.lines
    return line.get_ydata()


# ---------------------------------------------------------------------- the explorer
def test_explorer_draws_once_at_start_with_the_initial_values():
    """Is the figure drawn once at construction, with the controls' initial values, and shown as a PNG?"""
    explorer, draw = make_explorer()
    assert len(draw.calls) == 1 and explorer.draw_count == 1
    assert close([draw.calls[0]["w"], draw.calls[0]["b"]], [1.0, 0.0])
    assert shown_png(explorer).startswith(b"\x89PNG")
    assert explorer.values == {"w": 1.0, "b": 0.0}


def test_moving_a_slider_redraws_with_the_new_value():
    """When the bias slider moves, is draw called with the new bias and does the curve change?"""
    explorer, draw = make_explorer()
    before_curve, before_png = curve(explorer).copy(), shown_png(explorer)
    explorer.controls["b"].value = 2.0
    assert len(draw.calls) == 2
    assert close(draw.calls[-1]["b"], 2.0) and close(draw.calls[-1]["w"], 1.0)
    after = curve(explorer)
    assert close(after, 1.0 / (1.0 + np.exp(-(Z + 2.0))))
    assert not close(after, before_curve)
    assert shown_png(explorer) != before_png
    assert explorer.axes.get_title() == "w = 1.00, b = 2.00"


def test_update_sets_several_values_and_redraws_once():
    """Does update(w=..., b=...) set both sliders and call draw exactly once more?"""
    explorer, draw = make_explorer()
    explorer.update(w=-2.0, b=1.5)
    assert len(draw.calls) == 2
    assert close([draw.calls[-1]["w"], draw.calls[-1]["b"]], [-2.0, 1.5])
    assert close([explorer.controls["w"].value, explorer.controls["b"].value], [-2.0, 1.5])


def test_update_rejects_unknown_names():
    """Does update() with a name that is no control raise a KeyError listing the controls?"""
    explorer, _ = make_explorer()
    with pytest.raises(KeyError, match="weight"):
        explorer.update(weight=1.0)


def test_each_redraw_starts_from_a_clear_figure():
    """After several changes, does the Axes hold only the latest curve?"""
    explorer, _ = make_explorer()
    for value in (0.5, 1.0, 1.5):
        explorer.controls["w"].value = value
    assert len(explorer.axes.lines) == 1
    assert len(explorer.figure.axes) == 1


def test_clear_false_keeps_the_axes():
    """With clear=False, is the same Axes passed every time so draw can update its artists?"""
    explorer, draw = make_explorer(clear=False)
    explorer.controls["w"].value = 2.0
    assert draw.calls[0]["ax"] is draw.calls[1]["ax"]
    assert len(explorer.axes.lines) == 2  # the draw function did not remove its old line


def test_several_axes():
    """With nrows=1, ncols=2, does draw receive an array of two Axes?"""
    received = []

    def draw(axes, w):
        received.append(axes)
        axes[0].plot([0, 1], [0, w])
        axes[1].plot([0, 1], [w, 0])

    explorer = Explorer({"w": float_slider("w", 0.5)}, draw, nrows=1, ncols=2)
    assert received[-1].shape == (2,)
    assert len(explorer.figure.axes) == 2


def test_html_returned_by_draw_is_shown_under_the_figure():
    """When draw returns HTML, does it appear in the info widget, and vanish when draw returns None?"""
    def draw(ax, show):
        ax.plot([0, 1], [0, 1])
        return html_table(["x", "y"], [[0, 1]]) if show else None

    explorer = Explorer({"show": checkbox("show table", True)}, draw)
    assert "<table" in explorer.info.value
    explorer.controls["show"].value = False
    assert explorer.info.value == ""


def test_a_failing_draw_shows_the_error_instead_of_a_stale_picture():
    """If draw raises after a slider moves, is the error kept and shown, and does redraw() raise it?"""
    def draw(ax, w):
        if w < 0:
            raise ValueError("w must not be negative")
        ax.plot([0, 1], [0, w])

    explorer = Explorer({"w": float_slider("w", 0.5)}, draw)
    explorer.controls["w"].value = -0.5
    assert isinstance(explorer.last_error, ValueError)
    (output,) = explorer.output.outputs
    assert "w must not be negative" in output["text"]
    with pytest.raises(ValueError):
        explorer.redraw()
    explorer.controls["w"].value = 0.7
    assert explorer.last_error is None
    assert shown_png(explorer).startswith(b"\x89PNG")


def test_widget_contains_controls_output_and_extras():
    """Does .widget hold the title, every control, the extra widgets, the output and the info area?"""
    extra = widgets.base.widgets.Button(description="reset")
    explorer, _ = make_explorer(title="A neuron", extra_widgets=[extra])
    title, control_box, output, info = explorer.widget.children
    assert "A neuron" in title.value
    assert list(control_box.children) == [explorer.controls["w"], explorer.controls["b"], extra]
    assert output is explorer.output and info is explorer.info


def test_explorer_needs_controls():
    """Does an explorer without controls raise?"""
    with pytest.raises(ValueError):
        Explorer({}, lambda ax: None)


# ---------------------------------------------------------------------- control factories
def test_float_slider_keeps_a_value_outside_the_default_range():
    """Does float_slider("x", 5, 0, 10) start at 5 (not clipped to ipywidgets' default 0..10 or 0..1)?"""
    slider = float_slider("x", 5.0, 0.0, 10.0, 0.5)
    assert close([slider.value, slider.min, slider.max, slider.step], [5.0, 0.0, 10.0, 0.5])
    high = float_slider("x", 50.0, 20.0, 100.0)
    assert close(high.value, 50.0)


def test_slider_factories_accept_ipywidgets_keywords():
    """Do min=/max= and other ipywidgets options pass through the factories?"""
    slider = float_slider("x", value=-4.0, min=-8.0, max=-2.0, continuous_update=False)
    assert close([slider.min, slider.max, slider.value], [-8.0, -2.0, -4.0])
    assert slider.continuous_update is False
    integer = int_slider("n", 20, 5, 50, 5)
    assert (integer.value, integer.min, integer.max, integer.step) == (20, 5, 50, 5)


def test_log_slider_ranges_over_powers():
    """Does log_slider hold the value itself and the range 1e-4..1?"""
    slider = log_slider("learning rate", 0.01)
    assert close(slider.value, 0.01)
    assert close([slider.min, slider.max], [-4.0, 0.0])


def test_dropdown_and_checkbox():
    """Do dropdown and checkbox start at the given values?"""
    choice = dropdown("activation", ["sigmoid", "tanh", "relu"], value="tanh")
    assert choice.value == "tanh" and list(choice.options) == ["sigmoid", "tanh", "relu"]
    assert dropdown("activation", ["sigmoid", "relu"]).value == "sigmoid"
    assert checkbox("show", True).value is True


def test_play_control_moves_its_slider():
    """When the Play widget's value changes, does the linked slider (and so the explorer) follow?"""
    step = int_slider("step", 0, 0, 5)
    seen = []
    Explorer({"step": step}, lambda ax, step: seen.append(step))
    play = play_control(step, interval=300)
    assert (play.min, play.max, play.interval) == (0, 5, 300)
    play.value = 3
    assert step.value == 3 and seen[-1] == 3


def test_html_table_escapes_and_highlights():
    """Does html_table escape markup, format floats and shade the highlighted rows only?"""
    table = html_table(["x<1", "y"], [[0, 0.123456789], [1, "<b>"]], highlight=[1])
    assert "x&lt;1" in table and "&lt;b&gt;" in table and "<b>" not in table
    assert "0.1235" in table
    assert table.count("background") == 2  # the two cells of row 1


# ---------------------------------------------------------------------- the picture
def png_size(png):
    """(width, height) from a PNG's header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_the_picture_is_cropped_to_the_drawing_like_a_tight_savefig():
    """Is the picture about the size savefig(bbox_inches="tight") gives, smaller than the whole figure?"""
    import io

    explorer, _ = make_explorer()
    buffer = io.BytesIO()
    explorer.figure.savefig(buffer, format="png", dpi=explorer.dpi, bbox_inches="tight")
    tight_width, tight_height = png_size(buffer.getvalue())
    width, height = png_size(shown_png(explorer))
    full_width, full_height = explorer.figure.canvas.get_width_height(physical=True)
    assert width <= full_width and height <= full_height and width * height < full_width * full_height
    room = 2 * 0.1 * explorer.dpi + 2  # the crop keeps 0.1 inch more on each side, for labels that grow
    assert abs(width - tight_width) <= room and abs(height - tight_height) <= room


def test_the_same_picture_is_not_sent_again():
    """Does a redraw that changes nothing leave the output alone, and a real change replace it?"""
    explorer, _ = make_explorer()
    sent = []
    explorer.output.observe(lambda change: sent.append(change), names="outputs")
    explorer.redraw()
    assert sent == []
    explorer.controls["w"].value = 2.5
    assert len(sent) == 1


def test_a_drawing_outside_the_figure_is_still_shown_whole():
    """When draw puts text beyond the figure's edge, does the picture grow to hold it (as a tight savefig does)?"""
    def draw(ax, w):
        ax.plot([0, 1], [0, w])
        ax.text(1.6, 0.5, "far to the right", transform=ax.transAxes)

    explorer = Explorer({"w": float_slider("w", 0.5)}, draw, figsize=(4.0, 3.0))
    full_width, _ = explorer.figure.canvas.get_width_height(physical=True)
    assert png_size(shown_png(explorer))[0] > full_width
    explorer.controls["w"].value = 0.8
    assert png_size(shown_png(explorer))[0] > full_width


def test_pinned_axis_labels_stay_where_the_drawing_put_them():
    """After pin_axis_labels, is the picture unchanged, and do the labels stay put when the tick labels widen?"""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def pixels(figure):
        figure.canvas.draw()
        return np.asarray(figure.canvas.buffer_rgba()).copy()

    figure = Figure(figsize=(4.0, 3.0), dpi=72)
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    first = pixels(figure)
    before = [axis.label.get_window_extent() for axis in (ax.xaxis, ax.yaxis)]
    widgets.base.pin_axis_labels(ax)
    assert np.array_equal(pixels(figure), first)
    ax.set_ylim(0, 100000)  # wider tick labels would push an unpinned y label to the left
    pixels(figure)
    after = [axis.label.get_window_extent() for axis in (ax.xaxis, ax.yaxis)]
    assert all(close(a.extents, b.extents) for a, b in zip(after, before))
