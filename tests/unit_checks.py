"""Checks on a unit's notebooks as a whole, shared by the catalogues of wrong answers.

- ``check_test_cells``: a visible test cell is its docstring and a call or two into the unit's
  check module (``check.softmax_batch(softmax)``); every grade cell, hidden part included, uses
  only names from the ``setup`` cell, the solution cells and its own assignments.
- ``run_all_released``: the untouched released notebook executed as JupyterLab's Run All executes
  it (an error stops the run, except in a cell tagged ``raises-exception``), through a real kernel.
- ``released_stubs``: the names an untouched released notebook defines, its stubs as students get them.
"""
import ast
import builtins

from tests.notebook_harness import COURSE, Unit, nbgrader_meta, notebook_path, source

# At most this many check calls in the visible part of a test cell.
MAX_VISIBLE_CALLS = 2
WIDGET = "application/vnd.jupyter.widget-view+json"


def _bound(code):
    """Names that ``code`` binds anywhere: imports, definitions, assignments, arguments."""
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def _visible_calls(code):
    """The statements of a released test cell after its docstring, each of which must be ``check.<name>(...)``."""
    body = ast.parse(code).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return body


def check_test_cells(unit):
    """Assert the two rules above for every grade cell of ``unit``."""
    solutions, released = Unit(unit), Unit(unit, COURSE)
    allowed = _bound(solutions.cell("setup")) | set(dir(builtins))
    for cell in solutions.code_cells("solution"):
        allowed |= _bound(source(cell))
    for grade_id in solutions.grade_ids():
        code = solutions.cell(grade_id)
        used = {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        stray = used - allowed - _bound(code)
        assert not stray, f"{unit}:{grade_id} uses {sorted(stray)}, defined neither in setup nor in a solution cell"
        calls = _visible_calls(released.cell(grade_id))
        assert 1 <= len(calls) <= MAX_VISIBLE_CALLS, f"{unit}:{grade_id} shows {len(calls)} statements"
        for statement in calls:
            call = getattr(statement, "value", None)
            assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
                getattr(call.func.value, "id", "") == "check", (
                    f"{unit}:{grade_id}: a visible test statement is not a check call: {ast.unparse(statement)}")


def released_stubs(unit):
    """The namespace of the released ``unit`` after its setup and solution cells: the untouched stubs.

    A stub cell that raises at the top level (a value to fill in, not a function) defines nothing.
    """
    released = Unit(unit, COURSE)
    namespace = {"__name__": "__main__"}
    exec(compile(released.cell("setup"), f"<{unit}:setup>", "exec"), namespace)
    for cell in released.code_cells("solution"):
        try:
            exec(compile(source(cell), f"<{unit}:stub>", "exec"), namespace)
        except NotImplementedError:
            pass
    return namespace


def run_all_released(unit, monkeypatch):
    """Execute the untouched ``course/<unit>`` notebook as Run All does; count what it shows.

    Returns a dict: ``explorer`` (widget outputs), ``figures`` (PNG outputs) and ``finish``
    (outputs asking the student to finish an exercise first). Fails if the run stops early, or if
    an error comes from a cell that is not a test or exercise cell tagged ``raises-exception``.
    """
    import nbformat
    from nbclient import NotebookClient

    # The kernel inherits the environment: with MPLBACKEND=Agg it would draw no figure at all.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    path = notebook_path(unit, COURSE)
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=120, allow_errors=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    counts = {"explorer": 0, "figures": 0, "finish": 0}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        if "raises-exception" in tags:
            meta = nbgrader_meta(cell)
            assert meta.get("grade") or meta.get("solution"), "only test and exercise cells may raise"
        assert cell.get("execution_count"), "Run All stopped before this cell:\n" + cell.source
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            counts["explorer"] += WIDGET in data
            counts["figures"] += "image/png" in data
            counts["finish"] += "finish exercise" in str(output.get("text", "")).lower()
    return counts
