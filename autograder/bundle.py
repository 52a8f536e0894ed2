"""The student bundle: one zip with everything a student needs and nothing an instructor keeps.

Layout inside ``dist/nnfs-course-student.zip``::

    nnfs-course/README.md            two-command quick start (from autograder/student/)
    nnfs-course/setup_course.py      makes .venv and installs requirements.txt into it
    nnfs-course/start_course.py      opens JupyterLab with the student set-up
    nnfs-course/requirements.txt     the project's dependencies (from pyproject.toml)
    nnfs-course/nbgrader_config.py   what nbgrader's Validate button reads
    nnfs-course/jupyter-config/      turns the instructors' nbgrader tools off, keeps Validate
    nnfs-course/course/<unit>/...    the released notebooks
    nnfs-course/nnlib/...            the course library with its data

Never inside: solutions/, hidden tests, autograder/, tests/. :func:`check_bundle` proves it for
every zip that :func:`build_bundle` writes, and the build fails when the check does.
"""
import importlib.metadata
import json
import re
import tomllib
import zipfile
from pathlib import Path

from autograder.release import ROOT

BUNDLE_NAME = "nnfs-course-student.zip"
TOP = "nnfs-course"
STUDENT_FILES = Path(__file__).resolve().parent / "student"
# Fixed entry times make the zip depend only on its content (the same release gives the same bytes).
ZIP_TIME = (2020, 1, 1, 0, 0, 0)

FORBIDDEN_FOLDERS = ("solutions", "autograder", "tests", "bench", "dist", ".git", ".venv")
LEAK_MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN SOLUTION", "END SOLUTION")
SKIP = re.compile(r"(^|/)(__pycache__|\.ipynb_checkpoints)(/|$)|\.pyc$|(^|/)\.DS_Store$")


class BundleError(RuntimeError):
    """The bundle would leak instructor material or lacks a part; the message lists the problems."""


def requirements():
    """The project's runtime dependencies, one pip requirement per line, from pyproject.toml."""
    pyproject = ROOT / "pyproject.toml"
    if pyproject.is_file():
        deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    else:  # an installed copy of the project: ask its metadata
        deps = [r for r in importlib.metadata.requires("nnfs-course") or [] if "extra ==" not in r]
    return "\n".join(deps) + "\n"


def nnlib_folder(course_root=ROOT):
    """The nnlib to ship: the course root's own, else the importable one."""
    own = Path(course_root) / "nnlib"
    if own.is_dir():
        return own
    import nnlib
    return Path(nnlib.__file__).resolve().parent


def _tree(folder, prefix):
    """{arcname: path} for every file below ``folder``, leaving caches out."""
    found = {}
    for path in sorted(Path(folder).rglob("*")):
        name = f"{prefix}/{path.relative_to(folder).as_posix()}"
        if path.is_file() and not SKIP.search(name):
            found[name] = path
    return found


def bundle_files(course_root=ROOT):
    """{name inside the zip: path or bytes} for the whole bundle."""
    course = Path(course_root) / "course"
    if not course.is_dir() or not any(course.glob("*/*.ipynb")):
        raise BundleError(f"{course} holds no released notebook: release the units first")
    files = _tree(STUDENT_FILES, TOP)
    files[f"{TOP}/requirements.txt"] = requirements().encode("utf-8")
    files.update(_tree(course, f"{TOP}/course"))
    files.update(_tree(nnlib_folder(course_root), f"{TOP}/nnlib"))
    return dict(sorted(files.items()))


