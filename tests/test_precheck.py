"""The pre-check: what it rejects, what it repairs (on a copy) and what it says."""
from pathlib import Path

import nbformat
import pytest

from autograder import precheck, results
from tests.hostile import corpus
from tests.hostile.corpus import tree_hash

UNIT = corpus.UNIT


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course with the fixture unit released by nbgrader (once for the module)."""
    return corpus.make_course(tmp_path_factory.mktemp("precheck") / "course")


@pytest.fixture()
def root(course, tmp_path):
    """A fresh copy of the course for one test, so submissions never mix."""
    return corpus.copy_course(course, tmp_path / "course")


def check(root, student):
    corpus.SUBMISSIONS[student](root, student)
    folder = Path(root) / "autograder" / "submitted" / student / UNIT
    return precheck.precheck(folder, UNIT, corpus.released(root))


def ids(nb):
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def test_untouched_release_passes_without_repairs(root):
    """Does the released notebook itself pass the check with nothing to repair?"""
    outcome = check(root, "blank")
    assert outcome.status == precheck.OK
    assert outcome.repairs == []
    assert ids(outcome.notebook) == ids(corpus.released(root))


@pytest.mark.parametrize("student, words", [
    ("corrupt", "not valid notebook JSON"),
    ("empty", "empty"),
    ("old_format", "format version 3"),
    ("ambiguous", "Found 2 notebooks"),
])
def test_broken_files_are_rejected_with_a_reason(root, student, words):
    """Is a corrupt, empty, old-format or ambiguous submission rejected with a plain reason?"""
    outcome = check(root, student)
    assert outcome.status == results.INVALID
    assert words in outcome.reason
    assert outcome.notebook is None


def test_missing_notebook(root):
    """Is a folder without a notebook, or no folder at all, reported as missing?"""
    assert check(root, "missing").status == results.MISSING
    nowhere = Path(root) / "autograder" / "submitted" / "nobody" / UNIT
    outcome = precheck.precheck(nowhere, UNIT, corpus.released(root))
    assert outcome.status == results.MISSING
    assert UNIT in outcome.reason


def test_json_that_is_not_a_notebook(root):
    """Is valid JSON that is not a notebook rejected?"""
    folder = corpus.submission_dir(root, "listy")
    (folder / f"{UNIT}.ipynb").write_text("[1, 2, 3]")
    outcome = precheck.precheck(folder, UNIT, corpus.released(root))
    assert outcome.status == results.INVALID
    assert "not a notebook" in outcome.reason


def test_wrong_notebook_is_rejected(root):
    """Is a notebook holding none of the unit's exercise cells rejected as the wrong notebook?"""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('hello')")])
    folder = corpus.write_nb(root, "stranger", nb)
    outcome = precheck.precheck(folder, UNIT, corpus.released(root))
    assert outcome.status == results.INVALID
    assert "wrong notebook" in outcome.reason


def test_single_renamed_notebook_is_accepted_with_a_note(root):
    """Is one notebook under another name graded, with a note naming both names?"""
    outcome = check(root, "renamed")
    assert outcome.status == precheck.OK
    assert outcome.notebook_file == "my_work (1).ipynb"
    assert any("my_work (1).ipynb" in r and f"{UNIT}.ipynb" in r for r in outcome.repairs)


def test_extra_files_are_listed_not_used(root):
    """Are files beside the notebook (a numpy.py, a fake nnlib) listed as ignored?"""
    outcome = check(root, "numpy_beside")
    assert outcome.status == precheck.OK
    assert sorted(outcome.extra_files) == ["nnlib/__init__.py", "numpy.py"]
    assert any("numpy.py" in r for r in outcome.repairs)


def test_timestamp_file_is_not_an_extra_file(root):
    """Is nbgrader's timestamp.txt accepted silently?"""
    corpus.good(root, "stamped")
    folder = Path(root) / "autograder" / "submitted" / "stamped" / UNIT
    (folder / "timestamp.txt").write_text("2024-01-01 12:00:00.000000 UTC")
    outcome = precheck.precheck(folder, UNIT, corpus.released(root))
    assert outcome.extra_files == []
    assert outcome.repairs == []


def test_pasted_copies_are_dropped_keeping_the_first(root):
    """Are pasted copies of an answer cell and of a test cell removed, keeping the first copy?"""
    outcome = check(root, "pastes")
    got = ids(outcome.notebook)
    assert got.count("double") == 1 and got.count("test_double") == 1
    first_answer = outcome.notebook.cells[got.index("double")]
    assert first_answer.source == corpus.WRONG["double"]
    assert sum("pasted copy" in r for r in outcome.repairs) == 2


