"""Late work: when each submission was handed in, when each unit is due, and how late it came.

Submission times
----------------
collect writes each submission's time into nbgrader's own ``timestamp.txt`` beside the notebook
(``autograder/submitted/<student>/<unit>/timestamp.txt``), so the gradebook, the formgrader and
nbgrader's late-penalty plugins see it. Where the time comes from is kept in the collect log:

- ``lms``: the time the LMS download stored with the file (a Canvas or Moodle zip);
- ``zip``: the time stored with the file in a zip that is not an LMS download;
- ``file``: the file's own modification time (a folder has no other submission time).

Due dates
---------
``autograder/due.toml`` in the course root, one line per unit (a time without a zone is UTC)::

    01_neuron = 2026-03-09T23:59:00+01:00
    02_perceptrons = "2026-03-16 23:59"

grade writes them into the gradebook as the units' due dates; nbgrader then counts each submission's
seconds late, and a penalty plugin set in nbgrader_config.py (``c.LateSubmissionPlugin.penalty_method
= "zero"``, or your own ``c.AssignLatePenalties.plugin_class``) turns them into points.
"""
from __future__ import annotations

import dataclasses
import datetime
import os
import struct
import tomllib
from pathlib import Path

DUE_FILE = Path("autograder") / "due.toml"
TIMESTAMP_NAME = "timestamp.txt"

LMS_TIME, ZIP_TIME, FILE_TIME = "lms", "zip", "file"
EXCHANGE_TIME = "exchange"  # nbgrader's exchange (a class on JupyterHub, autograder/exchange.py)
TIME_SOURCES = {
    EXCHANGE_TIME: "time nbgrader's exchange recorded at submission",
    LMS_TIME: "time from the LMS download",
    ZIP_TIME: "time stored in the zip",
    FILE_TIME: "the file's own time: the source records no submission time",
}
UTC = datetime.timezone.utc
# The zip "extended timestamp" extra field (0x5455) holds the modification time in UTC seconds.
EXTENDED_TIMESTAMP = 0x5455


class DueDateError(ValueError):
    """autograder/due.toml cannot be read; the message says where and why."""


# ----------------------------------------------------------------------------- times

def from_posix(seconds):
    """An aware UTC datetime from POSIX seconds."""
    return datetime.datetime.fromtimestamp(seconds, UTC)


def iso(moment):
    """ISO 8601 in UTC, to the second: 2026-03-01T12:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def shown_time(text_or_moment):
    """A time as people read it: 2026-03-01 12:00 UTC."""
    moment = parse_time(text_or_moment) if isinstance(text_or_moment, str) else text_or_moment
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def parse_time(value):
    """An aware datetime from a TOML datetime or an ISO 8601 string; a time without a zone is UTC."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(23, 59, 59))  # a date alone: its end
    if isinstance(value, str):
        text = value.strip().replace(" UTC", "+00:00")
        value = datetime.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    if not isinstance(value, datetime.datetime):
        raise ValueError(f"{value!r} is not a date and time")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def zip_entry_time(info):
    """(POSIX seconds, source) of a zip member: its UTC extended timestamp if it has one, else its DOS time.

    A DOS time has no zone; like unzip tools, it is read as this computer's local time.
    """
    extra = info.extra
    while len(extra) >= 4:
        kind, size = struct.unpack("<HH", extra[:4])
        body = extra[4:4 + size]
        if kind == EXTENDED_TIMESTAMP and len(body) >= 5 and body[0] & 1:
            return float(struct.unpack("<i", body[1:5])[0]), ZIP_TIME
        extra = extra[4 + size:]
    return datetime.datetime(*info.date_time).timestamp(), ZIP_TIME


def write_timestamp(folder, moment):
    """Write nbgrader's timestamp.txt (the submission time, in UTC) into a submission's folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    text = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    (folder / TIMESTAMP_NAME).write_text(text + "\n", encoding="utf-8")


def read_timestamp(folder):
    """The submission time in a folder's timestamp.txt (aware, UTC), or None."""
    path = Path(folder) / TIMESTAMP_NAME
    if not path.is_file():
        return None
    try:
        return parse_time(path.read_text(encoding="utf-8").strip())
    except ValueError:
        return None


# ----------------------------------------------------------------------------- due dates

def due_file(course_root):
    return Path(course_root) / DUE_FILE


