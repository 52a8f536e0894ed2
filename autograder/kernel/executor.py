"""Run one sanitised notebook in a sandboxed kernel, then let the judge ask it for answers.

This is nbgrader's own ``Execute`` preprocessor (nbclient underneath) with these changes:

1. the kernel comes from the worker's fork server, inside a sandbox (see ``manager``);
2. grade cells do not run in the kernel at all: the judge runs them (hidden tests included) in its
   own process and writes their outputs; the kernel never holds test code;
3. a cell's time limit counts the kernel's CPU seconds, so a loaded machine does not use it up;
   a wall-time backstop (several limits) catches a cell that sleeps, and the grader's wall cap on
   the notebook ends a run that hangs in any other way;
4. output is capped while it streams in, so megabytes of prints never fill the grader's memory;
5. once every cell has run, the kernel is kept alive for ``after_cells`` (the judge), then killed
   together with every process it started.

:func:`execute` returns an :class:`Execution`: the executed notebook plus the facts from which
:func:`status_of` decides the status (graded, timed_out, crashed or tampered).
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import threading
import time

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader import utils as nbutils
from nbgrader.preprocessors import Execute

from autograder.kernel.manager import SandboxKernelManager
from autograder.kernel.sandbox import cpu_seconds

WALL_FACTOR = 10            # a cell's wall-time backstop, in multiples of its CPU-time limit
GRACE = 5.0                 # seconds an interrupted cell gets to stop before its kernel is killed
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
    """What happened when one notebook ran, and what the judge decided."""

    notebook: NotebookNode
    died: bool = False                 # the kernel stopped by itself (os._exit, killed for memory)
    killed_for_time: bool = False      # the grader killed it (a cell or the judge ran out of time)
    wall_time: bool = False            # ... on wall time (the machine may have been too busy)
    output_lost: bool = False          # its output stopped arriving (e.g. one message over the cap)
    timed_out_cells: list = dataclasses.field(default_factory=list)
    not_run: list = dataclasses.field(default_factory=list)          # grade ids never run
    tampering: list = dataclasses.field(default_factory=list)        # plain-words findings
    verdicts: list = dataclasses.field(default_factory=list)         # the judge's, one per grade cell
    truncated: bool = False
    error: str = ""                    # the sandbox or kernel could not start
    seconds: float = 0.0


class SandboxedExecute(Execute):
    """nbgrader's Execute with the sandboxed kernel, CPU-time limits, output caps and the judge."""

    def __init__(self, kernel_server, sandbox_request, after_cells=None, **kw):
        kw.setdefault("shutdown_kernel", "immediate")
        super().__init__(**kw)
        self.kernel_server = kernel_server
        self.sandbox_request = sandbox_request
        self.after_cells = after_cells
        self.cpu_limit = float(self.timeout or 30)
        self.state = Execution(notebook=None)
        self._output_used = 0
        self._cell_output = {}
        self._killed = threading.Event()

    # -- the kernel -----------------------------------------------------------------------------
    def create_kernel_manager(self):
        self.km = SandboxKernelManager(kernel_name="python3", config=self.config)
        self.km.kernel_server = self.kernel_server
        self.km.sandbox_request = self.sandbox_request
        return self.km

    @property
    def kernel_pid(self):
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return getattr(process, "pid", None)

    def _signal(self, signum):
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None:
            process.send_signal(signum)

    def kill_kernel(self, wall=False):
        """Kill the kernel now (from any thread); the run ends as killed for time."""
        self.state.wall_time = self.state.wall_time or wall
        self._killed.set()
        self._signal(signal.SIGKILL)

    # -- the run --------------------------------------------------------------------------------
    def preprocess(self, nb, resources=None, km=None):
        """nbconvert's ExecutePreprocessor.preprocess, with the judge's turn before the kernel ends."""
        from nbclient import NotebookClient
        NotebookClient.__init__(self, nb, km)
        self.timeout = int(self.cpu_limit * WALL_FACTOR)  # nbclient's own limit: the backstop
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        with self.setup_kernel():
            info = self.wait_for_reply(self.kc.kernel_info())
            self.nb.metadata["language_info"] = info["content"]["language_info"]
            for index, cell in enumerate(self.nb.cells):
                self.preprocess_cell(cell, resources, index)
            if self.after_cells is not None and not self._killed.is_set():
                self.state.verdicts = self.after_cells(self)
        self.set_widgets_metadata()
        return self.nb, self.resources

    def preprocess_cell(self, cell, resources, index):
        if self._killed.is_set():
            raise DeadKernelError("killed by the grader")
        if cell.cell_type != "code":
            return cell, resources
        if is_autograded(cell):
            return cell, resources  # the judge's to run; its verdict becomes the cell's output
        done = threading.Event()
        done.stopped_for_time = False
        watchdog = threading.Thread(target=self._watch_cpu, args=(cell, done), daemon=True)
        watchdog.start()
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        finally:
            done.set()
        watchdog.join()
        if done.stopped_for_time:
            cell.outputs.append(error_output(
                "CellTimeoutError", f"the cell used more than {self.cpu_limit:g} s of computing time "
                                    "and was stopped"))
        self._after_timeout(cell)
        return cell, resources

    def _watch_cpu(self, cell, done):
        """Interrupt a cell that used up its CPU seconds; kill the kernel if it does not stop."""
        pid = self.kernel_pid
        start = cpu_seconds(pid) if pid else None
        if start is None:
            return
        while not done.wait(0.1):
            used = cpu_seconds(pid)
            if used is None:
                return
            if used - start > self.cpu_limit:
                done.stopped_for_time = True
                self._note_timeout(cell)
                self._signal(signal.SIGINT)
                if not done.wait(GRACE):
                    self.kill_kernel()
                return

    def _note_timeout(self, cell):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id not in self.state.timed_out_cells or not grade_id:
            self.state.timed_out_cells.append(grade_id)

    def _after_timeout(self, cell):
        """A cell stopped by nbclient's wall-time backstop: kill the kernel (it may be stuck)."""
        timed_out = any(o.output_type == "error" and o.get("ename") == "CellTimeoutError"
                        and not o.get("evalue") for o in cell.get("outputs", []))
        if timed_out:
            self._note_timeout(cell)
            self.kill_kernel(wall=True)
            raise DeadKernelError("a cell ran past its wall-time backstop")

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


