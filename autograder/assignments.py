"""Make sure the gradebook knows each unit before its submissions are graded.

nbgrader grades against what ``generate_assignment`` stored in the gradebook: the source of every
locked cell (hidden tests included), checksums and points. Our release step runs nbgrader in a
scratch course, so that it never touches the instructor's gradebook; grading therefore runs
``generate_assignment`` once more, again in a scratch copy of the unit's source, but with the real
gradebook as its database. A stamp (a hash of the unit's source folder and the course's
nbgrader_config.py) lets later runs skip this when nothing changed.

The released notebook a submission is compared with is ``course/<unit>/<unit>.ipynb``; when a
unit has not been released yet, the release made here from solutions/ is used.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from autograder.release import ReleaseError, run_generate_assignment

WORK = Path("autograder") / "work"


class AssignmentError(RuntimeError):
    """nbgrader could not register a unit in the gradebook; the message holds its log."""


GRADEBOOK_URL = "NNFS_GRADEBOOK_URL"


def db_url(course_root):
    """The gradebook's SQLAlchemy URL: ``$NNFS_GRADEBOOK_URL`` when set (a gradebook several graders
    share, e.g. ``postgresql+psycopg2://grader@dbhost/nnfs``), else the course's ``autograder/gradebook.db``."""
    return os.environ.get(GRADEBOOK_URL) or "sqlite:///" + str(Path(course_root).resolve() / "autograder" / "gradebook.db")


def has_gradebook(course_root):
    """True when the gradebook exists: a database server named by the URL, or the SQLite file."""
    return bool(os.environ.get(GRADEBOOK_URL)) or (Path(course_root) / "autograder" / "gradebook.db").is_file()


def units(course_root):
    """Units with a source notebook in solutions/, in course order."""
    solutions = Path(course_root) / "solutions"
    if not solutions.is_dir():
        return []
    return sorted(p.name for p in solutions.iterdir() if p.is_dir() and (p / f"{p.name}.ipynb").is_file())


def _fingerprint(course_root, unit):
    digest = hashlib.sha256()
    source = Path(course_root) / "solutions" / unit
    for path in sorted(source.rglob("*")):
        if path.is_file() and ".ipynb_checkpoints" not in path.parts:
            digest.update(path.relative_to(source).as_posix().encode())
            digest.update(path.read_bytes())
    config = Path(course_root) / "nbgrader_config.py"
    if config.is_file():
        digest.update(config.read_bytes())
    return digest.hexdigest()


def _stamp(course_root, unit):
    return Path(course_root) / WORK / "assignments" / f"{unit}.sha256"


def _known(course_root, unit):
    with Gradebook(db_url(course_root), "nnfs") as gradebook:
        try:
            gradebook.find_assignment(unit)
        except MissingEntry:
            return False
    return True


def ensure(course_root, unit):
    """Register ``unit`` in the course's gradebook (unless already done for this exact source).

    Returns the folder of a fresh release of the unit (kept under autograder/work/release/).
    """
    course_root = Path(course_root).resolve()
    fingerprint = _fingerprint(course_root, unit)
    stamp = _stamp(course_root, unit)
    kept = course_root / WORK / "release" / unit
    if (stamp.is_file() and stamp.read_text() == fingerprint and kept.is_dir()
            and has_gradebook(course_root) and _known(course_root, unit)):
        return kept
    with tempfile.TemporaryDirectory(prefix="nnfs-assign-") as scratch:
        scratch = Path(scratch)
        shutil.copy(course_root / "nbgrader_config.py", scratch / "nbgrader_config.py")
        shutil.copytree(course_root / "solutions" / unit, scratch / "solutions" / unit,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        (scratch / "autograder").mkdir()
        try:
            released = run_generate_assignment(scratch, unit, db_url(course_root))
        except ReleaseError as error:
            raise AssignmentError(f"nbgrader could not register {unit} in the gradebook:\n"
                                  f"{str(error)[-6000:]}") from None
        if kept.exists():
            shutil.rmtree(kept)
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(released, kept)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint)
    return kept


def release_folder(course_root, unit, generated):
    """The released folder students got: course/<unit> if it exists, else the generated one."""
    course = Path(course_root) / "course" / unit
    return course if (course / f"{unit}.ipynb").is_file() else Path(generated)


def released_notebook(folder, unit):
    return nbformat.read(Path(folder) / f"{unit}.ipynb", as_version=4)


def release_files(folder, unit):
    """name -> bytes of the released files other than notebooks (data a notebook may read)."""
    folder = Path(folder)
    found = {}
    for path in sorted(folder.rglob("*")):
        if (path.is_file() and path.suffix != ".ipynb"
                and not any(p in (".ipynb_checkpoints", "__pycache__") for p in path.parts)):
            found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found
