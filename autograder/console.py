"""How the command line's steps speak: short paths, the table of scores, exact counts, usage errors.

Shared by the steps (cli.py, demo.py, exchange.py) so that none of them imports another.
"""
from pathlib import Path


class UsageError(Exception):
    """The step was called wrongly (a path that does not exist, an unknown unit or student):
    main prints the step's own usage with the message and exits 2."""


def shown(path):
    """A path as short as it can be said: relative to the current folder when it is below it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


def score_table(records):
    """Lines of a table: student, unit, status, score and the reason, for every collected submission.

    Units a student handed nothing in for (status missing) are listed after the table, per student.
    """
    from autograder import results
    from autograder.export import number
    shown_records = [r for r in records if r.status != results.MISSING]
    lines = []
    if shown_records:
        width = max(7, *(len(r.student) for r in shown_records))
        unit_width = max(4, *(len(r.unit) for r in shown_records))
        lines += [f"{'student':<{width}}  {'unit':<{unit_width}}  {'status':<10}  {'score':>9}  reason",
                  f"{'-' * width}  {'-' * unit_width}  {'-' * 10}  {'-' * 9}  {'-' * 6}"]
        for r in shown_records:
            score = f"{number(r.score)}/{number(r.max_score)}"
            reason = r.reason if len(r.reason) <= 70 else r.reason[:67] + "..."
            lines.append(f"{r.student:<{width}}  {r.unit:<{unit_width}}  {r.status:<10}  {score:>9}  {reason}")
    missing = {}
    for r in records:
        if r.status == results.MISSING:
            missing.setdefault(r.student, []).append(r.unit)
    if missing:
        lines.append("missing (nothing collected): " + "; ".join(
            f"{student}: {', '.join(units)}" for student, units in sorted(missing.items())))
    return lines or ["(nothing was graded)"]


def grade_counts(records):
    """Sentences that count the graded records exactly, per status.

    Examples: "2 submission(s) checked: 1 graded, 1 invalid." and "6 missing: nothing was collected
    for that student and unit."
    """
    import collections

    from autograder import results
    counts = collections.Counter(r.status for r in records)
    checked = len(records) - counts[results.MISSING]
    per_status = ", ".join(f"{counts[s]} {s}" for s in results.STATUSES if counts[s] and s != results.MISSING)
    lines = [f"{checked} submission(s) checked" + (f": {per_status}." if per_status else ".")]
    if counts[results.MISSING]:
        lines.append(f"{counts[results.MISSING]} missing: nothing was collected for that student and unit.")
    problems = sum(counts[s] for s in results.PROBLEM_STATUSES)
    if problems:
        lines.append(f"{problems} need(s) attention ({', '.join(results.PROBLEM_STATUSES)}): see the reasons above.")
    return lines
