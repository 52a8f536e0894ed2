"""Export: the grades as one CSV, a row per student, columns per unit and per question.

Columns, always in this order (units in course order, questions in notebook order)::

    student,
    <unit>, <unit> status, <unit> submitted, <unit> late,
    <unit>:<grade id>, <unit>:<grade id>, ...                             for every unit
    total, max total, manual pending

``<unit>`` is the unit's score: the auto-graded points plus the written answers' points once they
have been graded by hand in the formgrader (read from nbgrader's gradebook at export time), less
nbgrader's late penalty if a penalty plugin gave one; ``<unit>:<grade id>`` the points of one
graded cell. A unit with no submission has an empty score and the status ``missing``; a submission
that was collected but not graded yet says ``not graded``. A written answer not graded by hand yet
has an empty cell, and its points are counted in ``manual pending``.

``<unit> submitted`` is the submission's time in UTC, followed by "(file time)" when the source
recorded no submission time and the file's own time was used (see autograder/late.py);
``<unit> late`` says "on time", "late by 2 h 05 min" (against the unit's due date) with the penalty
when there is one, "late (LMS flag)" when only the LMS said so, or nothing when no due date is set.
"""
import ast
import csv
import dataclasses
import functools
import io
import json
from pathlib import Path

from autograder import assignments, late, results
from autograder.release import ROOT

GRADES_NAME = "grades.csv"
NOT_GRADED = "not graded"


@dataclasses.dataclass(frozen=True)
class Question:
    """One graded cell of a unit, as the released notebook shows it."""

    grade_id: str
    points: float
    auto: bool            # False for written answers graded by hand
    hidden: bool          # True when its test code is hidden from students
    prompt: str           # what the cell checks: its docstring's first line ("" if none)


def _source(cell):
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def _prompt(source):
    try:
        doc = ast.get_docstring(ast.parse(source))
    except (SyntaxError, ValueError):
        return ""
    return doc.strip().splitlines()[0] if doc and doc.strip() else ""


def _notebook(folder):
    found = sorted(Path(folder).glob("*.ipynb"))
    if not found:
        return None
    named = [p for p in found if p.stem == Path(folder).name]
    return json.loads((named or found)[0].read_text(encoding="utf-8"))


def questions(course_root, unit):
    """The graded cells of a unit in notebook order, from course/ (else solutions/)."""
    root = Path(course_root).resolve()
    # Read each notebook once per version, however many students the callers loop over.
    stamp = tuple((str(p), p.stat().st_mtime_ns) for folder in ("course", "solutions")
                  for p in sorted((root / folder / unit).glob("*.ipynb")))
    return list(_questions(root, unit, stamp))


