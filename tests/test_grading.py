"""grade_all end to end on nbgrader's engine: records, gradebook, autograded notebooks, reruns.

Notebook-running tests share one graded course (module scope); the real units of solutions/ are
graded through the same engine in tests/test_judge.py.
"""
import json
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import grading, results
from autograder.kernel import sandbox
from tests.hostile import corpus

UNIT = corpus.UNIT
STUDENTS = ["good", "partial", "blank", "warns", "renamed", "missing"]


def db(root):
    return "sqlite:///" + str(Path(root) / "autograder" / "gradebook.db")


def write_essay(root, student):
    """A correct student who also answers the written question (a manual grade is then due)."""
    nb = corpus.answer(corpus.released(root), {**corpus.CORRECT, "why": "Scaling distributes over sums."})
    corpus.write_nb(root, student, nb)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    if sandbox.isolation_mode() == "none":
        pytest.skip("no sandbox possible on this machine")
    root = corpus.make_course(tmp_path_factory.mktemp("grading") / "course", timeout=10)
    corpus.write_all(root, STUDENTS)
    write_essay(root, "essay")
    first = grading.grade_all(course_root=root, workers=2, progress=False)
    return {"root": root, "first": {r.student: r for r in first}}


# ---- fast: the results record and the refusals ------------------------------------------------

def test_results_round_trip(tmp_path):
    """Does a record written by write_result read back equal, as the JSON the contract describes?"""
    record = results.Result(student="ann", unit="01_x", status=results.TIMED_OUT, reason="slow",
                            score=1.5, max_score=3.0, manual_pending=1.0, repairs=["renamed"],
                            checks=[{"grade_id": "t1", "points": 1.5, "max_points": 2.0,
                                     "passed": False, "message": "CheckFailed: no"}])
    path = results.write_result(tmp_path, record)
    assert path == tmp_path / "autograder" / "results" / "ann" / "01_x.json"
    assert results.read_result(tmp_path, "ann", "01_x") == record
    data = json.loads(path.read_text())
    assert set(data) == {"student", "unit", "status", "reason", "score", "max_score", "manual_pending",
                         "repairs", "checks", "graded_at", "seconds"}
    assert results.read_all(tmp_path) == [record]
    assert results.read_result(tmp_path, "bob", "01_x") is None


def test_results_reject_unknown_status():
    """Is a record with a status outside the list refused?"""
    with pytest.raises(ValueError):
        results.Result(student="a", unit="u", status="excellent")


def test_unknown_unit_is_a_usage_error(tmp_path):
    """Does asking for a unit that does not exist fail before anything runs?"""
    root = tmp_path / "course"
    (root / "solutions").mkdir(parents=True)
    with pytest.raises(grading.GradingError, match="Unknown unit"):
        grading.grade_all(units=["99_nothing"], course_root=root, progress=False)


def test_isolation_is_available_here():
    """Is a sandbox available where these tests run (root on Linux), so grade never runs unconfined?"""
    assert grading.check_isolation() in ("root", "userns")


# ---- one graded course ------------------------------------------------------------------------

@pytest.mark.slow
def test_records_for_every_student(course):
    """Does every (student, unit) get a record with the right status and score?"""
    got = {s: (r.status, r.score) for s, r in course["first"].items()}
    expected = {s: corpus.EXPECTED[s] for s in STUDENTS}
    expected["essay"] = (results.GRADED, corpus.MAX_SCORE)
    assert got == expected


@pytest.mark.slow
def test_checks_carry_points_and_messages(course):
    """Does each record list every test cell with its points and the check's own message?"""
    partial = course["first"]["partial"]
    assert [c.grade_id for c in partial.checks] == ["test_double", "test_double_hidden", "test_mean_abs"]
    assert [c.points for c in partial.checks] == [1.0, 2.0, 0.0]
    failed = partial.checks[2]
    assert not failed.passed and failed.message.startswith("CheckFailed: mean_abs([-1, 3]) is not right")
    blank = course["first"]["blank"]
    assert all(c.message.startswith("NotImplementedError") for c in blank.checks)


