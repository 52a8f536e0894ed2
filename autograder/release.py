"""Release: make the students' notebooks in course/ from the instructor's notebooks in solutions/.

nbgrader's generate_assignment does the work (it strips solutions and hidden tests, locks the
test cells and records checksums). It runs in a scratch copy of the course so that a release never
touches the instructor's gradebook and a failed release never leaves course/ half written:
course/<unit> is replaced only once nbgrader has succeeded for that unit.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
COURSE = ROOT / "course"


def tool_env():
    """The environment for nbgrader's subprocesses: this Python's scripts first on PATH.

    nbgrader runs the ``alembic`` script by name, which fails when the virtual environment is
    used without being activated (``.venv/bin/python -m ...``).
    """
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


class ReleaseError(RuntimeError):
    """nbgrader could not generate a unit; the message holds its log."""


def units(solutions=SOLUTIONS):
    """The unit ids, in course order: the folders of solutions/ that hold a notebook."""
    return sorted(p.name for p in Path(solutions).iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def generate(unit, out_dir, solutions=SOLUTIONS):
    """Run nbgrader's generate_assignment for one unit in a scratch course; return the released folder.

    The released folder is ``out_dir/<unit>``; ``out_dir`` must not already hold that unit.
    """
    source = Path(solutions) / unit
    if not any(source.glob("*.ipynb")):
        raise ReleaseError(f"no notebook in {source}")
    with tempfile.TemporaryDirectory(prefix="nnfs-release-") as scratch:
        scratch = Path(scratch)
        shutil.copy(ROOT / "nbgrader_config.py", scratch / "nbgrader_config.py")
        (scratch / "autograder").mkdir()  # where the scratch gradebook goes
        shutil.copytree(source, scratch / "solutions" / unit,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        run = subprocess.run(
            [sys.executable, "-m", "nbgrader", "generate_assignment", unit, "--force"],
            cwd=scratch, capture_output=True, text=True, env=tool_env(),
        )
        released = scratch / "course" / unit
        if run.returncode != 0 or not released.is_dir():
            raise ReleaseError(f"nbgrader could not release {unit}:\n{run.stdout}\n{run.stderr}")
        target = Path(out_dir) / unit
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(released, target)
    return target


def release(selected=None, dest=COURSE, solutions=SOLUTIONS):
    """Release the selected units (default: all) into ``dest``, replacing each unit's folder whole.

    Returns the list of released folders.
    """
    done = []
    for unit in selected or units(solutions):
        with tempfile.TemporaryDirectory(prefix="nnfs-out-") as staging:
            fresh = generate(unit, staging, solutions)
            target = Path(dest) / unit
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(fresh, target)
            done.append(target)
    return done


if __name__ == "__main__":
    for folder in release(sys.argv[1:] or None):
        print(f"released {folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder}")
