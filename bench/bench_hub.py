"""Benchmark: a class on the course's JupyterHub, release -> submit -> grade -> feedback.

A real hub (deploy/hub/, on 127.0.0.1) with ``--students`` system accounts (default 30) and the
sample unit. Untimed: making the accounts and the course. Timed, in order:

- release: ``python -m autograder exchange release`` (nbgrader's release_assignment);
- servers: every student's JupyterLab started through the hub's REST API, all at once, as when a
  class logs in at the start of a session (and the memory they hold once up);
- submit: each student fetches the unit, saves an answer (every other student all right, the
  others with half the exercises) and submits, through their own server's nbgrader endpoints,
  as the Assignments tab does;
- collect, grade (the sandboxed engine, all cores) and feedback (pages written and released);
- fetch feedback: each student's Assignments tab fetches their page.

Usage (as root)::

    .venv/bin/python bench/bench_hub.py [--students 30] [--workers N]

It prints each phase's wall time, the total, and each phase as a ratio of the grade step's time
measured in the same run (grading is the work the class server exists to feed).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder import examples  # noqa: E402
from tests import hub_harness  # noqa: E402

UNIT = "00_sample"


def rss_mib(name):
    """The memory (resident set, MiB) of every process the account ``name`` runs."""
    out = subprocess.run(["ps", "-o", "rss=", "-u", name], capture_output=True, text=True).stdout.split()
    return sum(int(kb) for kb in out) / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--workers", type=int, help="grading workers (default: all cores)")
    args = parser.parse_args(argv)
    missing = hub_harness.missing_parts() or hub_harness.location_problem()
    if missing:
        sys.exit(missing)
    students = [f"nnfsb{os.getpid() % 100000:05d}x{i:03d}" for i in range(args.students)]
    times = {}

    def timed(phase, action):
        start = time.perf_counter()
        result = action()
        times[phase] = time.perf_counter() - start
        print(f"{phase:<16} {times[phase]:8.1f} s", flush=True)
        return result

    print(f"making {args.students} accounts and the course (untimed) ...", flush=True)
    with hub_harness.running_hub(students, [], units=[UNIT], timeout=300) as hub:
        source = hub.course_root / "solutions" / UNIT / f"{UNIT}.ipynb"
        released = hub.course_root / "course" / UNIT / f"{UNIT}.ipynb"
        answers = examples.make_examples(source, released)
        exchange = ["--exchange", str(hub.exchange)]

        def course(*step):
            run = hub_harness.course_command(hub, *step)
            if run.returncode not in (0, 1):
                sys.exit(f"{' '.join(step)} failed:\n{run.stdout}\n{run.stderr}")
            return run

        timed("release", lambda: course("exchange", "release", UNIT, *exchange))
        timed("servers", lambda: hub.start_servers(students))
        memory = [rss_mib(name) for name in students]
        for name in students:
            hub.token(name)

        def submit(index_name):
            index, name = index_name
            notebook = json.loads(answers["perfect" if index % 2 == 0 else "partial"])
            hub.assignment_action(name, "fetch", UNIT)
            hub.as_student(name, "PUT", f"/api/contents/{UNIT}/{UNIT}.ipynb",
                           body={"type": "notebook", "format": "json", "content": notebook})
            status, answer = hub.assignment_action(name, "submit", UNIT)
            if status != 200 or not answer.get("success"):
                sys.exit(f"{name} could not submit: {status} {answer}")

        with ThreadPoolExecutor(max_workers=8) as pool:  # a class hands in at about the same time
            timed("submit", lambda: list(pool.map(submit, enumerate(students))))
        timed("collect", lambda: course("exchange", "collect", UNIT, *exchange))
        grade = ["grade", "--no-progress"] + (["--workers", str(args.workers)] if args.workers else [])
        graded = timed("grade", lambda: course(*grade))
        timed("feedback", lambda: course("exchange", "feedback", UNIT, *exchange))
        with ThreadPoolExecutor(max_workers=8) as pool:
            timed("fetch feedback", lambda: list(pool.map(
                lambda name: hub.assignment_action(name, "fetch_feedback", UNIT), students)))
    total = sum(times.values())
    print(f"{'total':<16} {total:8.1f} s for {args.students} students "
          f"(release -> servers -> submit -> collect -> grade -> feedback -> fetch)")
    print("each phase against grade (same run): " + ", ".join(
        f"{phase} {seconds / times['grade']:.2f}" for phase, seconds in times.items()))
    print(f"memory of a student's idle JupyterLab: {sum(memory) / len(memory):.0f} MiB on average "
          f"(max {max(memory):.0f} MiB), {sum(memory) / 1024:.1f} GiB for the class")
    print("grade said: " + " ".join(line for line in graded.stdout.splitlines() if "checked" in line))


if __name__ == "__main__":
    main()
