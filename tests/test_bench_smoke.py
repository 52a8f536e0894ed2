"""Do the benchmark scripts still run and print their tables? (Tiny sizes; no timing is judged.)"""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TINY_TRAINING = ["--epochs", "1", "--thread-epochs", "1", "--repeat", "1", "--calls", "2", "--nets", "64-8-10", "--batches", "128",
                 "--optimizers", "sgd", "--dtypes", "float64"]


def run(*args):
    env = dict(os.environ, MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


def table_rows(out, first_cell):
    return [line for line in out.splitlines() if line.startswith(first_cell)]


def test_bench_train_prints_its_three_tables():
    """Does bench_train.py print the training, forward + backward and thread tables, with a row in each?"""
    out = run("bench/bench_train.py", *TINY_TRAINING)
    for heading in ("(1) Training", "(2) One forward + backward", "(3) BLAS threads"):
        assert heading in out
    assert "nnlib/floor" in out and "nnlib/torch" in out
    rows = table_rows(out, "64-8-10")
    assert len(rows) == 3  # one row per table for one net, batch, optimiser and dtype
    training = rows[0].split()
    assert training[1:4] == ["float64", "sgd", "128"]
    accuracies = training[-1].split("/")
    assert len(accuracies) == 3 and all(0.0 <= float(a) <= 1.0 for a in accuracies if a != "-")


def test_bench_train_skips_the_torch_column_without_torch():
    """Without torch importable, does bench_train.py say so and still print the floor and nnlib columns?"""
    script = ("import runpy, sys; sys.modules['torch'] = None; "
              f"sys.argv = ['bench_train.py'] + {TINY_TRAINING + ['--skip', 'threads']!r}; "
              "runpy.run_path('bench/bench_train.py', run_name='__main__')")
    out = run("-c", script)
    assert "torch is not installed: the torch column is skipped" in out
    training, gradients = table_rows(out, "64-8-10")
    assert training.split()[6] == "-" and training.split()[-1].endswith("/-")
    assert gradients.split()[5] == "-"


def test_bench_course_prints_the_explorer_table_for_one_unit():
    """Does bench_course.py, explorers only, print a redraw row for unit 03's explorer?"""
    out = run("bench/bench_course.py", "--skip-execution", "--units", "03_feedforward", "--repeat", "1")
    assert "Explorer redraw per control change" in out
    rows = table_rows(out, "03_feedforward:")
    assert rows and all("ms" in row for row in rows)


def test_bench_suite_times_a_quiet_and_a_busy_run():
    """Does bench_suite.py run pytest quietly and beside a busy loop, and print both rows, their ratio
    and the slowest files?"""
    out = run("bench/bench_suite.py", "--runs", "quiet", "busy", "--busy-loops", "1", "--slowest", "2",
              "--", "tests/test_datasets.py")
    quiet, busy = table_rows(out, "quiet  "), table_rows(out, "busy   ")
    assert len(quiet) == 1 and len(busy) == 1
    assert quiet[0].split()[1] == "0" and busy[0].split()[1] == "1"
    assert int(quiet[0].split()[4]) > 0 and quiet[0].split()[5] == "0"  # tests run, none failed
    assert "passes under load" in busy[0]
    assert "busy / quiet: suite" in out
    assert "test_datasets" in out.split("Slowest test files")[1]
