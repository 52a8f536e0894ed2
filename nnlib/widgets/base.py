"""Building blocks of the course's interactive explorers (ipywidgets + matplotlib).

An explorer is a set of controls (sliders, drop-downs...) and a drawing function. :class:`Explorer`
joins them: whenever a control changes, it clears its figure, calls the drawing function with
the current values of all controls and shows the result as a picture in an
``ipywidgets.Output``. Everything happens in the kernel, so an explorer works in JupyterLab,
in Voila and in plain Python (where tests drive it without a browser).

A picture costs one rendering of the figure: the crop box around the drawing is found once, at
the first picture, and the PNG is lightly compressed (savefig with ``bbox_inches="tight"``
rendered every picture twice and took more than half of a redraw). bench/bench_course.py
measures redraws::

    from nnlib.widgets import Explorer, float_slider

    def draw(ax, w, b):
        z = np.linspace(-5, 5, 200)
        ax.plot(z, 1 / (1 + np.exp(-(w * z + b))))

    explorer = Explorer({"w": float_slider("weight w", 1.0, -3, 3),
                         "b": float_slider("bias b", 0.0, -5, 5)}, draw)
    explorer.widget          # the last expression of a cell displays it
    explorer.update(w=2.0)   # set values from code; redraws once
"""
import base64
import html
import io

import ipywidgets as widgets
import numpy as np
from matplotlib import rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import imsave

__all__ = [
    "Explorer", "float_slider", "int_slider", "log_slider", "dropdown", "checkbox",
    "play_control", "html_table", "pin_axis_labels",
]

_STYLE = {"description_width": "initial"}
_LAYOUT = {"width": "380px"}
#: Room (inches) kept around the drawing beyond savefig's pad, for labels that grow a little as
#: the values change after the crop box was found.
_CROP_ROOM = 0.1


# ---------------------------------------------------------------------- control factories
def float_slider(description, value=0.0, low=-1.0, high=1.0, step=0.01, readout_format=".2f",
                 **options):
    """A FloatSlider with a readable label, a fixed width and two decimals shown.

    Parameters
    ----------
    description : str
        Label shown left of the slider (LaTeX between $...$ is rendered).
    value, low, high, step : float
        Initial value, range and step. ``min=``/``max=`` are accepted as well, as in ipywidgets.
    readout_format : str
        Format of the number shown right of the slider.
    **options
        Passed on to ``ipywidgets.FloatSlider`` (e.g. ``continuous_update=False``).
    """
    settings = dict(description=description, min=low, max=high, step=step,
                    readout_format=readout_format, style=_STYLE, layout=_LAYOUT)
    settings.update(options)
    # Set the range before the value, otherwise a value outside the default range is clipped.
    slider = widgets.FloatSlider(**settings)
    slider.value = value
    return slider


def int_slider(description, value=1, low=0, high=10, step=1, **options):
    """An IntSlider with a readable label and a fixed width (``min=``/``max=`` also accepted)."""
    settings = dict(description=description, min=low, max=high, step=step, style=_STYLE,
                    layout=_LAYOUT)
    settings.update(options)
    slider = widgets.IntSlider(**settings)
    slider.value = value
    return slider


def log_slider(description, value=0.01, low_exponent=-4, high_exponent=0, base=10,
               step=0.1, readout_format=".2g", **options):
    """A slider over powers of ``base``, e.g. learning rates from 1e-4 to 1.

    Parameters
    ----------
    value : float
        Initial value (not its exponent).
    low_exponent, high_exponent : float
        The range is ``base**low_exponent`` to ``base**high_exponent``.
    step : float
        Step of the exponent.
    """
    settings = dict(description=description, min=low_exponent, max=high_exponent, base=base,
                    step=step, readout_format=readout_format, style=_STYLE, layout=_LAYOUT)
    settings.update(options)
    slider = widgets.FloatLogSlider(**settings)
    slider.value = value
    return slider


def dropdown(description, options, value=None, **settings):
    """A Dropdown; ``options`` is a list of values or of (label, value) pairs."""
    options = list(options)
    chosen = dict(description=description, options=options, style=_STYLE, layout=_LAYOUT)
    if value is not None:
        chosen["value"] = value
    chosen.update(settings)
    return widgets.Dropdown(**chosen)


def checkbox(description, value=False, **settings):
    """A Checkbox with the label on the right."""
    chosen = dict(description=description, value=value, indent=False, style=_STYLE)
    chosen.update(settings)
    return widgets.Checkbox(**chosen)


