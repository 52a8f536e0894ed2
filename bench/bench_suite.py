"""Benchmark: how long the test suite takes on a quiet machine, and with every core kept busy.

Usage::

    .venv/bin/python bench/bench_suite.py                          # the whole suite, quiet then busy
    .venv/bin/python bench/bench_suite.py --runs quiet             # quiet only (target: under 8 min)
    .venv/bin/python bench/bench_suite.py --runs busy -- tests/test_losses.py   # part of the suite

Each run is the README's test command (pytest on tests/, as ``python3 quickstart.py test`` runs
it) in a subprocess. The busy run starts one endless loop per core first, as another job sharing
the machine would, and stops them afterwards: the suite must still pass there, only slower.

The baseline measured in the same run is a fixed piece of pure-Python work timed just before each
run (the "calibration" column): it says how much of a core a process gets at that moment, so a
busy run's slow-down can be read against what the same load does to plain work. The table ends
with busy / quiet for both, and lists the files that took longest in the first run.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE_TARGET_S = 8 * 60
CALIBRATION_LOOPS = 5_000_000


def calibration_seconds():
    """Wall time of a fixed pure-Python loop (about 0.2 s on a free core of the development machine)."""
    started = time.perf_counter()
    total = 0
    for i in range(CALIBRATION_LOOPS):
        total += i & 7
    return time.perf_counter() - started


def busy_loops(count):
    """``count`` processes that each keep one core busy until killed."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def run_suite(pytest_args, busy):
    """Run pytest with ``busy`` endless loops beside it; return its counts, wall time and per-file times."""
    loops = busy_loops(busy)
    try:
        calibration = calibration_seconds()
        load = os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as scratch:
            report = Path(scratch) / "junit.xml"
            env = dict(os.environ, MPLBACKEND="Agg")
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                   f"--junitxml={report}", *pytest_args], cwd=ROOT, env=env,
                                  capture_output=True, text=True)
            wall = time.perf_counter() - started
            counts, per_file, failed = read_report(report) if report.is_file() else ({}, {}, [])
    finally:
        for process in loops:
            process.kill()
            process.wait()
    if done.returncode not in (0, 1):  # 1: some tests failed, which the table shows
        sys.stdout.write(done.stdout[-3000:] + done.stderr[-3000:])
    return {"busy": busy, "calibration": calibration, "load": load, "wall": wall, "counts": counts,
            "per_file": per_file, "failed": failed, "returncode": done.returncode}


def read_report(path):
    """(counts, seconds per test file, names of the failed tests) from pytest's JUnit XML report."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    counts = defaultdict(int)
    for suite in suites:
        for key in ("tests", "failures", "errors", "skipped"):
            counts[key] += int(suite.get(key, 0))
    per_file, failed = defaultdict(float), []
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(f"{case.get('classname')}::{case.get('name')}")
        module = case.get("classname", "").split(".")
        # classname is tests.test_file (or tests.test_file.TestClass): keep the file's part
        name = next((part for part in module if part.startswith("test_")), ".".join(module))
        per_file[name] += float(case.get("time", 0.0))
    return dict(counts), dict(per_file), failed


def print_table(runs, slowest):
    print(f"\n{'run':6} {'busy loops':>10} {'calibration':>12} {'load':>5} {'tests':>6} {'failed':>6} "
          f"{'skipped':>7} {'wall':>9}  target < {SUITE_TARGET_S // 60} min (quiet)")
    for name, run in runs.items():
        counts, failed = run["counts"], len(run["failed"])
        if name == "quiet":
            verdict = "ok" if run["wall"] < SUITE_TARGET_S else "OVER"
        elif failed or run["returncode"] not in (0, 5):
            verdict = "FAILED under load"
        else:
            verdict = "passes under load"
        print(f"{name:6} {run['busy']:>10} {run['calibration']:>11.2f}s {run['load']:>5.1f} "
              f"{counts.get('tests', 0):>6} {failed:>6} {counts.get('skipped', 0):>7} {run['wall']:>8.1f}s  {verdict}")
    for name, run in runs.items():
        for test in run["failed"]:
            print(f"  failed in the {name} run: {test}")
    if "quiet" in runs and "busy" in runs:
        quiet, busy = runs["quiet"], runs["busy"]
        print(f"busy / quiet: suite {busy['wall'] / quiet['wall']:.2f}x, "
              f"calibration {busy['calibration'] / quiet['calibration']:.2f}x")
    first = next(iter(runs.values()))
    print(f"\nSlowest test files ({next(iter(runs))} run), seconds summed over their tests:")
    for name, seconds in sorted(first["per_file"].items(), key=lambda item: -item[1])[:slowest]:
        print(f"  {name:40} {seconds:8.1f}s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", nargs="+", choices=("quiet", "busy"), default=["quiet", "busy"],
                        help="which runs to make, in order (default: quiet, then busy)")
    parser.add_argument("--busy-loops", type=int, default=os.cpu_count() or 1,
                        help="endless loops beside the busy run (default: one per core)")
    parser.add_argument("--slowest", type=int, default=12, help="how many of the slowest files to list")
    parser.add_argument("pytest_args", nargs="*", help="after --: what pytest runs (default: the whole suite)")
    args = parser.parse_args(argv)
    runs = {}
    for name in args.runs:
        busy = args.busy_loops if name == "busy" else 0
        print(f"running {name}: pytest {' '.join(args.pytest_args) or 'tests/'} with {busy} busy loop(s) ...",
              flush=True)
        runs[name] = run_suite(args.pytest_args, busy)
    print_table(runs, args.slowest)
    return 1 if any(run["failed"] for run in runs.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
