"""The quality gates every unit keeps, checked through the real nbgrader and real kernels.

- nbgrader metadata is valid, grade ids are unique, and the conventions the harness relies on hold;
- course/ is exactly what release makes from solutions/;
- a released notebook holds no solution, no hidden test, no model answer and no output;
- through the real autograder, each solutions notebook earns every automatic point, and each
  untouched released notebook runs top to bottom, failing only on its unfinished stubs, and earns 0;
- each notebook executes well within its time budget.
"""
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder import release
from tests.notebook_harness import COURSE, ROOT, SOLUTIONS, load, nbgrader_meta, notebook_path, source
from tests.unit_checks import check_test_cells

UNITS = release.units() if SOLUTIONS.is_dir() else []
if not UNITS:
    pytest.skip("no units in solutions/ yet", allow_module_level=True)

# The budget: a notebook must execute in well under a minute.
NOTEBOOK_BUDGET_SECONDS = 60
# Errors a released notebook may raise: its stubs' NotImplementedError, and the checks failing on them.
STUB_ERRORS = {"NotImplementedError", "CheckFailed"}


@pytest.mark.parametrize("unit", UNITS)
def test_unit_id_is_a_valid_assignment_name(unit):
    """Is the unit id usable by nbgrader (no dots, no spaces) and is the notebook named after it?"""
    assert re.fullmatch(r"\d\d_[a-z0-9_]+", unit), unit
    assert notebook_path(unit).is_file(), f"expected solutions/{unit}/{unit}.ipynb"


@pytest.mark.parametrize("unit", UNITS)
def test_nbgrader_metadata_is_valid_and_grade_ids_unique(unit):
    """Is every nbgrader cell well formed, with unique ids and points where points are due?"""
    notebook = nbformat.read(notebook_path(unit), as_version=4)
    nbformat.validate(notebook)
    ids = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        assert meta.get("schema_version") == 3, f"{meta.get('grade_id')}: schema_version must be 3"
        grade_id = meta.get("grade_id", "")
        assert re.fullmatch(r"[A-Za-z0-9_\-]+", grade_id), f"bad grade_id {grade_id!r}"
        ids.append(grade_id)
        if meta.get("grade"):
            assert float(meta.get("points", 0)) > 0, f"{grade_id} is graded but has no points"
        if meta.get("solution") and cell.cell_type == "code":
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, grade_id
        if meta.get("grade") and not meta.get("solution"):
            assert meta.get("locked"), f"test cell {grade_id} must be locked"
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate grade ids: {duplicates}"


@pytest.mark.parametrize("unit", UNITS)
def test_unit_has_the_parts_every_unit_needs(unit):
    """Does the unit open with a locked setup cell, and have auto-graded tests, hidden tests and a written answer?"""
    cells = load(unit)["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert nbgrader_meta(code[0]).get("grade_id") == "setup", "the first code cell must be the locked `setup` cell"
    assert nbgrader_meta(code[0]).get("locked")
    tests = [c for c in code if nbgrader_meta(c).get("grade")]
    assert tests, "no auto-graded test cell"
    assert any("### BEGIN HIDDEN TESTS" in source(c) for c in tests), "no hidden tests"
    written = [c for c in cells if c["cell_type"] == "markdown"
               and nbgrader_meta(c).get("grade") and nbgrader_meta(c).get("solution")]
    assert written, "no written answer graded by hand"
    assert not any(c.get("outputs") for c in code), "solutions notebooks are saved without outputs"


@pytest.mark.parametrize("unit", UNITS)
def test_run_all_goes_past_failing_test_cells(unit):
    """Is every test cell tagged raises-exception, so that Run All on an untouched unit reaches every explorer?

    JupyterLab stops Run All at the first cell that raises unless the cell carries this tag; an
    untouched unit's test cells all raise (the stubs are not written yet).
    """
    untagged = [nbgrader_meta(c)["grade_id"] for c in load(unit)["cells"]
                if c["cell_type"] == "code" and nbgrader_meta(c).get("grade")
                and "raises-exception" not in c.get("metadata", {}).get("tags", [])]
    assert untagged == [], f"{unit}: test cells without the raises-exception tag: {untagged}"


@pytest.mark.parametrize("unit", UNITS)
def test_test_cells_are_short_and_use_only_setup_and_solution_names(unit):
    """Does every test cell show the student a call or two into the check module, and use only names the kernel has?

    The judge runs grade cells outside the student's process with stand-ins for the names the
    solution cells define, so a grade cell may use nothing else (see tests/unit_checks.py).
    """
    check_test_cells(unit)


def files(folder):
    """The files of a folder that git keeps (Jupyter's checkpoints are ignored)."""
    return sorted(p.relative_to(folder) for p in folder.rglob("*")
                  if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts)


@pytest.mark.parametrize("unit", UNITS)
def test_course_is_exactly_the_release_of_solutions(unit, tmp_path):
    """Is course/<unit> exactly what nbgrader's release makes from solutions/<unit>?"""
    fresh = release.generate(unit, tmp_path)
    committed = COURSE / unit
    assert committed.is_dir(), f"course/{unit} is missing: run `python -m autograder release`"
    fresh_files = files(fresh)
    committed_files = files(committed)
    assert committed_files == fresh_files
    for name in fresh_files:
        if name.suffix == ".ipynb":
            assert json.loads((committed / name).read_text()) == json.loads((fresh / name).read_text()), (
                f"course/{unit}/{name} differs from its release: run `python -m autograder release {unit}`")
        else:
            assert (committed / name).read_bytes() == (fresh / name).read_bytes()


@pytest.mark.parametrize("unit", UNITS)
def test_released_notebook_hides_solutions_hidden_tests_and_model_answers(unit):
    """Does the student's notebook hold no solution, hidden test, model answer or output?"""
    text = notebook_path(unit, COURSE).read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text, f"course/{unit} still contains {marker!r}"
    released = load(unit, COURSE)["cells"]
    for cell in load(unit)["cells"]:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and cell["cell_type"] == "markdown":
            twin = next(c for c in released if nbgrader_meta(c).get("grade_id") == meta["grade_id"])
            assert source(twin).strip() == "YOUR ANSWER HERE", f"model answer {meta['grade_id']} leaked"
    for cell in released:
        assert not cell.get("outputs"), "released notebooks carry no outputs"


# ---- through the real autograder ---------------------------------------------------------------

@pytest.fixture(scope="module")
def scratch_course(tmp_path_factory):
    """A scratch course holding the solutions, where units are released and autograded."""
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    (course / "autograder").mkdir()
    shutil.copytree(SOLUTIONS, course / "solutions")
    return {"course": course, "seconds": {}}


@pytest.fixture
def autograded(scratch_course, unit):
    """Autograde the solutions notebook and the untouched released notebook of ``unit``, once per unit.

    Grading is done lazily, unit by unit, so that ``-k 04_losses`` grades that unit alone.
    Returns {"course": scratch root, "seconds": {unit: wall time of the solution's autograde}}.
    """
    course, timings = scratch_course["course"], scratch_course["seconds"]
    if unit not in timings:
        run_nbgrader(course, "generate_assignment", unit, "--force")
        for student, folder in (("solution", SOLUTIONS), ("untouched", COURSE)):
            target = course / "autograder" / "submitted" / student / unit
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(notebook_path(unit, folder), target / f"{unit}.ipynb")
        started = time.perf_counter()
        run_nbgrader(course, "autograde", unit, "--student=solution")
        timings[unit] = time.perf_counter() - started
        run_nbgrader(course, "autograde", unit, "--student=untouched")
    return scratch_course


def run_nbgrader(course, *args):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                          capture_output=True, text=True, env=release.tool_env())
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


