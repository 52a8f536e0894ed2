"""Check, and where it is safe repair, a submitted notebook before it is graded.

The released notebook of the unit is the reference. The check reads the submission folder and
never changes it: every repair is made on a copy, and said in plain words.

Rejected (status "invalid", with the reason): an empty file, a file that is not notebook JSON, a
notebook format other than 4, several notebooks none of which has the unit's name, a notebook that
holds none of the unit's exercise cells, a file too large to be a notebook. "missing": no
notebook at all.

Repaired (graded, with a note for each): a single notebook under another name; pasted copies of a
cell (same grade id: the first copy is kept, the others removed); grade settings changed (a test
cell turned into an answer cell, its points changed, its type changed: reset to the release's);
an edited test or read-only cell (restored from the release; nbgrader then puts the hidden tests
back from the gradebook); a deleted test, read-only or written-answer cell (put back where it
was); grade metadata the release does not have (dropped); extra files beside the notebook (never
copied into the sandbox; listed).
"""
from __future__ import annotations

import copy
import dataclasses
import json
import secrets
import warnings
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from autograder import results

MAX_NOTEBOOK_BYTES = 50 * 2**20
# Files that may sit beside a notebook without being reported (nbgrader's submission time stamp).
ALLOWED_FILES = ("timestamp.txt",)
IGNORED_FOLDERS = (".ipynb_checkpoints", "__MACOSX")
OK = "ok"


@dataclasses.dataclass
class Precheck:
    """Outcome of the check of one submission.

    status : "ok", results.INVALID or results.MISSING
    notebook : the repaired copy (None unless status is "ok")
    """

    status: str
    reason: str = ""
    repairs: list = dataclasses.field(default_factory=list)
    notebook: NotebookNode | None = None
    notebook_file: str = ""
    extra_files: list = dataclasses.field(default_factory=list)


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader") or {}


def grade_id(cell):
    return nbgrader_meta(cell).get("grade_id")


def describe(cell):
    """How a cell is named to a person: "test cell 'x'", "answer cell 'y'", "read-only cell 'z'"."""
    meta = nbgrader_meta(cell)
    if meta.get("grade") and not meta.get("solution"):
        kind = "test cell"
    elif meta.get("solution"):
        kind = "answer cell"
    else:
        kind = "read-only cell"
    return f"{kind} '{meta.get('grade_id')}'"


def _upper_first(text):
    return text[:1].upper() + text[1:]


def _is_locked(meta):
    return bool(meta.get("locked") or (meta.get("grade") and not meta.get("solution")))


# -- finding the notebook ------------------------------------------------------------------------

def _files(folder):
    found = []
    for path in sorted(Path(folder).rglob("*")):
        parts = path.relative_to(folder).parts
        if path.is_file() and not any(p in IGNORED_FOLDERS for p in parts):
            found.append(path.relative_to(folder).as_posix())
    return found


def find_notebook(folder, unit):
    """(notebook file or None, repairs, problem) for a submission folder."""
    folder = Path(folder)
    if not folder.is_dir():
        return None, [], (results.MISSING, f"No submission for {unit}.")
    files = _files(folder)
    expected = f"{unit}.ipynb"
    if expected in files:
        return expected, [], None
    candidates = [f for f in files if f.endswith(".ipynb") and "/" not in f]
    if not candidates:
        others = f" (the folder holds {', '.join(files[:5])})" if files else ""
        return None, [], (results.MISSING, f"No notebook was submitted for {unit}{others}.")
    if len(candidates) > 1:
        return None, [], (results.INVALID,
                          f"Found {len(candidates)} notebooks ({', '.join(candidates)}) and none named "
                          f"{expected}; keep only the one to be graded, named {expected}.")
    return candidates[0], [f"The notebook was named {candidates[0]}; it was graded as {expected}."], None


# -- reading it ----------------------------------------------------------------------------------