def play_control(slider, interval=800):
    """A Play button that steps ``slider`` forward, e.g. through the steps of a backward pass.

    Parameters
    ----------
    slider : ipywidgets.IntSlider
        The control the explorer listens to; the button moves it from its min to its max.
    interval : int
        Milliseconds between steps.

    Returns
    -------
    ipywidgets.Play
        Linked to ``slider`` both ways; pass it to :class:`Explorer` in ``extra_widgets``.
    """
    play = widgets.Play(value=slider.value, min=slider.min, max=slider.max, step=slider.step,
                        interval=interval, description="play")
    widgets.jslink((play, "value"), (slider, "value"))
    # jslink works in the browser only; the kernel-side link keeps both in step from code too.
    widgets.link((play, "value"), (slider, "value"))
    return play


def html_table(header, rows, highlight=None, number_format="{:.4g}"):
    """A small HTML table, e.g. a truth table that an explorer's drawing function returns.

    Parameters
    ----------
    header : sequence of str
    rows : sequence of sequences
        Cells; floats are written with ``number_format``, everything else with ``str``.
    highlight : collection of int, optional
        Indices of rows to shade (e.g. rows the network gets wrong).

    Returns
    -------
    str
        HTML; the text of every cell is escaped.
    """
    highlight = set(highlight or ())

    def cell(value):
        if isinstance(value, (float, np.floating)):
            return html.escape(number_format.format(float(value)))
        return html.escape(str(value))

    style = "border:1px solid #bbb;padding:2px 8px;text-align:center"
    head = "".join(f"<th style='{style}'>{html.escape(str(h))}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        shade = " background:#fde2e2;" if i in highlight else ""
        cells = "".join(f"<td style='{style};{shade}'>{cell(v)}</td>" for v in row)
        body.append(f"<tr>{cells}</tr>")
    return ("<table style='border-collapse:collapse;font-family:monospace'>"
            f"<tr>{head}</tr>{''.join(body)}</table>")


# ---------------------------------------------------------------------- drawing helpers
def pin_axis_labels(ax):
    """Keep the two axis labels of ``ax`` where the latest drawing of its figure put them.

    matplotlib places an axis label just beyond the tick labels, and to do so measures every tick
    label at every drawing: a tenth to a quarter of an explorer's redraw. Where the tick labels
    never change (an explorer whose limits stay fixed), the labels never move either, so the
    explorer pins them once, after its first picture; the pictures stay the same.

    Parameters
    ----------
    ax : matplotlib Axes
        Of a figure drawn at least once, with the size and layout it keeps.
    """
    for axis in (ax.xaxis, ax.yaxis):
        label = axis.label
        where = label.get_transform().transform(label.get_position())  # pixels
        axis.set_label_coords(*ax.transAxes.inverted().transform(where))


# ---------------------------------------------------------------------- the explorer
class Explorer:
    """Controls plus a figure that is redrawn whenever a control changes.

    Parameters
    ----------
    controls : dict of str to ipywidgets.ValueWidget
        The name under which each control's value is passed to ``draw``.
    draw : callable
        ``draw(ax, **values)``; ``ax`` is one matplotlib Axes, or an array of Axes when
        ``nrows * ncols > 1`` (shaped as ``plt.subplots`` shapes it). It may return a string
        of HTML (e.g. from :func:`html_table`), shown under the figure.
    nrows, ncols : int
        Layout of the Axes.
    figsize : (float, float)
        Figure size in inches.
    title : str, optional
        Heading shown above the controls.
    extra_widgets : sequence of ipywidgets.Widget, optional
        Shown under the controls (a :func:`play_control`, a button...).
    clear : bool
        Clear the whole figure and make fresh Axes before each drawing (default). With
        ``clear=False`` the same Axes are kept and ``draw`` updates its artists itself.
    dpi : int
        Resolution of the picture shown.
    draw_now : bool
        Draw once at construction.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What to display.
    figure : matplotlib.figure.Figure
        The figure ``draw`` draws into (not managed by pyplot, so it is never shown twice).
    axes : Axes or ndarray of Axes
        The current Axes.
    output : ipywidgets.Output
        Holds the picture of the figure.
    info : ipywidgets.HTML
        Holds the HTML returned by ``draw``.
    draw_count : int
        How many times ``draw`` has run.
    last_error : Exception or None
        The error raised by the latest drawing started by a control, shown in the output.
    """

    def __init__(self, controls, draw, nrows=1, ncols=1, figsize=(6.4, 4.0), title=None,
                 extra_widgets=(), clear=True, dpi=90, draw_now=True):
        if not controls:
            raise ValueError("an explorer needs at least one control")
        self.controls = dict(controls)
        self.draw = draw
        self.nrows, self.ncols = nrows, ncols
        self.clear = clear
        self.dpi = dpi
        self.draw_count = 0
        self.last_error = None
        self._holding = False

        self.figure = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(self.figure)  # renders straight to pixels (see to_png)
        self._crop = None  # ((height, width) of the canvas, the crop box found for it)
        self._last_pixels, self._last_png, self._shown_png = None, None, None
        self.axes = self._make_axes()
        self.output = widgets.Output()
        self.info = widgets.HTML()
        parts = []
        if title:
            parts.append(widgets.HTML(f"<b>{html.escape(title)}</b>"))
        parts.append(widgets.VBox(list(self.controls.values()) + list(extra_widgets)))
        parts.extend([self.output, self.info])
        self.widget = widgets.VBox(parts)

        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        if draw_now:
            self.redraw()

    # -- public -------------------------------------------------------------------------------
    @property
    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, **values):
        """Set several controls at once and redraw once.

        Raises
        ------
        KeyError
            For a name that is not one of the controls.
        """
        unknown = set(values) - set(self.controls)
        if unknown:
            raise KeyError(f"no control named {sorted(unknown)}; controls: {sorted(self.controls)}")
        self._holding = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
        self.redraw()

    def redraw(self):
        """Draw with the current values and show the picture; errors propagate to the caller."""
        if self.clear:
            self.figure.clear()
            self.axes = self._make_axes()
        result = self.draw(self.axes, **self.values)
        self.draw_count += 1
        self.info.value = result if isinstance(result, str) else ""
        self._show_png(self.to_png())

    def to_png(self):
        """The figure as PNG bytes, cropped to the drawing.

        One rendering per picture: the crop box is the figure's tight bounding box at the first
        picture (as ``bbox_inches="tight"`` finds it, with a little room to spare), kept for the
        later ones, since an explorer's layout stays put. A picture identical to the last one
        is not encoded again. Should the drawing reach outside the figure, every picture is
        saved with ``bbox_inches="tight"`` instead, which enlarges the picture to hold it.
        """
        canvas = self.figure.canvas
        if not isinstance(canvas, FigureCanvasAgg):
            canvas = FigureCanvasAgg(self.figure)
        if self.figure.dpi != self.dpi:
            self.figure.set_dpi(self.dpi)
        canvas.draw()
        width, height = canvas.get_width_height(physical=True)
        if self._crop is None or self._crop[0] != (height, width):
            self._crop = (height, width), self._crop_box(canvas.get_renderer(), height, width)
        box = self._crop[1]
        if box is None:  # the drawing reaches outside the figure
            buffer = io.BytesIO()
            self.figure.savefig(buffer, format="png", dpi=self.dpi, bbox_inches="tight")
            return buffer.getvalue()
        top, bottom, left, right = box
        pixels = np.asarray(canvas.buffer_rgba())[top:bottom, left:right, :3]
        if self._last_pixels is not None and np.array_equal(pixels, self._last_pixels):
            return self._last_png
        buffer = io.BytesIO()
        # compression level 1: a quarter faster to encode than the default 6, pictures 10-15 % larger
        imsave(buffer, pixels, format="png", pil_kwargs={"compress_level": 1})
        self._last_pixels, self._last_png = pixels.copy(), buffer.getvalue()
        return self._last_png

    def _ipython_display_(self):
        # Lets a cell that ends with the explorer itself display it.
        from IPython.display import display

        display(self.widget)

    # -- internals ----------------------------------------------------------------------------
    def _make_axes(self):
        # As with plt.subplots: one Axes, a 1-D array for one row or column, else a 2-D array.
        return self.figure.subplots(self.nrows, self.ncols)

    def _on_change(self, change):
        if self._holding:
            return
        try:
            self.redraw()
            self.last_error = None
        except Exception as error:  # a control must never leave a silent, stale picture
            self.last_error = error
            self._show_text(f"Drawing failed: {type(error).__name__}: {error}")

    def _crop_box(self, renderer, height, width):
        """(top, bottom, left, right): the pixels around the drawing, or None if it leaves the figure."""
        dpi, pad = self.figure.dpi, rcParams["savefig.pad_inches"]
        tight = self.figure.get_tightbbox(renderer)  # inches, from the bottom left
        x0, y0, x1, y1 = (value * dpi for value in tight.extents)
        if min(x0, y0) < -1 or x1 > width + 1 or y1 > height + 1:  # a pixel's rounding is no reason
            return None
        x0, y0, x1, y1 = (value * dpi for value in tight.padded(pad + _CROP_ROOM).extents)
        top, bottom = max(0, int(height - y1)), min(height, int(np.ceil(height - y0)))
        left, right = max(0, int(x0)), min(width, int(np.ceil(x1)))
        return top, bottom, left, right

    def _show_png(self, png):
        # Replacing the outputs in one assignment avoids the flicker of clear-then-append, and
        # works without a running kernel (no display() call is needed). The same picture again
        # is not sent again.
        if png == self._shown_png:
            return
        self._shown_png = png
        self.output.outputs = ({
            "output_type": "display_data",
            "data": {"image/png": base64.b64encode(png).decode("ascii"),
                     "text/plain": "<explorer figure>"},
            "metadata": {},
        },)

    def _show_text(self, text):
        self._shown_png = None
        self.output.outputs = ({"output_type": "stream", "name": "stderr", "text": text + "\n"},)
