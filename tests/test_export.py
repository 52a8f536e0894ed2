"""Tests of export: the grades CSV from results records (written here with results.py)."""
import csv
import shutil

import pytest

from autograder import export, results
from autograder.examples import SAMPLE_UNIT
from autograder.release import ROOT

UNITS = ("00_sample", "01_copy")
CHECK_IDS = ("test_weighted_sum", "test_weighted_sum_hidden", "test_relu", "test_relu_hidden")
POINTS = {"test_weighted_sum": 1.0, "test_weighted_sum_hidden": 2.0, "test_relu": 1.0, "test_relu_hidden": 2.0}
EVIL = "<script>alert('owned')</script>"


def checks(failed=(), messages=None):
    """Check records for the sample unit's four tests, failing those in ``failed``."""
    messages = messages or {}
    return [{"grade_id": g, "points": 0.0 if g in failed else POINTS[g], "max_points": POINTS[g],
             "passed": g not in failed, "message": messages.get(g, "") if g in failed else ""}
            for g in CHECK_IDS]


def build_results(root):
    """A course root with two units (sources only) and results records for four students.

    ada: both units perfect; bob: 00 invalid, 01 partly right; eve: 00 partly right with a message
    holding HTML, 01 never submitted; zed: collected for 00 but not graded yet.
    """
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    for unit in UNITS:
        (root / "solutions" / unit).mkdir(parents=True)
        shutil.copy(SAMPLE_UNIT / "00_sample.ipynb", root / "solutions" / unit / f"{unit}.ipynb")
    write = lambda **kw: results.write_result(root, results.Result(**kw))  # noqa: E731
    for unit in UNITS:
        write(student="ada", unit=unit, status="graded", score=6.0, max_score=6.0, manual_pending=1.0,
              checks=checks())
    write(student="bob", unit="00_sample", status="invalid", reason="The file is not a notebook: it is cut off.",
          score=0.0, max_score=6.0, manual_pending=0.0)
    write(student="bob", unit="01_copy", status="graded", score=2.0, max_score=6.0, manual_pending=1.0,
          checks=checks(failed=("test_weighted_sum_hidden", "test_relu", "test_relu_hidden"),
                        messages={"test_relu": "relu is not right (largest error 0.5). Got [0.5], expected [0.].",
                                  "test_relu_hidden": "relu is not right (largest error 7.25). relu returned |z|.",
                                  "test_weighted_sum_hidden": "weighted_sum raised TypeError: bad operand"}))
    write(student="eve", unit="00_sample", status="graded", score=4.0, max_score=6.0, manual_pending=1.0,
          reason="", repairs=[f"restored the test cell {EVIL}"],
          checks=checks(failed=("test_relu_hidden",),
                        messages={"test_relu_hidden": f"relu is not right (largest error 3.5). {EVIL}"}))
    (root / "autograder" / "submitted" / "zed" / "00_sample").mkdir(parents=True)
    return root


@pytest.fixture
def course(tmp_path):
    return build_results(tmp_path)


def read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def test_columns_are_per_unit_and_per_question_in_course_order(course):
    """Is the header student, then per unit its score, status, submission time, lateness and questions in notebook order, then totals?"""
    path, count = export.export_grades(course)
    assert path == course / "autograder" / "grades.csv" and count == 4
    header = read_csv(path)[0]
    expected = ["student"]
    for unit in UNITS:
        expected += [unit, f"{unit} status", f"{unit} submitted", f"{unit} late"] + [f"{unit}:{g}" for g in
                                                (*CHECK_IDS[:2], *CHECK_IDS[2:], "why_nonlinear")]
    expected += ["total", "max total", "manual pending"]
    assert header == expected


