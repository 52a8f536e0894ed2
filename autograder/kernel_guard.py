"""Runs inside a student's kernel: evidence that the grade cells ran on an untouched kernel.

A student's code shares the kernel with the tests, so it could try to change the verdict: add an
IPython input transformer that blanks the test cells, replace numpy's or nnlib's comparison
functions, swap builtins or entries of ``sys.modules``. This module takes a snapshot of all those
objects before any student code runs and answers a private message type on the kernel's shell
channel (no student name space is involved in answering it):

    nnfs_guard_request {"nonce": str, "phase": "before"|"after"}
    -> nnfs_guard_reply {"problems": [str], "ran": bool, "mac": hex}

Before each grade cell the grader asks for a check: the guard reports every change since the
snapshot and puts IPython's transformers back. The grade cell itself is sent with a last line
that calls :func:`ran` with a fresh nonce, so a cell that was skipped or cut short cannot look
like one that passed. After the cell the grader asks again. Each reply carries an HMAC under a
per-kernel secret the grader generated and handed to this process in memory, so a reply made up
by student code is recognised as forged.

This is one layer of a layered defence (with the static scan in :mod:`autograder.tamper_scan`
and the sandbox): code in the same process can always dig deeper, but not without using the
introspection the static scan rejects.
"""
from __future__ import annotations

import builtins
import hashlib
import hmac
import sys

REQUEST = "nnfs_guard_request"
REPLY = "nnfs_guard_reply"

# Modules whose functions and classes the grade cells rely on (prefixes of module names).
PROTECTED_PREFIXES = ("numpy", "nnlib", "math", "builtins", "copy")

# Methods of the IPython shell and kernel that decide what code runs and what is reported.
SHELL_METHODS = (
    "run_cell", "run_cell_async", "_run_cell", "run_ast_nodes", "run_code", "transform_cell",
    "transform_ast", "should_run_async", "showtraceback", "_showtraceback", "ex", "ev",
    "user_expressions", "run_line_magic", "run_cell_magic", "init_user_ns",
)

# Packages allowed to add IPython event callbacks after start (the inline backend adds one the
# first time a figure is drawn).
TRUSTED_CALLBACK_PACKAGES = ("IPython", "ipykernel", "matplotlib", "matplotlib_inline",
                             "ipywidgets", "comm")

_STATE = {"secret": None, "ran": set()}


def _trusted(callback):
    function = getattr(callback, "__func__", callback)
    module = getattr(function, "__module__", None) or ""
    return module.split(".")[0] in TRUSTED_CALLBACK_PACKAGES


def _functions(namespace):
    """Name -> object for the callables and classes of a name space (what a check could call)."""
    return {k: v for k, v in namespace.items() if callable(v)}


def snapshot():
    """Record builtins and the protected modules (done in the fork server, before any student)."""
    modules = {}
    for name, module in list(sys.modules.items()):
        if module is not None and name.split(".")[0] in PROTECTED_PREFIXES:
            modules[name] = (module, _functions(vars(module)))
    _STATE["modules"] = modules
    _STATE["builtins"] = dict(vars(builtins))
    _STATE["sys"] = {name: getattr(sys, name) for name in ("displayhook", "excepthook")}
    _STATE["meta_path"] = list(sys.meta_path)
    _STATE["path_hooks"] = list(sys.path_hooks)


def arm(secret):
    """Keep the per-kernel secret (bytes) that signs the replies."""
    _STATE["secret"] = secret
    _STATE["ran"] = set()


def _class_functions(cls):
    return {(klass, name): value for klass in cls.__mro__ for name, value in vars(klass).items()
            if callable(value) or isinstance(value, (staticmethod, classmethod, property))}


def attach(shell):
    """Record the shell's state once the kernel is set up, and start answering checks."""
    kernel = shell.kernel
    snapshot()  # now, with IPython set up and before any student code
    _STATE["shell"] = shell
    _STATE["kernel"] = kernel
    _STATE["shell_lists"] = {
        "input_transformers_cleanup": list(shell.input_transformers_cleanup),
        "input_transformers_post": list(shell.input_transformers_post),
        "ast_transformers": list(shell.ast_transformers),
        "line_transforms": list(shell.input_transformer_manager.line_transforms),
        "token_transformers": list(shell.input_transformer_manager.token_transformers),
    }
    _STATE["events"] = {name: list(callbacks) for name, callbacks in shell.events.callbacks.items()}
    _STATE["objects"] = {
        "input_transformer_manager": shell.input_transformer_manager,
        "compile": shell.compile,
        "events": shell.events,
        "displayhook": shell.displayhook,
        "display_pub": shell.display_pub,
        "user_ns_hidden": shell.user_ns_hidden,
    }
    _STATE["classes"] = {}
    for obj in (shell, kernel, shell.input_transformer_manager, shell.compile, shell.displayhook,
                shell.display_pub):
        _STATE["classes"].update(_class_functions(type(obj)))
    _STATE["types"] = {"shell": type(shell), "kernel": type(kernel)}
    # ipykernel itself sets a few of these on the instance; remember what it set.
    _STATE["instance"] = {name: vars(shell)[name] for name in SHELL_METHODS if name in vars(shell)}
    _STATE["sys"] = {name: getattr(sys, name) for name in ("displayhook", "excepthook")}
    kernel.shell_handlers[REQUEST] = _handle
    _STATE["handlers"] = dict(kernel.shell_handlers)


