"""The corpus of hostile and broken submissions, graded in one batch with real kernels.

One module-scoped batch grades every submission of ``tests/hostile/corpus.py`` together with
honest ones, while another job keeps every core of the machine busy (verdicts must not depend on
load). Each hostile submission then has its own test: it earns nothing it should not, with the
evidence of why. Shared tests check the whole batch: it finished, the honest students kept their
scores, the gradebook holds no trace of student code, the submitted files are unchanged, no
sandboxed process is left, and no message reveals hidden tests.
"""
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import feedback, grading, results
from autograder.kernel import sandbox
from tests.hostile import corpus
from tests.hostile.corpus import tree_hash

UNIT = corpus.UNIT
HOSTILE = [s for s in corpus.SUBMISSIONS if s not in ("good", "partial", "blank")]


def sandbox_processes():
    """Processes running as one of this run's sandbox users (other runs may share the machine)."""
    found = []
    base = grading.sandbox_uid_base()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if base <= entry.stat().st_uid < base + 16:
                    found.append(entry.name)
            except FileNotFoundError:
                pass
    return found


def busy_loops():
    """One busy-looping process per core: another job that keeps the machine fully loaded."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(os.cpu_count() or 1)]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Grade the whole corpus once (2 workers, 5 s per cell, 2 GiB per kernel), every core busy.

    The grader's own environment holds a canary variable that must reach no kernel.
    """
    if sandbox.isolation_mode() == "none":
        pytest.skip("no sandbox possible on this machine")
    root = corpus.make_course(tmp_path_factory.mktemp("hostile") / "course", timeout=5)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    corpus.write_all(root, [s for s in corpus.SUBMISSIONS if s != "network"])
    corpus.network(root, "network", port=listener.getsockname()[1])
    submitted = root / "autograder" / "submitted"
    before = tree_hash(submitted)
    os.environ[corpus.ENV_CANARY] = "instructor-secret-4417"
    load = busy_loops()
    try:
        outcome = grading.grade_all(course_root=root, workers=2, progress=False, notebook_timeout=60,
                                    limits=sandbox.Limits(memory_bytes=2 * 2**30, cpu_seconds=60))
    finally:
        for process in load:
            process.kill()
            process.wait()
        del os.environ[corpus.ENV_CANARY]
    leftover = sandbox_processes()
    feedback.write_feedback(root)
    try:
        listener.accept()
        connections = 1
    except BlockingIOError:
        connections = 0
    listener.close()
    return {"root": root, "results": {r.student: r for r in outcome}, "before": before,
            "after": tree_hash(submitted), "connections": connections,
            "leftover": leftover}


def outputs(batch, student):
    """All text the student's executed notebook printed (autograded copy)."""
    path = batch["root"] / "autograder" / "autograded" / student / UNIT / f"{UNIT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", "") + output.get("evalue", ""))
    return "\n".join(texts)


def gradebook_scores(root, student):
    """grade id -> (auto score, max score) of a student's submission, read through nbgrader."""
    with Gradebook("sqlite:///" + str(root / "autograder" / "gradebook.db"), "nnfs") as gradebook:
        grades = gradebook.find_submission_notebook(UNIT, UNIT, student).grades
        return {g.name: (g.auto_score, g.max_score) for g in grades}


# ---- the whole batch ------------------------------------------------------------------------------

@pytest.mark.slow
def test_batch_finishes_with_a_record_for_everyone(batch):
    """Does one batch with every hostile submission finish, with a record on disk for each student?"""
    on_disk = {r.student: r for r in results.read_all(batch["root"])}
    assert set(on_disk) == set(corpus.SUBMISSIONS)
    assert all(r.status in results.STATUSES for r in on_disk.values())


@pytest.mark.slow
@pytest.mark.parametrize("student", ["good", "partial", "blank"])
def test_honest_students_keep_their_scores(batch, student):
    """Do honest students graded beside the hostile ones get exactly their scores?"""
    record = batch["results"][student]
    assert (record.status, record.score) == corpus.EXPECTED[student]
    assert record.max_score == corpus.MAX_SCORE
    assert record.reason == "" and record.repairs == ()


