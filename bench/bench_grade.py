"""Benchmark: our grade (sandboxed, parallel) against plain serial ``nbgrader autograde``.

Both grade the same synthetic submissions: ``--students`` students (default 20) times every unit
released from solutions/ (or, while solutions/ is still empty, copies of the test fixture unit),
each exercise answered correctly (the solution's code) or not at all (the release's stub), chosen
at random with a fixed seed. Each side gets its own copy of the course in a temporary folder and a
gradebook that already knows the units (nbgrader's ``generate_assignment`` for the baseline, our
registration step for ours; both untimed, as both are done once per unit, not per grading run).

Usage::

    .venv/bin/python bench/bench_grade.py [--students 20] [--workers N] [--keep]

It prints both wall times and their ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from autograder import assignments, grading  # noqa: E402
from autograder import release as release_tool  # noqa: E402


def course_units(root):
    return assignments.units(root)


def build_course(target, fixture_units):
    """A course folder: config, solutions and releases of the real units (or fixture copies)."""
    target = Path(target)
    target.mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", target / "nbgrader_config.py")
    (target / "autograder").mkdir()
    units = course_units(REPO)
    if units:
        shutil.copytree(REPO / "solutions", target / "solutions",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        for unit in units:
            if (REPO / "course" / unit / f"{unit}.ipynb").is_file():
                shutil.copytree(REPO / "course" / unit, target / "course" / unit)
            else:
                release_tool.release([unit], dest=target / "course", solutions=target / "solutions")
        return units
    from tests.hostile import corpus  # the test fixture, used only while solutions/ is empty
    made = []
    for index in range(fixture_units):
        unit = f"9{index}_fixture"
        folder = target / "solutions" / unit
        folder.mkdir(parents=True)
        nb = corpus.source_notebook()
        nbformat.write(nb, folder / f"{unit}.ipynb")
        release_tool.release([unit], dest=target / "course", solutions=target / "solutions")
        made.append(unit)
    return made


def _solution_code(cell):
    """A solution cell's code as the instructor wrote it (markers are plain comments)."""
    return cell.source


def write_submissions(root, units, students, seed=0):
    """Each student answers each exercise correctly or leaves the stub, at random."""
    rng = random.Random(seed)
    for unit in units:
        source = nbformat.read(root / "solutions" / unit / f"{unit}.ipynb", as_version=4)
        answers = {c.metadata["nbgrader"]["grade_id"]: _solution_code(c) for c in source.cells
                   if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
        release = nbformat.read(root / "course" / unit / f"{unit}.ipynb", as_version=4)
        for number in range(students):
            nb = nbformat.from_dict(json.loads(json.dumps(release)))
            for cell in nb.cells:
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                if grade_id in answers and rng.random() < 0.6:
                    cell.source = answers[grade_id]
            folder = root / "autograder" / "submitted" / f"student{number:02d}" / unit
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, folder / f"{unit}.ipynb")


def run_baseline(root, units):
    """Serial nbgrader: generate_assignment (untimed), then autograde each unit (timed)."""
    env = release_tool.tool_env()
    for unit in units:
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", unit, "--force",
                        f"--CourseDirectory.root={root}"], cwd=root, env=env, check=True,
                       capture_output=True)
    started = time.perf_counter()
    for unit in units:
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", unit,
                        f"--CourseDirectory.root={root}"], cwd=root, env=env, check=True,
                       capture_output=True)
    return time.perf_counter() - started


def run_ours(root, units, workers):
    registered = time.perf_counter()
    for unit in units:
        assignments.ensure(root, unit)
    registered = time.perf_counter() - registered
    started = time.perf_counter()
    outcome = grading.grade_all(course_root=root, workers=workers, progress=False)
    return time.perf_counter() - started, registered, outcome


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--workers", type=int, default=None, help="default: all cores")
    parser.add_argument("--fixture-units", type=int, default=4,
                        help="units to make from the test fixture when solutions/ is empty")
    parser.add_argument("--keep", action="store_true", help="keep the temporary courses")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="nnfs-bench-"))
    try:
        ours_root, base_root = scratch / "ours", scratch / "baseline"
        units = build_course(ours_root, args.fixture_units)
        write_submissions(ours_root, units, args.students)
        shutil.copytree(ours_root, base_root)
        real = bool(course_units(REPO))
        print(f"{args.students} students x {len(units)} units ({', '.join(units)}"
              f"{'' if real else '; fixture copies, solutions/ is empty'}) = "
              f"{args.students * len(units)} notebooks, {os.cpu_count()} cores")
        baseline = run_baseline(base_root, units)
        print(f"plain serial nbgrader autograde: {baseline:7.1f} s")
        ours, registered, outcome = run_ours(ours_root, units, args.workers)
        statuses = {}
        for result in outcome:
            statuses[result.status] = statuses.get(result.status, 0) + 1
        print(f"our grade ({args.workers or os.cpu_count()} workers, sandboxed): {ours:7.1f} s   "
              f"(statuses {statuses}; registering the units first took {registered:.1f} s, untimed)")
        print(f"ratio: {baseline / ours:.2f}x faster")
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
