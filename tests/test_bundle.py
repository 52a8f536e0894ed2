"""Tests of the student bundle: its content rules, and the student set-up driven in a real browser."""
import json
import os
import shutil
import sys
import tomllib
import zipfile

import pytest

from autograder import bundle, examples
from autograder.release import ROOT
from tests.browser import chromium_page, jupyter_lab, require_browser, status_of

INSTRUCTOR_TOOLS = ("Formgrader", "Create assignment", "Course List", "Assignment List")


@pytest.fixture(scope="module")
def course_root(tmp_path_factory):
    """A course root with the sample unit released by nbgrader."""
    root = tmp_path_factory.mktemp("bundle_course")
    examples.make_course(root, selected=["00_sample"])
    return root


@pytest.fixture(scope="module")
def unpacked(course_root, tmp_path_factory):
    """The bundle built from the course root, unzipped into a fresh folder."""
    path = bundle.build_bundle(course_root)
    target = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(path) as archive:
        archive.extractall(target)
    return target / bundle.TOP


def test_bundle_holds_the_course_nnlib_and_set_up_but_no_instructor_material(course_root, unpacked):
    """Does the unzipped bundle hold course/, nnlib with its data and the set-up, and nothing of the instructor's?"""
    assert (course_root / "dist" / bundle.BUNDLE_NAME).is_file()
    names = {p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*")}
    assert "course/00_sample/00_sample.ipynb" in names
    assert {"nnlib/__init__.py", "nnlib/checks.py", "nnlib/tolerance.py", "nnlib/data/digits.npz"} <= names
    assert {"README.md", "setup_course.py", "start_course.py", "requirements.txt", "nbgrader_config.py",
            "jupyter-config/labconfig/page_config.json", "jupyter-config/jupyter_server_config.json"} <= names
    top = {name.split("/")[0] for name in names}
    assert top.isdisjoint({"solutions", "autograder", "tests", "bench", "dist", ".git"})
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    released = (unpacked / "course" / "00_sample" / "00_sample.ipynb").read_text()
    source = (course_root / "solutions" / "00_sample" / "00_sample.ipynb").read_text()
    assert "hidden_cases" in source and "hidden_cases" not in released  # the hidden test is gone
    assert "np.maximum(z, 0.0)" in source and "np.maximum(z, 0.0)" not in released  # so is the solution


def test_check_bundle_catches_leaks(course_root, tmp_path):
    """Does check_bundle flag a solutions/ folder, a hidden-test marker and a copied hidden-test line?"""
    good = course_root / "dist" / bundle.BUNDLE_NAME
    assert bundle.check_bundle(good, course_root / "solutions") == []
    bad = tmp_path / "bad.zip"
    source = (course_root / "solutions" / "00_sample" / "00_sample.ipynb").read_text()
    hidden_line = next(line.strip() for line in "".join(json.loads(source)["cells"][5]["source"]).splitlines()
                       if line.startswith("hidden_cases"))
    shutil.copy(good, bad)
    with zipfile.ZipFile(bad, "a") as archive:
        archive.writestr(f"{bundle.TOP}/solutions/00_sample/00_sample.ipynb", source)
        archive.writestr(f"{bundle.TOP}/course/00_sample/notes.py", "# copied: " + hidden_line)
    problems = bundle.check_bundle(bad, course_root / "solutions")
    assert any("solutions/" in p for p in problems)
    assert any("BEGIN HIDDEN TESTS" in p for p in problems)
    assert any("line of a hidden test" in p and "notes.py" in p for p in problems)


def test_a_leaking_release_is_not_bundled(course_root, tmp_path):
    """Does build_bundle refuse, and write no zip, when course/ holds a hidden test?"""
    leaky = tmp_path / "leaky"
    shutil.copytree(course_root, leaky, ignore=shutil.ignore_patterns("dist"))
    shutil.copy(leaky / "solutions" / "00_sample" / "00_sample.ipynb",
                leaky / "course" / "00_sample" / "00_sample.ipynb")
    with pytest.raises(bundle.BundleError, match="hidden test"):
        bundle.build_bundle(leaky)
    assert not (leaky / "dist" / bundle.BUNDLE_NAME).exists()
    assert not (leaky / "dist" / (bundle.BUNDLE_NAME + ".partial")).exists()


def test_bundle_is_reproducible(course_root, tmp_path):
    """Does building twice from the same release give byte-identical zips?"""
    first = bundle.build_bundle(course_root, tmp_path / "one.zip")
    second = bundle.build_bundle(course_root, tmp_path / "two.zip")
    assert first.read_bytes() == second.read_bytes()


def test_requirements_match_pyproject(unpacked):
    """Does the bundle's requirements.txt list exactly the project's runtime dependencies?"""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert (unpacked / "requirements.txt").read_text().split("\n")[:-1] == deps
    assert any(d.startswith("nbgrader==") for d in deps)


def test_readme_quick_start_is_two_commands(unpacked):
    """Does the student README open with a quick start of exactly two commands, both files in the bundle?"""
    text = (unpacked / "README.md").read_text()
    block = text.split("## Quick start", 1)[1].split("```")[1]
    commands = [line for line in block.splitlines() if line.strip()]
    assert commands == ["python setup_course.py", "python start_course.py"]
    assert (unpacked / "setup_course.py").is_file() and (unpacked / "start_course.py").is_file()


def test_student_validate_uses_the_graders_time_limit(unpacked):
    """Does the student's nbgrader config give Validate the same cell time limit as grading?"""
    from traitlets.config.loader import PyFileConfigLoader
    student = PyFileConfigLoader("nbgrader_config.py", path=str(unpacked)).load_config()
    instructor = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert student.Execute.timeout == instructor.Execute.timeout
    assert student.ExecutePreprocessor.timeout == instructor.ExecutePreprocessor.timeout
    assert "db_url" not in student.CourseDirectory  # no gradebook on the student's side


def test_student_config_turns_off_every_instructor_plugin(unpacked):
    """Does the bundle's own config disable the instructor plugins and server extensions, and keep Validate?"""
    page = json.loads((unpacked / "jupyter-config" / "labconfig" / "page_config.json").read_text())
    off = {k for k, v in page["disabledExtensions"].items() if v}
    assert {"@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader",
            "@jupyter/nbgrader:course-list"} <= off
    assert "@jupyter/nbgrader:validate-assignment" not in off
    server = json.loads((unpacked / "jupyter-config" / "jupyter_server_config.json").read_text())
    extensions = server["ServerApp"]["jpserver_extensions"]
    assert extensions["nbgrader.server_extensions.formgrader"] is False
    assert extensions["nbgrader.server_extensions.validate_assignment"] is True


def test_the_real_course_bundles_cleanly(tmp_path):
    """Does the repository's own course/ make a bundle that passes the leak check against solutions/?"""
    if not any((ROOT / "course").glob("*/*.ipynb")):
        pytest.skip("course/ has no released unit yet")
    path = bundle.build_bundle(ROOT, tmp_path / bundle.BUNDLE_NAME)
    assert bundle.check_bundle(path, ROOT / "solutions") == []


# ----------------------------------------------------------------------------- the browser test

@pytest.fixture(scope="module")
def student_server(unpacked, tmp_path_factory):
    """The bundle's JupyterLab, started by its own start_course.py with this project's Python."""
    require_browser()
    home = tmp_path_factory.mktemp("jupyter_home")
    # Keep the user's own Jupyter settings out, so only the bundle's config decides.
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_PLATFORM_DIRS="1", HOME=str(home))
    env.pop("JUPYTER_CONFIG_PATH", None)
    env.pop("PYTHONPATH", None)  # the bundle's nnlib must be found through the set-up alone
    with jupyter_lab([sys.executable, "start_course.py"], cwd=unpacked, tmp_path=home, env=env) as server:
        base, token, _ = server
        yield base, token


