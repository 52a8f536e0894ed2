"""The instructor's command line: ``python -m autograder <step>`` (or ``nnfs-grade <step>``).

Steps, in the order of a course:  release -> collect -> grade -> feedback -> export -> report,
and ``demo``, which runs them all on example students in a separate folder.
Exit codes: 0 all went well; 1 the step finished but something needs attention (a rejected or
failed submission, a file not collected, nothing to do); 2 the command was used wrongly.
"""
import argparse
import os
import sys
import textwrap
from pathlib import Path

from autograder.console import UsageError, grade_counts, score_table, shown
from autograder.release import ROOT


EXAMPLES = {
    "release": """examples:
  python -m autograder release                 release every unit and build the student bundle
  python -m autograder release 01_neuron       release one unit again, then rebuild the bundle
  python -m autograder release --no-bundle     only regenerate course/""",
    "collect": """examples:
  python -m autograder collect ~/Downloads/submissions.zip     a Canvas or Moodle download
  python -m autograder collect ~/inbox                         a folder laid out by student""",
    "grade": """examples:
  python -m autograder grade                                   every collected submission
  python -m autograder grade --unit 01_neuron --student ada    one student's unit, again
  python -m autograder grade --workers 2""",
    "feedback": """examples:
  python -m autograder feedback                  a page for every graded student
  python -m autograder feedback --student ada""",
    "export": """examples:
  python -m autograder export
  python -m autograder export --out ~/grades/nnfs.csv""",
    "report": """examples:
  python -m autograder report
  python -m autograder report --out /tmp/nnfs-report""",
    "demo": """examples:
  python -m autograder demo
  python -m autograder demo --unit 01_neuron --work /tmp/nnfs-demo""",
}


# ----------------------------------------------------------------------------- steps

def do_release(args):
    from tqdm import tqdm

    from autograder import bundle, release
    root = Path(args.course_root)
    solutions = root / "solutions"
    available = release.units(solutions) if solutions.is_dir() else []
    if not available:
        print(f"No units in {shown(solutions)}: add a unit's notebook as solutions/<unit>/<unit>.ipynb first.")
        return 1
    unknown = [u for u in args.units if u not in available]
    if unknown:
        raise UsageError(f"unknown unit(s): {', '.join(unknown)}. Units in {shown(solutions)}: "
                         f"{', '.join(available)}.")
    chosen = args.units or available
    try:
        with tqdm(chosen, desc="releasing", unit="unit", file=sys.stderr,
                  disable=args.no_progress) as bar:
            for unit in bar:
                bar.set_postfix_str(unit)
                for folder in release.release([unit], dest=root / "course", solutions=solutions):
                    bar.write(f"released {shown(folder)}", file=sys.stdout)
        if not args.no_bundle:
            print("building the student bundle (course/, nnlib/ and the set-up) and checking it for leaks ...",
                  flush=True)
            path = bundle.build_bundle(root, args.out)
            for line in bundle.describe(path, root):
                print(line)
    except (release.ReleaseError, bundle.BundleError) as error:
        print(f"release failed: {error}")
        return 1
    print("Students keep their work in their own folder (my-work/), which a release never touches.")
    print("Next: give the bundle to the students; after the deadline, "
          "python -m autograder collect <their submissions: a folder or the LMS zip>")
    return 0


def do_collect(args):
    from autograder import collect
    try:
        report = collect.collect(args.source, args.course_root)
    except collect.WrongSource as error:
        raise UsageError(str(error)) from None
    except collect.CollectError as error:
        print(f"collect refused: {error}")
        return 1
    for line in collect.describe(report, args.course_root):
        print(line)
    return 0 if report.ok else 1


