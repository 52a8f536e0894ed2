"""Does every released unit work in JupyterLab as a student meets it, explorers included?

For each unit of course/ the test opens the untouched notebook in JupyterLab in headless Chromium,
runs every cell (Run All, as unit 00 tells students to do), and then looks at it as a person would:
every explorer the notebook builds is shown as a live widget (no "Error displaying widget"), and
moving a control of each one redraws its picture in the kernel.
"""
import contextlib
import json
import re
import shutil
import sys
import urllib.request

import pytest

import quickstart
from tests.browser import chromium_page, jupyter_lab, require_browser
from tests.notebook_harness import COURSE, load, nbgrader_meta, source

pytestmark = pytest.mark.browser

UNITS = sorted(p.name for p in COURSE.iterdir() if p.is_dir() and (p / f"{p.name}.ipynb").is_file())
# A cell that builds an explorer calls one of nnlib.widgets' *_explorer or *_dashboard functions.
EXPLORER_CALL = re.compile(r"\b\w+_(explorer|dashboard)\(")
# A cell's own output that holds a widget view (not the outputs nested inside an explorer).
WIDGET_OUTPUT = ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output:has(> .jupyter-widgets)"
CONTROL = ".widget-slider, .widget-dropdown select, .widget-toggle-buttons button, .widget-button"


def explorer_cells(unit):
    """How many code cells of the released notebook build an explorer (not counting graded cells)."""
    cells = load(unit, COURSE)["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code" and not nbgrader_meta(c)
               and EXPLORER_CALL.search(source(c)))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require_browser()
    tmp_path = tmp_path_factory.mktemp("lab-units")
    # A copy of the course, so that nothing the browser does (checkpoints, saves) touches course/.
    root = tmp_path / "repo"
    shutil.copytree(COURSE, root / "course")
    shutil.copy(quickstart.ROOT / "nbgrader_config.py", root)
    (root / "autograder").mkdir()
    command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={root}",
               "--LabApp.expose_app_in_browser=True"]
    with jupyter_lab(command, cwd=root, tmp_path=tmp_path, env=quickstart.venv_env()) as server:
        yield server


def run_all_cells(page, timeout_ms=240_000):
    """Run every cell of the open notebook and wait until the kernel has worked through all of them."""
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel",
                           timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # Wait until the kernel is idle with no cell queued ("[*]") and at least one cell run. A cell
    # that fails stops Run All unless it is tagged raises-exception; the test then sees what is missing.
    page.wait_for_function(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            // The session can be briefly absent while the kernel (re)connects: read it with care.
            const status = panel && panel.sessionContext && panel.sessionContext.session
                && panel.sessionContext.session.kernel && panel.sessionContext.session.kernel.status;
            return status === 'idle'
                && prompts.some(p => /\\[\\d+\\]/.test(p.textContent))
                && !prompts.some(p => p.textContent.includes('*'));
        }""", timeout=timeout_ms, polling=500)
    page.wait_for_timeout(1500)  # a last queued cell may not have started yet; look again after a pause
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]"
        ".some(p => p.textContent.includes('*'))", timeout=timeout_ms, polling=500)


def picture_of(widget):
    """The data URL of the first picture inside a widget output ('' when it shows none)."""
    image = widget.locator("img").first
    return image.get_attribute("src") if image.count() else ""


def moves(page, widget):
    """The ways a student changes an explorer, each a (name, action): a slider by keyboard, a new choice
    in a drop-down, a button. A control may leave the picture as it was (a learning rate before any
    training), so the test tries them in turn."""
    found = []
    slider = widget.locator(".widget-slider .noUi-handle").first
    if slider.count():
        def nudge():
            slider.scroll_into_view_if_needed()
            slider.focus()
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
        found.append(("slider", nudge))
    select = widget.locator(".widget-dropdown select").first
    if select.count():
        def choose():
            current = select.input_value()
            options = select.locator("option").evaluate_all("options => options.map(o => o.value)")
            select.select_option(value=next(o for o in options if o != current))
        found.append(("drop-down", choose))
    button = widget.locator(".widget-toggle-buttons button:not(.mod-active), .widget-button").first
    if button.count():
        def press():
            button.scroll_into_view_if_needed()
            button.click()
        found.append(("button", press))
    return found


def redrawn(page, widget, before, timeout_ms):
    """True once the explorer shows a picture other than ``before`` (False after ``timeout_ms``)."""
    try:
        page.wait_for_function(
            "([el, before]) => { const img = el.querySelector('img');"
            " return img && img.getAttribute('src') !== before; }",
            arg=[widget.element_handle(), before], timeout=timeout_ms)
        return True
    except Exception:  # playwright's TimeoutError: this control did not change the picture
        return False


def shut_down_kernels(base_url, token):
    """Stop every kernel of the server, so that each unit's test starts on a machine as quiet as the last."""
    with urllib.request.urlopen(f"{base_url}/api/kernels?token={token}", timeout=30) as answer:
        kernels = json.load(answer)
    for kernel in kernels:
        request = urllib.request.Request(f"{base_url}/api/kernels/{kernel['id']}?token={token}", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


@pytest.mark.parametrize("unit", UNITS)
def test_unit_runs_in_lab_and_every_explorer_is_live(unit, lab, tmp_path):
    """Does Run All show every explorer of the untouched unit live, and does each redraw when a control moves?"""
    base_url, token, log_path = lab
    expected = explorer_cells(unit)
    with contextlib.ExitStack() as cleanup, chromium_page() as page:
        cleanup.callback(shut_down_kernels, base_url, token)
        # A workspace of its own, so that only this unit is open and it is the current notebook.
        page.goto(f"{base_url}/lab/workspaces/{unit}/tree/course/{unit}/{unit}.ipynb?token={token}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", state="attached", timeout=120_000)
        run_all_cells(page)
        widgets = page.locator(WIDGET_OUTPUT)
        # Widget views attach to their models a moment after the cells ran, later on a busy machine:
        # wait for them (the count is asserted below either way).
        with contextlib.suppress(Exception):  # playwright's TimeoutError
            page.wait_for_function("([selector, expected]) => document.querySelectorAll(selector).length >= expected",
                                   arg=[WIDGET_OUTPUT, expected], timeout=60_000, polling=250)
        page.screenshot(path=str(tmp_path / f"{unit}.png"), full_page=True)
        text = page.locator(".jp-NotebookPanel").inner_text()
        assert "Error displaying widget" not in text, f"{unit}: a widget failed to display"
        shown = widgets.count()
        assert shown >= expected, (
            f"{unit}: {expected} cell(s) build an explorer but only {shown} widget(s) are shown after Run All"
            f" (does a failing test cell stop the run?)\nserver log:\n{log_path.read_text()[-1500:]}")
        assert expected > 0, f"{unit} builds no explorer"
        for index in range(shown):
            widget = widgets.nth(index)
            if not widget.locator(CONTROL).count():
                continue  # a widget without controls (a progress bar, say) has nothing to move
            # Each control gets a short look; a control that leaves the picture as it was (a
            # learning rate before any training) is no failure while another one redraws. Only
            # after all were tried does the test wait long, for any new picture, so that a busy
            # machine slows the test down but never changes its verdict.
            first, tried = picture_of(widget), []
            for how, action in moves(page, widget):
                before = picture_of(widget)
                action()
                tried.append(how)
                if redrawn(page, widget, before, timeout_ms=3_000):
                    break
            else:
                if not redrawn(page, widget, first, timeout_ms=30_000):
                    pytest.fail(f"{unit}: explorer {index} did not redraw after moving its {', '.join(tried)}")
