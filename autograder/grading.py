"""grade: check, sandbox-run and score every submission, on nbgrader's engine, in parallel.

The work is split so that only this (the grading) process touches the gradebook:

1. here, serially: the pre-check (``precheck``) and nbgrader's sanitising preprocessors
   (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells -- which puts the locked cells
   back from the gradebook -- and CheckCellMetadata);
2. in N worker processes: the notebook runs in a sandboxed kernel (``kernel.executor``; grade
   cells with their visible part only), then the judge (``judge``) runs every grade cell of the
   instructor's notebook, hidden tests included, in the worker, sending the calls they make to
   the student's functions to the kernel as plain data; each worker owns a fork server with the
   heavy imports done once, and its own unprivileged user id;
3. here again, serially, as results arrive: the judge's verdicts become the grade cells' outputs,
   then nbgrader's IgnorePattern, LimitOutput, SaveAutoGrades (the gradebook's scores: the
   judge's alone) and AssignLatePenalties, the autograded notebook, and the results record.

A submission that fails in any way ends with a status and a reason; it never stops the batch. A
submission stopped on wall time (the machine may have been busy) is graded once more, alone,
before that counts. Running grade again replaces the auto scores and records; manual scores in
the gradebook stay.
"""
from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import multiprocessing
import multiprocessing.connection
import os
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader import utils as nbutils
from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput,
                                    DeduplicateIds, IgnorePattern, LimitOutput, OverwriteCells,
                                    OverwriteKernelspec, SaveAutoGrades)
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder import assignments, precheck, results
from autograder.judge.judge import Judge, names_defined
from autograder.kernel import executor, sandbox
from nnlib.tolerance import close

ROOT = Path(__file__).resolve().parent.parent

# Users the sandboxes run as: one per worker slot, offset per run so that two runs on one machine
# do not share a process limit.
UID_BASE = 200_000
MAX_READ_BACK = 20 * 2**20   # characters of an executed notebook kept before outputs are dropped
# nbgrader's Autograde steps, in its order. Its second CheckCellMetadata (after execution) is
# left out: the metadata was validated after sanitising, and running a notebook adds only
# outputs; the check's JSON-schema validation was a tenth of the grading process's time.
SANITIZE = (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata)
FINISH = (IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades, AssignLatePenalties)


class GradingError(RuntimeError):
    """grade cannot start (no isolation, another grade running, nbgrader failed on a unit)."""


# ----------------------------------------------------------------------------------------------
# Configuration
# ----------------------------------------------------------------------------------------------

def sandbox_uid_base(pid=None):
    """The first sandbox user id of the grade run in process ``pid`` (default: this one)."""
    return UID_BASE + ((pid or os.getpid()) % 5000) * 16


def load_config(course_root):
    """The course's nbgrader configuration (nbgrader_config.py at its root)."""
    path = Path(course_root) / "nbgrader_config.py"
    config = Config()
    if path.is_file():
        config.merge(PyFileConfigLoader(path.name, path=str(path.parent)).load_config())
    config.CourseDirectory.root = str(Path(course_root).resolve())
    config.CourseDirectory.db_url = assignments.db_url(course_root)
    return config


def cell_timeout(config):
    for section in ("Execute", "ExecutePreprocessor"):
        value = config.get(section, {}).get("timeout")
        if value:
            return float(value)
    return 30.0


def default_limits(config, notebook_timeout):
    return sandbox.Limits(cpu_seconds=int(notebook_timeout) + 5)


def check_isolation(unsafe=False):
    """The sandbox mode to use; refuse to grade without isolation unless ``unsafe``."""
    mode = sandbox.isolation_mode()
    if mode == "none":
        if not unsafe:
            raise GradingError(
                "No sandbox is possible on this machine (it needs Linux namespaces: run grade as "
                "root, or allow unprivileged user namespaces). Students' code would run with your "
                "rights and could read solutions and the gradebook. To grade anyway, knowingly, "
                "pass the unsafe option.")
        return "none"
    return mode


# ----------------------------------------------------------------------------------------------
# Workers
# ----------------------------------------------------------------------------------------------