def _submitted_students(root):
    folder = Path(root) / "autograder" / "submitted"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def do_grade(args):
    from autograder import assignments, late, results
    root = Path(args.course_root)
    units = assignments.units(root)
    unknown_units = [u for u in args.unit if u not in units]
    if unknown_units:
        raise UsageError(f"unknown unit(s): {', '.join(unknown_units)}. Units: {', '.join(units) or 'none'}.")
    folders = _submitted_students(root)
    # A folder named like a unit is a collect gone wrong (the course collected as submissions).
    not_students = [s for s in folders if s in units]
    present = [s for s in folders if s not in units]
    for name in not_students:
        print(f"skipped {shown(root / 'autograder' / 'submitted' / name)}: it is named like a unit, not a "
              "student (remove it; collect takes students' submissions)")
    if not present:
        print(f"No submissions found in {shown(root / 'autograder' / 'submitted')}: "
              "did you run collect? (python -m autograder collect SOURCE)")
        return 1
    unknown = [s for s in args.student if s not in present]
    if unknown:
        raise UsageError(f"no submissions from {', '.join(unknown)} in "
                         f"{shown(root / 'autograder' / 'submitted')} (students: {', '.join(present)}).")
    try:
        dates = late.apply_due_dates(root, units)
    except late.DueDateError as error:
        raise UsageError(str(error)) from None
    if dates:
        print("Due dates (from " + shown(late.due_file(root)) + "): " + ", ".join(
            f"{unit} {late.shown_time(due)}" for unit, due in sorted(dates.items())))
    from autograder import grading  # the engine: imported only once there is something to grade
    try:
        records = grading.grade_all(students=args.student or present, units=args.unit or None,
                                    workers=args.workers, progress=not args.no_progress,
                                    course_root=root, unsafe=args.unsafe)
    except (grading.GradingError, RuntimeError) as error:
        print(f"grade could not run: {error}")
        return 1
    for line in score_table(records):
        print(line)
    if not records:
        print("Nothing to grade for that selection.")
    for line in grade_counts(records) if records else []:
        print(line)
    print(f"Results: {shown(results.results_dir(root))}/<student>/<unit>.json; "
          f"graded notebooks: {shown(root / 'autograder' / 'autograded')}; "
          f"gradebook: {shown(root / 'autograder' / 'gradebook.db')}")
    print("Written answers are graded by hand in the formgrader (JupyterLab > Nbgrader > Formgrader).")
    print("Next: python -m autograder feedback")
    problems = [r for r in records if r.status in results.PROBLEM_STATUSES]
    return 1 if problems or not records or not_students else 0


def _need_results(root, step):
    from autograder import results
    if not results.read_all(root):
        print(f"No results found in {shown(results.results_dir(root))}: did you run grade? "
              f"(python -m autograder grade, then {step} again)")
        return False
    return True


def do_feedback(args):
    from autograder import feedback
    if not _need_results(args.course_root, "feedback"):
        return 1
    from autograder import results
    graded = sorted({r.student for r in results.read_all(args.course_root)})
    unknown = [s for s in args.student if s not in graded]
    if unknown:
        raise UsageError(f"no results for {', '.join(unknown)} (students with results: {', '.join(graded)}).")
    pages = feedback.write_feedback(args.course_root, students=args.student or None)
    for page in pages:
        print(f"wrote {shown(page)}")
    print(f"{len(pages)} feedback page(s) in {shown(feedback.feedback_dir(args.course_root))}/<student>/index.html: "
          "send each student their own page (it holds no hidden test).")
    print("Next: python -m autograder export")
    return 0


def do_export(args):
    from autograder import export
    if not _need_results(args.course_root, "export"):
        return 1
    path, count = export.export_grades(args.course_root, args.out)
    print(f"wrote {shown(path)}: {count} student(s), one row each; a column per unit and per question.")
    print("Next: python -m autograder report")
    return 0


def do_report(args):
    from autograder import report
    if not _need_results(args.course_root, "report"):
        return 1
    index = report.write_report(args.course_root, args.out)
    print(f"wrote {shown(index)} with the pictures beside it (score distributions, pass rates) "
          "and the most common failure messages. Open it in a browser.")
    return 0


def do_demo(args):
    from autograder import demo, examples, release
    solutions = Path(args.course_root) / "solutions"
    available = (release.units(solutions) if solutions.is_dir() else []) + [examples.SAMPLE_UNIT.name]
    unknown = [u for u in args.unit if u not in available]
    if unknown:
        raise UsageError(f"unknown unit(s): {', '.join(unknown)}. Units the demo can use: {', '.join(available)}.")
    try:
        demo.run_demo(work=args.work, units=args.unit or None, workers=args.workers,
                      progress=not args.no_progress, unsafe=args.unsafe, source_root=args.course_root)
    except (demo.DemoError, ValueError, RuntimeError) as error:  # GradingError is a RuntimeError
        print(f"demo could not run: {error}")
        return 1
    return 0


# ----------------------------------------------------------------------------- the parser