@pytest.mark.slow
def test_originals_are_unmodified(batch):
    """Are the submitted files byte for byte what they were before grading?"""
    assert batch["after"] == batch["before"]


@pytest.mark.slow
def test_gradebook_holds_what_the_grader_computed(batch):
    """Does the gradebook hold, for every student, the scores of the record (and nothing planted)?"""
    root = batch["root"]
    with sqlite3.connect(root / "autograder" / "gradebook.db") as con:
        tables = {row[0] for row in con.execute("select name from sqlite_master where type='table'")}
    assert "pwned" not in tables
    for student, record in batch["results"].items():
        scores = gradebook_scores(root, student)
        assert all((auto or 0.0) <= top for auto, top in scores.values()), student
        auto = sum(scores[c.grade_id][0] or 0.0 for c in record.checks)
        assert auto == pytest.approx(record.score), student


@pytest.mark.slow
def test_no_sandboxed_process_survives(batch):
    """Is every process started by students' kernels (fork bomb included) gone after the batch?"""
    assert batch["leftover"] == []


@pytest.mark.slow
def test_messages_never_reveal_hidden_tests(batch):
    """Do the per-check messages stay free of hidden test code, hidden inputs and tracebacks?"""
    for record in batch["results"].values():
        for check in record.checks:
            for secret in ("BEGIN HIDDEN", "check_function(", "-7.25", "Traceback", "File \""):
                assert secret not in check.message, (record.student, check.message)


# ---- one test per hostile submission --------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("student", HOSTILE)
def test_hostile_submission_earns_nothing_extra(batch, student):
    """Does each hostile or broken submission get its expected status, and no more points than due?"""
    record = batch["results"][student]
    status, score = corpus.EXPECTED[student]
    assert record.status == status, record.reason
    assert record.score == pytest.approx(score)
    assert record.max_score == corpus.MAX_SCORE
    if status != results.GRADED:
        assert record.reason


@pytest.mark.slow
@pytest.mark.parametrize("student", ["transformer", "hidden_transformer", "monkeypatch",
                                     "sneaky_monkeypatch"])
def test_tricks_in_the_kernel_change_no_verdict(batch, student):
    """Do input transformers and patched comparisons in the kernel leave wrong answers failing?"""
    record = batch["results"][student]
    assert record.status == results.GRADED and record.score == 0.0
    assert not any(c.passed for c in record.checks)


@pytest.mark.slow
def test_numpy_beside_the_notebook_is_never_used(batch):
    """Is a numpy.py beside the notebook ignored (listed) so wrong answers still fail?"""
    record = batch["results"]["numpy_beside"]
    assert any("numpy.py" in r for r in record.repairs)
    assert record.score == 0.0 and all("CheckFailed" in c.message for c in record.checks)


@pytest.mark.slow
def test_reading_solutions_gradebook_and_others(batch):
    """Does code that opens solutions/, the gradebook and another student's notebook find nothing?"""
    text = outputs(batch, "reads_secrets")
    assert text.count("FileNotFoundError") == 4
    assert corpus.SECRET_MARK not in text
    assert batch["results"]["reads_secrets"].score == 0.0


@pytest.mark.slow
def test_writing_the_gradebook(batch):
    """Does code that writes the gradebook with sqlite fail, leaving its own scores at 0?"""
    text = outputs(batch, "writes_gradebook")
    assert "gradebook: OperationalError" in text and "WROTE" not in text
    scores = gradebook_scores(batch["root"], "writes_gradebook")
    assert all((auto or 0.0) == 0.0 for auto, _ in scores.values())


@pytest.mark.slow
def test_os_exit(batch):
    """Is a kernel killed by os._exit reported as crashed, with the cells after it failed?"""
    record = batch["results"]["exits"]
    assert record.status == results.CRASHED
    assert all(c.message.startswith("NotRun") for c in record.checks)