def build_bundle(course_root=ROOT, out=None):
    """Write the student bundle zip (default ``<course_root>/dist/nnfs-course-student.zip``); return its path.

    The zip is written beside its final name and moved into place only after :func:`check_bundle`
    finds nothing wrong, so a bad build never replaces a good bundle.
    """
    course_root = Path(course_root)
    out = Path(out) if out else course_root / "dist" / BUNDLE_NAME
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in bundle_files(course_root).items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            executable = name.endswith(("setup_course.py", "start_course.py"))
            info.external_attr = (0o100755 if executable else 0o100644) << 16
            archive.writestr(info, content if isinstance(content, bytes) else content.read_bytes())
    problems = check_bundle(partial, Path(course_root) / "solutions")
    if problems:
        partial.unlink()
        raise BundleError("the student bundle was not written:\n  " + "\n  ".join(problems))
    partial.replace(out)
    return out


def hidden_test_lines(solutions, unit="*"):
    """Lines of hidden tests (long enough to be telling) that appear nowhere else in their notebook.

    ``unit`` limits the search to one unit's folder of ``solutions``.
    """
    lines = set()
    for path in sorted(Path(solutions).glob(f"{unit}/*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        inside, outside = set(), set()
        for cell in notebook.get("cells", []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            hidden = False
            for line in source.splitlines():
                text = line.strip()
                if "BEGIN HIDDEN TESTS" in text:
                    hidden = True
                elif "END HIDDEN TESTS" in text:
                    hidden = False
                elif len(text) >= 20:
                    (inside if hidden else outside).add(text)
        lines |= inside - outside
    return lines


def check_bundle(zip_path, solutions=None):
    """Problems with a bundle zip, as sentences (an empty list means it is fine).

    Checks: every entry sits below ``nnfs-course/`` and none below a forbidden folder; the set-up
    files, a course notebook and nnlib are there; no text file carries nbgrader's solution or
    hidden-test markers; and, when ``solutions`` is given, no file of a unit's release holds a
    line of that unit's hidden tests.
    """
    problems = []
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        texts = {n: archive.read(n).decode("utf-8", "replace") for n in names
                 if n.endswith((".ipynb", ".py", ".md", ".txt", ".json"))}
    for name in names:
        parts = name.split("/")
        if parts[0] != TOP or ".." in parts:
            problems.append(f"{name} is outside the {TOP}/ folder")
        elif len(parts) > 2 and parts[1] in FORBIDDEN_FOLDERS:
            problems.append(f"{name} belongs to {parts[1]}/, which students must not get")
    for needed in ("README.md", "setup_course.py", "start_course.py", "requirements.txt",
                   "nbgrader_config.py", "jupyter-config/labconfig/page_config.json",
                   "jupyter-config/jupyter_server_config.json", "nnlib/__init__.py"):
        if f"{TOP}/{needed}" not in names:
            problems.append(f"{TOP}/{needed} is missing")
    if not any(re.fullmatch(rf"{TOP}/course/[^/]+/[^/]+\.ipynb", n) for n in names):
        problems.append("no released notebook under course/")
    for name, text in texts.items():
        for marker in LEAK_MARKERS:
            if marker in text:
                problems.append(f"{name} contains '{marker}': a solution or hidden test was not removed")
    if solutions and Path(solutions).is_dir():
        hidden = {}
        for name, text in texts.items():
            parts = name.split("/")
            if len(parts) < 4 or parts[1] != "course":
                continue
            unit = parts[2]
            if unit not in hidden:
                hidden[unit] = hidden_test_lines(solutions, unit)
            leaked = sorted(line for line in hidden[unit] if line in text)
            if leaked:
                problems.append(f"{name} contains a line of a hidden test: {leaked[0][:60]!r}")
    return problems


def describe(path, course_root=ROOT):
    """Lines for the terminal about a written bundle."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    units = sorted({n.split("/")[2] for n in names if n.startswith(f"{TOP}/course/") and n.count("/") >= 3})
    return [f"Student bundle: {path} ({Path(path).stat().st_size / 1024:.0f} KiB, {len(names)} files, "
            f"units: {', '.join(units)})",
            "It holds course/, nnlib/ and the set-up; students unzip it and run "
            "`python setup_course.py`, then `python start_course.py`."]