def read_notebook(path):
    """(NotebookNode, None) or (None, reason) for a notebook file."""
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        return None, (f"The notebook file is {size / 2**20:.0f} MB, more than the "
                      f"{MAX_NOTEBOOK_BYTES // 2**20} MB a notebook may be; clear its outputs and resubmit.")
    raw = path.read_bytes()
    if not raw.strip():
        return None, "The notebook file is empty (0 bytes of content); the work was probably not saved."
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None, "The file is not a notebook (it is not text); it may be damaged."
    except json.JSONDecodeError as error:
        return None, (f"The file is not valid notebook JSON (line {error.lineno}, column {error.colno}: "
                      f"{error.msg}); it may be damaged or cut short. Open it in Jupyter, save, resubmit.")
    if not isinstance(data, dict):
        return None, "The file is JSON but not a notebook."
    version = data.get("nbformat")
    if version != 4:
        return None, (f"The notebook is in format version {version!r}; this course needs version 4 "
                      "(the format of the released notebook). Open it in current Jupyter and save it.")
    if not isinstance(data.get("cells"), list):
        return None, "The notebook has no list of cells; it is damaged."
    try:
        nb = _normalized(_fill_defaults(nbformat.from_dict(data)))
    except Exception as error:
        return None, f"The notebook's structure is damaged ({type(error).__name__}: {str(error)[:200]})."
    return nb, None


def _normalized(nb):
    """A validated copy of ``nb`` with unique cell ids and invalid metadata stripped."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbformat warns about the very things repaired here
        _, data = nbformat.validator.normalize(nb, strip_invalid_metadata=True)
    nb = nbformat.from_dict(data)
    seen = set()
    for cell in nb.cells:
        if nb.nbformat_minor >= 5 and (not cell.get("id") or cell["id"] in seen):
            cell["id"] = secrets.token_hex(4)
        seen.add(cell.get("id"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nbformat.validate(nb)
    return nb


def _fill_defaults(nb):
    """Add what nbformat 4 requires and editors sometimes leave out (a cell without metadata...)."""
    nb.setdefault("metadata", {})
    nb.setdefault("nbformat_minor", 4)
    for cell in nb.cells:
        cell.setdefault("metadata", {})
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
        cell.setdefault("source", "")
        if cell.get("cell_type") == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
    return nb


# -- comparing with the release ------------------------------------------------------------------

def _reset_meta(cell, reference):
    """Give ``cell`` the release's type and nbgrader metadata; list what changed."""
    changes = []
    ref_meta = nbgrader_meta(reference)
    meta = nbgrader_meta(cell)
    for key in ("grade", "solution", "locked", "points"):
        if key == "points" and not ref_meta.get("grade"):
            continue
        if meta.get(key) != ref_meta.get(key) and not (
                key == "points" and _same_number(meta.get(key), ref_meta.get(key))):
            changes.append(f"{key}: {ref_meta.get(key)!r} became {meta.get(key)!r}")
    if cell.get("cell_type") != reference.cell_type:
        changes.append(f"cell type: {reference.cell_type} became {cell.get('cell_type')}")
        cell["cell_type"] = reference.cell_type
        if reference.cell_type == "code":
            cell["outputs"], cell["execution_count"] = [], None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    cell["metadata"]["nbgrader"] = copy.deepcopy(ref_meta)
    for key in ("deletable", "editable"):
        if key in reference.metadata:
            cell["metadata"][key] = reference.metadata[key]
    return changes


def _same_number(a, b):
    try:
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
    except (TypeError, ValueError):
        return False


def _fresh_copy(reference):
    cell = nbformat.from_dict(copy.deepcopy(reference))
    cell.pop("id", None)
    return cell


