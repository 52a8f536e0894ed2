"""Does nbgrader, run with the course's nbgrader_config.py, grade the way the course promises?

- a correct answer that prints a Python warning keeps its points (nbgrader alone scores any stderr 0);
- other stderr output still costs the points, as in plain nbgrader;
- a cell that runs past the time limit is stopped, scores 0, and the rest of the notebook still runs;
- the layout (solutions/ as source, course/ as release, grading state under autograder/) is the one
  the README describes.
"""
import shutil
import subprocess
import sys

import nbformat
import pytest
from traitlets.config.loader import PyFileConfigLoader

from autograder.release import tool_env
from tests.notebook_harness import ROOT

UNIT = "98_config"


def cell(kind, text, grade_id=None, **flags):
    new = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    made = new(text)
    if grade_id:
        meta = {"grade_id": grade_id, "grade": False, "solution": False, "locked": False, "schema_version": 3}
        meta.update(flags)
        made.metadata["nbgrader"] = meta
    return made


def notebook():
    cells = [
        cell("code", "import sys, time, warnings\nimport numpy as np", "setup", locked=True),
        cell("code", "def mean(x):\n    ### BEGIN SOLUTION\n"
                     "    warnings.warn('np.mean would be faster here', UserWarning)\n"
                     "    return sum(x) / len(x)\n    ### END SOLUTION", "mean", solution=True),
        cell("code", '"""Is mean right? (the answer prints a warning)"""\nassert mean([1, 2, 3]) == 2',
             "test_mean", grade=True, locked=True, points=2),
        cell("code", '"""A cell that writes to stderr without a warning."""\n'
                     "print('not a warning', file=sys.stderr)", "test_stderr", grade=True, locked=True, points=1),
        cell("code", '"""A cell that never ends."""\nwhile True:\n    time.sleep(0.05)',
             "test_forever", grade=True, locked=True, points=1),
        cell("code", '"""Does the notebook go on after the cell that timed out?"""\nassert mean([2, 4]) == 3',
             "test_after", grade=True, locked=True, points=1),
    ]
    made = nbformat.v4.new_notebook(cells=cells)
    made.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return made


def nbgrader(course, *args):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                          capture_output=True, text=True, env=tool_env())
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def grades(tmp_path_factory):
    """Grade the fixture notebook with the course's config (time limit lowered to keep the test short)."""
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    (course / "autograder").mkdir()
    (course / "solutions" / UNIT).mkdir(parents=True)
    nbformat.write(notebook(), course / "solutions" / UNIT / f"{UNIT}.ipynb")
    nbgrader(course, "generate_assignment", UNIT)
    submitted = course / "autograder" / "submitted" / "ada" / UNIT
    submitted.mkdir(parents=True)
    shutil.copy(course / "solutions" / UNIT / f"{UNIT}.ipynb", submitted)
    nbgrader(course, "autograde", UNIT, "--Execute.timeout=4")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'autograder' / 'gradebook.db'}") as gradebook:
        graded = gradebook.find_submission_notebook(UNIT, UNIT, "ada")
        return {g.name: g.auto_score for g in graded.grades}, course


@pytest.mark.slow
def test_correct_answer_that_prints_a_warning_keeps_its_points(grades):
    """Does a warning on stderr leave a right answer its points?"""
    scores, _ = grades
    assert scores["test_mean"] == 2


@pytest.mark.slow
def test_other_stderr_output_still_scores_zero(grades):
    """Is only the warning pattern forgiven, not any stderr output?"""
    scores, _ = grades
    assert scores["test_stderr"] == 0


@pytest.mark.slow
def test_cell_past_the_time_limit_scores_zero_and_grading_goes_on(grades):
    """Is a never-ending cell stopped and scored 0, with the following cells still run and scored?"""
    scores, _ = grades
    assert scores["test_forever"] == 0
    assert scores["test_after"] == 1


def test_layout_and_limits_are_configured():
    """Does the config put source, release and grading state where the README says, with a time limit per cell?"""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    course = config.CourseDirectory
    assert course.root == str(ROOT)
    assert course.source_directory == "solutions"
    assert course.release_directory == "course"
    assert course.submitted_directory == "autograder/submitted"
    assert course.autograded_directory == "autograder/autograded"
    assert course.feedback_directory == "autograder/feedback"
    assert course.db_url == f"sqlite:///{ROOT / 'autograder' / 'gradebook.db'}"
    assert 0 < config.Execute.timeout <= 120
    assert config.IgnorePattern.enabled is True
