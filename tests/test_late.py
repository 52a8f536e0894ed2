"""Tests of late work: due dates per unit, submission times from collect, nbgrader's late penalty, and lateness in the export and the report."""
import csv
import datetime
import json
import os
import shutil
import subprocess
import sys

import pytest

from autograder import cli, collect, export, late, report, results
from autograder.examples import SAMPLE_UNIT
from autograder.release import ROOT, tool_env

UTC = datetime.timezone.utc
DUE = datetime.datetime(2026, 3, 9, 22, 59, tzinfo=UTC)


@pytest.fixture
def course(tmp_path):
    """A course root with the sample unit (source only) and a due date for it in autograder/due.toml."""
    root = tmp_path / "course"
    (root / "solutions" / "00_sample").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copy(SAMPLE_UNIT / "00_sample.ipynb", root / "solutions" / "00_sample")
    (root / "autograder").mkdir()
    (root / "autograder" / "due.toml").write_text('00_sample = 2026-03-09T23:59:00+01:00\n')
    return root


def hand_in(inbox, student, moment, text="answer"):
    """A student's notebook in a folder inbox (the unit's own when ``text`` is None), with its file time set to ``moment``."""
    path = inbox / student / "00_sample.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    if text is None:  # a notebook nbgrader can grade: the unit's own
        shutil.copy(SAMPLE_UNIT / "00_sample.ipynb", path)
    else:
        path.write_text(json.dumps({"cells": [], "metadata": {"text": text}, "nbformat": 4, "nbformat_minor": 5}))
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


@pytest.mark.parametrize("line, expected", [
    ("u = 2026-03-09T23:59:00+01:00", datetime.datetime(2026, 3, 9, 22, 59, tzinfo=UTC)),
    ("u = 2026-03-09T23:59:00", datetime.datetime(2026, 3, 9, 23, 59, tzinfo=UTC)),      # no zone: UTC
    ('u = "2026-03-09 23:59"', datetime.datetime(2026, 3, 9, 23, 59, tzinfo=UTC)),
    ("u = 2026-03-09", datetime.datetime(2026, 3, 9, 23, 59, 59, tzinfo=UTC)),            # a date: its end
])
def test_due_dates_are_read_with_their_zone(tmp_path, line, expected):
    """Does due.toml accept TOML dates and ISO strings, reading a time without a zone as UTC?"""
    (tmp_path / "autograder").mkdir()
    (tmp_path / "autograder" / "due.toml").write_text(line + "\n")
    assert late.due_dates(tmp_path) == {"u": expected}


@pytest.mark.parametrize("text, message", [
    ("u = 2026-13-09T00:00:00", "not valid TOML"), ('u = "next friday"', "is not a date and time"),
    ("nope = 2026-03-09", "'nope' is not a unit")])
def test_a_wrong_due_file_says_where_and_why(tmp_path, text, message):
    """Does a malformed due.toml raise an error that names the file and the problem?"""
    (tmp_path / "autograder").mkdir()
    (tmp_path / "autograder" / "due.toml").write_text(text + "\n")
    with pytest.raises(late.DueDateError, match=message) as error:
        late.due_dates(tmp_path, units=["u"])
    assert "due.toml" in str(error.value)


def test_a_wrong_due_file_is_a_usage_error_of_grade(course, capsys):
    """Does grade refuse (exit 2, grade's usage) when due.toml names no unit, before grading anything?"""
    hand_in(course / "autograder" / "submitted", "ada", DUE)  # a collected notebook, in place
    (course / "autograder" / "due.toml").write_text("99_nope = 2026-03-09\n")
    with pytest.raises(SystemExit) as done:
        cli.main(["grade", "--course-root", str(course)])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "usage: python -m autograder grade" in err and "'99_nope' is not a unit" in err


@pytest.mark.parametrize("seconds, text", [(0, "on time"), (-3600, "on time"), (125 * 60, "late by 2 h 05 min"),
                                           (3 * 86400 + 4 * 3600, "late by 3 d 4 h"), (20, "late by 1 min")])
def test_lateness_in_words(seconds, text):
    """Is a submission's lateness said in words against its due date?"""
    submission = late.Submission(DUE + datetime.timedelta(seconds=seconds))
    assert submission.lateness(DUE) == text
    assert late.Submission(None, lms_late=True).lateness(DUE) == "late (LMS flag)"
    assert late.Submission(DUE).lateness(None) == ""


@pytest.mark.slow
def test_nbgrader_penalises_late_work_and_the_export_and_report_show_it(course, tmp_path):
    """Through collect, the due dates and real nbgrader: is a late notebook penalised, and do the export and report show lateness?"""
    from nbgrader.api import Gradebook

    inbox = tmp_path / "inbox"
    hand_in(inbox, "ada", DUE - datetime.timedelta(hours=2), text=None)
    hand_in(inbox, "bob", DUE + datetime.timedelta(hours=1, minutes=30), text=None)
    assert collect.collect(inbox, course).ok

    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "00_sample", "--force"],
                          cwd=course, env=tool_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert late.apply_due_dates(course, ["00_sample"]) == {"00_sample": DUE}
    # nbgrader's own penalty plugin, as an instructor would set it in nbgrader_config.py
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", "00_sample",
                           "--LateSubmissionPlugin.penalty_method=zero"],
                          cwd=course, env=tool_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with Gradebook(f"sqlite:///{course / 'autograder' / 'gradebook.db'}") as gradebook:
        assert gradebook.find_assignment("00_sample").duedate == DUE.replace(tzinfo=None)
        bob = gradebook.find_submission("00_sample", "bob")
        assert bob.total_seconds_late == 90 * 60
        assert gradebook.find_submission("00_sample", "ada").total_seconds_late == 0
        bob_score = gradebook.find_submission_notebook("00_sample", "00_sample", "bob").score
        assert bob_score > 0
        assert gradebook.find_submission_notebook("00_sample", "00_sample", "bob").late_submission_penalty == bob_score

    for student in ("ada", "bob"):  # the results records grade would write
        results.write_result(course, results.Result(student=student, unit="00_sample", status="graded",
                                                    score=bob_score, max_score=6.0))
    path, _ = export.export_grades(course)
    with open(path, newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert rows["ada"]["00_sample late"] == "on time"
    assert rows["ada"]["00_sample submitted"] == "2026-03-09T20:59:00Z (file time)"
    assert rows["bob"]["00_sample late"] == f"late by 1 h 30 min (penalty {export.number(bob_score)})"
    assert rows["bob"]["00_sample"] == "0" and rows["ada"]["00_sample"] == export.number(bob_score)

    summary = report.summarise(course)
    assert summary["timeliness"]["00_sample"] == {"on time": 1, "late": 1}
    assert summary["late"] == [("bob", "00_sample", "2026-03-10 00:29 UTC", "late by 1 h 30 min",
                                late.TIME_SOURCES[late.FILE_TIME])]
    page = report.write_report(course).read_text()
    assert "Late work" in page and "2026-03-09 22:59 UTC" in page and "late by 1 h 30 min" in page
