"""The class server's steps: release to, collect from and return feedback through nbgrader's exchange.

On a JupyterHub (deploy/hub/) students fetch and submit in JupyterLab's Assignments tab; the
files travel through nbgrader's exchange, a shared folder (``/srv/nbgrader/exchange`` by default,
or ``$NNFS_EXCHANGE``)::

    <exchange>/nnfs/outbound/<unit>/      released units, readable by everyone
    <exchange>/nnfs/inbound/              submissions: students may write here, not list it
    <exchange>/nnfs/feedback/<hash>.html  feedback pages, named by a secret that only the
                                          submitting student holds (the folder is not listable)

nbgrader does all the moving (release_assignment, collect, release_feedback); this module adds
the course's own steps around it:

- ``release``: the unit released into the exchange is ``course/<unit>``, the same files as the
  student bundle;
- ``collect``: nbgrader collects into a scratch folder, then the course's ``collect`` takes each
  notebook from there, so a new version never overwrites an earlier one without archiving it;
  the submission time is the one nbgrader's exchange recorded (its ``timestamp.txt``), written to
  the gradebook's ``timestamp.txt`` so due dates (autograder/due.toml) and nbgrader's late-penalty
  plugins see how late it came. Students write their submission folders themselves, so first
  the inbox is checked against the file system: a folder made by another account than the one
  it names is refused, and a recorded time earlier than the folder can be is replaced by the
  folder's own;
- grading is the course's ``grade`` step (the sandboxed engine), unchanged;
- ``feedback``: one page per student and unit, rendered like the course's feedback pages (no
  hidden test is shown), placed where nbgrader's release_feedback looks for it
  (``autograder/feedback/<student>/<unit>/<unit>.html`` with the submission's timestamp and
  secret), then released; students fetch it in the Assignments tab.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder import late
from autograder.release import tool_env

COURSE_ID = "nnfs"
DEFAULT_EXCHANGE = "/srv/nbgrader/exchange"  # nbgrader's own default
SECRET_NAME = "submission_secret.txt"


class ExchangeError(RuntimeError):
    """nbgrader's exchange refused a step; the message holds its log."""


def exchange_root(value=None):
    """The exchange folder: ``value``, else ``$NNFS_EXCHANGE``, else nbgrader's default."""
    return Path(value or os.environ.get("NNFS_EXCHANGE") or DEFAULT_EXCHANGE)


