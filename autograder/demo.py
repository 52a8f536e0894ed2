"""Demo: the whole pipeline on four example students, in a course root of its own.

The work folder (default ``autograder/demo-work/``, git-ignored) gets a copy of the course's
units and nbgrader_config.py, its own gradebook and grading folders; the instructor's real
gradebook, submissions and results are never touched. Its example students are:

    perfect   every exercise solved
    partial   the first half of the exercises solved, the rest left as handed out
    blank     the notebook as handed out
    broken    a notebook file cut off halfway (an interrupted upload)

Then: collect -> grade -> feedback -> export -> report, printing where each result is.
"""
import shutil
from pathlib import Path

from autograder import collect, examples, export, feedback, report
from autograder.release import ROOT

MARKER = ".nnfs-demo"


def formgrader_command(course_root):
    """The one command that opens nbgrader's formgrader on a course root (here: the demo's)."""
    from autograder.console import shown
    quickstart = "quickstart.py" if Path.cwd().resolve() == Path(ROOT).resolve() else Path(ROOT) / "quickstart.py"
    return f"python3 {quickstart} formgrader {shown(course_root)}"


class DemoError(RuntimeError):
    """The demo cannot run (its work folder is not its own, or a step failed)."""


def prepare_work(work):
    """Empty the work folder for a fresh run, refusing to empty a folder the demo did not make."""
    work = Path(work)
    if work.exists() and any(work.iterdir()):
        if not (work / MARKER).is_file():
            raise DemoError(f"{work} is not empty and was not made by the demo: choose another --work folder")
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    (work / MARKER).write_text("made by python -m autograder demo; emptied on each run\n", encoding="utf-8")
    (work / ".gitignore").write_text("*\n", encoding="utf-8")  # never commit the demo's files
    return work


def run_demo(work=None, units=None, workers=None, progress=True, unsafe=False, say=print, source_root=ROOT):
    """Run the demo; return {what: path} for everything it wrote.

    Parameters
    ----------
    work : path, optional
        The demo's own course root (default ``autograder/demo-work``); emptied first.
    units : list of str, optional
        The units to use (default: every unit in solutions/, or the sample unit when there is none).
    workers : int, optional
        Grading worker processes (default: all cores).
    progress : bool
        Show grading's progress bar.
    unsafe : bool
        Grade even where no sandbox is possible (passed on to grade).
    say : callable
        Where progress lines go.
    source_root : path
        The course whose units the demo copies (default: this repository).
    """
    work = prepare_work(work or Path(source_root) / "autograder" / "demo-work")
    from autograder import grading
    from autograder.console import grade_counts, score_table

    say(f"Demo course root: {work}")
    chosen = examples.make_course(work, selected=units, source_root=source_root)
    say(f"Units: {', '.join(chosen)}")
    inbox = work / "inbox"
    examples.write_examples(work, inbox, chosen)
    say(f"Example submissions ({', '.join(examples.KINDS)}) written to {inbox}")

    say("\n== collect")
    report_of_collect = collect.collect(inbox, work)
    for line in collect.describe(report_of_collect, work)[:-1]:
        say(line)

    say("\n== grade")
    records = grading.grade_all(course_root=work, workers=workers, progress=progress, unsafe=unsafe)
    for line in score_table(records) + grade_counts(records):
        say(line)

    say("\n== feedback, export, report")
    pages = feedback.write_feedback(work)
    grades, _ = export.export_grades(work)
    index = report.write_report(work)
    where = {
        "course root": work,
        "submissions": work / "autograder" / "submitted",
        "results": work / "autograder" / "results",
        "feedback": feedback.feedback_dir(work),
        "grades": grades,
        "report": index,
        "gradebook": work / "autograder" / "gradebook.db",
    }
    say(f"Feedback pages: {len(pages)} (one per student), e.g. {pages[0] if pages else '-'}")
    say("\nWhere everything is:")
    for what, path in where.items():
        say(f"  {what:<12} {path}")
    say("Open the report and a feedback page in a browser; run the demo again to start afresh.")
    say("Grade the written answers by hand in the formgrader, on the demo's course:")
    say(f"  {formgrader_command(work)}")
    return where