@pytest.mark.browser
@pytest.mark.slow
def test_instructor_endpoints_are_off_and_validate_is_on(student_server):
    """Does the student server answer 404 for the formgrader and the exchange lists, but serve Validate?"""
    base, token = student_server
    for path in ("formgrader", "formgrader/api/assignments", "courses", "assignments"):
        assert status_of(f"{base}/{path}?token={token}") == 404, path
    assert status_of(f"{base}/nbgrader_version?version=0.9.6&token={token}") == 200


@pytest.mark.browser
@pytest.mark.slow
def test_validate_works_and_instructor_tools_are_off_in_the_browser(student_server, unpacked, course_root):
    """In headless Chromium, in my-work/: are the instructor tools absent, and does Validate fail a blank and pass a finished notebook?"""
    base, token = student_server
    source = course_root / "solutions" / "00_sample" / "00_sample.ipynb"
    # start_course.py copied the unit into my-work/, where students work
    released = unpacked / "my-work" / "00_sample" / "00_sample.ipynb"
    assert released.read_bytes() == (unpacked / "course" / "00_sample" / "00_sample.ipynb").read_bytes()
    (released.parent / "finished.ipynb").write_bytes(examples.make_examples(source, released)["perfect"])

    def validate(page, name):
        # ?reset starts from an empty workspace, so only this notebook is open.
        page.goto(f"{base}/lab/tree/my-work/00_sample/{name}?reset&token={token}")
        panel = page.locator(".jp-NotebookPanel:visible")
        panel.locator(".jp-Cell").first.wait_for(timeout=60_000)
        assert page.locator(".lm-TabBar-tab.lm-mod-current", has_text=name).count() >= 1
        panel.locator(".jp-Toolbar-item:has-text('Validate')").click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=120_000)
        text = dialog.inner_text()
        dialog.locator("button").last.click()
        dialog.wait_for(state="detached")
        return text

    with chromium_page() as page:
        blank = validate(page, "00_sample.ipynb")
        assert "Validation Results" in blank and "failed" in blank
        assert "NotImplementedError" in blank
        menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        assert "File" in menus and "Nbgrader" not in menus
        tabs = [t.get_attribute("title") or "" for t in page.locator(".lm-TabBar-tab").all()]
        assert not any("Create Assignment" in t for t in tabs), tabs
        page.keyboard.press("Control+Shift+C")  # the command palette lists every command there is
        palette = page.locator(".lm-CommandPalette")
        palette.wait_for(timeout=10_000)
        for tool in INSTRUCTOR_TOOLS:
            page.locator(".lm-CommandPalette-input").fill(tool)
            items = palette.locator(".lm-CommandPalette-item").all_inner_texts()
            assert not any(tool.lower() in item.lower() for item in items), (tool, items)
        page.keyboard.press("Escape")
        finished = validate(page, "finished.ipynb")
        assert "Success! Your notebook passes all the tests." in finished, finished

