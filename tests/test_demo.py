"""Tests of the demo and its example submissions."""
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import demo, examples, results
from autograder.release import ROOT


def tree_state(folder):
    """SHA-256 of every file under folder (empty when it does not exist)."""
    folder = Path(folder)
    if not folder.exists():
        return {}
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


def test_examples_are_made_from_the_units_notebooks(tmp_path):
    """Are perfect/partial filled from solutions/, blank the release itself, and broken not valid JSON?"""
    source = examples.SAMPLE_UNIT / "00_sample.ipynb"
    released = tmp_path / "released.ipynb"
    notebook = json.loads(source.read_text())
    stub = "def relu(z):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    for cell in notebook["cells"]:  # a stand-in for nbgrader's release: stubs instead of answers
        if cell["metadata"]["nbgrader"].get("solution") and cell["cell_type"] == "code":
            cell["source"] = stub
    released.write_text(json.dumps(notebook))
    made = examples.make_examples(source, released)
    assert set(made) == set(examples.KINDS)
    perfect = json.loads(made["perfect"])
    codes = [c["source"] for c in perfect["cells"] if c["metadata"]["nbgrader"].get("solution")
             and c["cell_type"] == "code"]
    assert all("NotImplementedError" not in c and "BEGIN SOLUTION" not in c for c in codes)
    assert "return float(np.dot(x, w) + b)" in codes[0]
    partial = json.loads(made["partial"])
    partial_codes = [c["source"] for c in partial["cells"] if c["metadata"]["nbgrader"].get("solution")
                     and c["cell_type"] == "code"]
    assert "NotImplementedError" not in partial_codes[0] and partial_codes[1] == stub
    assert made["blank"] == released.read_bytes()
    with pytest.raises(json.JSONDecodeError):
        json.loads(made["broken"])


def test_demo_refuses_to_empty_a_folder_it_did_not_make(tmp_path):
    """Does the demo leave alone a non-empty work folder without its marker?"""
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(demo.DemoError, match="not made by the demo"):
        demo.prepare_work(tmp_path)
    assert (tmp_path / "precious.txt").read_text() == "keep me"
    fresh = demo.prepare_work(tmp_path / "work")
    (fresh / "old.txt").write_text("from an earlier run")
    demo.prepare_work(fresh)  # its own folder is emptied for a fresh run
    assert not (fresh / "old.txt").exists() and (fresh / ".gitignore").read_text() == "*\n"


@pytest.mark.slow
def test_demo_runs_the_whole_pipeline_in_its_own_folder(tmp_path):
    """Does `python -m autograder demo` grade the four examples as expected, print where things are, and touch nothing of the real course?"""
    real = {name: tree_state(ROOT / "autograder" / name) for name in ("submitted", "results", "autograded")}
    gradebook = ROOT / "autograder" / "gradebook.db"
    real_gradebook = hashlib.sha256(gradebook.read_bytes()).hexdigest() if gradebook.exists() else None
    work = tmp_path / "demo"
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, "-m", "autograder", "demo", "--work", str(work), "--unit", "00_sample",
                           "--no-progress"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for what in ("feedback", "grades", "report", "gradebook"):
        assert what in out
    assert str(work / "autograder" / "report" / "index.html") in out
    assert f"quickstart.py formgrader {work}" in out  # hand grading on the demo's own course root
    assert "4 submission(s) checked: 3 graded, 1 invalid." in out
    records = {r.student: r for r in results.read_all(work)}
    assert set(records) == set(examples.KINDS)
    assert (records["perfect"].status, records["perfect"].score) == ("graded", records["perfect"].max_score)
    assert records["partial"].status == "graded" and 0 < records["partial"].score < records["partial"].max_score
    assert (records["blank"].status, records["blank"].score) == ("graded", 0.0)
    assert records["broken"].status == "invalid" and records["broken"].reason
    for path in ("autograder/grades.csv", "autograder/report/pass_rates.png", "autograder/feedback/partial/index.html"):
        assert (work / path).is_file(), path
    assert {name: tree_state(ROOT / "autograder" / name) for name in real} == real
    assert (hashlib.sha256(gradebook.read_bytes()).hexdigest() if gradebook.exists() else None) == real_gradebook
