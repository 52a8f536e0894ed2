"""Report: how the class did, as pictures and a table of the most common failure messages.

Writes into ``autograder/report/``:

- ``scores_overall.png``: the distribution of each student's total auto-graded score (% of the maximum);
- ``scores_<unit>.png``: the same for each unit;
- ``pass_rates.png``: for every auto-graded question, the share of graded submissions that passed it;
- ``index.html``: the pictures, a count of statuses per unit, late work (each unit's due date, how
  many submissions came on time and late, and every late one with its time and where that time
  comes from), and the most common failure messages with how many submissions got each (numbers
  in messages are masked so that "largest error 0.31" and "largest error 0.27" count as one message).
"""
import collections
import html
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend is chosen first)
import numpy as np  # noqa: E402

from autograder import late, results  # noqa: E402
from autograder.export import course_units, questions  # noqa: E402
from autograder.release import ROOT  # noqa: E402

REPORT_DIRNAME = Path("autograder") / "report"
TOP_MESSAGES = 15
BINS = np.linspace(0, 100, 11)
BAR = "#4c72b0"
FAIL = "#c44e52"


def percent(score, max_score):
    return 100.0 * score / max_score if max_score > 0 else 0.0


def mask_numbers(message):
    """The message with every number replaced by '#', for counting similar messages as one."""
    return re.sub(r"[-+]?\d+(\.\d+)?(e[-+]?\d+)?", "#", message, flags=re.IGNORECASE)


def _histogram(values, title, path, ylabel="students"):
    fig, ax = plt.subplots(figsize=(7, 3.8), dpi=110)
    counts, _, _ = ax.hist(values, bins=BINS, color=BAR, edgecolor="white", linewidth=1.2)
    ax.set_xlim(0, 100)
    ax.set_xticks(BINS)
    ax.set_xlabel("auto-graded score (% of the maximum)")
    ax.set_ylabel(ylabel)
    top = max(counts.max() if len(counts) else 0, 1)
    ax.set_ylim(0, top * 1.18)
    ax.yaxis.get_major_locator().set_params(integer=True)
    for count, left in zip(counts, BINS[:-1]):
        if count:
            ax.text(left + 5, count + top * 0.02, f"{int(count)}", ha="center", va="bottom", fontsize=9)
    if len(values):
        median = float(np.median(values))
        ax.axvline(median, color="#333333", linestyle="--", linewidth=1)
        title += f" (dashed: median {median:.0f}%)"
    ax.set_title(title, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _pass_rates(rows, path):
    """Horizontal bars, one per question: rows of (unit, grade id, passed, total), grouped by unit."""
    height = max(2.5, 0.3 * len(rows) + 1.2)
    fig, ax = plt.subplots(figsize=(8, height), dpi=110)
    positions = np.arange(len(rows))[::-1]
    rates = [100.0 * passed / total if total else 0.0 for _, _, passed, total in rows]
    ax.barh(positions, [100] * len(rows), color="#eeeeee", height=0.7)
    ax.barh(positions, rates, color=[BAR if r >= 50 else FAIL for r in rates], height=0.7)
    for y, rate, (_, _, passed, total) in zip(positions, rates, rows):
        text = f"{rate:.0f}%  ({passed}/{total})" if total else "no graded submission"
        ax.text(101, y, text, va="center", fontsize=8)
    for y, above, below in zip(positions[1:], rows[:-1], rows[1:]):
        if above[0] != below[0]:  # a thin line between units
            ax.axhline(y + 0.5, color="#999999", linewidth=0.6)
    ax.set_yticks(positions)
    ax.set_yticklabels([f"{unit} · {grade_id}" for unit, grade_id, _, _ in rows], fontsize=8)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlim(0, 140)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("graded submissions that passed (%)")
    ax.set_title("Pass rate per question (red: under half passed)", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def summarise(course_root=ROOT):
    """The numbers behind the report, as plain data (used by the page and by the tests)."""
    records = results.read_all(course_root)
    units = course_units(course_root)
    units += sorted({r.unit for r in records} - set(units))
    # Only work that was handed in has a score to show; missing work is counted with its status.
    per_unit = {u: [percent(r.score, r.max_score) for r in records if r.unit == u and r.status != results.MISSING]
                for u in units}
    # A unit a student never handed in counts with its full maximum and no points.
    unit_max = {u: sum(q.points for q in questions(course_root, u) if q.auto) for u in units}
    totals = {}
    for student in sorted({r.student for r in records}):
        own = {r.unit: r for r in records if r.student == student}
        score = sum(r.score for r in own.values())
        maximum = sum(own[u].max_score if u in own else unit_max[u] for u in units)
        totals[student] = (score, maximum)
    overall = [percent(s, m) for s, m in totals.values()]
    pass_rows = []
    for unit in units:
        ids = [q.grade_id for q in questions(course_root, unit) if q.auto]
        seen = [c.grade_id for r in records if r.unit == unit for c in r.checks]
        for grade_id in ids + [g for g in dict.fromkeys(seen) if g not in ids]:
            outcomes = [c.passed for r in records if r.unit == unit and r.status == results.GRADED
                        for c in r.checks if c.grade_id == grade_id]
            pass_rows.append((unit, grade_id, sum(outcomes), len(outcomes)))
    failures = collections.Counter()
    example = {}
    for record in records:
        for check in record.checks:
            if not check.passed:
                key = (record.unit, check.grade_id, mask_numbers(check.message or "(no message)"))
                failures[key] += 1
                example.setdefault(key, check.message or "(no message)")
        if record.status != results.GRADED and record.reason:
            key = (record.unit, f"[{record.status}]", mask_numbers(record.reason))
            failures[key] += 1
            example.setdefault(key, record.reason)
    common = [(count, unit, grade_id, example[(unit, grade_id, masked)])
              for (unit, grade_id, masked), count in failures.most_common(TOP_MESSAGES)]
    statuses = {u: collections.Counter(r.status for r in records if r.unit == u) for u in units}
    return {"units": units, "per_unit": per_unit, "overall": overall, "pass_rows": pass_rows,
            "common": common, "statuses": statuses, "students": len(totals), **lateness(course_root, units)}


def lateness(course_root, units):
    """Late work as plain data: {"due": {unit: due date}, "timeliness": {unit: Counter}, "late": rows}.

    The Counter counts a unit's collected submissions as "on time", "late" or "unknown" (no due
    date, or no time); each row of "late" is (student, unit, submitted, how late, time source).
    """
    due = late.known_due_dates(course_root)
    counts = {u: collections.Counter() for u in units}
    rows = []
    for (student, unit), submission in sorted(late.submissions(course_root).items()):
        seconds = submission.seconds_late(due.get(unit))
        if seconds is None:  # no due date or no time: only the LMS's own flag can tell
            kind = "late" if submission.lms_late else "unknown"
        else:
            kind = "late" if seconds > 0 else "on time"
        counts.setdefault(unit, collections.Counter())[kind] += 1
        if kind == "late":
            rows.append((student, unit, late.shown_time(submission.time) if submission.time else "",
                         submission.lateness(due.get(unit)), late.TIME_SOURCES[submission.source]))
    return {"due": due, "timeliness": counts, "late": rows}


def _page(summary, pictures):
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(u)}</td>" + "".join(f"<td class=num>{summary['statuses'][u].get(s, 0)}</td>"
                                             for s in results.STATUSES) + "</tr>"
        for u in summary["units"])
    status_head = "".join(f"<th class=num>{esc(s)}</th>" for s in results.STATUSES)
    common = "".join(
        f"<tr><td class=num>{count}</td><td>{esc(unit)}</td><td><code>{esc(gid)}</code></td>"
        f"<td class=msg>{esc(message)}</td></tr>" for count, unit, gid, message in summary["common"])
    timeliness = "".join(
        f"<tr><td>{esc(u)}</td><td>{esc(late.shown_time(summary['due'][u])) if u in summary['due'] else 'no due date'}</td>"
        + "".join(f"<td class=num>{summary['timeliness'].get(u, {}).get(k, 0)}</td>" for k in ("on time", "late", "unknown"))
        + "</tr>" for u in summary["units"])
    late_rows = ("<table><tr><th>student</th><th>unit</th><th>submitted</th><th>how late</th><th>time from</th></tr>"
                 + "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in summary["late"])
                 + "</table>") if summary["late"] else "<p>No late submission.</p>"
    images = "".join(f'<figure><img src="{esc(name)}" alt="{esc(alt)}"></figure>' for name, alt in pictures)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Class report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }}
