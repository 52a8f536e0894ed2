"""A static scan of the cells a student wrote, for code that could change the grading's verdict.

The tests run in the student's kernel, so student code could reach them: rewrite later cells
through IPython, replace numpy's or nnlib's comparison functions, redefine a name the tests call
(``check_close``, ``abs``), read the hidden test's frame or source, or hide any of that behind
``exec``. None of this has a place in a course exercise, so any of it marks the submission as
tampered (score 0, with the reason) before it runs. The runtime guard (``kernel_guard``) is the
second layer, for what a static scan cannot see.

Only cells the student could write are scanned: answer cells and cells the student added. The
locked cells (setup and tests) define what is protected: the names the tests use without
defining them, except the names the student is asked to define (those bound in the release's
answer stubs).
"""
from __future__ import annotations

import ast
import builtins
import functools
import re
import warnings

from nbgrader import utils as nbutils

# Modules that give access to the interpreter's internals, the kernel, or code behind the scan.
FORBIDDEN_MODULES = {
    "ctypes", "gc", "inspect", "importlib", "builtins", "__builtin__", "IPython", "ipykernel",
    "traitlets", "zmq", "jupyter_client", "jupyter_core", "nbclient", "nbformat", "nbconvert",
    "nbgrader", "autograder", "linecache", "traceback", "dis", "marshal", "code", "codeop",
    "threading", "_thread", "asyncio", "concurrent", "atexit", "sysconfig", "site", "tracemalloc",
    "faulthandler", "pdb", "bdb", "unittest",
}
FORBIDDEN_NAMES = {
    "eval", "exec", "compile", "globals", "locals", "vars", "breakpoint", "__import__",
    "__builtins__", "__loader__", "__spec__", "get_ipython", "In", "Out", "_ih", "_oh", "_dh",
    "_i", "_ii", "_iii", "___",
}
FORBIDDEN_ATTRIBUTES = {
    "__globals__", "__code__", "__closure__", "__builtins__", "__subclasses__", "__bases__",
    "__base__", "__mro__", "__class__", "__dict__", "__getattribute__", "__setattr__",
    "__delattr__", "__import__", "__loader__", "__spec__", "__traceback__", "__func__",
    "__self__", "__defaults__", "__kwdefaults__", "__wrapped__", "__reduce__", "__reduce_ex__",
    "f_back", "f_locals", "f_globals", "f_code", "f_builtins", "tb_frame", "tb_next",
    "gi_frame", "cr_frame", "ag_frame", "co_code", "co_consts",
}
FORBIDDEN_SYS = {
    "_getframe", "modules", "settrace", "setprofile", "meta_path", "path_hooks",
    "path_importer_cache", "displayhook", "excepthook", "exc_info", "exception",
    "addaudithook", "last_traceback", "last_value", "_current_frames", "stdout", "stderr",
    "__stdout__", "__stderr__",
}
ALLOWED_IMPORTS = {"IPython.display"}  # display() and friends are fine in an answer
ALLOWED_MAGICS = {"matplotlib", "time", "timeit", "precision", "who", "whos", "pwd", "capture"}
_HISTORY_NAME = re.compile(r"^_i{1,3}\d*$|^_\d+$")


@functools.lru_cache(maxsize=4096)
def _parse(source):
    """The AST of a cell after IPython's syntax (magics, shell escapes) is turned into Python.

    Cached: the locked cells and untouched release cells are the same in every submission.
    The trees are only read, never changed.
    """
    from IPython.core.inputtransformer2 import TransformerManager
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError, IndentationError):
        return None  # it fails when it runs, and earns nothing