@pytest.mark.slow
def test_manual_answers_are_pending(course):
    """Are points of an answered written question counted as waiting for hand grading?"""
    assert course["first"]["essay"].manual_pending == 1.0
    assert course["first"]["good"].manual_pending == 0.0  # unanswered: nothing to grade


@pytest.mark.slow
def test_gradebook_matches_records(course):
    """Does nbgrader's gradebook hold the same auto scores as the records?"""
    with Gradebook(db(course["root"]), "nnfs") as gradebook:
        for student, record in course["first"].items():
            notebook = gradebook.find_submission_notebook(UNIT, UNIT, student)
            assert notebook.score == pytest.approx(record.score)
            assert notebook.max_score == corpus.MAX_SCORE + 1  # nbgrader counts the written answer too


@pytest.mark.slow
def test_autograded_notebooks_are_nbgraders(course):
    """Is an autograded notebook written where nbgrader's formgrader looks, with hidden tests restored?"""
    path = course["root"] / "autograder" / "autograded" / "good" / UNIT / f"{UNIT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    assert any("BEGIN HIDDEN TESTS" in c.source for c in nb.cells)
    assert not any("kernel_guard" in c.source for c in nb.cells)
    assert not (course["root"] / "autograder" / "autograded" / "missing" / UNIT / f"{UNIT}.ipynb").exists()


@pytest.mark.slow
def test_rerun_is_safe_and_keeps_manual_grades(course):
    """Does grading again give the same scores, keep a manual grade and not duplicate submissions?"""
    root = course["root"]
    with Gradebook(db(root), "nnfs") as gradebook:
        grade = gradebook.find_grade("why", UNIT, UNIT, "essay")
        grade.manual_score = 0.5
        gradebook.db.commit()
    again = {r.student: r for r in grading.grade_all(course_root=root, workers=2, progress=False)}
    assert {s: (r.status, r.score, r.checks) for s, r in again.items()} == \
        {s: (r.status, r.score, r.checks) for s, r in course["first"].items()}
    assert again["essay"].manual_pending == 0.0
    with Gradebook(db(root), "nnfs") as gradebook:
        assert gradebook.find_grade("why", UNIT, UNIT, "essay").manual_score == 0.5
        assert len(gradebook.find_assignment(UNIT).submissions) == len(STUDENTS) + 1
    assert results.read_result(root, "good", UNIT) == again["good"]


@pytest.mark.slow
def test_subset_of_students(course):
    """Does grading only some students leave the others' records as they were?"""
    root = course["root"]
    before = results.read_result(root, "partial", UNIT)
    only = grading.grade_all(students=["good"], course_root=root, workers=1, progress=False)
    assert [r.student for r in only] == ["good"]
    assert results.read_result(root, "partial", UNIT) == before


@pytest.mark.slow
def test_second_run_at_once_is_refused(course):
    """Is a second grade run on the same course refused while one is going on?"""
    with grading._exclusive(course["root"]):
        with pytest.raises(grading.GradingError, match="Another grade run"):
            grading.grade_all(students=["good"], course_root=course["root"], progress=False)


@pytest.mark.slow
def test_wall_time_stop_is_retried_alone(tmp_path):
    """Is a notebook stopped on wall time (not on computing time) graded once more, alone, before
    its status counts, while a busy but honest one beside it keeps its points?"""
    if sandbox.isolation_mode() == "none":
        pytest.skip("no sandbox possible on this machine")
    root = corpus.make_course(tmp_path / "course", timeout=1)
    corpus.write_all(root, ["good"])
    sleeper = corpus.answer(corpus.released(root),
                            {**corpus.CORRECT, "double": "import time\ntime.sleep(60)\n" + corpus.CORRECT["double"]})
    corpus.write_nb(root, "sleeper", sleeper)
    graded = {r.student: r for r in grading.grade_all(course_root=root, workers=2, progress=False)}
    assert graded["good"].status == results.GRADED and graded["good"].score == corpus.MAX_SCORE
    sleeper = graded["sleeper"]
    assert sleeper.status == results.TIMED_OUT
    assert any("second run, alone" in r for r in sleeper.repairs)