table {{ border-collapse: collapse; margin: .5rem 0 1.5rem; }}
th, td {{ padding: .3rem .6rem; border-bottom: 1px solid #e6e9ed; text-align: left; vertical-align: top; }}
th {{ background: #f6f8fa; }} .num {{ text-align: right; }}
.msg {{ font-family: ui-monospace, monospace; font-size: .85rem; white-space: pre-wrap; }}
figure {{ margin: 1rem 0; }} img {{ max-width: 100%; border: 1px solid #e6e9ed; }}
</style></head><body>
<h1>Class report</h1>
<p>{summary['students']} student(s) with results, {len(summary['units'])} unit(s).</p>
<h2>Submissions by status</h2>
<table><tr><th>unit</th>{status_head}</tr>{rows}</table>
<h2>Late work</h2>
<table><tr><th>unit</th><th>due</th><th class=num>on time</th><th class=num>late</th><th class=num>unknown</th></tr>{timeliness}</table>
{late_rows}
<h2>Scores and pass rates</h2>
{images}
<h2>Most common failure messages</h2>
<table><tr><th class=num>count</th><th>unit</th><th>check</th><th>message (one example)</th></tr>{common}</table>
</body></html>
"""


def write_report(course_root=ROOT, out=None):
    """Write the pictures and index.html; return the path of index.html."""
    out = Path(out) if out else Path(course_root) / REPORT_DIRNAME
    out.mkdir(parents=True, exist_ok=True)
    summary = summarise(course_root)
    pictures = []
    _histogram(summary["overall"], f"All units: total score of {summary['students']} student(s)",
               out / "scores_overall.png")
    pictures.append(("scores_overall.png", "distribution of total scores"))
    for unit in summary["units"]:
        values = summary["per_unit"][unit]
        name = f"scores_{unit}.png"
        _histogram(values, f"{unit}: score of {len(values)} submission(s)", out / name, "submissions")
        pictures.append((name, f"distribution of scores in {unit}"))
    if summary["pass_rows"]:
        _pass_rates(summary["pass_rows"], out / "pass_rates.png")
        pictures.append(("pass_rates.png", "pass rate per question"))
    index = out / "index.html"
    index.write_text(_page(summary, pictures), encoding="utf-8")
    return index