def _magic_call(node):
    """The magic's name when node is get_ipython().run_line_magic('name', ...) (or cell magic)."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("run_line_magic", "run_cell_magic", "system", "getoutput")
            and isinstance(node.func.value, ast.Call)
            and isinstance(node.func.value.func, ast.Name) and node.func.value.func.id == "get_ipython"):
        if node.func.attr in ("system", "getoutput"):
            return "!"
        if node.args and isinstance(node.args[0], ast.Constant):
            return str(node.args[0].value)
        return "?"
    return None


def _top_level_bindings(tree):
    """(name, node) for every name a cell binds at module level (not inside def/class bodies)."""
    found = []

    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.append((node.name, node))
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                found.append((name, node))
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            found.append((node.id, node))
        if isinstance(node, (ast.Lambda, ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)):
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _free_names(tree):
    """Names a cell reads before (or without) binding them itself at module level."""
    bound = {name for name, _ in _top_level_bindings(tree)}
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return loaded - bound | (loaded & set(dir(builtins)))


def _import_target(node, name):
    """What an import binds ``name`` to: ("module", "numpy") or ("from", "nnlib.checks", "check_close")."""
    for alias in node.names:
        if (alias.asname or alias.name.split(".")[0]) == name:
            if isinstance(node, ast.Import):
                return ("module", alias.name if alias.asname else alias.name.split(".")[0])
            return ("from", node.module or "", alias.name)
    return None


def protected_names(locked_trees, editable_trees):
    """(names the tests rely on, how the release binds them by import).

    Protected: names the release binds in locked cells or by an import anywhere, and builtins the
    locked cells use; minus the names the release assigns (other than by import) in cells a
    student may edit: answer stubs and ordinary cells, which the student is free to change.
    """
    protected, imports = set(), {}
    for tree in locked_trees:
        protected |= _free_names(tree) & set(dir(builtins))
        protected |= {name for name, _ in _top_level_bindings(tree)}
    for tree in locked_trees + editable_trees:
        for name, node in _top_level_bindings(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imports[name] = _import_target(node, name)
                protected.add(name)
    for tree in editable_trees:
        protected -= {name for name, node in _top_level_bindings(tree)
                      if not isinstance(node, (ast.Import, ast.ImportFrom))}
    return protected, imports


@functools.lru_cache(maxsize=64)
def _protected_cached(locked_sources, editable_sources):
    """protected_names for cell sources (the same for every submission of a unit)."""
    locked = [t for t in map(_parse, locked_sources) if t is not None]
    editable = [t for t in map(_parse, editable_sources) if t is not None]
    return protected_names(locked, editable)


def _module_aliases(trees):
    aliases = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    module = alias.name if alias.asname else alias.name.split(".")[0]
                    aliases[alias.asname or alias.name.split(".")[0]] = module
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _root_name(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def scan_tree(tree, protected, locked_imports, modules):
    """Plain-words findings for one student cell."""
    found = []
    magic_names = set()  # the get_ipython names that IPython itself wrote for a magic
    bound_here = {name for name, _ in _top_level_bindings(tree)}
    for node in ast.walk(tree):
        magic = _magic_call(node)
        if magic is not None:
            magic_names.add(id(node.func.value.func))
            if magic != "!" and magic not in ALLOWED_MAGICS:
                found.append(f"uses the IPython magic %{magic}")
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                if name.split(".")[0] in FORBIDDEN_MODULES and name not in ALLOWED_IMPORTS:
                    found.append(f"imports {name}")
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name in FORBIDDEN_NAMES:
                        found.append(f"imports {alias.name}")
            if isinstance(node, ast.ImportFrom) and node.module == "sys":
                for alias in node.names:
                    if alias.name in FORBIDDEN_SYS:
                        found.append(f"imports sys.{alias.name}")
        elif isinstance(node, ast.Name):
            if node.id == "get_ipython" and id(node) not in magic_names:
                found.append("uses get_ipython")
            elif node.id in FORBIDDEN_NAMES - {"get_ipython"} and node.id not in bound_here:
                found.append(f"uses {node.id}")
            elif _HISTORY_NAME.match(node.id) and node.id not in bound_here:
                found.append(f"reads the input history ({node.id})")
            elif isinstance(node.ctx, ast.Store) and node.id.startswith("__") and node.id.endswith("__"):
                found.append(f"assigns {node.id}")
        elif isinstance(node, ast.Attribute):
            if node.attr in FORBIDDEN_ATTRIBUTES:
                found.append(f"uses the attribute {node.attr}")
            elif (isinstance(node.ctx, (ast.Store, ast.Del)) and node.attr.startswith("__")
                  and node.attr.endswith("__") and node.attr not in ("__name__", "__doc__", "__qualname__")):
                found.append(f"changes the attribute {node.attr}")
            root = _root_name(node)
            if modules.get(root, "").split(".")[0] == "sys" and node.attr in FORBIDDEN_SYS:
                found.append(f"uses sys.{node.attr}")
            if isinstance(node.ctx, (ast.Store, ast.Del)) and root in modules:
                found.append(f"changes {ast.unparse(node)}, part of the module {modules[root]}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("setattr", "delattr")):
            if node.args and _root_name(node.args[0]) in modules:
                found.append(f"calls {node.func.id} on the module {modules[_root_name(node.args[0])]}")
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                if name in protected:
                    found.append(f"rebinds {name}, which the tests use, from inside a function")
    for name, node in _top_level_bindings(tree):
        if name not in protected:
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            target = _import_target(node, name)
            if name in locked_imports and target == locked_imports[name]:
                continue  # importing the same thing again is harmless
            if name not in locked_imports and target and target[0] == "module" and target[1] == name:
                continue
        found.append(f"redefines {name}, which the tests rely on")
    return found


def _is_student_cell(cell):
    if cell.cell_type != "code":
        return False
    return not nbutils.is_locked(cell)


def scan_notebook(nb, release):
    """Findings for every student-written code cell of ``nb`` (after the pre-check's repairs).

    Parameters
    ----------
    nb : NotebookNode
        The notebook to grade, with the test cells as nbgrader will run them (hidden tests in).
    release : NotebookNode
        The released notebook (its answer stubs say which names the student is to define).

    Returns
    -------
    list of str
        "cell 3 imports ctypes", ...; empty when nothing suspicious was found.
    """
    locked_sources = tuple(c.source for c in nb.cells if c.cell_type == "code" and nbutils.is_locked(c))
    editable_sources = tuple(c.source for c in release.cells if _is_student_cell(c))
    locked = [t for t in map(_parse, locked_sources) if t is not None]
    editable = [t for t in map(_parse, editable_sources) if t is not None]
    protected, locked_imports = _protected_cached(locked_sources, editable_sources)
    # A cell identical to one of the release is the instructor's code, not the student's.
    given = {c.source for c in release.cells if c.cell_type == "code"}
    student = [(i, _parse(c.source)) for i, c in enumerate(nb.cells)
               if _is_student_cell(c) and c.source not in given]
    modules = _module_aliases(locked + [t for t in editable if t is not None]
                              + [t for _, t in student if t is not None])
    findings = []
    for index, tree in student:
        if tree is None:
            continue
        for finding in dict.fromkeys(scan_tree(tree, protected, locked_imports, modules)):
            findings.append(f"cell {index + 1} {finding}")
    return findings