def test_edited_tests_are_restored(root):
    """Are edited test cells put back as released, each with a note?"""
    outcome = check(root, "edits_tests")
    release = {precheck.grade_id(c): c.source for c in corpus.released(root).cells}
    for cell in outcome.notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code":
            assert cell.source == release[precheck.grade_id(cell)]
    assert sum("had been edited" in r for r in outcome.repairs) == 3


def test_deleted_tests_are_put_back_in_place(root):
    """Are deleted test cells re-inserted where they were in the release?"""
    outcome = check(root, "deletes_tests")
    assert ids(outcome.notebook) == ids(corpus.released(root))
    assert sum("was missing" in r for r in outcome.repairs) == 3


def test_deleted_answer_cell_is_reported_not_restored(root):
    """Is a deleted answer cell reported, and its stub not put back over the student's code?"""
    nb = corpus.answer(corpus.released(root), corpus.CORRECT)
    index = ids(nb).index("mean_abs")
    nb.cells[index].metadata.pop("nbgrader")
    folder = corpus.write_nb(root, "moved", nb)
    outcome = precheck.precheck(folder, UNIT, corpus.released(root))
    assert "mean_abs" not in ids(outcome.notebook)
    assert any("Answer cell 'mean_abs'" in r and "deleted" in r for r in outcome.repairs)
    assert any(c.source == corpus.CORRECT["mean_abs"] for c in outcome.notebook.cells)


def test_retagged_cells_are_reset(root):
    """Is a test cell turned into an answer cell, or given more points, reset to the release?"""
    outcome = check(root, "retags_tests")
    by_id = {precheck.grade_id(c): c for c in outcome.notebook.cells}
    hidden = by_id["test_double_hidden"].metadata["nbgrader"]
    assert hidden["grade"] and not hidden["solution"] and hidden["locked"] and hidden["points"] == 2
    assert by_id["test_mean_abs"].metadata["nbgrader"]["points"] == 1
    assert any("points: 1 became 100" in r for r in outcome.repairs)


def test_cell_type_change_is_reset(root):
    """Is a test cell turned into markdown put back as code?"""
    nb = corpus.released(root)
    nb.cells[ids(nb).index("test_mean_abs")].cell_type = "markdown"
    nb.cells[ids(nb).index("test_mean_abs")].pop("outputs")
    nb.cells[ids(nb).index("test_mean_abs")].pop("execution_count")
    folder = corpus.write_nb(root, "retyped", nb)
    outcome = precheck.precheck(folder, UNIT, corpus.released(root))
    assert outcome.status == precheck.OK
    assert outcome.notebook.cells[ids(outcome.notebook).index("test_mean_abs")].cell_type == "code"
    assert any("cell type" in r for r in outcome.repairs)


def test_unknown_grade_cells_become_ordinary(root):
    """Does a cell the student marked as a grade cell lose its grading metadata?"""
    nb = corpus.answer(corpus.released(root), corpus.CORRECT)
    extra = nbformat.v4.new_code_cell("pass", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "points": 50, "grade_id": "bonus",
        "schema_version": 3}})
    nb.cells.append(extra)
    folder = corpus.write_nb(root, "bonus", nb)
    outcome = precheck.precheck(folder, UNIT, corpus.released(root))
    assert "bonus" not in ids(outcome.notebook)
    assert any("'bonus'" in r for r in outcome.repairs)


def test_originals_are_never_modified(root):
    """Does checking (and repairing) every corpus submission leave the submitted files byte for byte?"""
    corpus.write_all(root)
    submitted = Path(root) / "autograder" / "submitted"
    before = tree_hash(submitted)
    for student in corpus.SUBMISSIONS:
        precheck.precheck(submitted / student / UNIT, UNIT, corpus.released(root))
    assert tree_hash(submitted) == before


def test_repaired_notebook_is_valid_and_independent(root):
    """Is the repaired notebook valid nbformat 4, and not the same object as the release?"""
    release = corpus.released(root)
    outcome = check(root, "deletes_tests")
    nbformat.validate(outcome.notebook)
    outcome.notebook.cells[0].source = "changed"
    assert release.cells[0].source != "changed"


def test_huge_file_is_rejected(root, monkeypatch_size=None):
    """Is a notebook file larger than the size limit rejected before being parsed?"""
    folder = corpus.submission_dir(root, "huge")
    path = folder / f"{UNIT}.ipynb"
    with open(path, "wb") as handle:
        handle.truncate(precheck.MAX_NOTEBOOK_BYTES + 1)
    outcome = precheck.precheck(folder, UNIT, corpus.released(root))
    assert outcome.status == results.INVALID
    assert "MB" in outcome.reason
