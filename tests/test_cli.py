"""Tests of the command line: help, exit codes, what-to-do-next messages, and the whole workflow end to end."""
import csv
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder import bundle, cli, examples, results
from autograder.release import ROOT

STEPS = ("release", "collect", "grade", "feedback", "export", "report", "demo")


def run_cli(*args, cwd=None):
    """Run ``python -m autograder ARGS`` in a subprocess; return (exit code, stdout + stderr)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd or ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def course(tmp_path):
    """A course root with the sample unit's source only (nothing released, collected or graded)."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(examples.SAMPLE_UNIT, root / "solutions" / "00_sample")
    return root


def test_top_level_help_lists_every_step():
    """Does `python -m autograder --help` run and name all seven steps?"""
    code, out = run_cli("--help")
    assert code == 0
    for step in STEPS:
        assert f"    {step}" in out


@pytest.mark.parametrize("step", STEPS)
def test_every_step_has_help_with_a_description_and_an_example(step, capsys):
    """Does STEP --help describe the step and show at least one example command?"""
    with pytest.raises(SystemExit) as done:
        cli.main([step, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    description = text.split("\n\n")[1]
    assert len(description.split()) >= 15, description
    assert "examples:" in text and f"python -m autograder {step}" in text.split("examples:")[1]
    assert "--course-root" in text


@pytest.mark.parametrize("argv", [["frobnicate"], [], ["grade", "--workers", "0"], ["collect"],
                                  ["export", "--course-root", "/nonexistent/course"], ["--verbose", "grade"]])
def test_usage_errors_exit_with_2(argv, capsys):
    """Do a wrong step, a missing argument, a bad option value and a folder that is no course exit with 2?"""
    with pytest.raises(SystemExit) as done:
        cli.main(argv)
    assert done.value.code == 2


def test_grade_without_submissions_says_to_collect(course, capsys):
    """Does grade on an empty course exit 1 and say to run collect?"""
    assert cli.main(["grade", "--course-root", str(course), "--no-progress"]) == 1
    assert "did you run collect?" in capsys.readouterr().out


@pytest.mark.parametrize("step", ["feedback", "export", "report"])
def test_later_steps_without_results_say_to_grade(course, step, capsys):
    """Do feedback, export and report before any grading exit 1 and say to run grade?"""
    assert cli.main([step, "--course-root", str(course)]) == 1
    assert "did you run grade?" in capsys.readouterr().out


@pytest.fixture
def collected(course):
    """The course with one student's notebook collected and one results record (nothing really graded)."""
    folder = course / "autograder" / "submitted" / "ada" / "00_sample"
    folder.mkdir(parents=True)
    shutil.copy(course / "solutions" / "00_sample" / "00_sample.ipynb", folder)
    results.write_result(course, results.Result(student="ada", unit="00_sample", status="graded",
                                                score=6.0, max_score=6.0))
    return course


# One or more ways to use each step wrongly; each must exit 2 and show that step's own usage.
WRONG_USES = [
    ("release", ["99_nope"], "unknown unit(s): 99_nope"),
    ("release", ["--no-bundel"], "unrecognized arguments: --no-bundel"),
    ("collect", ["{tmp}/nowhere"], "does not exist"),
    ("collect", ["{course}/solutions"], "not a set of submissions"),
    ("collect", ["{tmp}", "--frm", "x"], "unrecognized arguments"),
    ("grade", ["--unit", "99_nope"], "unknown unit(s): 99_nope"),
    ("grade", ["--student", "zed"], "no submissions from zed"),
    ("grade", ["--studnet", "ada"], "unrecognized arguments: --studnet"),
    ("grade", ["--workers", "0"], "--workers must be at least 1"),
    ("feedback", ["--student", "zed"], "no results for zed"),
    ("feedback", ["--students", "ada"], "unrecognized arguments: --students"),
    ("export", ["--output", "x.csv"], "unrecognized arguments: --output"),
    ("report", ["--outdir", "x"], "unrecognized arguments: --outdir"),
    ("demo", ["--unit", "99_nope"], "unknown unit(s): 99_nope"),
    ("demo", ["--units", "00_sample"], "unrecognized arguments: --units"),
]


@pytest.mark.parametrize("step, argv, message", WRONG_USES, ids=[f"{s}-{' '.join(a)}" for s, a, _ in WRONG_USES])
def test_using_a_step_wrongly_exits_2_with_that_steps_usage(collected, tmp_path, capsys, step, argv, message):
    """Does every wrong use of a step (unknown unit or student, missing path, mistyped option) exit 2 with the step's usage?"""
    argv = [a.format(tmp=tmp_path, course=collected) for a in argv]
    with pytest.raises(SystemExit) as done:
        cli.main([step, *argv, "--course-root", str(collected)])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert f"usage: python -m autograder {step}" in err, err
    assert message in err, err


def test_release_with_no_unit_exits_1(tmp_path, capsys):
    """Does release on a course without units finish with 1 and say where to add one?"""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    assert cli.main(["release", "--course-root", str(tmp_path)]) == 1
    assert "add a unit's notebook" in capsys.readouterr().out


def test_grade_skips_a_submitted_folder_named_like_a_unit(course, capsys):
    """Is a unit-named folder in autograder/submitted/ (an earlier wrong collect) never graded as a student, with exit 1?"""
    (course / "autograder" / "submitted" / "00_sample" / "00_sample").mkdir(parents=True)
    assert cli.main(["grade", "--course-root", str(course), "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert "named like a unit, not a student" in out and "did you run collect?" in out


def test_a_folder_that_is_no_course_shows_the_steps_usage(tmp_path, capsys):
    """Is --course-root without nbgrader_config.py a usage error of the step, not of the top level?"""
    with pytest.raises(SystemExit) as done:
        cli.main(["export", "--course-root", str(tmp_path)])
    assert done.value.code == 2
    assert "usage: python -m autograder export" in capsys.readouterr().err


def test_demo_with_a_folder_it_does_not_own_exits_1(course, tmp_path, capsys):
    """Does the demo refuse (exit 1, with the reason) to empty a work folder it did not make?"""
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("keep")
    assert cli.main(["demo", "--work", str(tmp_path / "mine"), "--course-root", str(course)]) == 1
    assert "not made by the demo" in capsys.readouterr().out
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "keep"


def test_grade_counts_every_status_exactly():
    """Do grade's closing lines count the submissions checked per status, and the missing ones apart?"""
    made = [results.Result(student=s, unit=u, status=st) for s, u, st in (
        ("ada", "00_welcome", "graded"), ("ada", "01_neuron", "missing"), ("bob", "00_welcome", "invalid"),
        ("bob", "01_neuron", "missing"), ("cy", "00_welcome", "missing"), ("cy", "01_neuron", "missing"))]
    lines = cli.grade_counts(made)
    assert lines[0] == "2 submission(s) checked: 1 graded, 1 invalid."
    assert lines[1].startswith("4 missing: nothing was collected")
    assert lines[2].startswith("1 need(s) attention")
    table = cli.score_table(made)
    assert sum(1 for line in table if line.startswith(("ada ", "bob "))) == 2  # missing work is no table row
    assert table[-1] == "missing (nothing collected): ada: 01_neuron; bob: 01_neuron; cy: 00_welcome, 01_neuron"


def test_collect_exit_codes(course, tmp_path, capsys):
    """Does collect exit 0 when all is taken, 1 when a file is left out, and 1 for a refused zip?"""
    inbox = tmp_path / "inbox"
    (inbox / "ada").mkdir(parents=True)
    (inbox / "ada" / "00_sample.ipynb").write_text("{}")
    assert cli.main(["collect", str(inbox), "--course-root", str(course)]) == 0
    (inbox / "ada" / "notes.txt").write_text("hello")
    assert cli.main(["collect", str(inbox), "--course-root", str(course)]) == 1
    assert "notes.txt: not a notebook" in capsys.readouterr().out
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../ada_1_2_00_sample.ipynb", "{}")
    assert cli.main(["collect", str(evil), "--course-root", str(course)]) == 1
    assert "collect refused" in capsys.readouterr().out
    cut = tmp_path / "cut.zip"
    with zipfile.ZipFile(cut, "w") as archive:
        archive.writestr("ada_1_2_00_sample.ipynb", "{}" * 1000)
    cut.write_bytes(cut.read_bytes()[:-30])  # an interrupted download
    assert cli.main(["collect", str(cut), "--course-root", str(course)]) == 1
    assert "is a damaged zip file" in capsys.readouterr().out


def sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if Path(path).exists() else None


@pytest.mark.slow
def test_whole_workflow_end_to_end(course, tmp_path):
    """release -> collect -> grade -> feedback -> export -> report through the CLI: right scores, files and messages?"""
    real_gradebook = sha(ROOT / "autograder" / "gradebook.db")
    root = str(course)

    code, out = run_cli("release", "--course-root", root)
    assert code == 0, out
    assert (course / "course" / "00_sample" / "00_sample.ipynb").is_file()
    assert bundle.check_bundle(course / "dist" / bundle.BUNDLE_NAME, course / "solutions") == []
    assert "Next:" in out and "collect" in out

    inbox = tmp_path / "inbox"
    examples.write_examples(course, inbox, ["00_sample"])
    before = {p: sha(p) for p in inbox.rglob("*.ipynb")}
    code, out = run_cli("collect", str(inbox), "--course-root", root)
    assert code == 0, out
    assert "4 new" in out and "Next: python -m autograder grade" in out

    (course / "autograder" / "due.toml").write_text("00_sample = 2020-01-01T00:00:00Z\n")  # long past
    code, out = run_cli("grade", "--course-root", root, "--workers", "2", "--no-progress")
    assert code == 1, out  # the broken notebook is rejected, the batch still finishes
    assert "4 submission(s) checked: 3 graded, 1 invalid." in out
    assert "Due dates (from" in out and "00_sample 2020-01-01 00:00 UTC" in out
    table = {line.split()[0]: line.split() for line in out.splitlines()
             if line.split()[:1] and line.split()[0] in examples.KINDS and "00_sample" in line}
    assert table["perfect"][2:4] == ["graded", "6/6"]
    assert table["partial"][2:4] == ["graded", "3/6"]
    assert table["blank"][2:4] == ["graded", "0/6"]
    assert table["broken"][2] == "invalid"
    assert "Next: python -m autograder feedback" in out

    code, out = run_cli("feedback", "--course-root", root)
    assert code == 0, out
    pages = sorted((course / "autograder" / "feedback").glob("*/index.html"))
    assert [p.parent.name for p in pages] == sorted(examples.KINDS)
    hidden = bundle.hidden_test_lines(course / "solutions")
    for page in pages:
        assert not any(line in page.read_text() for line in hidden)
    assert "not written yet" in (course / "autograder" / "feedback" / "blank" / "index.html").read_text()

    code, out = run_cli("export", "--course-root", root)
    assert code == 0, out
    with open(course / "autograder" / "grades.csv", newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert {s: rows[s]["00_sample"] for s in rows} == {"blank": "0", "broken": "0", "partial": "3", "perfect": "6"}
    assert rows["broken"]["00_sample status"] == "invalid"
    assert rows["partial"]["00_sample:test_relu_hidden"] == "0" and rows["partial"]["00_sample:test_weighted_sum_hidden"] == "2"
    assert rows["perfect"]["00_sample late"].startswith("late by") and rows["perfect"]["00_sample submitted"].endswith("(file time)")
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'autograder' / 'gradebook.db'}") as gradebook:  # nbgrader knows it too
        assert gradebook.find_submission("00_sample", "perfect").total_seconds_late > 0

    code, out = run_cli("report", "--course-root", root)
    assert code == 0, out
    assert {p.name for p in (course / "autograder" / "report").glob("*.png")} == {
        "scores_overall.png", "scores_00_sample.png", "pass_rates.png"}

    assert {p: sha(p) for p in inbox.rglob("*.ipynb")} == before  # the sources are untouched
    assert len(results.read_all(course)) == 4
    assert sha(ROOT / "autograder" / "gradebook.db") == real_gradebook  # the real gradebook too



def test_every_command_in_the_instructor_guide_parses(capsys):
    """Does every `python -m autograder ...` line of the README name a real step with real options?"""
    import shlex
    guide = (ROOT / "README.md").read_text()
    commands = [line.split("#")[0].strip() for line in guide.splitlines()
                if line.startswith(".venv/bin/python -m autograder")]
    assert {shlex.split(c)[3] for c in commands if len(shlex.split(c)) > 3} >= set(STEPS) - {"--help"}
    parser = cli.build_parser()
    for command in commands:
        argv = shlex.split(command)[3:]
        if "--help" in argv:
            with pytest.raises(SystemExit) as done:
                parser.parse_args(argv)
            assert done.value.code == 0
        else:
            assert parser.parse_args(argv).handler.__name__ == f"do_{argv[0]}"


@pytest.mark.slow
def test_release_shows_its_progress(course):
    """Does release show a progress bar over the units and say when it builds the bundle?"""
    code, out = run_cli("release", "--course-root", str(course))
    assert code == 0, out
    assert "releasing" in out and "1/1" in out
    assert f"released {course / 'course' / '00_sample'}" in out
    assert "building the student bundle" in out
    code, out = run_cli("release", "--no-progress", "--no-bundle", "--course-root", str(course))
    assert code == 0 and "releasing" not in out and "released" in out


def instructor_section():
    """The README's "For instructors" section, up to the next section of its level."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## For instructors"):]
    return section.split("\n## ", 1)[0]


def test_every_option_the_instructor_guide_names_exists(capsys):
    """Is every `--option` the README's instructor section names an option of a step (or of the quick start)?"""
    import re
    parser = cli.build_parser()
    options = {o for sub in parser.step_parsers.values() for o in sub._option_string_actions}
    named = set(re.findall(r"`[^`]*?(--[a-z][a-z-]*)", instructor_section()))
    assert named, "the guide names no option"
    assert named - options <= {"--allow-root"}, named - options  # --allow-root is Jupyter's, passed by start_course


def test_the_quick_start_commands_in_the_readme_exist(monkeypatch):
    """Is every `python3 quickstart.py ...` command of the README a real quick-start command, and the demo's hint the README's?"""
    import quickstart
    from autograder import demo
    readme = (ROOT / "README.md").read_text()
    commands = [line.split("#")[0].split() for line in readme.splitlines() if line.startswith("python3 quickstart.py")]
    assert {"lab", "test", "formgrader"} <= {c[2] for c in commands} <= {"lab", "test", "setup", "formgrader"}
    for command in commands:
        assert f"python3 quickstart.py {command[2]}" in quickstart.__doc__
    monkeypatch.chdir(ROOT)
    hint = demo.formgrader_command(ROOT / "autograder" / "demo-work")
    assert hint in readme.splitlines()


def test_the_guides_examples_are_what_the_commands_say_and_read():
    """Do the README's due.toml example, count sentence and time-source words match what grade, collect and late.py use?"""
    from autograder import late
    guide = instructor_section()
    example = guide[guide.index("Due dates are set per unit"):].split("```")[1]
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "autograder").mkdir()
        (Path(folder) / late.DUE_FILE).write_text(example)
        dates = late.due_dates(folder, units=["00_welcome", "01_neuron"])
    assert set(dates) == {"00_welcome", "01_neuron"}
    assert f"`{late.DUE_FILE.as_posix()}`" in guide
    made = [results.Result(student="a", unit="u", status="graded"), results.Result(student="b", unit="u", status="invalid")]
    assert f'("{cli.grade_counts(made)[0]}"' in " ".join(guide.split())
    assert f'("{late.TIME_SOURCES[late.FILE_TIME]}")' in " ".join(guide.split())
