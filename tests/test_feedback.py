"""Tests of feedback: one escaped, self-contained HTML page per student that never reveals hidden tests."""
import datetime
import html
import json
import re

import pytest

from autograder import feedback, results
from autograder.bundle import hidden_test_lines
from tests.test_export import EVIL, build_results

NOW = datetime.datetime(2026, 3, 5, 8, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture
def course(tmp_path):
    return build_results(tmp_path)


def page_text(path):
    """The visible text of a page: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text()))


def test_one_page_per_graded_student(course):
    """Is there one index.html per student with results (and none for a student never graded)?"""
    pages = feedback.write_feedback(course, now=NOW)
    assert [p.relative_to(course).as_posix() for p in pages] == [
        f"autograder/feedback/{s}/index.html" for s in ("ada", "bob", "eve")]


def test_page_says_score_status_reason_and_why_each_check_failed(course):
    """Does bob's page give each unit's status and score, the reason, and each failed check's question and message?"""
    feedback.write_feedback(course, now=NOW)
    text = " ".join(page_text(course / "autograder" / "feedback" / "bob" / "index.html").split())
    assert "could not be graded" in text and "The file is not a notebook: it is cut off." in text
    assert "2 / 6" in text and "0 / 6" in text and "Total 2 / 12" in text
    assert "relu is not right (largest error 0.5). Got [0.5], expected [0.]." in text
    assert "Does relu map [-1, 0, 2] to [0, 0, 2]?" in text  # what the failed check checks
    assert "weighted_sum raised TypeError: bad operand" in text
    assert "hidden test" in text
    assert "1 pending" in text  # the written answer waits for hand grading


def test_a_missing_unit_is_shown_as_not_submitted(course):
    """Does eve's page list the unit she never handed in, with its maximum?"""
    feedback.write_feedback(course, now=NOW)
    text = " ".join(page_text(course / "autograder" / "feedback" / "eve" / "index.html").split())
    assert "not submitted" in text and "No notebook was received for this unit." in text
    assert "– / 6" in text


def test_student_text_is_escaped(course):
    """Is a <script> in a check message and in a repair note escaped, never live HTML?"""
    feedback.write_feedback(course, now=NOW)
    source = (course / "autograder" / "feedback" / "eve" / "index.html").read_text()
    assert "<script" not in source.lower()
    assert html.escape(EVIL, quote=True) in source or "&lt;script&gt;" in source
    assert EVIL in page_text(course / "autograder" / "feedback" / "eve" / "index.html")


def test_pages_are_self_contained(course):
    """Does a page load nothing from elsewhere (inline CSS, no scripts, no links to other hosts)?"""
    feedback.write_feedback(course, now=NOW)
    source = (course / "autograder" / "feedback" / "ada" / "index.html").read_text()
    assert "<style>" in source
    assert not re.search(r"<link|<script|<img|src=|https?://", source, re.IGNORECASE)


def test_hidden_test_code_never_appears_even_when_a_message_quotes_it(course):
    """Is a message that quotes hidden test code withheld, so no hidden line reaches any page?"""
    hidden = hidden_test_lines(course / "solutions")
    assert hidden, "the sample unit must have hidden tests for this test to mean anything"
    quoting = next(iter(sorted(hidden)))
    record = results.read_result(course, "bob", "01_copy")
    leaked = [dict(c.__dict__, message=f"Traceback: {quoting}") if not c.passed else c.__dict__
              for c in record.checks]
    results.write_result(course, results.Result(**dict(record.to_dict(), checks=leaked)))
    feedback.write_feedback(course, now=NOW)
    for page in (course / "autograder" / "feedback").glob("*/index.html"):
        text = page_text(page)
        assert not any(line in text for line in hidden), page
        assert "BEGIN HIDDEN TESTS" not in text
    assert feedback.WITHHELD in page_text(course / "autograder" / "feedback" / "bob" / "index.html")


def test_hidden_source_values_do_not_appear(course):
    """Does no page contain the hidden tests' code or the reference solutions from solutions/?"""
    feedback.write_feedback(course, now=NOW)
    source = json.loads((course / "solutions" / "00_sample" / "00_sample.ipynb").read_text())
    secret = [line.strip() for cell in source["cells"] for line in "".join(cell["source"]).splitlines()
              if "hidden_" in line or "np.maximum(z, 0.0)" in line]
    assert secret
    for page in (course / "autograder" / "feedback").glob("*/index.html"):
        text = page.read_text()
        assert not any(html.escape(s) in text or s in text for s in secret)


def test_long_messages_are_cut(course):
    """Is a megabyte-long message cut to a readable length?"""
    assert len(feedback.screen("x" * 10**6, set())) < feedback.MAX_MESSAGE + 10


def test_checks_are_named_by_exercise_and_docstring_not_by_id(course):
    """Does a page name each check by its exercise and what it checks, never by its internal grade id?"""
    feedback.write_feedback(course, now=NOW)
    text = " ".join(page_text(course / "autograder" / "feedback" / "bob" / "index.html").split())
    assert "Does relu map [-1, 0, 2] to [0, 0, 2]?" in text
    exercises = feedback.exercise_names(course, "01_copy")
    assert exercises["test_relu"] and exercises["test_relu"] in text
    for grade_id in exercises:
        assert grade_id not in text, grade_id


def test_page_says_whether_the_failing_case_is_visible_or_hidden(course):
    """Does a failed check say whether it failed on a case the student can see or on a hidden one?"""
    record = results.read_result(course, "bob", "01_copy")
    parts = {"test_relu": "visible", "test_relu_hidden": "hidden"}
    checks = [dict(c.__dict__, part=parts.get(c.grade_id, "")) for c in record.checks]
    results.write_result(course, results.Result(**dict(record.to_dict(), checks=checks)))
    feedback.write_feedback(course, now=NOW)
    text = " ".join(page_text(course / "autograder" / "feedback" / "bob" / "index.html").split())
    assert feedback.PART_TEXT["visible"] in text
    assert feedback.PART_TEXT["hidden"] in text
