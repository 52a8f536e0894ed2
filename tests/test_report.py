"""Tests of report: pictures of the class's scores and pass rates, and the most common failure messages."""
import html
import re

import pytest

from autograder import report, results
from tests.test_export import build_results

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def course(tmp_path):
    return build_results(tmp_path)


def png_size(path):
    """(width, height) from a PNG's header."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_report_writes_pictures_and_a_page_that_shows_them(course):
    """Are there PNG histograms per unit and overall, a pass-rate chart, and an index.html that shows each?"""
    index = report.write_report(course)
    folder = course / "autograder" / "report"
    assert index == folder / "index.html"
    expected = {"scores_overall.png", "scores_00_sample.png", "scores_01_copy.png", "pass_rates.png"}
    assert {p.name for p in folder.glob("*.png")} == expected
    for name in expected:
        width, height = png_size(folder / name)
        assert width >= 600 and height >= 250
        assert f'src="{name}"' in index.read_text()


def test_pass_rates_and_distributions_are_counted_right(course):
    """Are the per-question pass rates counted over graded submissions, and missing units scored as zero overall?"""
    summary = report.summarise(course)
    rates = {(unit, gid): (passed, total) for unit, gid, passed, total in summary["pass_rows"]}
    assert rates["00_sample", "test_relu_hidden"] == (1, 2)  # ada passed, eve failed; bob was invalid
    assert rates["01_copy", "test_weighted_sum"] == (2, 2)
    assert rates["01_copy", "test_relu"] == (1, 2)
    assert sorted(summary["per_unit"]["00_sample"]) == pytest.approx([0.0, 200 / 3, 100.0])
    # eve: 4 of 12 points (her 01 counts with its maximum); bob: 2 of 12; ada: 12 of 12.
    assert sorted(summary["overall"]) == pytest.approx([100 * 2 / 12, 100 * 4 / 12, 100.0])
    assert summary["statuses"]["00_sample"] == {"graded": 2, "invalid": 1}


def test_common_failure_messages_are_counted_with_numbers_masked(course):
    """Do messages that differ only in their numbers count as one, most common first, with the reason of bad statuses?"""
    for student, error in (("kim", "0.25"), ("lee", "1e-3")):
        results.write_result(course, results.Result(
            student=student, unit="00_sample", status="graded", score=5.0, max_score=6.0,
            checks=[{"grade_id": "test_relu", "points": 0.0, "max_points": 1.0, "passed": False,
                     "message": f"relu is not right (largest error {error}). Got [0.5], expected [0.]."}]))
    common = report.summarise(course)["common"]
    count, unit, grade_id, message = common[0]
    assert (count, unit, grade_id) == (2, "00_sample", "test_relu")
    assert message.startswith("relu is not right (largest error")
    assert any(gid == "[invalid]" and "cut off" in msg for _, _, gid, msg in common)
    page = report.write_report(course).read_text()
    assert "Most common failure messages" in page
    assert "<script>alert" not in page and html.escape("<script>") in page  # messages are escaped


def test_a_class_without_results_still_gets_a_report(tmp_path):
    """Does the report work (empty pictures, no crash) before anything was graded?"""
    course = build_results(tmp_path)
    for path in (course / "autograder" / "results").rglob("*.json"):
        path.unlink()
    index = report.write_report(course)
    assert "0 student(s)" in index.read_text()
    assert png_size(index.parent / "scores_overall.png")[0] > 0


@pytest.mark.parametrize("message, masked", [
    ("largest error 0.31", "largest error #"), ("got -2.5e-07 at index 3", "got # at index #"),
    ("no numbers", "no numbers")])
def test_mask_numbers(message, masked):
    """Does mask_numbers replace each number, signs and exponents included, by '#'?"""
    assert report.mask_numbers(message) == masked
    assert not re.search(r"\d", report.mask_numbers(message))


def test_missing_work_is_not_counted_as_a_submission(course):
    """Does a unit's histogram count only handed-in work, while missing work still lowers the student's total?"""
    results.write_result(course, results.Result(student="eve", unit="01_copy", status="missing", max_score=6.0))
    summary = report.summarise(course)
    assert len(summary["per_unit"]["01_copy"]) == 2  # ada and bob handed it in; eve did not
    assert summary["statuses"]["01_copy"]["missing"] == 1
    assert sorted(summary["overall"]) == pytest.approx([100 * 2 / 12, 100 * 4 / 12, 100.0])
