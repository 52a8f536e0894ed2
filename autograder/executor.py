"""Run one sanitised notebook in a sandboxed kernel and judge whether its run can be trusted.

This is nbgrader's own ``Execute`` preprocessor (nbclient underneath) with four additions:

1. the kernel comes from the worker's fork server, inside a sandbox (see ``sandbox_kernel``);
2. around every auto-graded cell the kernel guard is asked, on a private message type, whether
   the kernel is still untouched, and the cell is sent with a last line proving it ran to its end
   (see ``kernel_guard``); replies are checked against the per-kernel secret;
3. output is capped while it streams in, so megabytes of prints never fill the grader's memory
   (error outputs, which decide scores, are always kept);
4. a cell that outlives its time limit and ignores the interrupt, or a notebook that outlives
   its overall cap, gets its kernel killed; cells that never ran are marked as failed.

:func:`execute` returns an :class:`Execution`: the executed notebook plus the facts from which
:func:`judge` decides the status (graded, timed_out, crashed or tampered).
"""
from __future__ import annotations

import dataclasses
import hmac
import os
import secrets
import shutil
import threading
import time

import nbformat
from jupyter_client.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader import utils as nbutils
from nbgrader.preprocessors import Execute

from autograder import kernel_guard
from autograder.sandbox_kernel import SandboxKernelManager

GUARD_TIMEOUT = 10.0        # seconds to wait for the guard's answer before calling the kernel hung
CELL_OUTPUT_CAP = 200_000   # characters of output kept per cell
NOTEBOOK_OUTPUT_CAP = 2_000_000  # characters of output kept per notebook
TRUNCATED = "\n... output truncated by the grader ...\n"
NOT_RUN = "NotRun"


def is_autograded(cell):
    """A code cell whose score comes from running it (a test cell)."""
    return (cell.cell_type == "code" and nbutils.is_grade(cell) and not nbutils.is_solution(cell))


def error_output(ename, evalue):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


@dataclasses.dataclass
class Execution:
    """What happened when one notebook ran."""

    notebook: NotebookNode
    died: bool = False                 # the kernel stopped by itself (os._exit, killed for memory)
    killed_for_time: bool = False      # the grader killed it (hung after a timeout, or notebook cap)
    output_lost: bool = False          # its output stopped arriving (e.g. one message over the cap)
    timed_out_cells: list = dataclasses.field(default_factory=list)
    not_run: list = dataclasses.field(default_factory=list)          # grade ids never run
    tampering: list = dataclasses.field(default_factory=list)        # plain-words findings
    truncated: bool = False
    error: str = ""                    # the sandbox or kernel could not start
    seconds: float = 0.0


class GuardedExecute(Execute):
    """nbgrader's Execute with the sandboxed kernel, the guard protocol and the output caps."""

    def __init__(self, kernel_server, sandbox_request, **kw):
        kw.setdefault("shutdown_kernel", "immediate")
        super().__init__(**kw)
        self.kernel_server = kernel_server
        self.sandbox_request = sandbox_request
        self.secret = secrets.token_bytes(32)
        self.state = Execution(notebook=None)
        self._output_used = 0
        self._cell_output = {}
        self._killed = threading.Event()

    # -- the kernel -----------------------------------------------------------------------------
    def create_kernel_manager(self):
        self.km = SandboxKernelManager(kernel_name="python3", config=self.config)
        self.km.kernel_server = self.kernel_server
        self.km.sandbox_request = self.sandbox_request
        self.km.guard_secret = self.secret.hex()
        return self.km

    def kill_kernel(self):
        """Kill the kernel now (from any thread); the run ends as killed for time."""
        self._killed.set()
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None:
            process.kill()

    # -- the guard --------------------------------------------------------------------------------
    async def _async_guard(self, nonce, phase, timeout=GUARD_TIMEOUT):
        """Ask the kernel guard; None when no answer came in time."""
        request = self.kc.session.msg(kernel_guard.REQUEST, {"nonce": nonce, "phase": phase})
        self.kc.shell_channel.send(request)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                reply = await self.kc.shell_channel.get_msg(timeout=remaining)
            except Exception:  # queue.Empty: the kernel did not answer in time
                return None
            if reply["parent_header"].get("msg_id") == request["header"]["msg_id"]:
                return reply["content"]

    def guard(self, nonce, phase, timeout=GUARD_TIMEOUT):
        return run_sync(self._async_guard)(nonce, phase, timeout)

    def _verify(self, reply, nonce, phase, grade_id):
        """Record what the guard's reply shows; return whether the cell's proof of running is there."""
        problems = [str(p) for p in reply.get("problems", [])]
        expected = kernel_guard.sign(self.secret, nonce, phase, bool(reply.get("ran")), problems)
        if not hmac.compare_digest(expected, str(reply.get("mac", ""))):
            self.state.tampering.append(f"the kernel's integrity report around '{grade_id}' was forged")
            return False
        for problem in problems:
            if problem not in self.state.tampering:
                self.state.tampering.append(problem)
        return bool(reply.get("ran"))

    # -- cells ----------------------------------------------------------------------------------
    def preprocess_cell(self, cell, resources, index):
        if self._killed.is_set():
            raise DeadKernelError("killed by the grader")
        if not is_autograded(cell):
            cell, resources = super().preprocess_cell(cell, resources, index)
            self._after_timeout(cell)
            return cell, resources
        grade_id = cell.metadata.nbgrader["grade_id"]
        before = secrets.token_hex(16)
        reply = self.guard(before, "before")
        if reply is None:
            self._hung()
        self._verify(reply, before, "before", grade_id)
        original = cell.source
        proof = secrets.token_hex(16)
        cell.source = f"{original}\n__import__('autograder.kernel_guard').kernel_guard.ran('{proof}')\n"
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        finally:
            cell.source = original
        if self._after_timeout(cell):
            return cell, resources
        reply = self.guard(proof, "after")
        if reply is None:
            self._hung()
        ran = self._verify(reply, proof, "after", grade_id)
        failed = any(o.output_type == "error" for o in cell.outputs)
        if not ran and not failed:
            self.state.tampering.append(
                f"test cell '{grade_id}' did not run to its end but reported no error")
        return cell, resources

    def _after_timeout(self, cell):
        """After a cell timed out: make sure the kernel came back; kill it if not."""
        timed_out = any(o.output_type == "error" and o.get("ename") == "CellTimeoutError"
                        for o in cell.get("outputs", []))
        if not timed_out:
            return False
        self.state.timed_out_cells.append(cell.metadata.get("nbgrader", {}).get("grade_id", ""))
        if self.guard(secrets.token_hex(8), "probe", timeout=GUARD_TIMEOUT / 2) is None:
            self._hung()
        return True

    def _hung(self):
        self.kill_kernel()
        raise DeadKernelError("the kernel did not respond after a time-out")

    # -- output caps ----------------------------------------------------------------------------
    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
        used = self._cell_output.get(cell_index, 0)
        if msg["msg_type"] != "error" and (used + size > CELL_OUTPUT_CAP
                                           or self._output_used + size > NOTEBOOK_OUTPUT_CAP):
            if used <= CELL_OUTPUT_CAP + 1 and self._output_used <= NOTEBOOK_OUTPUT_CAP + 1:
                outs.append(nbformat.v4.new_output("stream", name="stdout", text=TRUNCATED))
                self._cell_output[cell_index] = CELL_OUTPUT_CAP + 2
            self.state.truncated = True
            return None
        self._cell_output[cell_index] = used + size
        self._output_used += size
        return super().output(outs, msg, display_id, cell_index)