def due_dates(course_root, units=None):
    """{unit: due date (aware, UTC)} from autograder/due.toml; {} when there is no such file.

    Raises
    ------
    DueDateError
        The file is not valid TOML, a value is not a date, or (when ``units`` is given) a key is
        not a unit.
    """
    path = due_file(course_root)
    if not path.is_file():
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DueDateError(f"{path} is not valid TOML: {error}") from None
    dates = {}
    for unit, value in table.items():
        if units is not None and unit not in units:
            raise DueDateError(f"{path}: {unit!r} is not a unit (units: {', '.join(units)})")
        try:
            dates[unit] = parse_time(value)
        except (ValueError, TypeError):
            raise DueDateError(f"{path}: the due date of {unit} ({value!r}) is not a date and time; "
                               "write it as 2026-03-09T23:59:00+01:00 (no zone means UTC)") from None
    return dates


def apply_due_dates(course_root, units):
    """Write due.toml's due dates into the gradebook (nbgrader's assignment due date); return them.

    Units that due.toml does not name keep the due date the gradebook has (one set in the
    formgrader's Manage Assignments page, or none).
    """
    from nbgrader.api import Gradebook

    from autograder import assignments
    from autograder.release import tool_env

    dates = due_dates(course_root, units)
    if not dates:
        return dates
    (Path(course_root) / "autograder").mkdir(parents=True, exist_ok=True)
    # A new gradebook is stamped by nbgrader running the `alembic` script by name: this Python's
    # scripts must be on PATH even when the virtual environment is not activated.
    saved_path = os.environ.get("PATH", "")
    os.environ["PATH"] = tool_env()["PATH"]
    try:
        gradebook = Gradebook(assignments.db_url(course_root), "nnfs")
    finally:
        os.environ["PATH"] = saved_path
    with gradebook:
        for unit, due in dates.items():
            assignment = gradebook.update_or_create_assignment(unit)
            assignment.duedate = due.astimezone(UTC).replace(tzinfo=None)  # nbgrader keeps naive UTC
        gradebook.db.commit()
    return dates


def known_due_dates(course_root):
    """{unit: due date}: the gradebook's (also set in the formgrader), overridden by due.toml's."""
    dates = {}
    from autograder import assignments

    if assignments.has_gradebook(course_root):
        from nbgrader.api import Gradebook

        with Gradebook(assignments.db_url(course_root)) as gradebook:
            dates = {a.name: a.duedate.replace(tzinfo=UTC) for a in gradebook.assignments if a.duedate}
    dates.update(due_dates(course_root))
    return dates


# ----------------------------------------------------------------------------- lateness

@dataclasses.dataclass(frozen=True)
class Submission:
    """When one submission was handed in, as collect recorded it."""

    time: datetime.datetime | None
    source: str = FILE_TIME
    lms_late: bool = False       # the LMS itself marked it late (Canvas's LATE in the file name)

    def seconds_late(self, due):
        """Seconds after the due date (0 when on time); None when the time or the due date is unknown."""
        if self.time is None or due is None:
            return None
        return max(0.0, (self.time - due).total_seconds())

    def lateness(self, due):
        """In words: "on time", "late by 2 h 05 min", "late (LMS flag)", or "" when nothing is known."""
        seconds = self.seconds_late(due)
        if seconds is None:
            return "late (LMS flag)" if self.lms_late else ""
        return "on time" if seconds == 0 else f"late by {duration(seconds)}"


def duration(seconds):
    """3 d 4 h, 2 h 05 min or 7 min."""
    minutes = int(round(seconds / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes:02d} min" if hours else f"{max(minutes, 1)} min"


def submissions(course_root):
    """{(student, unit): Submission} for every collected submission."""
    from autograder.collect import _read_log

    folder = Path(course_root) / "autograder" / "submitted"
    if not folder.is_dir():
        return {}
    recorded = {}
    for record in _read_log(course_root):
        if record.get("action") in ("new", "replaced", "unchanged") and record.get("student"):
            key = (record["student"], record.get("unit", ""))
            if record["action"] != "unchanged" or key not in recorded:
                recorded[key] = record
    found = {}
    for student in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for unit in sorted(p for p in student.iterdir() if p.is_dir()):
            record = recorded.get((student.name, unit.name), {})
            found[(student.name, unit.name)] = Submission(
                read_timestamp(unit), record.get("time_source", FILE_TIME), bool(record.get("late")))
    return found
