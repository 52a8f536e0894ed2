"""Tests of unit 04's gradient-descent explorer and surfaces (nnlib.widgets.descent), without a browser."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnlib.gradcheck import numerical_gradient, rel_error  # noqa: E402
from nnlib.tolerance import GRAD_RTOL, close  # noqa: E402
from nnlib.widgets import descent  # noqa: E402


@pytest.fixture(scope="module")
def explorer():
    return descent.descent_explorer()


@pytest.mark.parametrize("loss, grad, point", [
    (descent.bowl, descent.bowl_grad, np.array([1.3, -0.7])),
    (descent.line_fit, descent.line_fit_grad, np.array([0.4, 2.1])),
    (descent.two_minima, descent.two_minima_grad, np.array([-0.6, 0.35])),
], ids=["bowl", "line-fit", "two-minima"])
def test_each_surface_gradient_matches_central_differences(loss, grad, point):
    """Is every surface's gradient the derivative of its loss (checked by central differences)?"""
    assert rel_error(grad(point), numerical_gradient(lambda w: float(loss(w)), point)) < GRAD_RTOL


def test_losses_take_whole_grids():
    """Does each 2-D loss evaluate a grid of shape (a, b, 2) to shape (a, b), point for point?"""
    grid = np.stack(np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-2, 2, 3)), axis=-1)
    for spec in descent.SURFACES.values():
        values = spec["loss"](grid)
        assert values.shape == (3, 4)
        assert close(values[1, 2], spec["loss"](grid[1, 2]))


def test_line_fit_minimum_is_the_least_squares_line():
    """Is the line fit's gradient zero at the least-squares line, and its minimum the smallest loss nearby?"""
    best = np.array(descent.SURFACES["line fit (MSE)"]["minimum"])
    assert close(descent.line_fit_grad(best), [0.0, 0.0])
    assert descent.line_fit(best) < descent.line_fit(best + [0.01, -0.01])


def test_descend_follows_the_closed_form_on_the_parabola():
    """Does each step multiply the distance to the minimum by (1 − 2η), with the start as path[0]?"""
    for rate in (0.1, 0.5, 0.9, 1.1):
        path = descent.descend(descent.parabola_grad, 0.0, rate, 6)
        assert path.shape == (7,)
        assert close(path - 3.0, -3.0 * (1 - 2 * rate) ** np.arange(7))


def test_descend_does_not_change_its_start_and_survives_overflow():
    """Is w0 left alone, and does a wildly diverging run return inf or nan without raising?"""
    start = np.array([-4.5, 1.5])
    path = descent.descend(descent.bowl_grad, start, 5.0, 400)
    assert close(start, [-4.5, 1.5])
    assert path.shape == (401, 2)
    assert not np.all(np.isfinite(path))


def test_first_blow_up_finds_the_step_that_leaves_the_window():
    """Is the first step outside the widened window (or with a non-finite loss) reported, and None for a good run?"""
    spec = descent.SURFACES["narrow bowl"]
    good = descent.descend(spec["grad"], spec["start"], 0.1, 30)
    assert descent.first_blow_up(good, spec["loss"](good), spec["xlim"], spec["ylim"]) is None
    bad = descent.descend(spec["grad"], spec["start"], 0.3, 30)
    k = descent.first_blow_up(bad, spec["loss"](bad), spec["xlim"], spec["ylim"])
    assert k is not None and np.abs(bad[k, 1]) > 2 * 2.0 and np.all(np.abs(bad[:k, 1]) <= 2 * 2.0)


def test_explorer_starts_with_a_converging_path_and_a_picture(explorer):
    """Does the explorer start on the narrow bowl with a converging path, its controls and a picture shown?"""
    assert set(explorer.controls) == {"surface", "learning_rate", "n_steps"}
    assert explorer.output.outputs[0]["data"]["image/png"]
    explorer.update(surface="narrow bowl", learning_rate=0.05, n_steps=30)
    view = explorer.view
    assert view.diverged_at is None
    assert view.losses[-1] < view.losses[0]
    assert not view.warnings[0].get_visible()
    assert len(view.path_line.get_xdata()) == 31


