"""Tests of collect: folders by student, Canvas and Moodle downloads, resubmissions, unsafe zips."""
import datetime
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from autograder import collect
from autograder.examples import SAMPLE_UNIT
from autograder.release import ROOT

UNITS = ("00_sample", "01_neuron", "02_perceptrons")
T0 = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)
T1 = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.timezone.utc)


@pytest.fixture
def course(tmp_path):
    """A course root whose solutions/ holds three units (no release needed to collect)."""
    root = tmp_path / "course_root"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    for unit in UNITS:
        (root / "solutions" / unit).mkdir(parents=True)
        shutil.copy(SAMPLE_UNIT / "00_sample.ipynb", root / "solutions" / unit / f"{unit}.ipynb")
    return root


def notebook(text):
    """Bytes of a tiny notebook whose one cell says ``text`` (collect never parses them)."""
    return json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": text}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def submitted(root, student, unit):
    return root / "autograder" / "submitted" / student / unit / f"{unit}.ipynb"


def fingerprint(path):
    """SHA-256 and mtime of every file under path (or of the file itself)."""
    path = Path(path)
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files}


def make_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, when in members:
            archive.writestr(zipfile.ZipInfo(name, date_time=when), data)
    return path


def test_folder_by_student_lands_in_nbgrader_layout(course, tmp_path):
    """Do both folder layouts (<student>/<unit>/<file> and <student>/<file>) land in submitted/<student>/<unit>/?"""
    src = tmp_path / "inbox"
    (src / "ada" / "01_neuron").mkdir(parents=True)
    (src / "ada" / "01_neuron" / "my work.ipynb").write_bytes(notebook("ada 1"))
    (src / "Bob Dylan").mkdir()
    (src / "Bob Dylan" / "02_perceptrons-final.ipynb").write_bytes(notebook("bob 2"))
    (src / "Bob Dylan" / "neuron.ipynb").write_bytes(notebook("bob 1"))
    report = collect.collect(src, course, now=T0)
    assert report.ok, report.events
    assert submitted(course, "ada", "01_neuron").read_bytes() == notebook("ada 1")
    assert submitted(course, "bob_dylan", "02_perceptrons").read_bytes() == notebook("bob 2")
    assert submitted(course, "bob_dylan", "01_neuron").read_bytes() == notebook("bob 1")
    assert sorted(e.action for e in report.events) == ["new"] * 3


def test_canvas_zip_with_late_and_reupload(course, tmp_path):
    """Does a Canvas download land per student, with a later re-upload replacing the earlier one (kept)?"""
    download = make_zip(tmp_path / "submissions.zip", [
        ("smithjane_12345_6789012_01_neuron.ipynb", notebook("jane v1"), (2026, 2, 1, 10, 0, 0)),
        ("smithjane_LATE_12345_6789013_01_neuron-1.ipynb", notebook("jane v2"), (2026, 2, 3, 10, 0, 0)),
        ("doejohn_22222_6789100_02_perceptrons.ipynb", notebook("john"), (2026, 2, 1, 11, 0, 0)),
    ])
    report = collect.collect(download, course, now=T0)
    assert report.ok
    assert submitted(course, "smithjane", "01_neuron").read_bytes() == notebook("jane v2")
    assert submitted(course, "doejohn", "02_perceptrons").read_bytes() == notebook("john")
    replaced = report.of("replaced")
    assert len(replaced) == 1 and "late" in replaced[0].reason
    assert Path(replaced[0].archived).read_bytes() == notebook("jane v1")
    text = "\n".join(collect.describe(report, course))
    assert "replaced  smithjane/01_neuron" in text and "smithjane_LATE_12345_6789013_01_neuron-1.ipynb" in text


def test_moodle_zip_folders_and_flat_files(course, tmp_path):
    """Does a Moodle download (per-student folders and flat names) give safe student ids?"""
    download = make_zip(tmp_path / "moodle.zip", [
        ("Jane Smith_12345_assignsubmission_file_/01_neuron.ipynb", notebook("jane"), (2026, 2, 1, 10, 0, 0)),
        ("Seán O'Brien_777_assignsubmission_file_02_perceptrons.ipynb", notebook("sean"), (2026, 2, 1, 10, 0, 0)),
        ("Jane Smith_12345_assignsubmission_onlinetext_/onlinetext.html", b"<p>hi</p>", (2026, 2, 1, 10, 0, 0)),
    ])
    report = collect.collect(download, course, now=T0)
    assert submitted(course, "jane_smith", "01_neuron").read_bytes() == notebook("jane")
    assert submitted(course, "sean_o_brien", "02_perceptrons").read_bytes() == notebook("sean")
    skipped = report.of("unmatched")
    assert [e.reason for e in skipped] == ["not a notebook (.ipynb)"]
    assert "onlinetext.html" in skipped[0].origin