def _judge_turn(judge, task, limit):
    """The executor's hook once every cell has run: the judge's verdicts on the live kernel."""
    from autograder.judge.remote import Kernel
    from autograder.kernel.calls import SOCKET_NAME

    def turn(runner):
        path = os.path.join(runner.sandbox_request["scratch"], SOCKET_NAME)
        kernel = Kernel(path, runner.kernel_pid, limit, runner.kill_kernel)
        try:
            verdicts = judge.judge(kernel, task["student_cells"])
        finally:
            kernel.close()
        if kernel.timed_out:
            runner.state.timed_out_cells += [v.grade_id for v in verdicts if v.outcome == "timed_out"]
        if kernel.forged:
            runner.state.tampering.append(kernel.broken)
        return verdicts

    return turn


def _worker_main(slot, conn, setup):
    """A worker: run each notebook in a fresh sandboxed kernel, judge it, send back the outcome."""
    import signal

    import matplotlib
    matplotlib.use("Agg")  # the judge runs the setup cells here, plots and all
    from autograder.kernel.server import KernelServer
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grading process decides when to stop
    uid = setup["uid_base"] + slot
    home = os.path.join(setup["grade_root"], str(slot))
    os.makedirs(home, exist_ok=True)
    if setup["mode"] == "root":  # scratch space in memory, capped, private to this worker
        sandbox.private_tmpfs(home, setup["limits"]["disk_bytes"])
    root_mount = os.path.join(home, "root")
    os.makedirs(root_mount, exist_ok=True)
    server_home = os.path.join(setup["grade_root"], f"h{slot}")
    os.makedirs(server_home, exist_ok=True)
    server, broken = None, ""
    try:
        server = KernelServer(home=server_home)
    except Exception as error:  # every task then ends as crashed, with this reason
        broken = f"the kernel fork server could not start: {error}"
    judges = {}
    config = Config(setup["config"])
    limit = cell_timeout(config)
    count = 0
    while True:
        task = conn.recv()
        if task is None:
            break
        if server is None:
            conn.send(("error", task["key"], broken))
            continue
        count += 1
        scratch = os.path.join(home, f"s{count}")
        try:
            if task["unit"] not in judges:
                spec = task["judge"]
                judges[task["unit"]] = Judge(spec["setup"], spec["names"], spec["cells"])
            executor.prepare_scratch(scratch, task["files"], uid if setup["mode"] == "root" else os.getuid())
            request = {"scratch": scratch, "root_mount": root_mount, "uid": uid, "mode": setup["mode"],
                       "limits": setup["limits"], "expose": setup["expose"]}
            notebook = nbformat.reads(task["notebook"], as_version=4)
            state = executor.execute(notebook, server, request, config=config,
                                     notebook_timeout=setup["notebook_timeout"],
                                     after_cells=_judge_turn(judges[task["unit"]], task, limit))
            if state.error and "fork server" in state.error:  # restart a lost server for the next one
                server.close()
                server = KernelServer(home=server_home)
            state.notebook = nbformat.writes(state.notebook)
            conn.send(("done", task["key"], state))
        except Exception:
            conn.send(("error", task["key"], traceback.format_exc()))
        finally:
            executor.remove_scratch(scratch)
    if server is not None:
        server.close()


