"""Feedback: one self-contained HTML page per student, written from the results records.

``autograder/feedback/<student>/index.html`` says, per unit, the status, the score and the reason;
and for every check the exercise it belongs to (the names its answer cell defines) and what it
checks (the first line of the test cell's docstring, which students already see in their
notebook) -- never the internal grade id; for a failed check, why it failed (the judge's message,
with a hint for any raw error) and whether the failing case is one the student can see in the
notebook or a hidden one.

What never appears: hidden test code and hidden expected values. The pages are built from the
results records, not from nbgrader's graded notebooks (whose HTML holds the hidden test cells),
and every message is screened: one that contains a line of a hidden test is replaced by a plain
sentence. All student-controlled text is HTML-escaped by the template engine.
"""
import datetime
import functools
import json
from pathlib import Path

import jinja2

from autograder import results
from autograder.bundle import hidden_test_lines
from autograder.export import course_units, number, questions
from autograder.release import ROOT

TEMPLATES = Path(__file__).resolve().parent / "templates"
FEEDBACK_DIRNAME = Path("autograder") / "feedback"
MAX_MESSAGE = 2000
WITHHELD = "This check failed. Its details come from a hidden test and are not shown."

LABELS = {
    results.GRADED: ("graded", "graded"),
    results.TIMED_OUT: ("stopped: ran too long", "problem"),
    results.CRASHED: ("crashed", "problem"),
    results.INVALID: ("could not be graded", "problem"),
    results.MISSING: ("not submitted", "missing"),
    results.TAMPERED: ("test cells changed", "problem"),
}


def screen(message, hidden_lines):
    """A message safe to show: cut to MAX_MESSAGE characters, withheld if it quotes a hidden test."""
    text = str(message or "")
    if "HIDDEN TESTS" in text or any(line in text for line in hidden_lines):
        return WITHHELD
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE] + " [...]"
    return text


def _environment():
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                              autoescape=True, undefined=jinja2.StrictUndefined)


PART_TEXT = {
    "visible": "It failed on a case you can see: run this test cell in your notebook.",
    "hidden": "It failed on a hidden case (its inputs are not shown): your code passes the visible "
              "cases, so think about other shapes, sizes and values the docstring allows.",
}


def _names_defined(text):
    import ast
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    return [node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))] or [
        t.id for node in tree.body if isinstance(node, ast.Assign)
        for target in node.targets for t in ast.walk(target) if isinstance(t, ast.Name)]


@functools.lru_cache(maxsize=64)
def _exercises(path, stamp):
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    found, current = {}, ""
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        text = "".join(cell.get("source", ""))
        if cell.get("cell_type") == "code" and meta.get("solution") and not meta.get("grade"):
            names = [n for n in _names_defined(text) if not n.startswith("_")]
            current = ", ".join(dict.fromkeys(names)) or meta.get("grade_id", "")
        if meta.get("grade"):
            found[meta.get("grade_id")] = current or meta.get("grade_id", "")
    return found


def exercise_names(course_root, unit):
    """{grade id: the exercise it belongs to}: the names its answer cell (the one before it) defines."""
    for folder in ("course", "solutions"):
        path = Path(course_root) / folder / unit / f"{unit}.ipynb"
        if path.is_file():
            return _exercises(str(path), path.stat().st_mtime_ns)
    return {}


def _unit_view(course_root, unit, record, hidden_lines):
    """What the template shows for one unit of one student."""
    asked = {q.grade_id: q for q in questions(course_root, unit)}
    if record is None:
        auto_max = sum(q.points for q in asked.values() if q.auto)
        return {"name": unit, "status": results.MISSING, "label": LABELS[results.MISSING][0],
                "css": "missing", "reason": "No notebook was received for this unit.", "repairs": [],
                "checks": [], "score": 0.0, "score_text": f"– / {number(auto_max)}",
                "manual_pending": 0.0, "manual_points": "0", "manual_text": "–"}
    label, css = LABELS.get(record.status, (record.status, "problem"))
    exercises = exercise_names(course_root, unit)
    checks = []
    for check in record.checks:
        question = asked.get(check.grade_id)
        message = "" if check.passed else screen(check.message, hidden_lines)
        if record.reason and record.reason.strip() in message:
            message = ""  # the unit's reason, shown once above the table, is the whole story
        prompt = question.prompt if question else ""
        checks.append({
            "exercise": exercises.get(check.grade_id, ""), "passed": check.passed,
            "hidden": bool(question and question.hidden),
            "prompt": prompt or "(a check of this exercise)",
            "message": message,
            "part": "" if check.passed or not message else PART_TEXT.get(getattr(check, "part", ""), ""),
            "points_text": f"{number(check.points)} / {number(check.max_points)}",
        })
    return {"name": unit, "status": record.status, "label": label, "css": css,
            "reason": screen(record.reason, hidden_lines), "repairs": list(record.repairs),
            "checks": checks, "score": record.score,
            "score_text": f"{number(record.score)} / {number(record.max_score)}",
            "manual_pending": record.manual_pending, "manual_points": number(record.manual_pending),
            "manual_text": f"{number(record.manual_pending)} pending" if record.manual_pending else "–"}


def render(course_root, student, records, hidden=None, units=None, now=None):
    """The HTML page of one student (a string).

    ``hidden`` maps a unit to the lines of its hidden tests (read from solutions/ when not given);
    a message quoting one of them is withheld.
    """
    by_unit = {r.unit: r for r in records}
    units = list(units or course_units(course_root))
    units += sorted(set(by_unit) - set(units))
    if hidden is None:
        hidden = hidden_lines_by_unit(course_root, units)
    views = [_unit_view(course_root, u, by_unit.get(u), hidden.get(u, set())) for u in units]
    score = sum(r.score for r in records)
    max_score = sum(r.max_score for r in records) + sum(
        q.points for u in units if u not in by_unit for q in questions(course_root, u) if q.auto)
    manual = sum(r.manual_pending for r in records)
    moment = now or datetime.datetime.now(datetime.timezone.utc)
    return _environment().get_template("feedback.html.j2").render(
        student=student, course="Neural Networks from Scratch", units=views,
        written=moment.strftime("%Y-%m-%d %H:%M UTC"),
        total_text=f"{number(score)} / {number(max_score)}",
        manual_total_text=f"{number(manual)} pending" if manual else "–")


def hidden_lines_by_unit(course_root, units):
    """{unit: lines of its hidden tests} from the course's solutions/."""
    solutions = Path(course_root) / "solutions"
    return {unit: hidden_test_lines(solutions, unit) for unit in units}


def feedback_dir(course_root=ROOT):
    return Path(course_root) / FEEDBACK_DIRNAME


def write_feedback(course_root=ROOT, students=None, now=None):
    """Write ``autograder/feedback/<student>/index.html`` for every graded student; return the paths."""
    records = results.read_all(course_root)
    wanted = set(students) if students else None
    by_student = {}
    for record in records:
        if wanted is None or record.student in wanted:
            by_student.setdefault(record.student, []).append(record)
    units = course_units(course_root)
    units += sorted({r.unit for r in records} - set(units))
    hidden = hidden_lines_by_unit(course_root, units)
    written = []
    for student, own in sorted(by_student.items()):
        page = feedback_dir(course_root) / student / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(render(course_root, student, own, hidden, units, now), encoding="utf-8")
        written.append(page)
    return written
