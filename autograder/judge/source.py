"""The submitted source, compiled (never run) in the judge, for the rule checks.

The rules (no Python loop, your own code) read ``fn.__code__``, ``fn.__globals__``,
``fn.__closure__`` and ``inspect.getsource(fn)``. In the judge these come from the student's
cells as submitted, not from anything the kernel reports: each cell is compiled here, and each
name the student defines gets a function object built from its compiled code and a globals dict
resolved from the cells' own definitions and imports. Those function objects are never called.

No function object built here is ever reachable by the checks: :meth:`SubmittedSource.stand_ins`
replaces each one, in the globals dict too, by a stand-in whose calls go to the kernel (a check
that calls a helper it found in ``fn.__globals__`` reaches the kernel, never the judge).

Imports of the course's own packages (numpy, nnlib, the standard library's math) resolve to the
real modules, which the judge has anyway; any other import becomes an empty stand-in that only
carries its module's name (the judge never imports what a submission names).
"""
from __future__ import annotations

import ast
import builtins
import importlib
import itertools
import linecache
import textwrap
import types
import warnings

# Packages a submission's imports resolve to for real in the judge (public, already installed).
REAL_IMPORTS = ("numpy", "nnlib", "math", "cmath", "functools", "itertools", "operator",
                "collections", "statistics", "warnings")
_COUNTER = itertools.count()


def ipython_to_python(text):
    """A cell's source with IPython's syntax (magics, shell escapes) turned into Python."""
    from IPython.core.inputtransformer2 import TransformerManager
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TransformerManager().transform_cell(text)


class _StandIn:
    """An imported name the judge does not import: only its module and name."""

    def __init__(self, module, name):
        self.__module__ = module
        self.__name__ = name


def _import_module(name):
    if name.split(".")[0] in REAL_IMPORTS:
        try:
            return importlib.import_module(name)
        except Exception:
            pass
    return types.ModuleType(name)


def _imported(node):
    """(bound name, object) for every name an import statement binds."""
    bound = []
    for alias in node.names:
        if isinstance(node, ast.Import):
            if alias.asname:
                bound.append((alias.asname, _import_module(alias.name)))
            else:
                top = alias.name.split(".")[0]
                _import_module(alias.name)
                bound.append((top, _import_module(top)))
        elif alias.name != "*":
            module_name = "." * node.level + (node.module or "")
            module = _import_module(module_name) if not node.level else types.ModuleType(module_name)
            value = getattr(module, alias.name, None)
            if value is None:
                value = _import_module(f"{module_name}.{alias.name}") if not node.level else None
                if value is None or (isinstance(value, types.ModuleType) and not vars(value).get("__file__")
                                     and module_name.split(".")[0] not in REAL_IMPORTS):
                    value = _StandIn(module_name, alias.name)
            bound.append((alias.asname or alias.name, value))
    return bound


def _bound_names(node):
    """Names an assignment-like statement binds at the top level."""
    names = [child.id for child in ast.walk(node)
             if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store)]
    names += [child.name for child in ast.walk(node)
              if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    return names


def _code_named(code, name, line):
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType) and constant.co_name == name and constant.co_firstlineno == line:
            return constant
    return None


class SubmittedSource:
    """The student's cells, compiled; :meth:`function` gives the stand-in for one name.

    Parameters
    ----------
    cells : list of str
        Code cells in notebook order: the setup cell and every cell the student could write.
    """

    def __init__(self, cells):
        self.tag = next(_COUNTER)
        self.files = []
        self.globals = {"__name__": "__main__", "__builtins__": builtins}
        self.functions = {}     # name -> function object built from its def (never called)
        self.cells = []         # (filename, python text) of every cell that compiled
        for index, text in enumerate(cells):
            self._add(index, text)

    def _register(self, filename, text):
        linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
        self.files.append(filename)

    def _add(self, index, source):
        try:
            text = ipython_to_python(source)
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return  # it fails when it runs, and earns nothing
        filename = f"<submission {self.tag} cell {index}>"
        self._register(filename, text)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                code = compile(tree, filename, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return
        self.cells.append((filename, text))
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for name, value in _imported(node):
                    self.globals[name] = value
                    self.functions.pop(name, None)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                found = _code_named(code, node.name, first) or _code_named(code, node.name, node.lineno)
                if found is not None:
                    function = types.FunctionType(found, self.globals, node.name)
                    self.globals[node.name] = function
                    self.functions[node.name] = function
            else:
                for name in _bound_names(node):
                    self.functions[name] = self._whole_cell(name, index, text)
                    self.globals.pop(name, None)

    def _whole_cell(self, name, index, text):
        """A function whose body is a whole cell: for a name bound other than by ``def``."""
        wrapped = f"def {name}():\n{textwrap.indent(text, '    ')}\n    pass\n"
        filename = f"<submission {self.tag} cell {index} {name}>"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                code = compile(wrapped, filename, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return None
        self._register(filename, wrapped)
        return types.FunctionType(_code_named(code, name, 1), self.globals, name)

    def stand_ins(self, make):
        """Replace every function built from the source, in the globals too, by ``make(name, fn)``."""
        made = {}
        for name, value in list(self.globals.items()):
            if isinstance(value, types.FunctionType) and value.__code__.co_filename.startswith("<submission"):
                made[name] = make(name, value)
                self.globals[name] = made[name]
        return made

    def function(self, name):
        """The function object the rule checks read for ``name``.

        Its own ``def`` when there is one; the imported object when the name was imported; else
        a function whose body is every cell together (a name made in some other way is judged on
        everything the student wrote).
        """
        if name in self.functions and self.functions[name] is not None:
            return self.functions[name]
        if name in self.globals and name not in ("__name__", "__builtins__"):
            return self.globals[name]
        text = "\n".join(t for _, t in self.cells)
        return self._whole_cell(name, "all", text)

    def close(self):
        """Forget the compiled cells (the judge serves many submissions)."""
        for filename in self.files:
            linecache.cache.pop(filename, None)
        self.files = []
