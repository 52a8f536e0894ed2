"""Where students keep their work: my-work/, which a release, an update or a git pull never overwrites.

Both ways of opening the course copy units from course/ into my-work/ the first time they see
them and never touch a unit already there: `python3 quickstart.py lab` in the repository and the
bundle's `start_course.py`. Both pass --allow-root to Jupyter only when running as root.
"""
import importlib.util
import json
import os
import subprocess
import zipfile

import pytest

import quickstart
from autograder import bundle, examples, release
from autograder.release import ROOT


def answer(path, text):
    """Write a student's answer into the first solution cell of a notebook (as saving in JupyterLab does)."""
    notebook = json.loads(path.read_text())
    cell = next(c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))
    cell["source"] = text
    path.write_text(json.dumps(notebook))


@pytest.fixture
def course_root(tmp_path):
    """A course root with the sample unit released by nbgrader."""
    root = tmp_path / "root"
    examples.make_course(root, selected=["00_sample"])
    return root


@pytest.mark.slow
def test_a_release_never_overwrites_a_students_answers(course_root):
    """After lab's copy and a saved answer, does a real release (rewriting course/) leave my-work/ alone and bring new units in?"""
    assert quickstart.student_work(course_root) == ["00_sample"]
    mine = course_root / quickstart.WORK_DIRNAME / "00_sample" / "00_sample.ipynb"
    answer(mine, "def weighted_sum(x, w, b):\n    return my_own_answer")
    saved = mine.read_bytes()

    release.release(["00_sample"], dest=course_root / "course", solutions=course_root / "solutions")
    (course_root / "course" / "01_later").mkdir()  # a unit released after the student started
    (course_root / "course" / "01_later" / "01_later.ipynb").write_text("{}")
    assert quickstart.student_work(course_root) == ["01_later"]
    assert mine.read_bytes() == saved
    assert (course_root / quickstart.WORK_DIRNAME / "01_later" / "01_later.ipynb").read_text() == "{}"
    assert quickstart.student_work(course_root) == []


def test_the_lab_opens_unit_00_of_my_work_once_it_exists(tmp_path):
    """Does lab_command open my-work's unit 00 (course's before the first copy), with --allow-root only as root?"""
    (tmp_path / "course" / "00_welcome").mkdir(parents=True)
    (tmp_path / "course" / "00_welcome" / "00_welcome.ipynb").write_text("{}")
    before = quickstart.lab_command(python="python", root=tmp_path, as_root=False)
    assert "--LabApp.default_url=/lab/tree/course/00_welcome/00_welcome.ipynb" in before
    assert "--allow-root" not in before
    quickstart.student_work(tmp_path)
    after = quickstart.lab_command(python="python", root=tmp_path, as_root=True)
    assert "--LabApp.default_url=/lab/tree/my-work/00_welcome/00_welcome.ipynb" in after
    assert "--allow-root" in after
    assert ("--allow-root" in quickstart.lab_command(python="python", root=tmp_path)) == (os.geteuid() == 0)
    assert ("--allow-root" in quickstart.formgrader_command(tmp_path, python="python")) == (os.geteuid() == 0)


def test_my_work_is_ignored_by_git():
    """Is my-work/ git-ignored, so that a student's answers are never committed nor touched by a pull?"""
    done = subprocess.run(["git", "check-ignore", "-q", "my-work/00_welcome/00_welcome.ipynb"], cwd=ROOT)
    assert done.returncode == 0


def load_start_course(folder):
    """The bundle's start_course.py as a module, from an unpacked bundle."""
    spec = importlib.util.spec_from_file_location("start_course_under_test", folder / "start_course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bundle_keeps_work_in_my_work_across_an_update(course_root, tmp_path):
    """Does the bundle's start_course copy units into my-work/, and does unzipping a newer bundle over it leave my-work/ alone?"""
    path = bundle.build_bundle(course_root, tmp_path / "one.zip")
    target = tmp_path / "student"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(target)
    folder = target / bundle.TOP
    start = load_start_course(folder)
    assert start.copy_new_units() == ["00_sample"]
    assert start.first_notebook() == "my-work/00_sample/00_sample.ipynb"
    mine = folder / "my-work" / "00_sample" / "00_sample.ipynb"
    answer(mine, "def weighted_sum(x, w, b):\n    return my_own_answer")
    saved = mine.read_bytes()

    (course_root / "course" / "01_later").mkdir()  # the instructor releases another unit
    (course_root / "course" / "01_later" / "01_later.ipynb").write_text(
        (course_root / "course" / "00_sample" / "00_sample.ipynb").read_text())
    newer = bundle.build_bundle(course_root, tmp_path / "two.zip")
    with zipfile.ZipFile(newer) as archive:
        assert not any("my-work" in name for name in archive.namelist())
        archive.extractall(target)  # the update: unzipped over the student's folder
    assert start.copy_new_units() == ["01_later"]
    assert mine.read_bytes() == saved


def test_start_course_runs_jupyter_on_my_work_with_allow_root_only_as_root(course_root, tmp_path):
    """Does start_course.py start JupyterLab on my-work's first unit, adding --allow-root exactly when run as root?"""
    import sys

    path = bundle.build_bundle(course_root, tmp_path / "bundle.zip")
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / bundle.TOP
    fake = folder / ".venv" / "bin" / "python"  # stands in for the set-up's Python: prints what it was asked
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\necho \"$@\"\n")
    fake.chmod(0o755)
    done = subprocess.run([sys.executable, "start_course.py", "--no-browser"], cwd=folder,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Copied 00_sample into my-work/" in done.stdout
    assert "--LabApp.default_url=/lab/tree/my-work/00_sample/00_sample.ipynb" in done.stdout
    assert ("--allow-root" in done.stdout) == (os.geteuid() == 0)