class WorkerPool:
    """N worker processes, each fed one task at a time through its own pipe."""

    def __init__(self, count, setup):
        context = multiprocessing.get_context("fork")
        self.workers = []
        for slot in range(count):
            parent_end, child_end = context.Pipe()
            process = context.Process(target=_worker_main, args=(slot, child_end, setup), daemon=True)
            process.start()
            child_end.close()
            self.workers.append({"process": process, "conn": parent_end, "task": None, "slot": slot})
        self.context, self.setup = context, setup

    def idle(self):
        return [w for w in self.workers if w["task"] is None]

    def submit(self, worker, task):
        worker["task"] = task
        worker["conn"].send(task)

    def wait(self):
        """Block until some worker finishes; return [(task, kind, payload)]."""
        busy = [w for w in self.workers if w["task"] is not None]
        handles = [w["conn"] for w in busy] + [w["process"].sentinel for w in busy]
        ready = multiprocessing.connection.wait(handles)
        done = []
        for worker in busy:
            if worker["conn"] in ready:
                try:
                    kind, _, payload = worker["conn"].recv()
                except EOFError:
                    kind, payload = "error", "the worker process stopped"
                    self._replace(worker)
            elif worker["process"].sentinel in ready:
                kind, payload = "error", "the worker process stopped"
                self._replace(worker)
            else:
                continue
            done.append((worker["task"], kind, payload))
            worker["task"] = None
        return done

    def _replace(self, worker):
        parent_end, child_end = self.context.Pipe()
        process = self.context.Process(target=_worker_main, args=(worker["slot"], child_end, self.setup),
                                       daemon=True)
        process.start()
        child_end.close()
        worker.update(process=process, conn=parent_end)

    def close(self):
        for worker in self.workers:
            with contextlib.suppress(Exception):
                worker["conn"].send(None)
        for worker in self.workers:
            worker["process"].join(timeout=15)
            if worker["process"].is_alive():
                worker["process"].kill()
                worker["process"].join()


# ----------------------------------------------------------------------------------------------
# The grading process's side
# ----------------------------------------------------------------------------------------------

def _resources(course_root, student, unit):
    return {"nbgrader": {"notebook": unit, "assignment": unit, "student": student,
                         "db_url": assignments.db_url(course_root)},
            "unique_key": unit}


def _run(preprocessors, nb, resources, config):
    """Apply nbgrader's preprocessors as its exporter does (calling them honours ``enabled``)."""
    for cls in preprocessors:
        nb, resources = cls(config=config)(nb, resources)
    return nb, resources


def _register(gradebook, submitted, student, unit):
    """Create or update the student and the submission (with its time stamp) in the gradebook."""
    gradebook.update_or_create_student(student)
    stamp = Path(submitted) / "timestamp.txt"
    timestamp = None
    if stamp.is_file():
        with contextlib.suppress(ValueError):
            timestamp = nbutils.parse_utc(stamp.read_text().strip())
    if timestamp:
        gradebook.update_or_create_submission(unit, student, timestamp=timestamp)
    else:
        gradebook.update_or_create_submission(unit, student)


def _zero_grades(gradebook, student, unit):
    """A rejected or missing submission: every auto score 0, as nbgrader does for a missing notebook."""
    submission = gradebook.find_submission_notebook(unit, unit, student)
    for grade in submission.grades:
        grade.auto_score = 0
        grade.needs_manual_grade = False
    gradebook.db.commit()


def _manual_pending(gradebook, student, unit):
    """Points that wait for a person: answered written answers without a manual score yet."""
    submission = gradebook.find_submission_notebook(unit, unit, student)
    return float(sum(g.max_score for g in submission.grades
                     if g.needs_manual_grade and g.manual_score is None))


def _message(cell):
    """What a failed test cell said: the exception's name and message, never its traceback."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            ename, evalue = output.get("ename", "Error"), str(output.get("evalue", ""))
            if ename == "CellTimeoutError" and not evalue:
                evalue = "the cell ran past its time limit"
            return f"{ename}: {evalue}"[:1000] if evalue else ename
    for output in cell.get("outputs", []):
        if output.output_type == "stream" and output.get("name") == "stderr":
            first = output.get("text", "").strip().splitlines()[:1]
            shown = first[0][:300] if first else ""
            return f"The test wrote to the error stream, which counts as a failure: {shown}"
    return ""


def student_cells(nb):
    """The sources the rule checks read: the setup cell and every code cell a student could write."""
    return [c.source for c in nb.cells if c.cell_type == "code" and (
        not nbutils.is_locked(c) or c.metadata.get("nbgrader", {}).get("grade_id") == "setup")]


def judge_spec(solutions_nb, release_nb):
    """What the judge of a unit needs: its setup cell, the names its answers define, its grade cells.

    The grade cells (hidden tests included) come from the instructor's notebook; the names from
    the released answer cells (the stubs name exactly what the student is asked to define).
    """
    code = [c for c in solutions_nb.cells if c.cell_type == "code"]
    setup = next((c for c in code if c.metadata.get("nbgrader", {}).get("grade_id") == "setup"),
                 code[0] if code else None)
    answers = [c.source for c in release_nb.cells if c.cell_type == "code" and nbutils.is_solution(c)]
    cells = [(c.metadata.nbgrader["grade_id"], c.source) for c in code if executor.is_autograded(c)]
    return {"setup": setup.source if setup is not None else "", "names": names_defined(answers),
            "cells": cells}


def checks_of(nb, verdicts=()):
    """One Check per auto-graded test cell, scored by nbgrader's own rule (determine_grade)."""
    parts = {v.grade_id: v.part for v in verdicts}
    checks = []
    for cell in nb.cells:
        if not executor.is_autograded(cell):
            continue
        score, max_points = nbutils.determine_grade(cell)
        score = float(score or 0.0)
        passed = bool(max_points > 0 and close(score, max_points)) or (max_points == 0 and not _message(cell))
        grade_id = cell.metadata.nbgrader["grade_id"]
        checks.append(results.Check(grade_id=grade_id, points=score,
                                    max_points=float(max_points), passed=passed,
                                    message="" if passed else _message(cell),
                                    part="" if passed else parts.get(grade_id, "")))
    return checks