def prepare_root(root):
    """Create the exchange folder with the permissions nbgrader documents (everyone may read and
    write, mode 0777; nbgrader's own subfolders then restrict who lists what)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o777)
    return root


def nbgrader(command, unit, course_root, root, *options):
    """Run one nbgrader exchange command for the course; return its log, raise ExchangeError on failure."""
    run = subprocess.run(
        [sys.executable, "-m", "nbgrader", command, unit, f"--CourseDirectory.root={Path(course_root).resolve()}",
         f"--CourseDirectory.course_id={COURSE_ID}", f"--Exchange.root={root}", *options],
        cwd=course_root, capture_output=True, text=True, env=tool_env())
    if run.returncode != 0:
        raise ExchangeError(f"nbgrader {command} {unit} failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    return run.stdout + run.stderr


# ----------------------------------------------------------------------------- release

def release(course_root, units, root=None):
    """Put ``course/<unit>`` of each unit into the exchange (again, if it was released before).

    Returns the outbound folders.
    """
    root = prepare_root(exchange_root(root))
    done = []
    for unit in units:
        if not (Path(course_root) / "course" / unit / f"{unit}.ipynb").is_file():
            raise ExchangeError(f"course/{unit} has no notebook: run python -m autograder release {unit} first")
        nbgrader("release_assignment", unit, course_root, root, "--force")
        done.append(root / COURSE_ID / "outbound" / unit)
    return done


# ----------------------------------------------------------------------------- collect

# A submission's folder in the inbox is written by the student's own process, so its name (who,
# when) and its timestamp.txt are claims. The file system knows better: the folder's owner, and
# its status-change time (ctime), which no user can set back.
CLOCK_SLACK = 600  # seconds a genuine submission's folder may still change after its recorded time
REFUSED = Path("autograder") / "archive" / "exchange-refused"


def screen_inbound(course_root, root, unit):
    """Check every submission of ``unit`` in the exchange's inbox against the file system.

    A folder not owned by the account it names is moved to ``autograder/archive/exchange-refused/``
    (kept, never collected). A folder whose recorded time is more than CLOCK_SLACK seconds before
    its ctime claims a time it cannot have: its submission time becomes the ctime. (An exchange
    copied or restored from a backup has new ctimes: collect from it before the copy, or expect
    every submission to be reported.)

    Returns
    -------
    refused : list of str
        One sentence per refused folder.
    corrected : dict
        {(student, the timestamp.txt text): the ctime (aware, UTC)} of the back-dated ones.
    """
    import pwd

    refused, corrected = [], {}
    for folder in sorted((Path(root) / COURSE_ID / "inbound").glob(f"*+{unit}+*")):
        claimed = folder.name.rsplit("+", 3)[0]
        info = folder.stat()
        try:
            owner = pwd.getpwuid(info.st_uid).pw_name
        except KeyError:
            owner = f"uid {info.st_uid}"
        if owner != claimed:
            target = Path(course_root) / REFUSED / folder.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(folder, target)
            refused.append(f"refused {folder.name}: it names {claimed} but the account {owner} made it "
                           f"(kept in {REFUSED / folder.name})")
            continue
        recorded = late.read_timestamp(folder)
        changed = late.from_posix(info.st_ctime)
        if recorded is not None and (changed - recorded).total_seconds() > CLOCK_SLACK:
            text = (folder / late.TIMESTAMP_NAME).read_text(encoding="utf-8").strip()
            corrected[(claimed, text)] = changed
    return refused, corrected


def _stage(course_root, units, root, staging):
    """nbgrader collect (newest submission per student) into ``staging/<student>/<unit>/``."""
    for unit in units:
        nbgrader("collect", unit, course_root, root, "--update",
                 f"--CourseDirectory.submitted_directory={staging}")
    staged = []
    for folder in sorted(Path(staging).glob("*/*")):
        if folder.is_dir() and folder.name in units:
            staged.append(folder)
    return staged


def collect(course_root, units, root=None):
    """Collect the newest submission of every student for ``units`` from the exchange.

    Returns the course's :class:`autograder.collect.CollectReport` and a list of notes (refused
    and back-dated submissions, see :func:`screen_inbound`). The submission time of each notebook
    is the exchange's (nbgrader's ``timestamp.txt``), or the file system's when that is later than
    the recorded one could be; the submission's secret is kept beside it so feedback can be
    returned to it.
    """
    from autograder import collect as course_collect

    root = exchange_root(root)
    notes, corrected = [], {}
    for unit in units:
        refused, back_dated = screen_inbound(course_root, root, unit)
        notes += refused
        corrected.update(back_dated)
    with tempfile.TemporaryDirectory(prefix="nnfs-exchange-") as scratch:
        staging, kept_files = Path(scratch) / "submitted", Path(scratch) / "kept"
        kept_files.mkdir()
        staged = _stage(course_root, units, root, staging)
        times = {}
        for folder in staged:
            moment = late.read_timestamp(folder)
            stamp = folder / late.TIMESTAMP_NAME
            key = (folder.parent.name, stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else "")
            if key in corrected:
                moment = corrected[key]
                notes.append(f"back-dated {folder.parent.name}/{folder.name}: it records {key[1]}, but its "
                             f"folder was written at {late.shown_time(moment)}; that time is used")
            if moment is not None:
                for notebook in folder.glob("*.ipynb"):
                    # The course's collect reads a folder's submission time from the file: give it nbgrader's.
                    os.utime(notebook, (moment.timestamp(), moment.timestamp()))
            # Keyed by the id collect gives the account name (J.Smith -> j_smith), as its events are.
            times[(course_collect.normalise_student(folder.parent.name), folder.name)] = moment
        for folder in staged:  # nbgrader's own files are not submissions: keep them aside
            student = course_collect.normalise_student(folder.parent.name)
            for extra in (folder / SECRET_NAME, folder / late.TIMESTAMP_NAME):
                if extra.is_file():
                    shutil.move(extra, kept_files / f"{student}+{folder.name}+{extra.name}")
        report = course_collect.collect(staging, course_root, time_source=late.EXCHANGE_TIME) if staged else \
            course_collect.CollectReport(str(root))
        coursedir = course_collect.course_directory(course_root)
        for event in report.events:
            if event.action not in ("new", "replaced", "unchanged"):
                continue
            moment = times.get((event.student, event.unit))
            kept = kept_files / f"{event.student}+{event.unit}+{SECRET_NAME}"
            target = Path(coursedir.format_path(coursedir.submitted_directory, event.student, event.unit))
            if moment is not None and event.action != "unchanged":
                late.write_timestamp(target, moment)  # to the microsecond, as nbgrader wrote it
            if kept.is_file():
                shutil.copy(kept, target / SECRET_NAME)
    return report, notes


# ----------------------------------------------------------------------------- feedback

def write_pages(course_root, units):
    """Write ``autograder/feedback/<student>/<unit>/<unit>.html`` for every graded submission of
    ``units`` that came through the exchange (it has a secret); return the pages."""
    from autograder import feedback, results
    from autograder.collect import course_directory

    coursedir = course_directory(course_root)
    records = [r for r in results.read_all(course_root) if r.unit in units]
    hidden = feedback.hidden_lines_by_unit(course_root, units)
    pages = []
    for record in records:
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, record.student, record.unit))
        if not (submitted / SECRET_NAME).is_file() or not (submitted / late.TIMESTAMP_NAME).is_file():
            continue  # not from the exchange: nothing to return it to
        folder = feedback.feedback_dir(course_root) / record.student / record.unit
        folder.mkdir(parents=True, exist_ok=True)
        page = folder / f"{record.unit}.html"
        page.write_text(feedback.render(course_root, record.student, [record], hidden, [record.unit]),
                        encoding="utf-8")
        for name in (SECRET_NAME, late.TIMESTAMP_NAME):  # release_feedback names the page by these
            shutil.copy(submitted / name, folder / name)
        pages.append(page)
    return pages


def return_feedback(course_root, units, root=None):
    """Write the feedback pages of ``units`` and release them through the exchange; return the pages."""
    root = exchange_root(root)
    pages = write_pages(course_root, units)
    for unit in sorted({p.parent.name for p in pages}):
        nbgrader("release_feedback", unit, course_root, root)
    return pages


# ----------------------------------------------------------------------------- the command line

EXAMPLES = """examples:
  python -m autograder exchange release 01_neuron      students see it in the Assignments tab
  python -m autograder exchange collect 01_neuron      then: python -m autograder grade
  python -m autograder exchange feedback 01_neuron     students fetch it in the Assignments tab
  python -m autograder exchange release --exchange /tmp/exchange 01_neuron"""


def add_step(step, examples):
    """Add the ``exchange`` step to the command line (``step`` is cli.build_parser's helper)."""
    examples["exchange"] = EXAMPLES
    sub = step("exchange", "release, collect and return feedback through nbgrader's exchange (JupyterHub)",
               "For a class on JupyterHub (deploy/hub/): ACTION release puts course/<unit> into nbgrader's "
               "exchange, where students fetch it in the Assignments tab; collect takes every student's "
               "newest submission into autograder/submitted/ (earlier versions archived, the exchange's "
               "submission time kept for due dates and late penalties); feedback writes each graded "
               "student's page for the unit and returns it through the exchange. Grade between collect "
               "and feedback with the grade step. The exchange folder is --exchange, else $NNFS_EXCHANGE, "
               f"else {DEFAULT_EXCHANGE}.", do_exchange)
    sub.add_argument("action", choices=("release", "collect", "feedback"), help="what to do")
    sub.add_argument("units", nargs="+", metavar="UNIT", help="the units")
    sub.add_argument("--exchange", metavar="DIR", help="nbgrader's exchange folder")
    return sub


def do_exchange(args):
    """The ``exchange`` step: returns an exit code (0 done, 1 nbgrader refused or nothing came)."""
    from autograder import assignments
    from autograder.console import UsageError, shown

    units = assignments.units(args.course_root)
    unknown = [u for u in args.units if u not in units]
    if unknown:
        raise UsageError(f"unknown unit(s): {', '.join(unknown)}. Units: {', '.join(units) or 'none'}.")
    root = exchange_root(args.exchange)
    try:
        if args.action == "release":
            for folder in release(args.course_root, args.units, root):
                print(f"released {folder.name} into {shown(folder)}")
            print("Students fetch it in JupyterLab's Assignments tab. After the due date: "
                  "python -m autograder exchange collect " + " ".join(args.units))
            return 0
        if args.action == "collect":
            from autograder import collect as course_collect
            report, notes = collect(args.course_root, args.units, root)
            for line in course_collect.describe(report, args.course_root) + notes:
                print(line)
            return 0 if report.ok and report.events and not notes else 1
        pages = return_feedback(args.course_root, args.units, root)
        for page in pages:
            print(f"returned {shown(page)}")
        print(f"{len(pages)} feedback page(s) released: students fetch them in the Assignments tab.")
        return 0 if pages else 1
    except ExchangeError as error:
        print(f"exchange {args.action} failed: {error}")
        return 1