def test_resubmission_keeps_every_version_and_identical_ones_are_not_duplicated(course, tmp_path):
    """Is an earlier version archived on resubmission, and an identical resubmission recognised?"""
    src = tmp_path / "inbox"
    (src / "ada").mkdir(parents=True)
    path = src / "ada" / "01_neuron.ipynb"
    path.write_bytes(notebook("first"))
    collect.collect(src, course, now=T0)
    path.write_bytes(notebook("second"))
    second = collect.collect(src, course, now=T1)
    assert [e.action for e in second.events] == ["replaced"]
    archived = Path(second.events[0].archived)
    assert archived.read_bytes() == notebook("first")
    assert archived.name.startswith("20260301T120000Z_")  # named by when the old version was collected
    again = collect.collect(src, course, now=T1 + datetime.timedelta(hours=1))
    assert [e.action for e in again.events] == ["unchanged"]
    archive = course / "autograder" / "archive" / "ada" / "01_neuron"
    assert sorted(p.read_bytes() for p in archive.iterdir()) == [notebook("first")]
    assert submitted(course, "ada", "01_neuron").read_bytes() == notebook("second")
    log = (course / "autograder" / "archive" / "collect-log.jsonl").read_text().splitlines()
    assert [json.loads(line)["action"] for line in log] == ["new", "replaced", "unchanged"]


def test_reverting_to_an_earlier_version_is_noticed(course, tmp_path):
    """Does going back to an archived version replace the current one without archiving a duplicate?"""
    src = tmp_path / "inbox"
    (src / "ada").mkdir(parents=True)
    path = src / "ada" / "01_neuron.ipynb"
    for moment, text in ((T0, "a"), (T1, "b"), (T1 + datetime.timedelta(days=1), "a")):
        path.write_bytes(notebook(text))
        report = collect.collect(src, course, now=moment)
    assert report.events[0].action == "replaced"
    assert "earlier archived version" in report.events[0].reason
    archive = course / "autograder" / "archive" / "ada" / "01_neuron"
    assert sorted(p.read_bytes() for p in archive.iterdir()) == sorted([notebook("a"), notebook("b")])


def test_unmatched_files_are_listed_not_dropped(course, tmp_path):
    """Are a stray file, a notebook of no unit and an ownerless notebook reported with reasons?"""
    src = tmp_path / "inbox"
    (src / "ada").mkdir(parents=True)
    (src / "ada" / "notes.txt").write_text("hello")
    (src / "ada" / "holiday.ipynb").write_bytes(notebook("?"))
    (src / "ada" / "01_neuron_and_02_perceptrons.ipynb").write_bytes(notebook("two units"))
    (src / "01_neuron.ipynb").write_bytes(notebook("whose?"))
    (src / "ada" / ".ipynb_checkpoints").mkdir()
    (src / "ada" / ".ipynb_checkpoints" / "01_neuron-checkpoint.ipynb").write_bytes(notebook("ckpt"))
    report = collect.collect(src, course, now=T0)
    reasons = {Path(e.origin).name: e.reason for e in report.of("unmatched")}
    assert set(reasons) == {"notes.txt", "holiday.ipynb", "01_neuron_and_02_perceptrons.ipynb",
                            "01_neuron.ipynb", "01_neuron-checkpoint.ipynb"}
    assert "not a notebook" in reasons["notes.txt"]
    assert "matches none of the units" in reasons["holiday.ipynb"]
    assert "student's folder" in reasons["01_neuron.ipynb"]
    assert not report.ok
    assert not (course / "autograder" / "submitted").exists()
    text = "\n".join(collect.describe(report, course))
    assert "5 file(s) were NOT collected" in text and "holiday.ipynb" in text