def ran(nonce):
    """Called by the last line of a grade cell: the cell got to its end."""
    _STATE["ran"].add(str(nonce))


def problems():
    """Every change to the protected state since the snapshot, in plain words (empty: untouched)."""
    found = []
    for name, (module, functions) in _STATE.get("modules", {}).items():
        if sys.modules.get(name) is not module and name in sys.modules:
            found.append(f"sys.modules['{name}'] was replaced")
        current = vars(module)
        for key, value in functions.items():
            if current.get(key) is not value:
                found.append(f"{name}.{key} was replaced")
    current = vars(builtins)
    for key, value in _STATE.get("builtins", {}).items():
        if current.get(key) is not value and not key.startswith("_"):
            found.append(f"builtin {key} was replaced")
    for key, value in _STATE.get("sys", {}).items():
        if getattr(sys, key, None) is not value:
            found.append(f"sys.{key} was replaced")
    if sys.gettrace() is not None or sys.getprofile() is not None:
        found.append("a trace or profile function was installed")
    if list(sys.meta_path) != _STATE.get("meta_path", list(sys.meta_path)):
        found.append("sys.meta_path was changed")
    if list(sys.path_hooks) != _STATE.get("path_hooks", list(sys.path_hooks)):
        found.append("sys.path_hooks was changed")
    shell = _STATE.get("shell")
    if shell is None:
        return found
    kernel = _STATE["kernel"]
    if type(shell) is not _STATE["types"]["shell"] or type(kernel) is not _STATE["types"]["kernel"]:
        found.append("the IPython shell or kernel class was replaced")
    lists = {
        "input_transformers_cleanup": shell.input_transformers_cleanup,
        "input_transformers_post": shell.input_transformers_post,
        "ast_transformers": shell.ast_transformers,
        "line_transforms": shell.input_transformer_manager.line_transforms,
        "token_transformers": shell.input_transformer_manager.token_transformers,
    }
    for name, value in lists.items():
        if list(value) != _STATE["shell_lists"][name]:
            found.append(f"IPython's {name} were changed")
    for name, callbacks in shell.events.callbacks.items():
        saved = _STATE["events"].get(name, [])
        if any(c not in callbacks for c in saved) or any(
                c not in saved and not _trusted(c) for c in callbacks):
            found.append(f"IPython's {name} event callbacks were changed")
    for name, value in _STATE["objects"].items():
        if getattr(shell, name, None) is not value:
            found.append(f"IPython's shell.{name} was replaced")
    for name in SHELL_METHODS:
        if vars(shell).get(name, None) is not _STATE["instance"].get(name, None):
            found.append(f"IPython's shell.{name} was replaced")
    for (klass, name), value in _STATE["classes"].items():
        if vars(klass).get(name) is not value:
            found.append(f"{klass.__name__}.{name} was replaced")
    if dict(kernel.shell_handlers) != _STATE["handlers"]:
        found.append("the kernel's message handlers were changed")
    return found


def restore():
    """Put IPython's transformers and event callbacks back as they were at start."""
    shell = _STATE.get("shell")
    if shell is None:
        return
    saved = _STATE["shell_lists"]
    shell.input_transformers_cleanup[:] = saved["input_transformers_cleanup"]
    shell.input_transformers_post[:] = saved["input_transformers_post"]
    shell.ast_transformers[:] = saved["ast_transformers"]
    manager = _STATE["objects"]["input_transformer_manager"]
    shell.input_transformer_manager = manager
    manager.line_transforms[:] = saved["line_transforms"]
    manager.token_transformers[:] = saved["token_transformers"]
    for name, callbacks in shell.events.callbacks.items():
        saved = _STATE["events"].get(name, [])
        callbacks[:] = saved + [c for c in callbacks if c not in saved and _trusted(c)]


def sign(secret, nonce, phase, ran_flag, found):
    """The HMAC a genuine reply carries (computed the same way by the grader)."""
    text = "\n".join([str(nonce), str(phase), "ran" if ran_flag else "not-run", *found])
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _handle(stream, idents, msg):
    content = msg.get("content", {})
    nonce = str(content.get("nonce", ""))
    phase = str(content.get("phase", ""))
    try:
        found = problems()
    except Exception as error:  # a check that crashes is itself a sign of tampering
        found = [f"the integrity check failed: {type(error).__name__}"]
    try:
        restore()
    except Exception:
        found.append("IPython's transformers could not be restored")
    found = found[:20]
    ran_flag = nonce in _STATE["ran"]
    reply = {"problems": found, "ran": ran_flag,
             "mac": sign(_STATE["secret"] or b"", nonce, phase, ran_flag, found)}
    kernel = _STATE["kernel"]
    kernel.session.send(stream, REPLY, reply, parent=msg, ident=idents)
