"""Example submissions for the demo and the tests: perfect, partly right, blank and broken.

They are made from a unit's two notebooks, so they always match the current course:

- ``perfect``: the released notebook with every solution cell filled from solutions/;
- ``partial``: the same with only the first half of the code exercises filled (the rest keep
  their stubs) and the written answer attempted;
- ``blank``: the released notebook as a student receives it;
- ``broken``: the released notebook cut off halfway, as an interrupted upload leaves it.

When solutions/ has no unit yet, the small unit in ``examples/00_sample`` stands in for the course.
Run ``python -m autograder.examples OUT`` to write the examples of every unit into a folder.
"""
import json
import math
import shutil
import sys
import tempfile
from pathlib import Path

from autograder.release import ROOT, release, units

HERE = Path(__file__).resolve().parent
SAMPLE_UNIT = HERE / "00_sample"
KINDS = ("perfect", "partial", "blank", "broken")

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def _source(cell):
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def answer(source):
    """What a student who got it right would have written: the solution without nbgrader's markers.

    Lines between the markers are kept, the marker lines dropped, the text outside kept as is.
    """
    kept = [line for line in source.splitlines() if line.strip() not in (BEGIN, END)]
    return "\n".join(kept)


def _filled(source_nb, released_nb, keep):
    """The released notebook with the solution cells whose grade id ``keep`` accepts filled in."""
    answers = {_nbgrader(c).get("grade_id"): answer(_source(c))
               for c in source_nb["cells"] if _nbgrader(c).get("solution")}
    filled = json.loads(json.dumps(released_nb))
    for cell in filled["cells"]:
        grade_id = _nbgrader(cell).get("grade_id")
        if _nbgrader(cell).get("solution") and grade_id in answers and keep(cell):
            cell["source"] = answers[grade_id]
    return filled


def make_examples(source_path, released_path):
    """The four example submissions of one unit, as {kind: bytes of the .ipynb file}.

    Parameters
    ----------
    source_path : path
        The unit's notebook in solutions/ (with solutions and hidden tests).
    released_path : path
        The unit's notebook in course/ (what nbgrader released from it).
    """
    source_nb = json.loads(Path(source_path).read_text(encoding="utf-8"))
    released_text = Path(released_path).read_text(encoding="utf-8")
    released_nb = json.loads(released_text)
    code_ids = [_nbgrader(c)["grade_id"] for c in released_nb["cells"]
                if _nbgrader(c).get("solution") and c["cell_type"] == "code"]
    first_half = set(code_ids[:math.ceil(len(code_ids) / 2)])

    def dump(notebook):
        return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")

    return {
        "perfect": dump(_filled(source_nb, released_nb, lambda cell: True)),
        "partial": dump(_filled(source_nb, released_nb, lambda cell: cell["cell_type"] == "markdown"
                                or _nbgrader(cell)["grade_id"] in first_half)),
        "blank": released_text.encode("utf-8"),
        "broken": released_text.encode("utf-8")[: len(released_text) // 2],
    }


def write_examples(course_root, inbox, selected=None):
    """Write every example of the selected units as ``inbox/<kind>/<unit>/<notebook>``; return the paths.

    The inbox is laid out by student (one student per kind), ready for ``collect``.
    """
    course_root, inbox = Path(course_root), Path(inbox)
    written = []
    for unit in selected or units(course_root / "solutions"):
        source = sorted((course_root / "solutions" / unit).glob("*.ipynb"))[0]
        released = course_root / "course" / unit / source.name
        for kind, data in make_examples(source, released).items():
            target = inbox / kind / unit / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written.append(target)
    return written


def make_course(root, selected=None, source_root=ROOT):
    """Set up a separate course root: nbgrader_config.py, solutions/ and the released course/.

    The units come from ``source_root``'s solutions/ (all, or ``selected``); when it has none,
    the sample unit is used. A unit's release is copied from ``source_root``'s course/ when it is
    there (course/ is always nbgrader's release of solutions/), else made afresh with nbgrader.
    Returns the list of units.
    """
    root, source_root = Path(root), Path(source_root)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / "autograder").mkdir(exist_ok=True)
    solutions = source_root / "solutions"
    available = units(solutions) if solutions.is_dir() else []
    chosen = [u for u in (selected or available) if u in available]
    if selected and len(chosen) < len(selected) and set(selected) - set(chosen) != {SAMPLE_UNIT.name}:
        missing = sorted(set(selected) - set(chosen) - {SAMPLE_UNIT.name})
        raise ValueError(f"no unit {', '.join(missing)} in {solutions} (units: {', '.join(available) or 'none'})")
    origins = {u: solutions / u for u in chosen}
    if not chosen or (selected and SAMPLE_UNIT.name in selected):
        origins[SAMPLE_UNIT.name] = SAMPLE_UNIT
    skip = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    to_release = []
    for unit, origin in origins.items():
        shutil.copytree(origin, root / "solutions" / unit, ignore=skip)
        released = source_root / "course" / unit
        if origin != SAMPLE_UNIT and any(released.glob("*.ipynb")):
            shutil.copytree(released, root / "course" / unit, ignore=skip)
        else:
            to_release.append(unit)
    if to_release:
        release(to_release, dest=root / "course", solutions=root / "solutions")
    return sorted(origins)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: python -m autograder.examples OUT\n"
              "Writes the perfect, partial, blank and broken examples of every unit in solutions/\n"
              "(or of the sample unit when there is none) into OUT/<kind>/<unit>/.")
        return 2
    with tempfile.TemporaryDirectory(prefix="nnfs-examples-") as work:
        make_course(work)
        for path in write_examples(work, argv[0]):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