def test_rows_hold_scores_statuses_and_empty_cells_for_missing_work(course):
    """Does each student get one row with scores, statuses, per-question points and totals?"""
    rows = {row[0]: dict(zip(read_csv(export.export_grades(course)[0])[0], row))
            for row in read_csv(export.export_grades(course)[0])[1:]}
    assert list(rows) == ["ada", "bob", "eve", "zed"]
    assert rows["ada"]["00_sample"] == "6" and rows["ada"]["total"] == "12" and rows["ada"]["max total"] == "12"
    assert rows["ada"]["manual pending"] == "2" and rows["ada"]["00_sample:why_nonlinear"] == ""
    assert rows["bob"]["00_sample"] == "0" and rows["bob"]["00_sample status"] == "invalid"
    assert rows["bob"]["00_sample:test_relu"] == ""  # nothing ran
    assert rows["bob"]["01_copy:test_weighted_sum"] == "1" and rows["bob"]["01_copy:test_relu_hidden"] == "0"
    assert rows["eve"]["01_copy"] == "" and rows["eve"]["01_copy status"] == "missing"
    assert rows["eve"]["total"] == "4" and rows["eve"]["max total"] == "12"
    assert rows["zed"]["00_sample status"] == "not graded" and rows["zed"]["total"] == "0"


def test_export_is_stable(course, tmp_path):
    """Do two exports of the same records give identical bytes, whatever order the records were written in?"""
    first = export.export_grades(course, tmp_path / "a.csv")[0].read_bytes()
    for record in reversed(results.read_all(course)):  # rewrite every record, newest last
        results.write_result(course, record)
    second = export.export_grades(course, tmp_path / "b.csv")[0].read_bytes()
    assert first == second


def test_questions_come_from_the_notebook(course):
    """Does questions() list the grade cells in order, with points, hidden flags and prompts?"""
    found = export.questions(course, "00_sample")
    assert [q.grade_id for q in found] == [*CHECK_IDS, "why_nonlinear"]
    assert [q.hidden for q in found] == [False, True, False, True, False]
    assert [q.auto for q in found] == [True, True, True, True, False]
    assert found[0].prompt.startswith("Does weighted_sum give 0.87")
    assert sum(q.points for q in found) == 7


@pytest.mark.parametrize("value, text", [(3.0, "3"), (2.5, "2.5"), (1 / 3, "0.3333"), (0.0, "0"), (-0.0, "0")])
def test_numbers_are_short(value, text):
    """Are scores written without trailing zeros and at most four decimals?"""
    assert export.number(value) == text


@pytest.mark.slow
def test_written_answers_graded_in_the_formgrader_reach_the_csv(tmp_path):
    """Once a written answer is graded by hand in nbgrader's gradebook, does the CSV show its points?"""
    import subprocess
    import sys

    from nbgrader.api import Gradebook

    from autograder.release import tool_env

    root = tmp_path
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / "autograder").mkdir()
    (root / "solutions" / "00_sample").mkdir(parents=True)
    shutil.copy(SAMPLE_UNIT / "00_sample.ipynb", root / "solutions" / "00_sample")
    submitted = root / "autograder" / "submitted" / "ada" / "00_sample"
    submitted.mkdir(parents=True)
    shutil.copy(SAMPLE_UNIT / "00_sample.ipynb", submitted)
    for step in (["generate_assignment", "00_sample"], ["autograde", "00_sample"]):
        done = subprocess.run([sys.executable, "-m", "nbgrader", *step], cwd=root, env=tool_env(),
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    results.write_result(root, results.Result(student="ada", unit="00_sample", status="graded", score=6.0,
                                              max_score=6.0, manual_pending=1.0, checks=checks()))
    header, rows = export.grade_table(root)
    before = dict(zip(header, rows[0]))
    assert before["00_sample:why_nonlinear"] == "" and before["manual pending"] == "1"

    # What the formgrader does when the instructor gives the written answer its point:
    with Gradebook(f"sqlite:///{root / 'autograder' / 'gradebook.db'}") as gradebook:
        gradebook.find_grade("why_nonlinear", "00_sample", "00_sample", "ada").manual_score = 1.0
        gradebook.db.commit()
    header, rows = export.grade_table(root)
    after = dict(zip(header, rows[0]))
    assert after["00_sample:why_nonlinear"] == "1"
    assert after["00_sample"] == "7" and after["total"] == "7" and after["max total"] == "7"
    assert after["manual pending"] == "0"