def compare_with_release(nb, release):
    """Repair ``nb`` (in place) against the release; return (repairs, problem or None)."""
    repairs = []
    ref_cells = {grade_id(c): c for c in release.cells if grade_id(c)}
    ref_order = [grade_id(c) for c in release.cells if grade_id(c)]
    seen, kept = set(), []
    for cell in nb.cells:
        gid = grade_id(cell)
        meta = nbgrader_meta(cell)
        if meta and (gid is None or gid not in ref_cells):
            cell["metadata"].pop("nbgrader", None)
            if meta.get("grade") or meta.get("solution") or meta.get("locked"):
                repairs.append(f"A cell marked as grade cell '{gid}' is not part of the assignment; "
                               "it was treated as an ordinary cell.")
            gid = None
        if gid is not None and gid in seen:
            repairs.append(f"A pasted copy of {describe(ref_cells[gid])} was removed "
                           "(the first copy was kept).")
            continue
        if gid is not None:
            seen.add(gid)
        kept.append(cell)
    nb.cells = kept
    if ref_cells and not any(nbgrader_meta(ref_cells[g]).get("solution") and g in seen for g in ref_cells):
        if not seen:
            return repairs, ("This notebook holds none of the unit's exercise cells; it may be the "
                             "wrong notebook. Submit the released notebook with your answers in it.")
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid is None:
            continue
        reference = ref_cells[gid]
        changes = _reset_meta(cell, reference)
        if changes:
            repairs.append(f"The grading settings of {describe(reference)} had been changed "
                           f"({'; '.join(changes)}); they were reset.")
        if _is_locked(nbgrader_meta(reference)) and cell.source != reference.source:
            cell.source = reference.source
            repairs.append(f"{_upper_first(describe(reference))} had been edited; the original was restored.")
    for position, gid in enumerate(ref_order):
        if gid in seen:
            continue
        reference = ref_cells[gid]
        meta = nbgrader_meta(reference)
        if meta.get("solution") and not meta.get("grade"):
            repairs.append(f"{_upper_first(describe(reference))} was deleted; it was not put back "
                           "(any answer must be in another cell).")
            continue
        _insert_in_place(nb, _fresh_copy(reference), ref_order[:position], ref_order[position + 1:])
        seen.add(gid)
        repairs.append(f"{_upper_first(describe(reference))} was missing; it was put back in its place.")
    return repairs, None


def _insert_in_place(nb, cell, earlier, later):
    """Insert after the nearest earlier reference cell present, else before the nearest later one."""
    positions = {grade_id(c): i for i, c in enumerate(nb.cells) if grade_id(c)}
    for gid in reversed(earlier):
        if gid in positions:
            nb.cells.insert(positions[gid] + 1, cell)
            return
    for gid in later:
        if gid in positions:
            nb.cells.insert(positions[gid], cell)
            return
    nb.cells.append(cell)


# -- the whole check -----------------------------------------------------------------------------

def precheck(folder, unit, release):
    """Check the submission folder of one (student, unit) against the released notebook.

    Parameters
    ----------
    folder : path
        autograder/submitted/<student>/<unit>; read only.
    unit : str
    release : NotebookNode
        The released notebook of the unit.
    """
    name, repairs, problem = find_notebook(folder, unit)
    if problem:
        return Precheck(status=problem[0], reason=problem[1])
    extra = [f for f in _files(folder) if f != name and f not in ALLOWED_FILES]
    if extra:
        shown = ", ".join(extra[:8]) + (f" and {len(extra) - 8} more" if len(extra) > 8 else "")
        repairs.append(f"Ignored {len(extra)} extra file(s) beside the notebook "
                       f"(never used in grading): {shown}.")
    nb, reason = read_notebook(Path(folder) / name)
    if nb is None:
        return Precheck(status=results.INVALID, reason=reason, repairs=repairs, notebook_file=name,
                        extra_files=extra)
    more, reason = compare_with_release(nb, release)
    repairs.extend(more)
    if reason:
        return Precheck(status=results.INVALID, reason=reason, repairs=repairs, notebook_file=name,
                        extra_files=extra)
    kernelspec = release.metadata.get("kernelspec", nb.metadata.get("kernelspec", {}))
    nb.metadata["kernelspec"] = copy.deepcopy(kernelspec)
    nb = _normalized(nb)
    return Precheck(status=OK, repairs=repairs, notebook=nb, notebook_file=name, extra_files=extra)
