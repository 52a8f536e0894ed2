"""The quality gates every unit keeps, checked through the real nbgrader and real kernels.

- nbgrader metadata is valid, grade ids are unique, and the conventions the harness relies on hold;
- course/ is exactly what release makes from solutions/;
- a released notebook holds no solution, no hidden test, no model answer and no output;
- through the course's own grading engine (nbgrader's gradebook, a sandboxed kernel, the judge),
  every unit's release with the solutions' answers earns every automatic point, and each untouched
  release runs top to bottom, failing only on its unfinished stubs, and earns 0. All units are
  graded in one run, in parallel, as an instructor's ``grade`` does; how long a unit takes is
  measured in bench/ (bench_course.py, bench_grade.py), never asserted here.
"""
import json
import re
import shutil

import nbformat
import pytest

from autograder import assignments, grading, release, results
from autograder.kernel import sandbox
from tests.notebook_harness import COURSE, ROOT, SOLUTIONS, load, nbgrader_meta, notebook_path, source
from tests.hostile import corpus
from tests.unit_checks import check_test_cells

UNITS = release.units() if SOLUTIONS.is_dir() else []
if not UNITS:
    pytest.skip("no units in solutions/ yet", allow_module_level=True)

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


# ---- through the course's own grading engine ------------------------------------------------------

def units_requested(session):
    """The units of this module's tests that use the ``graded`` fixture, among those this run selected."""
    return sorted({item.callspec.params["unit"] for item in session.items
                   if "graded" in getattr(item, "fixturenames", ()) and hasattr(item, "callspec")
                   and item.callspec.params.get("unit") in UNITS})


@pytest.fixture(scope="module")
def graded(request, tmp_path_factory):
    """Every selected unit graded once, all together, through the course's engine (sandbox and judge).

    Two students hand in each unit: "solved" (the released notebook with the solutions' answers
    pasted into its answer cells, as a student who got everything right) and "untouched" (the
    release as it is). Only the units of the selected tests are graded, so ``-k 04_losses`` grades
    that unit alone. Returns {"course": the scratch course root, "results": {(student, unit): Result}}.
    """
    if sandbox.isolation_mode() == "none":
        pytest.skip("no sandbox possible on this machine")
    chosen = units_requested(request.session)
    root = tmp_path_factory.mktemp("graded") / "course"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    for unit in chosen:
        shutil.copytree(SOLUTIONS / unit, root / "solutions" / unit)
        shutil.copytree(COURSE / unit, root / "course" / unit)
        released = nbformat.read(notebook_path(unit, COURSE), as_version=4)
        answers = {nbgrader_meta(c)["grade_id"]: source(c) for c in load(unit)["cells"]
                   if nbgrader_meta(c).get("solution")}
        for student, nb in (("solved", corpus.answer(released, answers)), ("untouched", released)):
            folder = root / "autograder" / "submitted" / student / unit
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{unit}.ipynb")
    records = grading.grade_all(course_root=root, units=chosen, workers=2, progress=False)
    return {"course": root, "results": {(r.student, r.unit): r for r in records}}


def automatic_scores(course, unit, student):
    """(points earned, points possible) over the auto-graded code cells, read from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(assignments.db_url(course)) as gradebook:
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
def test_solved_notebook_earns_full_marks(unit, graded):
    """Does the release with the solutions' answers earn every automatic point, in the record and in
    nbgrader's gradebook, with no check failed and no cell raising?"""
    result = graded["results"][("solved", unit)]
    assert result.status == results.GRADED, result.reason
    assert result.max_score > 0 and result.score == pytest.approx(result.max_score), \
        [(c.grade_id, c.message) for c in result.checks if not c.passed]
    earned, possible = automatic_scores(graded["course"], unit, "solved")
    assert possible == pytest.approx(result.max_score) and earned == pytest.approx(possible)
    assert errors(autograded_notebook(graded["course"], unit, "solved")) == []


@pytest.mark.slow
@pytest.mark.parametrize("unit", UNITS)
def test_untouched_release_runs_through_and_scores_zero(unit, graded):
    """Does the untouched student notebook run to the end, failing only on its stubs, and earn nothing,
    each failure placed in the visible or the hidden part of its check?"""
    result = graded["results"][("untouched", unit)]
    assert result.status == results.GRADED, result.reason
    assert result.score == 0.0, [c.grade_id for c in result.checks if c.passed]
    assert result.checks and all(c.part in ("visible", "hidden") for c in result.checks)
    earned, possible = automatic_scores(graded["course"], unit, "untouched")
    assert possible > 0 and earned == 0, f"{unit}: untouched stubs earn {earned} of {possible}"
    notebook = autograded_notebook(graded["course"], unit, "untouched")
    unexpected = [e for e in errors(notebook) if e[1] not in STUB_ERRORS]
    assert unexpected == [], f"{unit}: the released notebook crashes where it should not: {unexpected}"
    last_code = [c for c in notebook["cells"] if c["cell_type"] == "code"][-1]
    assert last_code.get("execution_count"), "the notebook did not run to its last cell"
