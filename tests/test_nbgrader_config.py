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


# ---- Validate shows the hint (issue 8) -------------------------------------------------------------
NEURON = "01_neuron"
MISSING_BIAS = "def weighted_sum(x, w, b):\n    return np.dot(x, w)\n"
# Right, but numpy warns about an overflow at z = -1000 (the notebook says this sigmoid counts as safe).
PLAIN_SIGMOID = "def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))\n"


def answered(unit, replacements):
    """The released notebook of ``unit`` with every exercise answered by the model answer, then ``replacements``.

    ``replacements`` maps a function name to new source for the solution cell that defines it.
    """
    released = nbformat.read(ROOT / "course" / unit / f"{unit}.ipynb", as_version=4)
    solutions = {c.metadata["nbgrader"]["grade_id"]: c for c in
                 nbformat.read(ROOT / "solutions" / unit / f"{unit}.ipynb", as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in released.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in solutions:
            lines = [line for line in solutions[grade_id].source.split("\n") if "### " not in line]
            cell.source = "\n".join(lines)
    for name, new_source in replacements.items():
        cell = next(c for c in released.cells if c.metadata.get("nbgrader", {}).get("solution")
                    and f"def {name}(" in c.source)
        start = cell.source.index(f"def {name}(")
        rest = cell.source[start + 1:]
        end = rest.find("\ndef ")
        cell.source = cell.source[:start] + new_source + ("" if end < 0 else rest[end:])
    return released


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    """`nbgrader validate` and autograde, with the course's config, of unit 01 with a wrong and a warning answer."""
    course = tmp_path_factory.mktemp("validate")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    (course / "autograder").mkdir()
    shutil.copytree(ROOT / "solutions" / NEURON, course / "solutions" / NEURON)
    notebook = answered(NEURON, {"weighted_sum": MISSING_BIAS, "sigmoid": PLAIN_SIGMOID})
    student = course / "mine" / f"{NEURON}.ipynb"
    student.parent.mkdir()
    nbformat.write(notebook, student)
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(student)], cwd=course,
                          capture_output=True, text=True, env=tool_env())
    nbgrader(course, "generate_assignment", NEURON)
    submitted = course / "autograder" / "submitted" / "ada" / NEURON
    submitted.mkdir(parents=True)
    shutil.copy(student, submitted)
    nbgrader(course, "autograde", NEURON)

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'autograder' / 'gradebook.db'}") as gradebook:
        graded = gradebook.find_submission_notebook(NEURON, NEURON, "ada")
        scores = {g.name: (g.auto_score, g.max_score) for g in graded.grades}
    autograded = nbformat.read(course / "autograder" / "autograded" / "ada" / NEURON / f"{NEURON}.ipynb", as_version=4)
    return done.stdout + done.stderr, scores, autograded


def expected_hint(check, answer_source, name):
    """The message the check gives in-process for ``answer_source``: what Validate must print whole."""
    import numpy as np

    namespace = {"np": np, "__name__": "__main__"}
    exec(answer_source, namespace)
    with pytest.raises(AssertionError) as failure:
        check(namespace[name])
    return str(failure.value)


@pytest.mark.slow
def test_validate_prints_the_hint_whole_on_one_line(validated):
    """Does `nbgrader validate` show a wrong answer's hint as one whole line, with no traceback or internal path?"""
    from nnlib.exercises import unit01

    output, _, _ = validated
    hint = expected_hint(unit01.weighted_sum_single, MISSING_BIAS, "weighted_sum")
    assert "left out the bias" in hint and hint.startswith("Exercise 1:")
    assert f"    CheckFailed: {hint}\n" in output, f"the hint is not printed whole:\n{output[:3000]}"
    for noise in ("During handling of the above exception", "Traceback", "checks.py", "site-packages", "File \""):
        assert noise not in output, f"Validate printed {noise!r}:\n{output[:3000]}"
    failure_lines = [line for line in output.splitlines() if line.startswith("    CheckFailed:")]
    assert failure_lines and not any(line.endswith("...") for line in failure_lines), failure_lines


@pytest.mark.slow
def test_pieces_are_named_in_validate(validated):
    """Does the cell of a correct neuron_output, built on the broken weighted_sum, say to fix exercise 1 first?"""
    output, _, _ = validated
    assert "Exercise 2: neuron_output uses your weighted_sum, which does not pass its own test yet: fix exercise 1" in output


@pytest.mark.slow
def test_a_warning_answer_passes_in_the_notebook_in_validate_and_in_the_grade(validated):
    """Does the plain sigmoid, which makes numpy warn, pass in its cells' outputs, in Validate and in the grade?"""
    output, scores, autograded = validated
    assert "check.sigmoid" not in output, "Validate reports a sigmoid cell as failed"
    for grade_id in ("test_sigmoid_values", "test_sigmoid_grad_values", "test_sigmoid_shapes_and_extremes"):
        earned, possible = scores[grade_id]
        assert earned == possible, f"{grade_id} earned {earned} of {possible}"
        cell = next(c for c in autograded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
        bad = [o for o in cell.outputs if o.output_type == "error" or o.get("name") == "stderr"]
        assert not bad, f"{grade_id} wrote {bad}"
    assert scores["test_weighted_sum_single"][0] == 0