def execute(notebook, kernel_server, sandbox_request, config=None, notebook_timeout=600.0):
    """Run ``notebook`` (a sanitised NotebookNode, hidden tests in) in a fresh sandboxed kernel.

    The notebook is modified in place and returned in the :class:`Execution`. The scratch folder
    named in ``sandbox_request`` must exist, be owned by the sandbox's user, and hold the files
    the notebook may read.
    """
    started = time.monotonic()
    runner = GuardedExecute(kernel_server, sandbox_request, config=config)
    state = runner.state
    state.notebook = notebook
    watchdog = threading.Timer(notebook_timeout, runner.kill_kernel)
    watchdog.daemon = True
    watchdog.start()
    try:
        runner.preprocess(notebook, {"metadata": {"path": sandbox_request["scratch"]}})
    except DeadKernelError:
        state.died = not runner._killed.is_set()
    except CellTimeoutError:  # output never finished arriving: stop the kernel
        state.output_lost = True
        runner.kill_kernel()
    except Exception as error:  # the kernel could not start, or nbclient broke
        state.error = f"{type(error).__name__}: {error}"
    finally:
        watchdog.cancel()
        try:
            runner._cleanup_kernel()
        except Exception:
            pass
    state.killed_for_time = runner._killed.is_set()
    _mark_not_run(state)
    state.seconds = time.monotonic() - started
    return state


def _mark_not_run(state):
    """Give every test cell that never ran an error output, so it scores 0 in nbgrader too."""
    if not (state.died or state.killed_for_time or state.error):
        return
    for cell in state.notebook.cells:
        if is_autograded(cell) and cell.get("execution_count") is None and not any(
                o.output_type == "error" for o in cell.outputs):
            cell.outputs.append(error_output(NOT_RUN, "the kernel had stopped before this cell ran"))
            state.not_run.append(cell.metadata.nbgrader["grade_id"])


def judge(state):
    """(status, reason) for an execution; the status names come from ``autograder.results``."""
    from autograder import results
    if state.tampering:
        found = "; ".join(state.tampering[:5])
        return results.TAMPERED, f"The notebook interfered with grading: {found}."
    if state.error:
        return results.CRASHED, f"The kernel could not run this notebook ({state.error})."
    if state.output_lost:
        return results.TIMED_OUT, ("The kernel's output stopped arriving (for example one output larger "
                                   "than 64 MB), so it was stopped; the cells after that point scored 0.")
    if state.killed_for_time:
        cells = ", ".join(c for c in state.timed_out_cells if c) or "a cell"
        return results.TIMED_OUT, (f"{cells} ran past its time limit and did not stop when interrupted, "
                                   "so the kernel was stopped; the cells after it scored 0.")
    if state.died:
        return results.CRASHED, ("The kernel died while running the notebook (for example os._exit, "
                                 "or too much memory); the cells after that point scored 0.")
    if state.timed_out_cells:
        cells = ", ".join(c or "a cell" for c in state.timed_out_cells)
        return results.TIMED_OUT, f"{cells} ran past its time limit and was interrupted."
    return results.GRADED, ""


def mark_tampered(notebook, reason):
    """Fail every test cell of a tampered notebook, so nbgrader's gradebook also holds 0."""
    for cell in notebook.cells:
        if is_autograded(cell):
            cell.outputs = [error_output("Tampering", reason)]


def prepare_scratch(scratch, files, uid):
    """Create ``scratch`` holding ``files`` (name -> bytes), owned by the sandbox's user."""
    os.makedirs(scratch, mode=0o700)
    for name, data in files.items():
        target = os.path.join(scratch, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)
    for folder, dirs, names in os.walk(scratch):
        for name in dirs + names:
            os.lchown(os.path.join(folder, name), uid, uid)
    os.chown(scratch, uid, uid)


def remove_scratch(scratch):
    shutil.rmtree(scratch, ignore_errors=True)