def automatic_scores(course, unit, student):
    """(points earned, points possible) over the auto-graded code cells, read from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'autograder' / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(unit, unit, student)
        grades = [g for g in notebook.grades if g.cell.cell_type == "code"]
        return sum(g.auto_score or 0 for g in grades), sum(g.max_score for g in grades)


def autograded_notebook(course, unit, student):
    return json.loads((course / "autograder" / "autograded" / student / unit / f"{unit}.ipynb").read_text())


def errors(notebook):
    return [(nbgrader_meta(c).get("grade_id", "-"), o["ename"], o.get("evalue", ""))
            for c in notebook["cells"] if c["cell_type"] == "code"
            for o in c.get("outputs", []) if o["output_type"] == "error"]


@pytest.mark.slow
@pytest.mark.parametrize("unit", UNITS)
def test_solutions_notebook_earns_full_marks(unit, autograded):
    """Does the instructor's notebook, submitted as is, earn every automatic point and raise nothing?"""
    earned, possible = automatic_scores(autograded["course"], unit, "solution")
    assert possible > 0
    assert earned == possible, f"{unit}: the solutions earn {earned} of {possible}"
    assert errors(autograded_notebook(autograded["course"], unit, "solution")) == []


@pytest.mark.slow
@pytest.mark.parametrize("unit", UNITS)
def test_untouched_release_runs_through_and_scores_zero(unit, autograded):
    """Does the untouched student notebook run to the end, failing only on its stubs, and earn nothing?"""
    earned, possible = automatic_scores(autograded["course"], unit, "untouched")
    assert possible > 0 and earned == 0, f"{unit}: untouched stubs earn {earned} of {possible}"
    notebook = autograded_notebook(autograded["course"], unit, "untouched")
    unexpected = [e for e in errors(notebook) if e[1] not in STUB_ERRORS]
    assert unexpected == [], f"{unit}: the released notebook crashes where it should not: {unexpected}"
    last_code = [c for c in notebook["cells"] if c["cell_type"] == "code"][-1]
    assert last_code.get("execution_count"), "the notebook did not run to its last cell"


@pytest.mark.slow
@pytest.mark.parametrize("unit", UNITS)
def test_notebook_executes_within_its_budget(unit, autograded):
    """Does grading the full solutions notebook (nbgrader start-up included) stay well under a minute?"""
    seconds = autograded["seconds"][unit]
    print(f"{unit}: autograded in {seconds:.1f} s")
    assert seconds < NOTEBOOK_BUDGET_SECONDS, f"{unit} took {seconds:.0f} s to grade"