def execute(notebook, kernel_server, sandbox_request, config=None, notebook_timeout=600.0,
            after_cells=None):
    """Run ``notebook`` (a sanitised NotebookNode) in a fresh sandboxed kernel.

    The notebook is modified in place and returned in the :class:`Execution`. The scratch folder
    named in ``sandbox_request`` must exist, be owned by the sandbox's user, and hold the files
    the notebook may read. ``after_cells(runner)``, when given, runs once every cell has run and
    the kernel is still alive (the judge); what it returns becomes ``Execution.verdicts``. Every
    process of the sandbox has ended when this returns.
    """
    started = time.monotonic()
    runner = SandboxedExecute(kernel_server, sandbox_request, after_cells=after_cells, config=config)
    state = runner.state
    state.notebook = notebook
    watchdog = threading.Timer(notebook_timeout, runner.kill_kernel, kwargs={"wall": True})
    watchdog.daemon = True
    watchdog.start()
    process = None
    try:
        runner.preprocess(notebook, {"metadata": {"path": sandbox_request["scratch"]}})
    except DeadKernelError:
        state.died = not runner._killed.is_set()
    except CellTimeoutError:  # output never finished arriving (unless we had killed the kernel)
        state.output_lost = not runner._killed.is_set()
        runner.kill_kernel()
    except Exception as error:  # the kernel could not start, or nbclient broke
        state.error = f"{type(error).__name__}: {error}"
    finally:
        watchdog.cancel()
        process = getattr(getattr(runner.km, "provisioner", None), "process", None) if runner.km else None
        if process is not None and process.pidfd is not None:
            process.kill()
            process.wait(timeout=60)  # pid 1's end waits for every process of its namespace
        try:
            runner._cleanup_kernel()
        except Exception:
            pass
        if sandbox_request.get("mode") == "root":
            from autograder.kernel.sandbox import end_processes_of
            end_processes_of(int(sandbox_request["uid"]))
    state.killed_for_time = runner._killed.is_set()
    state.seconds = time.monotonic() - started
    return state


def apply_verdicts(state):
    """Write the judge's verdicts as the grade cells' outputs (what nbgrader then scores).

    A passed cell shows what its checks printed; a failed one an error output with the judge's
    message (never a traceback, which would show hidden test code). A grade cell without a
    verdict never got judged (the kernel had stopped): it fails as not run.
    """
    verdicts = {v.grade_id: v for v in state.verdicts}
    for cell in state.notebook.cells:
        if not is_autograded(cell):
            continue
        grade_id = cell.metadata.nbgrader["grade_id"]
        verdict = verdicts.get(grade_id)
        outputs = []
        if verdict is not None and verdict.printed:
            outputs.append(nbformat.v4.new_output("stream", name="stdout", text=verdict.printed))
        if verdict is None:
            outputs.append(error_output(NOT_RUN, "the kernel had stopped before this check ran"))
            state.not_run.append(grade_id)
        elif not verdict.passed:
            outputs.append(error_output(verdict.ename or "Error", verdict.message))
            if verdict.outcome == "not_run":
                state.not_run.append(grade_id)
        cell.outputs = outputs


def status_of(state):
    """(status, reason) for an execution; the status names come from ``autograder.results``."""
    from autograder import results
    if state.tampering:
        found = "; ".join(state.tampering[:5])
        return results.TAMPERED, f"The notebook interfered with grading: {found}."
    if state.error:
        return results.CRASHED, f"The kernel could not run this notebook ({state.error})."
    if state.output_lost:
        return results.TIMED_OUT, ("The kernel's output stopped arriving (for example one output larger "
                                   "than 64 MB), so it was stopped; the checks after that point scored 0.")
    if state.killed_for_time:
        cells = ", ".join(c for c in state.timed_out_cells if c) or "a cell"
        return results.TIMED_OUT, (f"{cells} ran past its time limit and did not stop when interrupted, "
                                   "so the kernel was stopped; the checks after that point scored 0.")
    if state.died:
        return results.CRASHED, ("The kernel died while running the notebook (for example os._exit, "
                                 "or too much memory); the checks after that point scored 0.")
    if state.timed_out_cells:
        cells = ", ".join(c or "a cell" for c in state.timed_out_cells)
        return results.TIMED_OUT, f"{cells} ran past its time limit and was interrupted."
    return results.GRADED, ""


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


def mark_tampered(notebook, reason):
    """Fail every test cell of a tampered notebook, so nbgrader's gradebook also holds 0."""
    for cell in notebook.cells:
        if is_autograded(cell):
            cell.outputs = [error_output("Tampering", reason)]
