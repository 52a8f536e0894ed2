"""Run a unit's grade cells in-process, to prove they catch wrong answers and accept right ones.

Running a whole notebook through a kernel takes seconds; executing one grade cell's source in a
namespace takes microseconds. The catalogues of wrong answers (tests/test_catalogue_*.py) use this
module: it builds the namespace a student's kernel would have at a grade cell -- the notebook's
``setup`` cell, then every solution cell (the reference answers) -- replaces the names under test
with a wrong or an alternative implementation, and executes grade cells from the *solutions*
notebook, so hidden tests take part.

Conventions the notebooks keep so that this works (see tests/test_course_notebooks.py):
- the first code cell has grade_id ``setup``: imports and seeding only;
- solution cells only define things (functions, constants); demonstrations live in other cells;
- grade cells use only names from ``setup`` and from solution cells.
"""
import contextlib
import io
import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
COURSE = ROOT / "course"


def notebook_path(unit, folder=SOLUTIONS):
    """The notebook of a unit: ``<folder>/<unit>/<unit>.ipynb``."""
    return Path(folder) / unit / f"{unit}.ipynb"


def load(unit, folder=SOLUTIONS):
    """The notebook as a dict (plain JSON, no nbformat validation)."""
    return json.loads(notebook_path(unit, folder).read_text(encoding="utf-8"))


def source(cell):
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


@dataclass
class Outcome:
    """What one grade cell did: passed, or failed with the message a student would read."""

    grade_id: str
    passed: bool
    message: str = ""
    error: str = ""  # the exception's type name, "" when passed


class Unit:
    """A unit's solutions notebook, its grade cells runnable in-process."""

    def __init__(self, unit, folder=SOLUTIONS):
        self.unit = unit
        self.notebook = load(unit, folder)
        self.cells = self.notebook["cells"]

    def code_cells(self, kind):
        """Code cells that are nbgrader grade cells (kind "grade") or solution cells (kind "solution")."""
        return [c for c in self.cells
                if c["cell_type"] == "code" and nbgrader_meta(c).get(kind)]

    def grade_ids(self):
        return [nbgrader_meta(c)["grade_id"] for c in self.code_cells("grade")]

    def cell(self, grade_id):
        for c in self.cells:
            if nbgrader_meta(c).get("grade_id") == grade_id:
                return source(c)
        raise KeyError(f"{self.unit} has no cell with grade_id {grade_id!r}; it has {self.grade_ids()}")

    def points(self, grade_id):
        for c in self.cells:
            if nbgrader_meta(c).get("grade_id") == grade_id:
                return float(nbgrader_meta(c).get("points", 0))
        raise KeyError(grade_id)

    def namespace(self, overrides=None):
        """The names a student's kernel holds at the grade cells when every answer is the reference.

        ``overrides`` then replaces some of them (a wrong or an alternative implementation).
        """
        namespace = {"__name__": "__main__"}
        quiet = io.StringIO()
        with contextlib.redirect_stdout(quiet), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(self.cell("setup"), f"<{self.unit}:setup>", "exec"), namespace)
            for c in self.code_cells("solution"):
                grade_id = nbgrader_meta(c)["grade_id"]
                exec(compile(source(c), f"<{self.unit}:{grade_id}>", "exec"), namespace)
        namespace.update(overrides or {})
        return namespace

    def run(self, grade_ids=None, overrides=None):
        """Execute grade cells (default: all) against the reference answers plus ``overrides``.

        Each grade cell runs in its own copy of the namespace, as one failing cell must not hide
        another. Returns a dict grade_id -> Outcome.
        """
        base = self.namespace(overrides)
        outcomes = {}
        for grade_id in grade_ids or self.grade_ids():
            namespace = dict(base)
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(self.cell(grade_id), f"<{self.unit}:{grade_id}>", "exec"), namespace)
            except Exception as error:  # a failed grade cell is exactly what we are looking for
                outcomes[grade_id] = Outcome(grade_id, False, str(error), type(error).__name__)
            else:
                outcomes[grade_id] = Outcome(grade_id, True)
        return outcomes

    def assert_caught(self, overrides, grade_ids=None, message_contains=None):
        """Assert that some of the grade cells fail for ``overrides``, with a specific message.

        A bare AssertionError (no message) does not count as catching: students need to be told why.
        ``message_contains`` (str or list of str, case-insensitive) must appear in a failure message.
        Returns the failed outcomes.
        """
        outcomes = self.run(grade_ids, overrides)
        failed = [o for o in outcomes.values() if not o.passed]
        names = ", ".join(sorted(overrides))
        assert failed, f"no grade cell of {self.unit} caught the wrong {names}; ran {sorted(outcomes)}"
        for outcome in failed:
            assert outcome.message.strip(), (
                f"{outcome.grade_id} failed with a bare {outcome.error} and no message for the wrong {names}")
        if message_contains:
            wanted = [message_contains] if isinstance(message_contains, str) else list(message_contains)
            text = " ".join(o.message for o in failed).lower()
            missing = [w for w in wanted if w.lower() not in text]
            assert not missing, f"messages for the wrong {names} do not mention {missing}: {[o.message for o in failed]}"
        return failed

    def assert_accepted(self, overrides, grade_ids=None):
        """Assert that every grade cell (or those given) passes with ``overrides`` in place."""
        outcomes = self.run(grade_ids, overrides)
        failed = {o.grade_id: f"{o.error}: {o.message}" for o in outcomes.values() if not o.passed}
        assert not failed, f"a correct {', '.join(sorted(overrides))} was refused: {failed}"
        return outcomes


class VisibleTests(Unit):
    """A unit's grade cells as the student's notebook holds them: released, hidden tests removed.

    The namespace is built from the solutions as in :class:`Unit` (reference answers, then the
    overrides), so a catalogue can prove that a mistake is caught by a test the student can see
    and run, not only by the hidden tests. Needs course/ released from the current solutions.
    """

    def __init__(self, unit):
        super().__init__(unit)
        self.released = Unit(unit, COURSE)

    def cell(self, grade_id):
        if grade_id in self.released.grade_ids():
            return self.released.cell(grade_id)
        return super().cell(grade_id)
