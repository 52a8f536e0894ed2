"""The judge: runs each grade cell of the instructor's notebook here, against the student's kernel.

For one submission the judge builds a namespace as the notebook would have it at the grade cells
(the convention of the course's notebooks: the first code cell, ``setup``, only imports course
code; solution cells only define things; grade cells use only names from those two): the setup
cell runs here, and every name the unit's solution cells define is fetched from the kernel, as
data when it is data, as a :class:`~autograder.judge.remote.StudentFunction` when it is a
function. Then every grade cell, hidden tests included, runs here in its own copy of that
namespace. Checks, expected values and the mistake catalogues never leave this process; only the
calls the checks make reach the kernel, as plain data.

The outcome of each grade cell is a :class:`Verdict`; nothing the kernel prints, raises or
patches decides one (a student's exception is an answer that fails a check, like a wrong value).
"""
from __future__ import annotations

import ast
import contextlib
import dataclasses
import io
import sys
import traceback
import warnings

from autograder.judge import advice
from autograder.judge.remote import CallTimedOut, KernelStopped, ProtocolBroken, StudentFunction
from autograder.judge.source import SubmittedSource, ipython_to_python

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
MAX_PRINTED = 20_000

PASSED, FAILED, TIMED_OUT, NOT_RUN = "passed", "failed", "timed_out", "not_run"


@dataclasses.dataclass
class Verdict:
    """What the judge decided for one grade cell.

    part : "visible" when the failing statement is in the part of the cell students see,
        "hidden" when it is in the hidden tests, "" when the cell passed or never ran.
    """

    grade_id: str
    outcome: str
    ename: str = ""
    message: str = ""
    part: str = ""
    printed: str = ""

    @property
    def passed(self):
        return self.outcome == PASSED


def hidden_lines(source):
    """Line numbers (1-based) of a grade cell's hidden part, markers included."""
    lines, inside, found = source.splitlines(), False, set()
    for number, line in enumerate(lines, start=1):
        if BEGIN_HIDDEN in line:
            inside = True
        if inside:
            found.add(number)
        if END_HIDDEN in line:
            inside = False
    return found


def names_defined(sources):
    """Names bound at the top level of cells (def, class, assignment; not imports)."""
    names = []
    for text in sources:
        try:
            tree = ast.parse(ipython_to_python(text))
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.append(node.name)
            elif not isinstance(node, (ast.Import, ast.ImportFrom)):
                names += [n.id for n in ast.walk(node)
                          if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
    return list(dict.fromkeys(names))


def _run_quietly(code, namespace):
    """Run trusted course code (setup, a grade cell); return what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(code, namespace)
        finally:
            sys.stdout.flush()
    return printed.getvalue()


def _failing_line(error, filename):
    """The line of the grade cell's top level where ``error`` surfaced."""
    frames = traceback.extract_tb(error.__traceback__)
    for frame in frames:
        if frame.filename == filename:
            return frame.lineno
    return None


class _NoShell:
    """What ``get_ipython()`` gives course code run in the judge: magics do nothing here."""

    def run_line_magic(self, *args, **kwargs):
        return None

    run_cell_magic = system = getoutput = run_line_magic


class Judge:
    """Judges the grade cells of one unit against any number of submissions.

    Parameters
    ----------
    setup_source : str
        The unit's setup cell (run in the judge for every submission).
    answer_names : list of str
        The names the unit's solution cells define (fetched from the kernel).
    grade_cells : list of (grade_id, source)
        The grade cells with their hidden tests, in notebook order.
    """

    def __init__(self, setup_source, answer_names, grade_cells):
        self.setup = compile(ipython_to_python(setup_source), "<setup>", "exec", dont_inherit=True)
        self.answer_names = [n for n in answer_names]
        self.cells = []
        for grade_id, source in grade_cells:
            filename = f"<grade cell {grade_id}>"
            try:
                code = compile(ipython_to_python(source), filename, "exec", dont_inherit=True)
            except SyntaxError as error:
                code = error
            self.cells.append((grade_id, source, filename, code))
        setup_names = set(names_defined([setup_source]))
        self.answer_names = [n for n in self.answer_names if n not in setup_names]

    def namespace(self, kernel, source):
        """The names the grade cells see: setup here, the student's answers from the kernel."""
        namespace = {"__name__": "__main__", "get_ipython": _NoShell}
        _run_quietly(self.setup, namespace)
        made = source.stand_ins(lambda name, function: StudentFunction(kernel, name, function))
        for name in self.answer_names:
            kind, value = kernel.get(name)
            if kind == "callable":
                namespace[name] = made.get(name) or StudentFunction(kernel, name, source.function(name))
            elif kind == "data":
                namespace[name] = value
        return namespace

    def judge(self, kernel, student_cells):
        """A :class:`Verdict` per grade cell for the submission whose kernel is ``kernel``.

        Parameters
        ----------
        kernel : remote.Kernel
            Connected to the kernel that ran the submitted notebook.
        student_cells : list of str
            The setup cell and every cell the student could write, in notebook order.
        """
        source = SubmittedSource(student_cells)
        try:
            return self._judge(kernel, source)
        finally:
            source.close()

    def _judge(self, kernel, source):
        verdicts = []
        base = None
        if not kernel.broken:
            try:
                base = self.namespace(kernel, source)
            except KernelStopped:
                base = None
        for grade_id, text, filename, code in self.cells:
            if base is None or kernel.broken:
                why = kernel.broken or "the kernel had stopped"
                verdicts.append(Verdict(grade_id, NOT_RUN, "NotRun",
                                        f"the kernel had stopped before this check ran ({why})"))
                continue
            verdicts.append(self._one(grade_id, text, filename, code, dict(base), kernel))
        return verdicts

    def _one(self, grade_id, text, filename, code, namespace, kernel):
        if isinstance(code, SyntaxError):
            return Verdict(grade_id, FAILED, "SyntaxError", f"the test cell does not compile: {code}")
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()), \
                    warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(code, namespace)
        except CallTimedOut as stop:
            return Verdict(grade_id, TIMED_OUT, "CellTimeoutError", str(stop), printed=printed.getvalue())
        except ProtocolBroken as stop:
            return Verdict(grade_id, FAILED, "Tampering", str(stop))
        except KernelStopped as stop:
            return Verdict(grade_id, NOT_RUN, "NotRun",
                           f"the kernel had stopped before this check ran ({stop})")
        except Exception as error:  # a failed check, or the student's own exception
            line = _failing_line(error, filename)
            part = "hidden" if line in hidden_lines(text) else "visible"
            ename = type(error).__name__
            message = advice.message(error, part)
            return Verdict(grade_id, FAILED, ename, message, part, printed.getvalue()[:MAX_PRINTED])
        return Verdict(grade_id, PASSED, printed=printed.getvalue()[:MAX_PRINTED])