def _limit_read_back(nb):
    """Drop all but error outputs of a notebook whose outputs are still too large."""
    if len(nbformat.writes(nb)) <= MAX_READ_BACK:
        return False
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if o.output_type == "error"]
    return True


def _max_auto(release):
    """Auto-graded points of a released notebook."""
    return float(sum(float(c.metadata.nbgrader["points"]) for c in release.cells if executor.is_autograded(c)))


def _write_autograded(course_root, student, unit, nb):
    folder = Path(course_root) / "autograder" / "autograded" / student / unit
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{unit}.ipynb"
    tmp = folder / f".{unit}.ipynb.tmp"
    nbformat.write(nb, tmp)
    os.replace(tmp, target)


def _remove_autograded(course_root, student, unit):
    target = Path(course_root) / "autograder" / "autograded" / student / unit / f"{unit}.ipynb"
    with contextlib.suppress(FileNotFoundError):
        target.unlink()


class Batch:
    """The grading process's state for one run of grade."""

    def __init__(self, course_root, config, releases, progress_bar):
        self.course_root = Path(course_root)
        self.config = config
        self.releases = releases
        self.bar = progress_bar
        self.done = []

    def _record(self, result):
        results.write_result(self.course_root, result)
        self.done.append(result)
        if self.bar is not None:
            self.bar.update(1)
            if result.status != results.GRADED:
                self.bar.write(f"  {result.student}/{result.unit}: {result.status} - {result.reason[:120]}")

    def reject(self, student, unit, status, reason, repairs, started):
        """Record a submission that cannot be run (missing or invalid)."""
        submitted = self.course_root / "autograder" / "submitted" / student / unit
        with Gradebook(assignments.db_url(self.course_root), "nnfs") as gradebook:
            _register(gradebook, submitted, student, unit)
            _zero_grades(gradebook, student, unit)
        _remove_autograded(self.course_root, student, unit)
        self._record(results.Result(student=student, unit=unit, status=status, reason=reason,
                                    score=0.0, max_score=_max_auto(self.releases[unit]["notebook"]),
                                    repairs=repairs,
                                    seconds=time.monotonic() - started))

    def prepare(self, student, unit):
        """Pre-check and sanitise; return a task for a worker, or None when already recorded."""
        started = time.monotonic()
        submitted = self.course_root / "autograder" / "submitted" / student / unit
        release = self.releases[unit]
        check = precheck.precheck(submitted, unit, release["notebook"])
        if check.status != precheck.OK:
            self.reject(student, unit, check.status, check.reason, check.repairs, started)
            return None
        resources = _resources(self.course_root, student, unit)
        try:
            with Gradebook(assignments.db_url(self.course_root), "nnfs") as gradebook:
                _register(gradebook, submitted, student, unit)
            nb, resources = _run(SANITIZE, check.notebook, resources, self.config)
        except Exception as error:
            reason = f"nbgrader could not read the notebook's grade cells ({type(error).__name__}: {error})."
            self.reject(student, unit, results.INVALID, reason, check.repairs, started)
            return None
        task = {"key": (student, unit), "student": student, "unit": unit, "repairs": check.repairs,
                "prepared_in": time.monotonic() - started, "resources": resources,
                "student_cells": student_cells(nb)}
        task["notebook"] = nbformat.writes(nb)
        task["files"] = release["files"]
        task["judge"] = release["judge"]
        return task

    def finish(self, task, state):
        """Score an executed (or statically rejected) notebook in nbgrader and record the result."""
        started = time.monotonic()
        student, unit = task["student"], task["unit"]
        nb = state.notebook if not isinstance(state.notebook, str) else nbformat.reads(state.notebook, 4)
        state.notebook = nb
        executor.apply_verdicts(state)
        status, reason = executor.status_of(state)
        repairs = list(task["repairs"])
        if task.get("retried"):
            repairs.append("The first run was stopped on wall time (the machine may have been busy); "
                           "this is the result of a second run, alone.")
        if status == results.TAMPERED:
            executor.mark_tampered(nb, reason)
        if state.truncated:
            repairs.append("The notebook printed more output than the grader keeps; the rest was cut.")
        if _limit_read_back(nb):
            repairs.append("The executed notebook was too large; only error outputs were kept.")
        nb, resources = _run(FINISH, nb, task["resources"], self.config)
        _write_autograded(self.course_root, student, unit, nb)
        checks = checks_of(nb, state.verdicts)
        with Gradebook(assignments.db_url(self.course_root), "nnfs") as gradebook:
            pending = _manual_pending(gradebook, student, unit)
        score = 0.0 if status == results.TAMPERED else float(sum(c.points for c in checks))
        self._record(results.Result(
            student=student, unit=unit, status=status, reason=reason, score=score,
            max_score=float(sum(c.max_points for c in checks)),
            manual_pending=0.0 if status == results.TAMPERED else pending,
            repairs=repairs, checks=checks,
            seconds=task["prepared_in"] + state.seconds + time.monotonic() - started))

    def broken(self, student, unit, stage, error):
        """Our own code failed on one submission: record that, touch nothing else, go on."""
        status = results.INVALID if stage == "check" else results.CRASHED
        with contextlib.suppress(Exception):
            self._record(results.Result(
                student=student, unit=unit, status=status,
                reason=f"The grader failed to {stage} this submission ({type(error).__name__}: {error}); "
                       "please report it.",
                max_score=_max_auto(self.releases[unit]["notebook"])))

    def failed(self, task, message):
        """A worker could not run the notebook at all (never expected; kept for robustness)."""
        nb = nbformat.reads(task["notebook"], 4)
        state = executor.Execution(notebook=nb, error=message.strip().splitlines()[-1][:300])
        self.finish(task, state)


