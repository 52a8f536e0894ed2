"""Release: make the students' notebooks in course/ from the instructor's notebooks in solutions/.

nbgrader's generate_assignment does the work (it strips solutions and hidden tests, locks the
test cells and records checksums). It runs in a scratch copy of the course so that a release never
touches the instructor's gradebook and a failed release never leaves course/ half written:
course/<unit> is replaced only once nbgrader has succeeded for that unit.

nbgrader's converter runs in this process (:func:`run_generate_assignment`), not as the
``nbgrader generate_assignment`` command: starting nbgrader costs about 2 s of CPU, several times
the work of generating a unit, and a release of the course would pay it once per unit.
"""
import contextlib
import io
import logging
import os
import shutil
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


@contextlib.contextmanager
def scripts_on_path():
    """Within the block, this Python's scripts come first on PATH (see :func:`tool_env`).

    nbgrader runs ``alembic`` by name when it creates a gradebook, also inside this process.
    """
    before = os.environ.get("PATH")
    os.environ["PATH"] = tool_env()["PATH"]
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PATH", None)
        else:
            os.environ["PATH"] = before


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
        released = run_generate_assignment(scratch, unit)
        target = Path(out_dir) / unit
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(released, target)
    return target


def run_generate_assignment(root, unit, db_url=None):
    """Run nbgrader's generate_assignment for ``unit`` of the course at ``root``, in this process.

    Parameters
    ----------
    root : path
        A course folder holding nbgrader_config.py and solutions/<unit>/.
    unit : str
    db_url : str, optional
        The gradebook to register the unit in. Without one the release touches no gradebook
        (as the command's ``--no-db``).

    Returns
    -------
    Path
        The released folder, ``root/course/<unit>``.

    Raises
    ------
    ReleaseError
        When nbgrader fails; the message holds its log.
    """
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root).resolve()
    config = Config()
    if (root / "nbgrader_config.py").is_file():
        config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config())
    config.CourseDirectory.root = str(root)
    if db_url:
        config.CourseDirectory.db_url = db_url
    else:  # the released notebooks are the same; no gradebook is made or read
        config.SaveCells.enabled = False
        config.GenerateAssignment.no_database = True
    config.GenerateAssignment.force = True  # as the command's --force: replace an earlier release
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = unit
    converter = GenerateAssignment(coursedir=coursedir, config=config)
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    converter.log.addHandler(handler)
    try:
        with scripts_on_path():
            converter.start()
    except Exception as error:  # nbgrader says why in its log; NbGraderException carries little
        raise ReleaseError(f"nbgrader could not release {unit}: {error}\n{log.getvalue()}") from None
    finally:
        converter.log.removeHandler(handler)
    released = root / "course" / unit
    if not released.is_dir():
        raise ReleaseError(f"nbgrader released nothing for {unit}:\n{log.getvalue()}")
    return released


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
