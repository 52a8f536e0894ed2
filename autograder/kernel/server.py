"""A fork server for sandboxed IPython kernels.

Starting a kernel the usual way (a new ``python -m ipykernel_launcher`` process) spends most of
its second or two importing IPython, ipykernel, numpy and matplotlib, and a notebook pays that
again for every student. This server pays it once: it imports those modules (and nnlib) and then,
for each request, forks. The child enters a fresh sandbox (see :mod:`autograder.kernel.sandbox`),
starts the kernel at once, and in it the call server the judge talks to
(:mod:`autograder.kernel.calls`). The server never creates a zmq context, thread or event loop,
so forking it is safe, and it never reads anything a student must not see: what the children
inherit is the same public code they could import themselves. It is exec'ed with a minimal
environment (:func:`sandbox.minimal_env`), so no kernel holds any of the grader's environment,
not even in the first environment block of its memory.

Protocol (one JSON object per line on stdin, one answer per line on stdout)::

    {"connection_file": ..., "scratch": ..., "root_mount": ..., "uid": ..., "mode": ...,
     "limits": {...}, "expose": [...]}
    -> {"pid": <host pid of the kernel>}  or  {"error": "<message>"}

The server exits when its stdin closes; its children die with it (parent-death signals).
"""
from __future__ import annotations

import importlib
import json
import os
import pkgutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from autograder.kernel import sandbox

# Imported before forking; a kernel that needs them starts without paying for them.
PRELOAD = (
    "numpy", "numpy.linalg", "numpy.random", "numpy.testing",
    "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline",
    "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
    "ipywidgets", "tqdm", "tqdm.auto",
)


def preload():
    """Import the kernel's heavy modules, nnlib with all its submodules, and the call server."""
    # No debugger in a grading kernel: importing debugpy costs most of a kernel's start, and a
    # debugger is one more way to reach into the tests. ipykernel runs without it when the
    # import fails, which a None entry in sys.modules makes it do.
    sys.modules["debugpy"] = None
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # a missing optional module only costs speed
            pass
    import nnlib
    for info in pkgutil.walk_packages(nnlib.__path__, "nnlib."):
        try:
            importlib.import_module(info.name)
        except Exception:
            pass
    import matplotlib.font_manager  # noqa: F401 -- loads the font cache once, here
    from autograder.kernel import calls  # noqa: F401


def run_kernel(connection_file, scratch):
    """Start an IPython kernel on ``connection_file`` in this (already sandboxed) process."""
    from ipykernel.kernelapp import IPKernelApp

    from autograder.kernel import calls

    # The grader's modules stay reachable by the call server, not by name (nothing announces them).
    for name in [n for n in sys.modules if n == "autograder" or n.startswith("autograder.")]:
        del sys.modules[name]
    for folder in [f for f in sys.path_importer_cache if "autograder" in str(f)]:
        del sys.path_importer_cache[folder]
    sys.argv = [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file]
    sys.orig_argv = list(sys.argv)
    app = IPKernelApp.instance()
    app.initialize([
        "-f", connection_file,
        "--HistoryManager.enabled=False",
        "--IPKernelApp.parent_handle=0",
        "--quiet",
    ])
    calls.start(scratch, app.shell)
    app.start()


def _spec(request):
    return sandbox.SandboxSpec(
        scratch=request["scratch"],
        root_mount=request["root_mount"],
        uid=int(request["uid"]),
        limits=sandbox.Limits(**request.get("limits", {})),
        expose=tuple(request.get("expose", ())),
        mode=request.get("mode", "root"),
    )


def serve(requests, answers):
    """Answer kernel requests until ``requests`` ends."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the shims are reaped by the system
    for line in requests:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            spec = _spec(request)
            _, pid = sandbox.spawn(
                spec,
                lambda: run_kernel(request["connection_file"], request["scratch"]),
                stdio=os.path.join(spec.scratch, "kernel.log"),
            )
            answer = {"pid": pid}
        except Exception as error:
            answer = {"error": f"{type(error).__name__}: {error}"}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


def main():
    """Entry point of the server process (``python -m autograder.kernel.server``)."""
    # The children must not inherit the server's stdout, the pipe its client reads answers on.
    answers = os.fdopen(os.dup(1), "w")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    preload()
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    serve(sys.stdin, answers)


class KernelServer:
    """The worker's handle on one fork server process.

    Parameters
    ----------
    home : str
        A folder the server may use as its HOME (matplotlib's cache); default: a new temporary one.
    """

    def __init__(self, home=None):
        import tempfile
        home = home or tempfile.mkdtemp()
        env = sandbox.minimal_env(home)  # nothing of the grader's environment (see the module's doc)
        root = str(Path(__file__).resolve().parents[2])
        self._process = subprocess.Popen(
            [sys.executable, "-m", "autograder.kernel.server"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=root,
        )
        self._lock = threading.Lock()
        first = self._process.stdout.readline()
        if not first:
            raise sandbox.SandboxUnavailable("the kernel fork server did not start")

    def start_kernel(self, request):
        """Ask for a sandboxed kernel; return its host pid."""
        with self._lock:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
        if not line:
            raise sandbox.SandboxUnavailable("the kernel fork server stopped")
        answer = json.loads(line)
        if "error" in answer:
            raise sandbox.SandboxUnavailable(answer["error"])
        return answer["pid"]

    def close(self):
        """Stop the server (its kernels die with it)."""
        if self._process.poll() is None:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process.stdout.close()


if __name__ == "__main__":
    main()