def test_a_lone_notebook_takes_its_unit_folder(course, tmp_path):
    """Does a notebook with any name count for its unit folder only when it is the folder's only notebook?"""
    src = tmp_path / "inbox"
    (src / "ada" / "01_neuron").mkdir(parents=True)
    (src / "ada" / "01_neuron" / "untitled.ipynb").write_bytes(notebook("ada"))
    (src / "bob" / "01_neuron").mkdir(parents=True)
    (src / "bob" / "01_neuron" / "untitled.ipynb").write_bytes(notebook("bob a"))
    (src / "bob" / "01_neuron" / "untitled1.ipynb").write_bytes(notebook("bob b"))
    report = collect.collect(src, course, now=T0)
    assert submitted(course, "ada", "01_neuron").read_bytes() == notebook("ada")
    assert not submitted(course, "bob", "01_neuron").exists()
    assert len(report.of("unmatched")) == 2


def test_sources_are_never_modified(course, tmp_path):
    """Do the source folder and the source zip keep their exact bytes and times through collect?"""
    src = tmp_path / "inbox"
    (src / "ada").mkdir(parents=True)
    (src / "ada" / "01_neuron.ipynb").write_bytes(notebook("ada"))
    (src / "ada" / "junk.txt").write_text("x")
    download = make_zip(tmp_path / "canvas.zip", [
        ("smithjane_12345_6789012_01_neuron.ipynb", notebook("jane"), (2026, 2, 1, 10, 0, 0))])
    before = fingerprint(src) | fingerprint(download)
    collect.collect(src, course, now=T0)
    collect.collect(download, course, now=T0)
    (src / "ada" / "01_neuron.ipynb").write_bytes(notebook("ada 2"))
    before = fingerprint(src) | fingerprint(download)
    collect.collect(src, course, now=T1)  # a replacement, too, leaves the source alone
    assert fingerprint(src) | fingerprint(download) == before


@pytest.mark.parametrize("name", ["../evil_1_2_01_neuron.ipynb", "/abs/ada/01_neuron.ipynb",
                                  "ada/../../01_neuron.ipynb", "C:/ada/01_neuron.ipynb",
                                  "ada\\..\\..\\01_neuron.ipynb"])
def test_path_traversal_in_a_zip_refuses_the_whole_zip(course, tmp_path, name):
    """Is a zip with a member that climbs out of the archive refused before anything is copied?"""
    download = make_zip(tmp_path / "bad.zip", [
        ("smithjane_12345_6789012_01_neuron.ipynb", notebook("fine"), (2026, 2, 1, 10, 0, 0)),
        (name, notebook("evil"), (2026, 2, 1, 10, 0, 0))])
    with pytest.raises(collect.CollectError, match="points outside the archive"):
        collect.collect(download, course, now=T0)
    assert not (course / "autograder" / "submitted").exists()
    assert not (tmp_path / "evil_1_2_01_neuron.ipynb").exists()


