"""The results record: one JSON file per (student, unit), written by grade, read by every later step.

Layout (relative to the course root)::

    autograder/results/<student>/<unit>.json

Record fields
-------------
student, unit : str
status : str
    One of STATUSES (see below).
reason : str
    Plain words for the instructor and the student; "" when graded cleanly.
score, max_score : float
    Auto-graded points only.
manual_pending : float
    Points that wait for hand grading in the formgrader.
repairs : list of str
    What the pre-check repaired, in plain words.
checks : list of dict
    One per auto-graded cell: grade_id, points, max_points, passed, message, part. The message is
    the judge's ("ename: evalue", a hint added to raw exceptions), never hidden test code; part
    says whether a failed check failed in its visible part or in a hidden test.
graded_at : str
    ISO-8601 time stamp (UTC).
seconds : float
    Wall time spent on this submission.

The other steps (feedback, export, report) read records only through read_result/read_all.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import os
from pathlib import Path

GRADED = "graded"
TIMED_OUT = "timed_out"
CRASHED = "crashed"
INVALID = "invalid"
MISSING = "missing"
TAMPERED = "tampered"

# Every status a record may carry; only GRADED means the score came from a clean run.
STATUSES = (GRADED, TIMED_OUT, CRASHED, INVALID, MISSING, TAMPERED)

# Statuses for which grade exits with code 1 (the batch finished, but something needs attention).
PROBLEM_STATUSES = (TIMED_OUT, CRASHED, INVALID, TAMPERED)

RESULTS_DIRNAME = os.path.join("autograder", "results")


@dataclasses.dataclass(frozen=True)
class Check:
    """The outcome of one auto-graded cell."""

    grade_id: str
    points: float
    max_points: float
    passed: bool
    message: str = ""
    part: str = ""   # where a failed check failed: "visible" (students see it) or "hidden"


@dataclasses.dataclass(frozen=True)
class Result:
    """The outcome of grading one student's notebook for one unit."""

    student: str
    unit: str
    status: str
    reason: str = ""
    score: float = 0.0
    max_score: float = 0.0
    manual_pending: float = 0.0
    repairs: tuple = ()
    checks: tuple = ()
    graded_at: str = ""
    seconds: float = 0.0

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}; expected one of {STATUSES}")
        # Accept lists and dicts from callers and JSON, but keep the record immutable.
        object.__setattr__(self, "repairs", tuple(str(r) for r in self.repairs))
        object.__setattr__(
            self, "checks",
            tuple(c if isinstance(c, Check) else Check(**c) for c in self.checks),
        )
        if not self.graded_at:
            object.__setattr__(self, "graded_at", now_iso())

    def to_dict(self) -> dict:
        """Return the record as plain JSON-ready data (lists, not tuples)."""
        data = dataclasses.asdict(self)
        data["repairs"] = list(self.repairs)
        data["checks"] = [dataclasses.asdict(c) for c in self.checks]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Result":
        """Build a record from the dict form; unknown keys are ignored (forward compatible)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def now_iso() -> str:
    """Current UTC time as an ISO-8601 string with seconds precision."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def results_dir(course_root) -> Path:
    """Folder that holds every results record of a course."""
    return Path(course_root) / RESULTS_DIRNAME


def result_path(course_root, student: str, unit: str) -> Path:
    """Path of the record for one (student, unit)."""
    return results_dir(course_root) / student / f"{unit}.json"


def write_result(course_root, result: Result) -> Path:
    """Write (or replace) one record atomically and return its path.

    The file is written beside its final name and renamed into place, so a reader never sees a
    half-written record and an interrupted run leaves the previous record intact.
    """
    path = result_path(course_root, result.student, result.unit)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(result.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_result(course_root, student: str, unit: str) -> Result | None:
    """Read the record of one (student, unit); None when it does not exist."""
    path = result_path(course_root, student, unit)
    if not path.is_file():
        return None
    return Result.from_dict(json.loads(path.read_text(encoding="utf-8")))


def read_all(course_root) -> list[Result]:
    """Every record under the course's results folder, sorted by (student, unit)."""
    root = results_dir(course_root)
    found = []
    if root.is_dir():
        for path in sorted(root.glob("*/*.json")):
            found.append(Result.from_dict(json.loads(path.read_text(encoding="utf-8"))))
    return sorted(found, key=lambda r: (r.student, r.unit))