@pytest.mark.slow
def test_infinite_loops(batch):
    """Are an interruptible loop and a loop deaf to interrupts both stopped, keeping other points fairly?"""
    loops, deaf = batch["results"]["loops"], batch["results"]["loops_deaf"]
    assert loops.status == deaf.status == results.TIMED_OUT
    assert [c.passed for c in loops.checks] == [False, False, True]
    assert all(c.message.startswith("NotRun") for c in deaf.checks)


@pytest.mark.slow
def test_memory_bomb(batch):
    """Does a memory bomb hit the kernel's memory limit (MemoryError) without hurting the batch?"""
    assert "stopped at" in outputs(batch, "memory_bomb")
    assert batch["results"]["memory_bomb"].score == 0.0


@pytest.mark.slow
def test_fork_bomb(batch):
    """Does a fork bomb stop at the process limit, and leave no process behind?"""
    assert "fork stopped after" in outputs(batch, "fork_bomb")
    assert batch["leftover"] == []


@pytest.mark.slow
def test_disk_filler(batch):
    """Does writing files without end stop at the scratch space's cap, far below the disk's size?"""
    text = outputs(batch, "disk_filler")
    assert "disk stopped after" in text
    written = int(text.split("disk stopped after")[1].split()[0])
    assert written <= sandbox.Limits().disk_bytes // 2**20


@pytest.mark.slow
def test_network_call(batch):
    """Does a network call (grader's loopback, gateway, internet) fail without reaching the listener?"""
    text = outputs(batch, "network")
    assert text.count("OSError") + text.count("gaierror") + text.count("ConnectionRefusedError") >= 3
    assert batch["connections"] == 0


@pytest.mark.slow
def test_megabytes_of_output(batch):
    """Is 20 MB of printing cut down, with the correct answers keeping their points?"""
    record = batch["results"]["floods"]
    path = batch["root"] / "autograder" / "autograded" / "floods" / UNIT / f"{UNIT}.ipynb"
    assert path.stat().st_size < 1_000_000
    assert record.score == corpus.MAX_SCORE
    assert any("output" in r for r in record.repairs)


@pytest.mark.slow
def test_one_giant_output(batch):
    """Is a single 100 MB output refused (kernel stopped, later cells 0) instead of filling the grader?"""
    record = batch["results"]["giant_output"]
    assert record.status == results.TIMED_OUT and "output" in record.reason
    assert all(c.message.startswith("NotRun") for c in record.checks)


@pytest.mark.slow
def test_copy_pasted_cells(batch):
    """Does pasting a second answer cell and a second test cell gain nothing?"""
    record = batch["results"]["pastes"]
    assert record.score == 0.0 and len(record.checks) == 3
    assert sum("pasted copy" in r for r in record.repairs) == 2


@pytest.mark.slow
@pytest.mark.parametrize("student, words", [("edits_tests", "had been edited"),
                                            ("deletes_tests", "was missing"),
                                            ("retags_tests", "grading settings")])
def test_tampered_test_cells_are_restored(batch, student, words):
    """Are edited, deleted and re-tagged test cells restored, so wrong answers still fail them all?"""
    record = batch["results"][student]
    assert any(words in r for r in record.repairs)
    assert [c.grade_id for c in record.checks] == ["test_double", "test_double_hidden", "test_mean_abs"]
    assert not any(c.passed for c in record.checks)


@pytest.mark.slow
@pytest.mark.parametrize("student", ["corrupt", "empty", "old_format", "ambiguous", "missing"])
def test_unreadable_submissions(batch, student):
    """Are corrupt, empty, old-format, ambiguous and missing notebooks rejected with a reason and 0 points?"""
    record = batch["results"][student]
    assert record.status in (results.INVALID, results.MISSING)
    assert record.reason and record.score == 0.0
    assert gradebook_scores(batch["root"], student)  # the gradebook has its zeros too


