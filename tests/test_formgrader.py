"""Does hand grading in nbgrader's formgrader work on a machine with no internet connection?

The formgrader shows a student's written answer with its formulas typeset by MathJax. nbgrader's
page asks for MathJax from a CDN; the course serves it from the Jupyter server instead (the
jupyter-server-mathjax package and autograder/templates/formgrade/mathjax.html.j2). The test grades
a submission with real nbgrader, opens its formgrader page in headless Chromium with every request
to anything but 127.0.0.1 refused, and looks for the typeset formula.
"""
import json
import shutil
import subprocess
import sys
from urllib.parse import urlparse

import pytest

import quickstart
from autograder import demo, examples
from autograder.release import tool_env
from tests.browser import chromium_page, jupyter_lab, require_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FORMULA = r"$\sigma(z) = \frac{1}{1 + e^{-z}}$"
ANSWER = f"Without one, every layer is linear, and so is their composition; the sigmoid {FORMULA} is not."


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """A course root (as the demo makes it) where nbgrader has autograded one student's notebook."""
    root = tmp_path_factory.mktemp("formgrader") / "course"
    examples.make_course(root, selected=["00_sample"])
    # the MathJax template comes from the installed course package, not from the course root
    assert not (root / "autograder" / "templates").exists()
    source = root / "solutions" / "00_sample" / "00_sample.ipynb"
    released = root / "course" / "00_sample" / "00_sample.ipynb"
    notebook = json.loads(examples.make_examples(source, released)["perfect"])
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "why_nonlinear":
            cell["source"] = ANSWER
    submitted = root / "autograder" / "submitted" / "ada" / "00_sample"
    submitted.mkdir(parents=True)
    (submitted / "00_sample.ipynb").write_text(json.dumps(notebook))
    for step in (["generate_assignment", "00_sample", "--force"], ["autograde", "00_sample"]):
        done = subprocess.run([sys.executable, "-m", "nbgrader", *step], cwd=root, env=tool_env(),
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    return root


@pytest.fixture(scope="module")
def formgrader(graded_course, tmp_path_factory):
    """JupyterLab started as `python3 quickstart.py formgrader DIR` starts it."""
    require_browser()
    tmp_path = tmp_path_factory.mktemp("formgrader_server")
    command = quickstart.formgrader_command(graded_course, python=sys.executable)
    with jupyter_lab(command, cwd=graded_course, tmp_path=tmp_path, env=quickstart.venv_env()) as server:
        yield server


def submission_id(course_root):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_root / 'autograder' / 'gradebook.db'}") as gradebook:
        return gradebook.find_submission_notebook("00_sample", "00_sample", "ada").id


def test_a_formula_in_a_written_answer_renders_with_the_network_off(formgrader, graded_course):
    """Offline, does the formgrader typeset the formula of a written answer (no raw $...$ left)?"""
    base, token, log_path = formgrader
    refused = []

    def offline(route):
        host = urlparse(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    missing = []
    with chromium_page() as page:
        page.route("**/*", offline)
        page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
        page.goto(f"{base}/formgrader/submissions/{submission_id(graded_course)}/?token={token}")
        answer = page.locator(".text_cell_render", has_text="Without one, every layer is linear")
        answer.wait_for(timeout=60_000)
        typeset = answer.locator(".MathJax, .MathJax_SVG, .MathJax_CHTML, mjx-container")
        typeset.first.wait_for(timeout=60_000)
        text = answer.inner_text()
        loaded = page.evaluate("typeof MathJax !== 'undefined' && !!MathJax.Hub")
    assert loaded, f"MathJax did not load; refused: {refused}\n{log_path.read_text()[-2000:]}"
    assert "\\frac" not in text and "$" not in text, text
    assert not any("mathjax" in url.lower() for url in refused), refused
    assert not [url for url in missing if "mathjax" in url.lower()], missing  # every MathJax file is served


def test_the_page_asks_this_server_for_mathjax(formgrader, graded_course):
    """Does the formgrade page load MathJax from this server and name no CDN (checked on the HTML itself)?"""
    import urllib.request

    base, token, _ = formgrader
    url = f"{base}/formgrader/submissions/{submission_id(graded_course)}/?token={token}"
    html = urllib.request.urlopen(url, timeout=30).read().decode()
    assert "static/jupyter_server_mathjax/MathJax.js" in html
    assert "cdnjs" not in html and "cdn.jsdelivr" not in html
    with urllib.request.urlopen(f"{base}/static/jupyter_server_mathjax/MathJax.js?token={token}",
                                timeout=30) as answer:
        assert answer.status == 200 and b"MathJax" in answer.read(2000)


@pytest.fixture(scope="module")
def demo_formgrader(tmp_path_factory):
    """The formgrader opened, as the demo's closing hint says, on the course root the demo made."""
    import os
    require_browser()
    tmp_path = tmp_path_factory.mktemp("demo_formgrader")
    work = tmp_path / "demo-work"
    env = dict(os.environ, PYTHONPATH=str(quickstart.ROOT), MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, "-m", "autograder", "demo", "--work", str(work), "--unit", "00_sample",
                           "--no-progress"], cwd=quickstart.ROOT, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"formgrader {work}" in done.stdout
    command = quickstart.formgrader_command(work, python=sys.executable)
    with jupyter_lab(command, cwd=work, tmp_path=tmp_path, env=quickstart.venv_env()) as server:
        yield work, server


def test_the_demos_written_answers_can_be_graded_by_hand(demo_formgrader):
    """On the demo's course root, does the formgrader show a student's written answer with a box for its points?"""
    from nbgrader.api import Gradebook

    work, (base, token, log_path) = demo_formgrader
    with Gradebook(f"sqlite:///{work / 'autograder' / 'gradebook.db'}") as gradebook:
        notebook_id = gradebook.find_submission_notebook("00_sample", "00_sample", "partial").id
    with chromium_page() as page:
        page.goto(f"{base}/?token={token}")  # logs in (a cookie for the formgrader's API), opens the formgrader
        page.wait_for_url("**/formgrader/**")
        page.goto(f"{base}/formgrader/submissions/{notebook_id}/")
        page.locator(".nbgrader_cell").first.wait_for(timeout=60_000)
        points = page.locator("input.score#why_nonlinear")  # the written answer's points box
        assert points.count() == 1, log_path.read_text()[-2000:]
        points.fill("1")
        with page.expect_response(lambda r: "/formgrader/api/grade/" in r.url and r.request.method == "PUT"):
            points.press("Tab")  # the formgrader saves on change
    with Gradebook(f"sqlite:///{work / 'autograder' / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade("why_nonlinear", "00_sample", "00_sample", "partial")
        assert grade.manual_score == 1


def test_the_demo_prints_the_command_that_opens_its_formgrader(tmp_path):
    """Is the demo's hand-grading hint the quickstart command, pointing at the demo's own course root?"""
    command = demo.formgrader_command(tmp_path / "demo-work")
    assert command.split()[:3] == ["python3", str(quickstart.ROOT / "quickstart.py"), "formgrader"] or \
        command.split()[:3] == ["python3", "quickstart.py", "formgrader"]
    assert command.endswith("demo-work")
    shutil.rmtree(tmp_path, ignore_errors=True)
