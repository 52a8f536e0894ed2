"""Does `python3 quickstart.py lab` open the course in JupyterLab with nbgrader's extension working?

The test starts the very command the quick start runs (quickstart.lab_command), opens it in headless
Chromium, and uses the notebook as a student would: the first unit opens, nbgrader's Validate
button is on the notebook's toolbar, and pressing it runs nbgrader's validator on the server, which
reports the unfinished exercises, and the hint of a wrong answer as one whole line (no traceback,
no chained exception, no path into the course library).
"""
import json
import shutil
import sys

import numpy as np
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
    answer_wrongly(root / "course" / "00_welcome" / "00_welcome.ipynb")
    shutil.copy(quickstart.ROOT / "nbgrader_config.py", root)
    (root / "autograder").mkdir()
    command = quickstart.lab_command(python=sys.executable, root=root)
    with jupyter_lab(command, cwd=root, tmp_path=tmp_path, env=quickstart.venv_env()) as server:
        yield server


# A dot product that multiplies the two sums: a mistake the checks recognise and explain.
WRONG_DOT_PRODUCT = "def dot_product(u, v):\n    return float(np.sum(u) * np.sum(v))\n"


def answer_wrongly(path):
    """Answer exercise 1 of the notebook at ``path`` with WRONG_DOT_PRODUCT, as a student would."""
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "dot_product":
            cell["source"] = WRONG_DOT_PRODUCT
    path.write_text(json.dumps(notebook))


def expected_hint():
    """What the visible test says about WRONG_DOT_PRODUCT, computed in-process with the unit's checks."""
    from nnlib.exercises import unit00

    namespace = {"np": np}
    exec(WRONG_DOT_PRODUCT, namespace)
    with pytest.raises(AssertionError) as failure:
        unit00.dot_product(namespace["dot_product"])
    return str(failure.value)


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
    # Unfinished exercises fail validation, and say they are not written yet.
    assert "failed" in text.lower() and "NotImplementedError" in text, (
        f"unexpected Validate dialog: {text[:500]!r}\nserver log:\n{log_path.read_text()[-2000:]}")
    # The wrong answer's hint appears whole, on one line, with nothing around it but the exception's name.
    hint = expected_hint()
    assert "multiplied the two sums" in hint
    assert f"CheckFailed: {hint}" in text.splitlines(), f"the hint is not shown whole: {text[:3000]!r}"
    for noise in ("During handling of the above exception", "Traceback", "checks.py", "site-packages"):
        assert noise not in text, f"Validate shows {noise!r}: {text[:3000]!r}"