def _students(course_root):
    submitted = Path(course_root) / "autograder" / "submitted"
    if not submitted.is_dir():
        return []
    return sorted(p.name for p in submitted.iterdir() if p.is_dir() and not p.name.startswith("."))


@contextlib.contextmanager
def _exclusive(course_root):
    """Only one grade run per course at a time (two would race on the gradebook)."""
    lock_path = Path(course_root) / assignments.WORK / "grade.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise GradingError("Another grade run is using this course; wait for it to finish.") from None
        yield


def grade_all(students=None, units=None, workers=None, progress=True, course_root=ROOT,
              unsafe=False, notebook_timeout=None, limits=None):
    """Grade every (student, unit) submission and return the results records.

    Parameters
    ----------
    students, units : list of str or None
        Default: every student folder in autograder/submitted/ and every unit in solutions/.
    workers : int or None
        Worker processes (default: all cores).
    progress : bool
        Show a tqdm progress bar on stderr.
    course_root : path
        The course folder (nbgrader_config.py, solutions/, course/, autograder/).
    unsafe : bool
        Grade even when no sandbox is possible (students' code then runs unconfined).
    notebook_timeout : float or None
        Wall-time cap of one notebook (default: 10 cell time limits, at least 120 s).
    limits : sandbox.Limits or None
        Resource limits of each kernel (default: sandbox.Limits with the CPU time set to the
        notebook's cap).

    Returns
    -------
    list of results.Result, sorted by (student, unit)
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's own session warnings
        return _grade_all(students, units, workers, progress, Path(course_root).resolve(), unsafe,
                          notebook_timeout, limits)


def _grade_all(students, units, workers, progress, course_root, unsafe, notebook_timeout, limits):
    mode = check_isolation(unsafe)
    config = load_config(course_root)
    timeout = notebook_timeout or max(120.0, 10 * cell_timeout(config))
    all_units = assignments.units(course_root)
    units = list(units) if units else all_units
    unknown = [u for u in units if u not in all_units]
    if unknown:
        known = ", ".join(all_units) or "none"
        raise GradingError(f"Unknown unit(s): {', '.join(unknown)} (units: {known}).")
    students = list(students) if students else _students(course_root)
    pairs = [(s, u) for u in units for s in students]
    if not pairs:
        return []
    workers = max(1, min(workers or os.cpu_count() or 1, len(pairs)))
    with _exclusive(course_root):
        grade_root = tempfile.mkdtemp()  # a plain name: nothing in a kernel's paths says "grader"
        os.chmod(grade_root, 0o711)  # the sandbox users must reach their scratch folders inside
        setup = {"grade_root": grade_root, "mode": mode,
                 "uid_base": sandbox_uid_base(),
                 "limits": dataclasses.asdict(limits or default_limits(config, timeout)),
                 "expose": list(sandbox.default_expose()), "config": dict(config),
                 "notebook_timeout": timeout}
        pool = WorkerPool(workers, setup)  # forked first, before any database connection exists
        try:
            releases = {}
            for unit in units:
                try:
                    generated = assignments.ensure(course_root, unit)
                except assignments.AssignmentError as error:
                    raise GradingError(str(error)) from None
                folder = assignments.release_folder(course_root, unit, generated)
                releases[unit] = {"notebook": assignments.released_notebook(folder, unit),
                                  "files": assignments.release_files(folder, unit)}
                solutions = nbformat.read(course_root / "solutions" / unit / f"{unit}.ipynb", as_version=4)
                releases[unit]["judge"] = judge_spec(solutions, releases[unit]["notebook"])
            return _grade_pairs(pairs, pool, Batch(course_root, config, releases, None), progress)
        finally:
            pool.close()
            if mode == "root":  # nothing of any submission outlives the run, whatever happened
                for slot in range(workers):
                    sandbox.end_processes_of(setup["uid_base"] + slot)
            shutil.rmtree(grade_root, ignore_errors=True)


def _grade_pairs(pairs, pool, batch, progress):
    from tqdm import tqdm
    pending = list(pairs)
    queued = []
    again = []  # stopped on wall time: graded once more, alone, at the end
    with tqdm(total=len(pairs), desc="grading", unit="notebook", disable=not progress,
              file=sys.stderr) as bar:
        batch.bar = bar
        while pending or queued or any(w["task"] for w in pool.workers):
            # Keep every worker busy and one task ready behind each.
            while pending and len(queued) < len(pool.workers):
                student, unit = pending.pop(0)
                try:
                    task = batch.prepare(student, unit)
                except Exception as error:
                    batch.broken(student, unit, "check", error)
                    task = None
                if task is not None:
                    queued.append(task)
                for worker in pool.idle():
                    if not queued:
                        break
                    pool.submit(worker, queued.pop(0))
            for worker in pool.idle():
                if queued:
                    pool.submit(worker, queued.pop(0))
            if not any(w["task"] for w in pool.workers):
                continue
            for task, kind, payload in pool.wait():
                if kind == "done" and payload.wall_time and not task.get("retried"):
                    again.append(task)
                    continue
                _settle(batch, task, kind, payload)
        for task in again:  # one at a time: nothing of ours competes with it
            task["retried"] = True
            pool.submit(pool.workers[0], task)
            for done, kind, payload in pool.wait():
                _settle(batch, done, kind, payload)
    return sorted(batch.done, key=lambda r: (r.student, r.unit))


def _settle(batch, task, kind, payload):
    try:
        if kind == "done":
            batch.finish(task, payload)
        else:
            batch.failed(task, payload)
    except Exception as error:
        batch.broken(task["student"], task["unit"], "score", error)
