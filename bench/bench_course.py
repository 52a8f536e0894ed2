"""Benchmark: how long each unit takes to run top to bottom, and how fast each explorer redraws.

Usage::

    .venv/bin/python bench/bench_course.py                     # every unit of solutions/
    .venv/bin/python bench/bench_course.py --units 04_losses --repeat 3

Two measurements, each printed beside a baseline measured in the same run, so that a busy machine
shows up in both and the ratio stays meaningful:

- **execution**: each solutions notebook executed in a fresh Jupyter kernel with nbclient, from the
  kernel's start to the last cell, as a student's Run All (targets: a unit under 15 s, the whole
  course under 60 s). Baseline: the same unit's notebook cut down to its ``setup`` cell (kernel
  start-up plus the imports), so the ratio says how much the unit's own cells cost on top.
- **explorers**: the notebook's cells are run in this process (grade cells left out); every
  explorer they build (an ``nnlib.widgets.base.Explorer``) then has each of its controls moved,
  and the time from the change to the new picture is taken (target: under 100 ms), as wall time
  and as the CPU time of this process (which a busy machine inflates much less). Baseline: a
  one-slider explorer drawing one curve in a figure of the same size.
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import io
import statistics
import sys
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from nnlib.widgets.base import Explorer, float_slider  # noqa: E402
from tests.notebook_harness import SOLUTIONS, nbgrader_meta, notebook_path, source  # noqa: E402

UNIT_TARGET_S, COURSE_TARGET_S, REDRAW_TARGET_MS = 15.0, 60.0, 100.0


def units():
    return sorted(p.name for p in SOLUTIONS.iterdir() if (p / f"{p.name}.ipynb").is_file())


def execute_seconds(notebook, cwd):
    """Wall time to start a kernel and run every cell of ``notebook`` (errors allowed, as in grading)."""
    started = time.perf_counter()
    NotebookClient(copy.deepcopy(notebook), timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return time.perf_counter() - started


def setup_only(notebook):
    """The notebook cut down to its setup cell."""
    cut = copy.deepcopy(notebook)
    cut.cells = [c for c in cut.cells if nbgrader_meta(c).get("grade_id") == "setup"]
    return cut


def bench_execution(selected, repeat):
    print(f"\nExecution top to bottom (best of {repeat}), a fresh kernel each time")
    print(f"{'unit':18} {'setup only':>11} {'whole unit':>11} {'ratio':>7}  target < {UNIT_TARGET_S:.0f} s")
    total = 0.0
    for unit in selected:
        path = notebook_path(unit)
        notebook = nbformat.read(path, as_version=4)
        base = min(execute_seconds(setup_only(notebook), path.parent) for _ in range(repeat))
        whole = min(execute_seconds(notebook, path.parent) for _ in range(repeat))
        total += whole
        verdict = "ok" if whole < UNIT_TARGET_S else "OVER"
        print(f"{unit:18} {base:10.1f}s {whole:10.1f}s {whole / base:6.1f}x  {verdict}")
    print(f"{'whole course':18} {'':11} {total:10.1f}s {'':7}  target < {COURSE_TARGET_S:.0f} s: "
          f"{'ok' if total < COURSE_TARGET_S else 'OVER'}")


def run_cells_here(unit):
    """Run the unit's cells in this process (grade cells left out); return the namespace."""
    namespace = {"__name__": "__main__"}
    for cell in nbformat.read(notebook_path(unit), as_version=4).cells:
        if cell.cell_type != "code" or nbgrader_meta(cell).get("grade"):
            continue
        # IPython magics and shell lines mean nothing outside a kernel.
        code = "\n".join(line for line in source(cell).splitlines() if not line.lstrip().startswith(("%", "!")))
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                exec(compile(code, f"<{unit}>", "exec"), namespace)
            except Exception as error:  # a demo cell's failure must not stop the benchmark
                print(f"  ({unit}: a cell raised {type(error).__name__}: {error})")
    return namespace


@contextlib.contextmanager
def recording_explorers():
    """Collect every Explorer built inside the block, displayed or bound to a name alike."""
    built, original = [], Explorer.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        built.append(self)

    Explorer.__init__ = init
    try:
        yield built
    finally:
        Explorer.__init__ = original


def explorer_name(explorer):
    draw = explorer.draw
    return getattr(draw, "__qualname__", None) or type(draw).__name__


def other_value(control):
    """A different valid value for a control: the next option, or a step along a slider."""
    options = getattr(control, "options", None)
    if options:
        labels = [o[1] if isinstance(o, tuple) else o for o in options]
        return labels[(labels.index(control.value) + 1) % len(labels)] if control.value in labels else labels[0]
    if isinstance(control.value, bool):
        return not control.value
    low, high = getattr(control, "min", None), getattr(control, "max", None)
    if low is None or high is None:
        return None
    base = getattr(control, "base", None)
    if base:  # a FloatLogSlider: min and max are exponents, the value is base ** exponent
        exponent = float(np.log(control.value) / np.log(base)) + (high - low) / 7
        return float(base ** (exponent if exponent <= high else low + (high - low) / 5))
    span = high - low
    # At least one step, so that a short integer slider (rows 1-4) moves too.
    value = control.value + max(span / 7, getattr(control, "step", 0) or 0)
    return type(control.value)(value if value <= high else low + span / 5)


def redraw_ms(explorer, control, repeat):
    """Median milliseconds from a control change to the explorer's new picture: (wall, CPU), or None."""
    wall, cpu = [], []
    for _ in range(repeat):
        value = other_value(control)
        if value is None or value == control.value:
            return None
        started, started_cpu = time.perf_counter(), time.process_time()
        control.value = value  # the explorer observes its controls and redraws at once
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def baseline_explorer(figsize):
    z = np.linspace(-5, 5, 200)
    return Explorer({"w": float_slider("w", 1.0, -3, 3)}, lambda ax, w: ax.plot(z, np.tanh(w * z)),
                    figsize=figsize)


def bench_explorers(selected, repeat):
    print(f"\nExplorer redraw per control change (median of {repeat}), in this process: wall time, then CPU time")
    print(f"{'explorer':44} {'control':14} {'baseline':>9} {'redraw':>9} {'ratio':>6} "
          f"{'cpu base':>9} {'cpu':>9} {'ratio':>6}  target < {REDRAW_TARGET_MS:.0f} ms (wall)")
    for unit in selected:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with recording_explorers() as built:
                run_cells_here(unit)
            for explorer in built:
                name = explorer_name(explorer)
                base_explorer = baseline_explorer(tuple(explorer.figure.get_size_inches()))
                base, base_cpu = redraw_ms(base_explorer, base_explorer.controls["w"], repeat)
                for label, control in explorer.controls.items():
                    measured = redraw_ms(explorer, control, repeat)
                    if measured is None:
                        continue
                    ms, cpu = measured
                    verdict = "ok" if ms < REDRAW_TARGET_MS else "OVER"
                    print(f"{unit + ': ' + name:44} {label:14} {base:7.1f}ms {ms:7.1f}ms {ms / base:5.1f}x "
                          f"{base_cpu:7.1f}ms {cpu:7.1f}ms {cpu / base_cpu:5.1f}x  {verdict}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", nargs="*", help="units to measure (default: every unit of solutions/)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per measurement (default 3)")
    parser.add_argument("--skip-execution", action="store_true", help="measure the explorers only")
    args = parser.parse_args(argv)
    selected = args.units or units()
    if not args.skip_execution:
        bench_execution(selected, args.repeat)
    bench_explorers(selected, max(args.repeat, 3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