def _course_root_option(parser):
    parser.add_argument("--course-root", metavar="DIR", default=os.environ.get("NNFS_COURSE_ROOT", str(ROOT)),
                        help="the course folder holding nbgrader_config.py, solutions/, course/ and "
                             "autograder/ (default: $NNFS_COURSE_ROOT, else this repository: %(default)s)")


def build_parser():
    from autograder.collect import MAX_TOTAL_BYTES, STUDENT_ID_RULE
    prog = "nnfs-grade" if Path(sys.argv[0]).name == "nnfs-grade" else "python -m autograder"
    parser = argparse.ArgumentParser(
        prog=prog,
        description=textwrap.fill("Grade the course's notebooks with nbgrader: release, collect, grade, "
                                  "feedback, export, report (in that order), or run everything on "
                                  "examples with demo.", 88),
        epilog=f"Run `{prog} STEP --help` for the details and examples of a step.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="step", metavar="STEP", required=True)
    parser.step_parsers = {}

    def step(name, summary, description, handler):
        wrapped = "\n\n".join(textwrap.fill(part, 88) for part in description.split("\n\n"))
        sub = steps.add_parser(name, help=summary, description=wrapped, epilog=EXAMPLES[name],
                               formatter_class=argparse.RawDescriptionHelpFormatter)
        _course_root_option(sub)
        sub.set_defaults(handler=handler)
        parser.step_parsers[name] = sub
        return sub

    sub = step("release", "make course/ from solutions/ and the student bundle",
               "Generate the students' notebooks in course/ from solutions/ with nbgrader (solutions and "
               "hidden tests removed, test cells locked), then build dist/nnfs-course-student.zip: course/, "
               "nnlib with its data, and the student set-up (README with a two-command quick start; "
               "nbgrader's Validate on, the instructor tools off). The bundle is checked before it is "
               "written: no solutions/, hidden tests, autograder/ or tests/ inside.", do_release)
    sub.add_argument("units", nargs="*", metavar="UNIT", help="units to release (default: all in solutions/)")
    sub.add_argument("--no-bundle", action="store_true", help="only regenerate course/")
    sub.add_argument("--out", metavar="ZIP", help="where to write the bundle (default: dist/nnfs-course-student.zip)")
    sub.add_argument("--no-progress", action="store_true", help="no progress bar")

    sub = step("collect", "copy submissions from a folder or an LMS zip into autograder/submitted/",
               "Copy every notebook from SOURCE into autograder/submitted/<student>/<unit>/<unit>.ipynb "
               "(nbgrader's layout). SOURCE is a folder laid out by student (<student>/<unit>/<file>.ipynb "
               "or <student>/<file>.ipynb, the unit read from the name) or an LMS download, as a zip or "
               "unpacked: Canvas names (smithjane_12345_6789012_01_neuron.ipynb, with _LATE_ and -1 "
               "re-uploads) and Moodle names (Jane Smith_12345_assignsubmission_file_/01_neuron.ipynb, or "
               "flat).\n\n" + STUDENT_ID_RULE + "\n\nSOURCE is only read. A new version never overwrites "
               "silently: the replaced one is kept in autograder/archive/<student>/<unit>/ and reported; "
               "an identical resubmission changes nothing. Files that match no unit or student are "
               "listed. A zip with ../ or absolute names, that unpacks to more than "
               f"{MAX_TOTAL_BYTES // 2**20} MiB, or that is damaged (cut off) is refused whole; so is a "
               "SOURCE that is the course itself or a release (its folders are units), and a folder named "
               "like a unit is never taken for a student.\n\nEach submission's time goes to nbgrader's "
               "timestamp.txt beside it: the time an LMS zip stored with the file, else the file's own time "
               "(said as such).", do_collect)
    sub.add_argument("source", metavar="SOURCE", help="a folder or a .zip file")

    sub = step("grade", "check and grade every collected submission in sandboxed workers",
               "Check each submission first (corrupt or renamed notebooks, edited, deleted or copied test "
               "cells, extra files) and repair or reject it with a reason, then grade with nbgrader in N "
               "worker processes, each student's code in a sandbox (no network, no access to solutions, "
               "the gradebook or other students, bounded time and memory). Writes the gradebook, "
               "autograder/autograded/ and one results record per submission in "
               "autograder/results/<student>/<unit>.json, and prints a table with the count per status (missing "
               "work counted apart). Safe to run again.\n\nDue dates: autograder/due.toml, one line per unit "
               "(01_neuron = 2026-03-09T23:59:00+01:00; no zone means UTC), written into the gradebook so that "
               "nbgrader's late-penalty plugin (set in nbgrader_config.py) applies.", do_grade)
    sub.add_argument("--student", action="append", default=[], metavar="ID",
                     help="grade only this student (repeat for several)")
    sub.add_argument("--unit", action="append", default=[], metavar="UNIT",
                     help="grade only this unit (repeat for several)")
    sub.add_argument("--workers", type=int, metavar="N", help="worker processes (default: all cores)")
    sub.add_argument("--no-progress", action="store_true", help="no progress bar")
    sub.add_argument("--unsafe", action="store_true",
                     help="grade even where no sandbox is possible (students' code then runs with your rights)")

    sub = step("feedback", "write an HTML page per student",
               "Write autograder/feedback/<student>/index.html for every graded student: per unit the "
               "status, score and reason, and for each failed check what it checks and why it failed. "
               "The pages come from the results records, never show hidden test code or hidden expected "
               "values, escape everything students wrote, and need no other file.", do_feedback)
    sub.add_argument("--student", action="append", default=[], metavar="ID",
                     help="only this student (repeat for several)")

    sub = step("export", "write the grades CSV",
               "Write autograder/grades.csv: one row per student; per unit its score (the auto-graded "
               "points, plus the written answers once graded by hand in the formgrader), its status and a "
               "column per question (grade id); then total, max total and the points still waiting for "
               "hand grading. Missing work is an empty cell with the status 'missing'. Per unit, too: when it "
               "was submitted ('(file time)' when the file's own time was used) and how late against "
               "autograder/due.toml (a late penalty is taken off the score). "
               "Columns keep their order from run to run.", do_export)
    sub.add_argument("--out", metavar="CSV", help="where to write it (default: autograder/grades.csv)")

    sub = step("report", "draw the class's score distributions and pass rates",
               "Write autograder/report/: PNG histograms of the scores (per unit and overall), a bar "
               "chart of each question's pass rate, and index.html showing them with a count of "
               "statuses, late work (due dates, on time and late per unit, each late submission) and the "
               "most common failure messages.", do_report)
    sub.add_argument("--out", metavar="DIR", help="where to write it (default: autograder/report/)")

    sub = step("demo", "run the whole pipeline on four example students",
               "Make a separate course root (default autograder/demo-work/, emptied first, git-ignored) "
               "with the course's units (or a small sample unit when solutions/ is empty), write four "
               "example submissions per unit (perfect, partial, blank, broken), then collect, grade, "
               "write feedback, export and report there, and print where everything is, with the command "
               "that opens the formgrader on it for hand grading (python3 quickstart.py formgrader DIR). Your "
               "own gradebook and submissions are not touched.", do_demo)
    sub.add_argument("--work", metavar="DIR", help="the demo's course root (default: autograder/demo-work)")
    sub.add_argument("--unit", action="append", default=[], metavar="UNIT",
                     help="use only this unit (repeat for several; default: all)")
    sub.add_argument("--workers", type=int, metavar="N", help="grading worker processes (default: all cores)")
    sub.add_argument("--no-progress", action="store_true", help="no progress bar")
    sub.add_argument("--unsafe", action="store_true", help="as for grade")

    from autograder import exchange  # the class server's steps (JupyterHub and nbgrader's exchange)
    exchange.add_step(step, EXAMPLES)
    return parser


def main(argv=None):
    """Run one step; return its exit code (usage errors exit 2 with the step's own usage)."""
    parser = build_parser()
    args, extra = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    # A mistyped option belongs to the step: answer with the step's usage, not the top-level one.
    step_parser = parser.step_parsers[args.step]
    if extra:
        step_parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if not (Path(args.course_root) / "nbgrader_config.py").is_file():
        step_parser.error(f"{args.course_root} has no nbgrader_config.py: pass the course folder with --course-root")
    if getattr(args, "workers", None) is not None and args.workers < 1:
        step_parser.error("--workers must be at least 1")
    try:
        return args.handler(args)
    except UsageError as error:
        step_parser.error(str(error))


if __name__ == "__main__":
    sys.exit(main())