@pytest.mark.slow
def test_warning_keeps_its_points(batch):
    """Does a correct answer that prints a warning keep full marks?"""
    record = batch["results"]["warns"]
    assert record.status == results.GRADED and record.score == corpus.MAX_SCORE


# ---- the tricks of issue 9: each earns what its answers earn ------------------------------------

def check_messages(batch, student):
    return " ".join(c.message for c in batch["results"][student].checks)


@pytest.mark.slow
def test_rebinding_checks_through_main_alias(batch):
    """Does rebinding check_close and check_function through `import __main__ as m` earn nothing?"""
    record = batch["results"]["alias_main"]
    assert record.score == 0.0 and not any(c.passed for c in record.checks)
    assert "is not right" in check_messages(batch, "alias_main")  # the judge's own checks ran


@pytest.mark.slow
def test_replacing_grader_functions_through_sys_modules(batch):
    """Does replacing every function of nnlib.checks (and any grader module) via sys.modules earn nothing,
    and does the kernel hold no grader module to reach by name?"""
    record = batch["results"]["guard_via_modules"]
    assert record.score == 0.0 and not any(c.passed for c in record.checks)
    assert "grader modules: []" in outputs(batch, "guard_via_modules")


@pytest.mark.slow
def test_timer_signal_restoring_patched_checks(batch):
    """Does a timer signal handler that keeps re-patching the checks in the kernel earn nothing?"""
    record = batch["results"]["timer_restorer"]
    assert record.status == results.GRADED
    assert record.score == 0.0 and not any(c.passed for c in record.checks)


@pytest.mark.slow
def test_answer_object_walking_frames_finds_no_expected_value(batch):
    """Does an answer object that searches the callers' frames for `expected` find none, and earn 0?"""
    record = batch["results"]["frame_walker"]
    assert record.score == 0.0 and not any(c.passed for c in record.checks)
    text = outputs(batch, "frame_walker")
    assert "FOUND EXPECTED" not in text
    for hidden in ("-14.5", "-7.25"):  # the hidden case's expected value and input
        assert hidden not in text and hidden not in check_messages(batch, "frame_walker")


@pytest.mark.slow
def test_switching_on_only_for_the_grader(batch):
    """Does code that looks for the grader (environment, host name, HOME) see nothing, and earn 0?"""
    text = outputs(batch, "detects_grader")
    assert "nothing detected" in text and "GRADER DETECTED" not in text
    assert batch["results"]["detects_grader"].score == 0.0


@pytest.mark.slow
def test_environment_block_holds_nothing_of_the_grader(batch):
    """Does the kernel's first environment block, read from its own memory, hold none of the grader's
    environment (a canary variable set for the batch) -- not in the notebook, not in the feedback?"""
    text = outputs(batch, "reads_environ_block")
    assert "ENVIRONMENT BLOCK:" in text
    block = text.split("ENVIRONMENT BLOCK:")[1].splitlines()[0]
    names = {entry.strip().split("=")[0] for entry in block.split("|") if "=" in entry}
    assert names and names <= set(sandbox.minimal_env("/x")) | set(sandbox.sandbox_env("/x"))
    page = (batch["root"] / "autograder" / "feedback" / "reads_environ_block" / "index.html").read_text()
    for place in (text, page):
        assert corpus.ENV_CANARY not in place and "instructor-secret-4417" not in place
    assert batch["results"]["reads_environ_block"].score == 0.0


@pytest.mark.slow
def test_forged_replies_to_the_judge(batch):
    """Is a call server replaced by the student's, answering the judge with made-up data, tampering (0)?"""
    record = batch["results"]["forges_replies"]
    assert record.status == results.TAMPERED and record.score == 0.0
    assert "not plain data" in record.reason


@pytest.mark.slow
def test_ordinary_notebook_habits_keep_their_points(batch):
    """Do %timeit, %matplotlib inline, a print to stderr and a numpy warning keep full marks?"""
    record = batch["results"]["habits"]
    assert (record.status, record.score) == (results.GRADED, corpus.MAX_SCORE), \
        (record.reason, [c.message for c in record.checks])