def test_learning_rate_slider_is_logarithmic_and_redraws_once(explorer):
    """Does moving the log slider redraw exactly once, with the new rate in the title and a new path?"""
    from ipywidgets import FloatLogSlider

    assert isinstance(explorer.controls["learning_rate"], FloatLogSlider)
    explorer.update(surface="narrow bowl", learning_rate=0.01, n_steps=30)
    before_path, count = explorer.view.path.copy(), explorer.draw_count
    explorer.controls["learning_rate"].value = 0.1  # as a user would move the slider
    assert explorer.draw_count == count + 1 and explorer.last_error is None
    assert "0.1" in explorer.axes[0].get_title()
    assert not close(explorer.view.path, before_path)


@pytest.mark.parametrize("surface, rate", [("narrow bowl", 0.25), ("line fit (MSE)", 0.6), ("two minima", 1.5)])
def test_too_large_a_learning_rate_says_diverged_and_clips_the_path(explorer, surface, rate):
    """Beyond 2/curvature, does the figure say "diverged" and draw the path only up to where it blew up?"""
    explorer.update(surface=surface, learning_rate=rate, n_steps=60)
    view = explorer.view
    assert explorer.last_error is None
    assert view.diverged_at is not None
    assert all("diverged" in text.get_text() and text.get_visible() for text in view.warnings)
    assert len(view.path_line.get_xdata()) <= view.diverged_at
    assert np.all(np.isfinite(view.loss_line.get_ydata()))


def test_overflow_to_inf_still_draws(explorer):
    """When the loss overflows to inf (a rate far beyond the slider's), is a picture still drawn, with
    "diverged" on it and a finite loss curve?"""
    explorer.update(surface="narrow bowl")
    explorer.view.draw(explorer.axes, "narrow bowl", 40.0, 100)
    assert not np.all(np.isfinite(explorer.view.losses))
    assert "diverged" in explorer.view.status
    assert np.all(np.isfinite(explorer.view.loss_line.get_ydata()))
    assert explorer.to_png()


def test_rates_just_below_the_limit_converge(explorer):
    """Just below 2/λ_max (0.2 for the bowl, 0.45 for the line fit) does descent still converge?"""
    for surface, rate in (("narrow bowl", 0.19), ("line fit (MSE)", 0.4)):
        explorer.update(surface=surface, learning_rate=rate, n_steps=100)
        assert explorer.view.diverged_at is None, surface
        assert explorer.view.losses[-1] < explorer.view.losses[0]


def test_changing_the_surface_redraws_its_contours(explorer):
    """Does picking another surface replace the background picture and the axis labels?"""
    explorer.update(surface="narrow bowl")
    first = explorer.axes[0].images[0].get_array().copy()
    explorer.update(surface="line fit (MSE)")
    assert "slope" in explorer.axes[0].get_xlabel()
    assert explorer.axes[0].images[0].get_array().shape == first.shape
    assert not np.array_equal(explorer.axes[0].images[0].get_array(), first)
    assert len(explorer.axes[0].images) == 1  # drawn again, not stacked


def test_switching_surfaces_and_back_gives_the_first_picture():
    """After visiting every surface and coming back, is the picture exactly the first one?"""
    explorer = descent.descent_explorer(surface="narrow bowl", learning_rate=0.05, n_steps=30)
    first = explorer.to_png()
    for name in descent.SURFACES:
        explorer.update(surface=name)
    explorer.update(surface="narrow bowl")
    assert explorer.last_error is None
    assert explorer.to_png() == first


def test_a_surface_switch_shows_only_that_surface():
    """After a switch, are the picture's window, its contour lines, the minimum and the start those of the new surface?"""
    from matplotlib.contour import ContourSet

    explorer = descent.descent_explorer(surface="narrow bowl")
    contour_ax = explorer.axes[0]
    for name in ("line fit (MSE)", "two minima", "narrow bowl", "two minima"):
        explorer.update(surface=name)
        spec = descent.SURFACES[name]
        contours = [c for c in contour_ax.collections if isinstance(c, ContourSet)]
        assert len(contours) <= len(descent.SURFACES)  # each made once, never stacked
        assert sum(c.get_visible() for c in contours) == 1
        assert close(explorer.axes[0].images[0].get_extent(), [*spec["xlim"], *spec["ylim"]])
        assert close(contour_ax.get_xlim(), spec["xlim"]) and close(contour_ax.get_ylim(), spec["ylim"])
        assert close(np.ravel(explorer.view.minimum_marker.get_data()), spec["minimum"])
        assert close(np.ravel(explorer.view.start_marker.get_data()), spec["start"])
        assert close(explorer.view.path[0], spec["start"])
        assert name in contour_ax.get_title()