@functools.lru_cache(maxsize=64)
def _questions(root, unit, stamp):
    released = _notebook(root / "course" / unit) or _notebook(root / "solutions" / unit)
    source = _notebook(root / "solutions" / unit)
    if released is None:
        return ()
    hidden = set()
    for cell in (source or {}).get("cells", []):
        if "BEGIN HIDDEN TESTS" in _source(cell):
            hidden.add(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id"))
    found = []
    for cell in released.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            auto = cell.get("cell_type") == "code" and not meta.get("solution")
            found.append(Question(meta["grade_id"], float(meta.get("points", 0)), auto,
                                  meta["grade_id"] in hidden, _prompt(_source(cell)) if auto else ""))
    return tuple(found)


def course_units(course_root):
    """Units in course order: those released in course/, else those in solutions/."""
    root = Path(course_root)
    for folder in (root / "course", root / "solutions"):
        if folder.is_dir():
            found = sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
            if found:
                return found
    return []


def collected(course_root):
    """{(student, unit)} of every collected submission (nbgrader's submitted/<student>/<unit>/)."""
    folder = Path(course_root) / "autograder" / "submitted"
    if not folder.is_dir():
        return set()
    return {(s.name, u.name) for s in folder.iterdir() if s.is_dir() and not s.name.startswith(".")
            for u in s.iterdir() if u.is_dir()}


def number(value):
    """A score as short text: 3.0 -> "3", 2.5 -> "2.5", 1/3 -> "0.3333"."""
    text = f"{round(float(value), 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def hand_scores(course_root):
    """{(student, unit): {grade_id: points}} of the written answers already graded in the formgrader."""
    if not assignments.has_gradebook(course_root):
        return {}
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(assignments.db_url(course_root)) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.cell.cell_type == "markdown" and grade.manual_score is not None:
                            key = (submission.student.id, assignment.name)
                            scores.setdefault(key, {})[grade.name] = float(grade.manual_score)
    return scores


def late_penalties(course_root):
    """{(student, unit): points} of the late penalties nbgrader's penalty plugin gave (none unless configured)."""
    if not assignments.has_gradebook(course_root):
        return {}
    from nbgrader.api import Gradebook

    penalties = {}
    with Gradebook(assignments.db_url(course_root)) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                points = sum(n.late_submission_penalty or 0.0 for n in submission.notebooks)
                if points:
                    penalties[(submission.student.id, assignment.name)] = float(points)
    return penalties


def submitted_cells(submission, due, penalty=0.0):
    """The '<unit> submitted' and '<unit> late' cells of one submission (or of none)."""
    if submission is None or submission.time is None:
        return ["", submission.lateness(due) if submission else ""]
    when = late.iso(submission.time) + (" (file time)" if submission.source == late.FILE_TIME else "")
    lateness = submission.lateness(due)
    if penalty:
        lateness += f" (penalty {number(penalty)})"
    return [when, lateness]


def grade_table(course_root=ROOT):
    """The header and the rows of the grades table (lists of strings)."""
    records = {(r.student, r.unit): r for r in results.read_all(course_root)}
    units = course_units(course_root)
    units += sorted({unit for _, unit in records} - set(units))
    columns = {}
    for unit in units:
        ids = [q.grade_id for q in questions(course_root, unit)]
        seen = [c.grade_id for (s, u), r in sorted(records.items()) if u == unit for c in r.checks]
        columns[unit] = ids + [g for g in dict.fromkeys(seen) if g not in ids]
    header = ["student"]
    for unit in units:
        header += [unit, f"{unit} status", f"{unit} submitted", f"{unit} late"]
        header += [f"{unit}:{gid}" for gid in columns[unit]]
    header += ["total", "max total", "manual pending"]
    waiting = collected(course_root)
    by_hand = hand_scores(course_root)
    times = late.submissions(course_root)
    due = late.known_due_dates(course_root)
    penalties = late_penalties(course_root)
    students = sorted({s for s, _ in records} | {s for s, _ in waiting})
    rows = []
    for student in students:
        row, total, max_total, pending = [student], 0.0, 0.0, 0.0
        for unit in units:
            record = records.get((student, unit))
            when = submitted_cells(times.get((student, unit)), due.get(unit), penalties.get((student, unit), 0.0))
            if record is None or record.status == results.MISSING:
                status = NOT_GRADED if (student, unit) in waiting and record is None else results.MISSING
                row += ["", status] + when + [""] * len(columns[unit])
                max_total += sum(q.points for q in questions(course_root, unit) if q.auto)
                continue
            points = {c.grade_id: c.points for c in record.checks}
            written = by_hand.get((student, unit), {}) if record.status != results.TAMPERED else {}
            points.update(written)
            score = max(0.0, record.score + sum(written.values()) - penalties.get((student, unit), 0.0))
            row += [number(score), record.status] + when
            row += [number(points[g]) if g in points else "" for g in columns[unit]]
            total += score
            max_total += record.max_score + sum(q.points for q in questions(course_root, unit)
                                                if not q.auto and q.grade_id in written)
            pending += max(0.0, record.manual_pending - sum(
                q.points for q in questions(course_root, unit) if not q.auto and q.grade_id in written))
        rows.append(row + [number(total), number(max_total), number(pending)])
    return header, rows


def export_grades(course_root=ROOT, out=None):
    """Write the grades CSV (default ``autograder/grades.csv``) and return (path, number of students)."""
    header, rows = grade_table(course_root)
    out = Path(out) if out else Path(course_root) / "autograder" / GRADES_NAME
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(buffer.getvalue(), encoding="utf-8")
    partial.replace(out)
    return out, len(rows)
