"""Does `python3 quickstart.py lab` open the course in JupyterLab with nbgrader's extension working?

The test starts the very command the quick start runs (quickstart.lab_command), opens it in headless
Chromium, and uses the notebook as a student would: the first unit opens, nbgrader's Validate
button is on the notebook's toolbar, and pressing it runs nbgrader's validator on the server, which
reports the unfinished exercises of an untouched notebook.
"""
import shutil
import sys

import pytest

import quickstart
from tests.browser import chromium_page, jupyter_lab, require_browser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require_browser()
    if not (quickstart.ROOT / "course" / "00_welcome" / "00_welcome.ipynb").exists():
        pytest.skip("course/00_welcome has not been released yet")
    tmp_path = tmp_path_factory.mktemp("lab")
    # A copy of the course, so that nothing the browser does (checkpoints, saves) touches course/.
    root = tmp_path / "repo"
    shutil.copytree(quickstart.ROOT / "course", root / "course")
    shutil.copy(quickstart.ROOT / "nbgrader_config.py", root)
    (root / "autograder").mkdir()
    command = quickstart.lab_command(python=sys.executable, root=root)
    with jupyter_lab(command, cwd=root, tmp_path=tmp_path, env=quickstart.venv_env()) as server:
        yield server


def test_lab_opens_the_first_unit_and_validate_reports_unfinished_work(lab, tmp_path):
    """Does the first unit open, and does nbgrader's Validate run on it and report the stubs?"""
    base_url, token, log_path = lab
    with chromium_page() as page:
        page.goto(f"{base_url}/?token={token}")
        # The quick start's default URL opens unit 00 by itself.
        page.wait_for_selector(".jp-NotebookPanel", timeout=120_000)
        assert "00_welcome.ipynb" in page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current").first.inner_text()
        validate = page.get_by_role("button", name="Validate")
        validate.first.wait_for(timeout=60_000)
        validate.first.click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=120_000)
        page.wait_for_timeout(500)
        text = dialog.inner_text()
        page.screenshot(path=str(tmp_path / "validate.png"))
    # An untouched notebook fails validation because its exercises are unfinished.
    assert "failed" in text.lower() and "NotImplementedError" in text, (
        f"unexpected Validate dialog: {text[:500]!r}\nserver log:\n{log_path.read_text()[-2000:]}")