def test_a_zip_bomb_is_refused(course, tmp_path):
    """Is a zip whose members would unpack past the size cap refused whole?"""
    download = tmp_path / "bomb.zip"
    with zipfile.ZipFile(download, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(3):
            archive.writestr(f"student{i}_1{i}_2{i}_01_neuron.ipynb", b"\0" * 2**20)
    assert download.stat().st_size < 2**16  # tiny on disk, 3 MiB unpacked
    with pytest.raises(collect.CollectError, match="zip bomb"):
        collect.collect(download, course, now=T0, max_total_bytes=2 * 2**20)
    assert not (course / "autograder" / "submitted").exists()
    collect.collect(download, course, now=T0, max_total_bytes=4 * 2**20)  # under the cap it is taken
    assert submitted(course, "student0", "01_neuron").is_file()


def test_not_a_zip_and_missing_sources_are_errors(course, tmp_path):
    """Does collect refuse a missing source and a file that is not a zip, with the path in the message?"""
    with pytest.raises(collect.CollectError, match="does not exist"):
        collect.collect(tmp_path / "nowhere", course)
    text = tmp_path / "grades.txt"
    text.write_text("not a zip")
    with pytest.raises(collect.CollectError, match="neither a folder nor a zip"):
        collect.collect(text, course)


def test_symbolic_links_are_not_followed(course, tmp_path):
    """Is a symlink in the source reported and never read (it could point at solutions/)?"""
    src = tmp_path / "inbox"
    (src / "ada").mkdir(parents=True)
    (src / "ada" / "01_neuron.ipynb").symlink_to(course / "solutions" / "01_neuron" / "01_neuron.ipynb")
    report = collect.collect(src, course, now=T0)
    assert [e.reason for e in report.of("unmatched")] == ["a symbolic link (not followed)"]
    assert not submitted(course, "ada", "01_neuron").exists()


def test_two_lms_accounts_with_one_name_stay_apart(course, tmp_path):
    """Do two Canvas accounts that normalise to the same id get separate folders, stable across runs?"""
    first = make_zip(tmp_path / "a.zip", [
        ("smithjane_111_1_01_neuron.ipynb", notebook("jane A"), (2026, 2, 1, 10, 0, 0))])
    second = make_zip(tmp_path / "b.zip", [
        ("smithjane_222_2_01_neuron.ipynb", notebook("jane B"), (2026, 2, 1, 10, 0, 0)),
        ("smithjane_111_3_01_neuron.ipynb", notebook("jane A2"), (2026, 2, 2, 10, 0, 0))])
    collect.collect(first, course, now=T0)
    collect.collect(second, course, now=T1)
    assert submitted(course, "smithjane", "01_neuron").read_bytes() == notebook("jane A2")
    assert submitted(course, "smithjane-222", "01_neuron").read_bytes() == notebook("jane B")


@pytest.mark.parametrize("raw, expected", [
    ("Jane Smith", "jane_smith"), ("smithjane", "smithjane"), ("Seán O'Brien", "sean_o_brien"),
    ("  ../../etc  ", "etc"), ("Zoë-Ann", "zoe-ann"), ("李雷", ""), ("a" * 100, "a" * 64),
])
def test_student_ids_are_safe_folder_names(raw, expected):
    """Does normalise_student give a safe folder name (no dots, slashes, spaces or accents)?"""
    assert collect.normalise_student(raw) == expected


@pytest.mark.parametrize("name, expected", [
    ("01_neuron.ipynb", "01_neuron"), ("01_neuron-2.ipynb", "01_neuron"), ("Unit 01 Neuron.ipynb", "01_neuron"),
    ("neuron.ipynb", "01_neuron"), ("perceptrons_final.ipynb", "02_perceptrons"),
    ("neuron_perceptrons.ipynb", None), ("holiday.ipynb", None),
    ("02_perceptrons", "02_perceptrons"),
])
def test_infer_unit_from_names(name, expected):
    """Does infer_unit find the unit in typical file and folder names, and refuse ambiguous ones?"""
    assert collect.infer_unit(name, UNITS) == expected


# ----------------------------------------------------------------------------- the wrong folder

@pytest.mark.parametrize("layout", [
    ["01_neuron/01_neuron.ipynb", "02_perceptrons/02_perceptrons.ipynb"],            # course/ or a release
    ["course/01_neuron/01_neuron.ipynb", "solutions/01_neuron/01_neuron.ipynb"],     # the repository
    ["nnfs-course/nbgrader_config.py", "nnfs-course/course/01_neuron/01_neuron.ipynb"],  # the student bundle
    ["my-work/01_neuron/01_neuron.ipynb"],                                           # a student's own folder
])
def test_the_course_or_a_release_is_refused_whole(course, tmp_path, layout):
    """Is a folder that holds the course's units (not students) refused, saying what collect expects?"""
    src = tmp_path / "looks_like_course"
    for name in layout:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(notebook(name))
    with pytest.raises(collect.WrongSource, match="not a set of submissions") as refused:
        collect.collect(src, course, now=T0)
    assert "a folder laid out by student" in str(refused.value)
    assert not (course / "autograder" / "submitted").exists()


def test_the_real_course_folder_is_refused(course):
    """Does `collect course/` (the repository's own release) refuse, registering no unit as a student?"""
    with pytest.raises(collect.WrongSource, match="its folders are units"):
        collect.collect(ROOT / "course", course, now=T0)
    assert not (course / "autograder" / "submitted").exists()


def test_a_unit_is_never_registered_as_a_student(course, tmp_path):
    """Among real students, is a folder named like a unit skipped with the reason, not taken as a student?"""
    src = tmp_path / "inbox"
    (src / "ada").mkdir(parents=True)
    (src / "ada" / "01_neuron.ipynb").write_bytes(notebook("ada"))
    (src / "02_perceptrons").mkdir()
    (src / "02_perceptrons" / "02_perceptrons.ipynb").write_bytes(notebook("a stray release"))
    report = collect.collect(src, course, now=T0)
    assert [e.student for e in report.of("new")] == ["ada"]
    [skipped] = report.of("unmatched")
    assert "which is a unit or course folder, not a student" in skipped.reason
    assert not (course / "autograder" / "submitted" / "02_perceptrons").exists()


def test_a_truncated_zip_is_called_damaged(course, tmp_path):
    """Is a zip cut off by an interrupted download named a damaged zip (and nothing collected)?"""
    whole = make_zip(tmp_path / "whole.zip", [
        ("smithjane_12345_6789012_01_neuron.ipynb", notebook("jane " * 500), (2026, 2, 1, 10, 0, 0))])
    for cut_at in (len(whole.read_bytes()) // 2, len(whole.read_bytes()) - 10):
        cut = tmp_path / f"cut{cut_at}.zip"
        cut.write_bytes(whole.read_bytes()[:cut_at])
        with pytest.raises(collect.CollectError, match="is a damaged zip file") as refused:
            collect.collect(cut, course, now=T0)
        assert not isinstance(refused.value, collect.WrongSource)
    assert not (course / "autograder" / "submitted").exists()


def test_a_zip_with_a_corrupt_member_is_refused_whole(course, tmp_path):
    """Is a zip whose second notebook is corrupt refused before the first one is collected?"""
    download = tmp_path / "corrupt.zip"
    with zipfile.ZipFile(download, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("smithjane_12345_6789012_01_neuron.ipynb", notebook("fine"))
        archive.writestr("doejohn_22222_6789100_02_perceptrons.ipynb", notebook("john " * 50))
    data = bytearray(download.read_bytes())
    spot = data.index(b"john john")
    data[spot:spot + 4] = b"XXXX"  # the bytes change, the stored checksum does not
    download.write_bytes(bytes(data))
    with pytest.raises(collect.CollectError, match="is a damaged zip file"):
        collect.collect(download, course, now=T0)
    assert not (course / "autograder" / "submitted").exists()


# ----------------------------------------------------------------------------- submission times

def test_folder_submissions_take_the_files_own_time_said_as_such(course, tmp_path):
    """Does a notebook from a folder get its file's time in timestamp.txt, with the source said as the file's own time?"""
    import os

    from autograder import late
    src = tmp_path / "inbox"
    (src / "ada").mkdir(parents=True)
    path = src / "ada" / "01_neuron.ipynb"
    path.write_bytes(notebook("ada"))
    os.utime(path, (T0.timestamp(), T0.timestamp()))
    report = collect.collect(src, course, now=T1)
    folder = submitted(course, "ada", "01_neuron").parent
    assert late.read_timestamp(folder) == T0
    [event] = report.events
    assert event.time_source == late.FILE_TIME
    assert "the file's own time" in "\n".join(collect.describe(report, course))
    assert late.submissions(course)[("ada", "01_neuron")] == late.Submission(T0, late.FILE_TIME, False)


def test_lms_downloads_give_the_time_stored_in_the_zip(course, tmp_path):
    """Does a Canvas zip give each submission the time stored with it (UTC extended stamp), and keep the LATE flag?"""
    import struct

    from autograder import late
    download = tmp_path / "canvas.zip"
    moment = datetime.datetime(2026, 3, 9, 23, 30, tzinfo=datetime.timezone.utc)
    with zipfile.ZipFile(download, "w") as archive:
        info = zipfile.ZipInfo("smithjane_LATE_12345_6789012_01_neuron.ipynb", date_time=(2020, 1, 1, 0, 0, 0))
        info.extra = struct.pack("<HHBi", 0x5455, 5, 1, int(moment.timestamp()))
        archive.writestr(info, notebook("jane"))
    report = collect.collect(download, course, now=T1)
    [event] = report.events
    assert (event.time_source, event.submitted_at) == (late.LMS_TIME, "2026-03-09T23:30:00Z")
    found = late.submissions(course)[("smithjane", "01_neuron")]
    assert found == late.Submission(moment, late.LMS_TIME, True)
    # nbgrader reads the same time back from timestamp.txt
    from nbgrader.coursedir import CourseDirectory
    stamp = CourseDirectory().get_existing_timestamp(str(submitted(course, "smithjane", "01_neuron").parent))
    assert stamp == moment.replace(tzinfo=None)


def test_an_identical_resubmission_keeps_the_first_time(course, tmp_path):
    """Is the submission time of an unchanged notebook the time it was first handed in?"""
    import os

    from autograder import late
    src = tmp_path / "inbox"
    (src / "ada").mkdir(parents=True)
    path = src / "ada" / "01_neuron.ipynb"
    path.write_bytes(notebook("ada"))
    os.utime(path, (T0.timestamp(), T0.timestamp()))
    collect.collect(src, course, now=T0)
    os.utime(path, (T1.timestamp(), T1.timestamp()))  # touched, not changed
    collect.collect(src, course, now=T1)
    assert late.submissions(course)[("ada", "01_neuron")].time == T0
