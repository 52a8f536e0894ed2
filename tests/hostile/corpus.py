"""A small fixture assignment and a corpus of honest, broken and hostile submissions to it.

Everything is generated, so the corpus stays readable here in one place: ``make_course`` writes a
course folder (nbgrader_config.py, solutions/<unit>/<unit>.ipynb and its release in course/), and
``SUBMISSIONS`` maps a student id to a function that writes that student's submission folder.

The fixture unit has three auto-graded cells worth 1 + 2 + 1 points (the middle one with a hidden
test) and one written answer worth 1 point that waits for hand grading.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder import release as release_tool

UNIT = "90_fixture"
MAX_SCORE = 4.0
SECRET_MARK = "SECRET-SOLUTION-MARK-7431"  # appears in solutions/ only; must never leak

REPO = Path(__file__).resolve().parents[2]

SETUP = "import numpy as np\nfrom nnlib.checks import check_close, check_function"
DOUBLE = '''def double(x):
    """Return 2 x, element-wise, as floats."""
    ### BEGIN SOLUTION
    # {mark}
    return 2 * np.asarray(x, dtype=float)
    ### END SOLUTION'''.format(mark=SECRET_MARK)
TEST_DOUBLE = 'check_close(double(3.0), 6.0, "double(3.0)")'
TEST_DOUBLE_HIDDEN = '''check_close(double(np.array([1.0, 2.0])), [2.0, 4.0], "double([1, 2])")
### BEGIN HIDDEN TESTS
check_function(double, lambda x: 2 * np.asarray(x, dtype=float),
               [(np.array([0.5, -7.25]),)], reveal=False)
### END HIDDEN TESTS'''
MEAN_ABS = '''def mean_abs(x):
    """Mean of the absolute values of x."""
    ### BEGIN SOLUTION
    return float(np.mean(np.abs(x)))
    ### END SOLUTION'''
TEST_MEAN_ABS = 'check_close(mean_abs(np.array([-1.0, 3.0])), 2.0, "mean_abs([-1, 3])")'

CORRECT = {
    "double": "def double(x):\n    return 2 * np.asarray(x, dtype=float)",
    "mean_abs": "def mean_abs(x):\n    return float(np.mean(np.abs(x)))",
}
WRONG = {
    "double": "def double(x):\n    return np.asarray(x, dtype=float) + 2",
    "mean_abs": "def mean_abs(x):\n    return float(np.mean(x))",
}


def _meta(grade_id, grade=False, solution=False, locked=False, points=0):
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id,
            "schema_version": 3}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook():
    """The instructor's notebook of the fixture unit (solutions and hidden tests included)."""
    cells = [
        new_markdown_cell("# Fixture unit\nTwo small functions and one written answer."),
        new_code_cell(SETUP, metadata=_meta("setup", locked=True)),
        new_code_cell(DOUBLE, metadata=_meta("double", solution=True)),
        new_code_cell(TEST_DOUBLE, metadata=_meta("test_double", grade=True, locked=True, points=1)),
        new_code_cell(TEST_DOUBLE_HIDDEN,
                      metadata=_meta("test_double_hidden", grade=True, locked=True, points=2)),
        new_code_cell(MEAN_ABS, metadata=_meta("mean_abs", solution=True)),
        new_code_cell(TEST_MEAN_ABS, metadata=_meta("test_mean_abs", grade=True, locked=True, points=1)),
        new_markdown_cell("Why is `double` linear?", metadata=_meta("why_prompt", locked=True)),
        new_markdown_cell("### BEGIN SOLUTION\nBecause 2(a + b) = 2a + 2b.\n### END SOLUTION",
                          metadata=_meta("why", grade=True, solution=True, points=1)),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def make_course(root, timeout=10, extra_config=""):
    """Write a course folder at ``root`` with the fixture unit in solutions/ and course/.

    ``timeout`` is the per-cell time limit written into the course's nbgrader_config.py.
    """
    root = Path(root)
    (root / "solutions" / UNIT).mkdir(parents=True, exist_ok=True)
    (root / "autograder").mkdir(exist_ok=True)
    config = (REPO / "nbgrader_config.py").read_text()
    config += f"\nc.ExecutePreprocessor.timeout = {timeout}\nc.Execute.timeout = {timeout}\n"
    (root / "nbgrader_config.py").write_text(config + extra_config)
    nbformat.write(source_notebook(), root / "solutions" / UNIT / f"{UNIT}.ipynb")
    release_tool.release([UNIT], dest=root / "course", solutions=root / "solutions")
    return root


def released(root):
    """The released fixture notebook of a course made by :func:`make_course`."""
    return nbformat.read(Path(root) / "course" / UNIT / f"{UNIT}.ipynb", as_version=4)


def answer(nb, answers):
    """A copy of ``nb`` with the solution cells named in ``answers`` replaced by that code."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def _cell_index(nb, grade_id):
    for index, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return index
    raise KeyError(grade_id)


def insert_after(nb, grade_id, source):
    """Insert a student's plain code cell right after the cell ``grade_id``."""
    nb.cells.insert(_cell_index(nb, grade_id) + 1, new_code_cell(source))
    return nb


def submission_dir(root, student, unit=UNIT):
    folder = Path(root) / "autograder" / "submitted" / student / unit
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_nb(root, student, nb, name=None):
    folder = submission_dir(root, student)
    nbformat.write(nb, folder / (name or f"{UNIT}.ipynb"))
    return folder


# ----------------------------------------------------------------------------------------------
# The corpus. Each entry writes one student's submission; EXPECTED says what grading must give.
# ----------------------------------------------------------------------------------------------

def good(root, student):
    write_nb(root, student, answer(released(root), CORRECT))


def partial(root, student):
    write_nb(root, student, answer(released(root), {**CORRECT, "mean_abs": WRONG["mean_abs"]}))


def blank(root, student):
    write_nb(root, student, released(root))


def warns(root, student):
    code = ("import warnings\n\ndef double(x):\n"
            "    warnings.warn('this is only a warning', RuntimeWarning)\n"
            "    return 2 * np.asarray(x, dtype=float)")
    write_nb(root, student, answer(released(root), {**CORRECT, "double": code}))


def transformer(root, student):
    """Registers an input transformer that blanks every later cell, tests included."""
    code = ("ip = get_ipython()\nip.input_transformers_post.append(lambda lines: [])\n"
            + WRONG["double"])
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


def hidden_transformer(root, student):
    """The same trick reached without naming get_ipython (through the builtins module)."""
    code = ("import builtins as b\n"
            "getattr(b, 'get_' + 'ipython')().input_transformers_cleanup.append(lambda lines: [])\n"
            + WRONG["double"])
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


def numpy_beside(root, student):
    """A numpy.py beside the notebook that would make every comparison pass."""
    folder = write_nb(root, student, answer(released(root), WRONG))
    (folder / "numpy.py").write_text("def allclose(*a, **k):\n    return True\n")
    (folder / "nnlib").mkdir()
    (folder / "nnlib" / "__init__.py").write_text("")


def reads_secrets(root, student):
    """Tries to read solutions/, the gradebook and another student's work."""
    root = Path(root).resolve()
    paths = [root / "solutions" / UNIT / f"{UNIT}.ipynb", root / "autograder" / "gradebook.db",
             root / "autograder" / "submitted" / "good" / UNIT / f"{UNIT}.ipynb",
             REPO / "solutions"]
    code = (
        "import os\nfound = {}\n"
        f"for p in {[str(p) for p in paths]!r}:\n"
        "    try:\n        found[p] = open(p, 'rb').read()[:100]\n"
        "    except Exception as e:\n        found[p] = type(e).__name__\n"
        "print(found)\n"
        f"leak = any({SECRET_MARK!r}.encode() in v for v in found.values() if isinstance(v, bytes))\n"
        "def double(x):\n    if leak:\n        return 2 * np.asarray(x, dtype=float)\n"
        "    return np.asarray(x, dtype=float) + 2\n"
    )
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


def writes_gradebook(root, student):
    """Tries to give itself full marks by writing the gradebook with sqlite."""
    db = Path(root).resolve() / "autograder" / "gradebook.db"
    code = (
        "import sqlite3\n"
        "try:\n"
        f"    con = sqlite3.connect({str(db)!r})\n"
        "    con.execute('update grade set auto_score = 100')\n"
        "    con.execute('create table pwned (x)')\n"
        "    con.commit()\n    print('WROTE THE GRADEBOOK')\n"
        "except Exception as e:\n    print('gradebook:', type(e).__name__, e)\n"
        + WRONG["double"]
    )
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


def exits(root, student):
    """Kills its own kernel with os._exit in the first answer."""
    write_nb(root, student, answer(released(root), {**CORRECT, "double": "import os\nos._exit(3)"}))


def loops(root, student):
    """An infinite loop in an answer (interruptible)."""
    code = "while True:\n    pass\n" + CORRECT["double"]
    write_nb(root, student, answer(released(root), {**CORRECT, "double": code}))


def loops_deaf(root, student):
    """An infinite loop that ignores the grader's interrupt."""
    code = ("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
            "while True:\n    pass\n")
    write_nb(root, student, answer(released(root), {**CORRECT, "double": code}))


def memory_bomb(root, student):
    code = ("hoard = []\ntry:\n    while True:\n        hoard.append(bytearray(2**27))\n"
            "except MemoryError:\n    print('stopped at', len(hoard) * 128, 'MiB')\n"
            + WRONG["double"])
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


def fork_bomb(root, student):
    code = ("import os\nchildren = 0\ntry:\n    while True:\n        if os.fork() == 0:\n"
            "            import time\n            time.sleep(600)\n            os._exit(0)\n"
            "        children += 1\nexcept OSError as e:\n"
            "    print('fork stopped after', children, type(e).__name__)\n"
            + WRONG["double"])
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


def disk_filler(root, student):
    """Writes files until something stops it."""
    code = ("written = 0\ntry:\n    for n in range(1000):\n"
            "        with open(f'fill{n}.bin', 'wb') as handle:\n"
            "            for _ in range(64):\n                handle.write(bytes(2**20))\n"
            "                written += 1\n"
            "except OSError as e:\n    print('disk stopped after', written, 'MiB', type(e).__name__)\n"
            + WRONG["double"])
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


def network(root, student, port=1):
    code = (
        "import socket, urllib.request\nreached = []\n"
        f"for host in ('127.0.0.1', '10.0.2.2', 'example.com'):\n"
        "    try:\n"
        f"        socket.create_connection((host, {port}), timeout=2).close()\n"
        "        reached.append(host)\n"
        "    except OSError as e:\n        print(host, type(e).__name__)\n"
        "def double(x):\n    return np.asarray(x, dtype=float) + 2 + 0 * len(reached)\n"
    )
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


def monkeypatch(root, student):
    """Wrong answers plus comparison functions that always agree."""
    code = ("import nnlib.tolerance, nnlib.checks\n"
            "np.allclose = lambda *a, **k: True\n"
            "np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)\n"
            "nnlib.tolerance.close = lambda *a, **k: True\n"
            "nnlib.checks.close = lambda *a, **k: True\n"
            + WRONG["double"])
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


def sneaky_monkeypatch(root, student):
    """The same, through plain variables."""
    code = ("import nnlib.checks\nnumbers = np\nlibrary = nnlib.checks\n"
            "numbers.allclose = lambda *a, **k: True\n"
            "library.close = lambda *a, **k: True\n"
            + WRONG["double"])
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


def habits(root, student):
    """Correct answers written with ordinary notebook habits: magics, stderr, a numpy warning."""
    double = ("%matplotlib inline\nimport sys\nprint('checking', file=sys.stderr)\n"
              + CORRECT["double"] + "\n%timeit -n 3 -r 1 double(1.0)")
    mean_abs = ("def mean_abs(x):\n    np.log(np.zeros(1))  # a RuntimeWarning, printed on stderr\n"
                "    return float(np.mean(np.abs(x)))")
    write_nb(root, student, answer(released(root), {"double": double, "mean_abs": mean_abs}))


# The tricks of issue 9: each with wrong answers (or none); each must earn what its answers earn: 0.

def alias_main(root, student):
    """Rebinds the check helpers the tests look up, through an alias of __main__."""
    code = ("import __main__ as m\n"
            "m.check_close = lambda *a, **k: None\n"
            "m.check_function = lambda *a, **k: True\n" + WRONG["double"])
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


def guard_via_modules(root, student):
    """Replaces every function of the grader's modules (and of nnlib.checks) found in sys.modules."""
    code = (
        "import sys\nmods = getattr(sys, 'mod' + 'ules')\nhit = []\n"
        "for name, module in list(mods.items()):\n"
        "    if module is None or not any(w in name for w in ('autograder', 'guard', 'checks', 'tolerance')):\n"
        "        continue\n"
        "    for key, value in list(vars(module).items()):\n"
        "        if callable(value) and not key.startswith('_'):\n"
        "            try:\n"
        "                setattr(module, key, (lambda *a, **k: True))\n"
        "                hit.append(name + '.' + key)\n"
        "            except Exception:\n                pass\n"
        "print('replaced', len(hit), 'functions; grader modules:', [h for h in hit if 'autograder' in h][:3])\n"
        + WRONG["double"])
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


def timer_restorer(root, student):
    """A timer signal handler that puts patched checks back whenever a check may have undone them."""
    code = (
        "import signal, nnlib.checks, nnlib.tolerance\n"
        "def _patch(*_):\n"
        "    nnlib.checks.check_close = lambda *a, **k: True\n"
        "    nnlib.tolerance.close = lambda *a, **k: True\n"
        "signal.signal(signal.SIGALRM, _patch)\n"
        "signal.setitimer(signal.ITIMER_REAL, 0.01, 0.01)\n" + WRONG["double"])
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


FRAME_WALKER = """
import sys

class Answer:
    # Walks the call frames on numpy conversion, looking for the check's expected value.
    def __array__(self, dtype=None, copy=None):
        frame = sys._getframe(1)
        while frame is not None:
            if "expected" in frame.f_locals:
                print("FOUND EXPECTED", frame.f_locals["expected"])
                return np.asarray(frame.f_locals["expected"], dtype=float)
            frame = frame.f_back
        return np.zeros(1)

    def __float__(self):
        return float(np.asarray(self).ravel()[0])

def double(x):
    return Answer()

def mean_abs(x):
    return Answer()
"""


def frame_walker(root, student):
    """No solution at all: answers are objects that look for ``expected`` in the callers' frames."""
    write_nb(root, student, answer(released(root), {"double": FRAME_WALKER, "mean_abs": "pass"}))


def detects_grader(root, student):
    """Innocent (and wrong) anywhere else; patches the checks only when it detects the grader."""
    code = (
        "import os, socket\n"
        "signs = [k for k in os.environ if any(w in k.upper() for w in ('NNFS', 'GRADE', 'SANDBOX'))]\n"
        "signs += [w for w in ('sandbox', 'grade') if w in socket.gethostname().lower()]\n"
        "signs += [w for w in ('nnfs', 'grade', 'sandbox') if w in os.environ.get('HOME', '').lower()]\n"
        "print('GRADER DETECTED' if signs else 'nothing detected', signs)\n"
        "if signs:\n"
        "    import __main__ as m, nnlib.checks\n"
        "    m.check_close = nnlib.checks.check_close = lambda *a, **k: None\n"
        "    m.check_function = lambda *a, **k: True\n" + WRONG["double"])
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


ENV_CANARY = "NNFS_INSTRUCTOR_CANARY"   # set in the grader's environment by the test; must not leak


def reads_environ_block(root, student):
    """Reads the kernel's first environment block from its own memory (/proc/self/stat, ctypes)."""
    code = (
        "import ctypes, os\n"
        "fields = open('/proc/self/stat').read().rsplit(')', 1)[1].split()\n"
        "start, end = int(fields[47]), int(fields[48])  # env_start, env_end (fields 50 and 51)\n"
        "block = ctypes.string_at(start, end - start).decode(errors='replace')\n"
        "print('ENVIRONMENT BLOCK:', block.replace(chr(0), ' | '))\n"
        "leaked = " + repr(ENV_CANARY) + " in block\n"
        "def double(x):\n"
        "    return 2 * np.asarray(x, dtype=float) if leaked else np.asarray(x, dtype=float) + 2\n")
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


def forges_replies(root, student):
    """Replaces the kernel's call server, answering the judge with made-up replies."""
    code = (
        "import socket, struct, json, os, threading\n"
        "path = os.path.join(os.getcwd(), 'kernel-calls')\n"
        "try:\n    os.unlink(path)\nexcept OSError:\n    pass\n"
        "listener = socket.socket(socket.AF_UNIX)\nlistener.bind(path)\nlistener.listen(1)\n"
        "def serve():\n"
        "    conn, _ = listener.accept()\n"
        "    while True:\n"
        "        head = conn.recv(16)\n"
        "        if len(head) < 16:\n            return\n"
        "        size, blob = struct.unpack('>QQ', head)\n"
        "        conn.recv(size + blob)\n"
        "        reply = json.dumps({'op': 'value', 'value': {'evil': 1}}).encode()\n"
        "        conn.sendall(struct.pack('>QQ', len(reply), 0) + reply)\n"
        "threading.Thread(target=serve, daemon=True).start()\n" + WRONG["double"])
    write_nb(root, student, answer(released(root), {**WRONG, "double": code}))


def giant_output(root, student):
    """One display message of 100 MB (more than the grader accepts in one message)."""
    code = ("from IPython.display import display\n"
            "display({'text/plain': 'x' * 100_000_000}, raw=True)\n" + CORRECT["double"])
    write_nb(root, student, answer(released(root), {**CORRECT, "double": code}))


def floods(root, student):
    """Correct answers that print about 20 MB."""
    code = "for _i in range(200):\n    print('y' * 100_000)\n" + CORRECT["double"]
    write_nb(root, student, answer(released(root), {**CORRECT, "double": code}))


def pastes(root, student):
    """A pasted second copy of a solution cell and of a test cell (duplicate grade ids)."""
    nb = answer(released(root), WRONG)
    index = _cell_index(nb, "double")
    copy = nbformat.from_dict(json.loads(json.dumps(nb.cells[index])))
    copy.source = CORRECT["double"]
    copy["id"] = "pasted-answer"  # Jupyter gives a pasted cell a new cell id, but keeps its metadata
    nb.cells.insert(index + 1, copy)
    test_index = _cell_index(nb, "test_double")
    test_copy = nbformat.from_dict(json.loads(json.dumps(nb.cells[test_index])))
    test_copy["id"] = "pasted-test"
    nb.cells[test_index].source = "pass"
    nb.cells.insert(test_index + 1, test_copy)
    write_nb(root, student, nb)


def edits_tests(root, student):
    nb = answer(released(root), WRONG)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "pass  # all good"
    write_nb(root, student, nb)


def deletes_tests(root, student):
    nb = answer(released(root), WRONG)
    nb.cells = [c for c in nb.cells if not (c.metadata.get("nbgrader", {}).get("grade")
                                            and c.cell_type == "code")]
    write_nb(root, student, nb)


def retags_tests(root, student):
    """Turns a test cell into a solution cell, and raises another test's points."""
    nb = answer(released(root), WRONG)
    cell = nb.cells[_cell_index(nb, "test_double_hidden")]
    cell.metadata["nbgrader"].update({"grade": False, "solution": True, "locked": False})
    cell.metadata["nbgrader"].pop("points", None)
    cell.source = "pass"
    other = nb.cells[_cell_index(nb, "test_mean_abs")]
    other.metadata["nbgrader"]["points"] = 100
    write_nb(root, student, nb)


def corrupt(root, student):
    folder = submission_dir(root, student)
    (folder / f"{UNIT}.ipynb").write_text('{"cells": [ {"cell_type": "code", "sour')


def empty(root, student):
    folder = submission_dir(root, student)
    (folder / f"{UNIT}.ipynb").write_bytes(b"")


def old_format(root, student):
    folder = submission_dir(root, student)
    (folder / f"{UNIT}.ipynb").write_text(json.dumps(
        {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}))


def renamed(root, student):
    write_nb(root, student, answer(released(root), CORRECT), name="my_work (1).ipynb")


def ambiguous(root, student):
    write_nb(root, student, answer(released(root), CORRECT), name="try1.ipynb")
    write_nb(root, student, answer(released(root), WRONG), name="try2.ipynb")


def missing(root, student):
    submission_dir(root, student)


SUBMISSIONS = {
    "good": good, "partial": partial, "blank": blank, "warns": warns,
    "transformer": transformer, "hidden_transformer": hidden_transformer,
    "numpy_beside": numpy_beside, "reads_secrets": reads_secrets,
    "writes_gradebook": writes_gradebook, "exits": exits, "loops": loops,
    "loops_deaf": loops_deaf, "memory_bomb": memory_bomb, "fork_bomb": fork_bomb,
    "disk_filler": disk_filler, "network": network, "monkeypatch": monkeypatch,
    "sneaky_monkeypatch": sneaky_monkeypatch, "floods": floods, "giant_output": giant_output, "pastes": pastes,
    "edits_tests": edits_tests, "deletes_tests": deletes_tests, "retags_tests": retags_tests,
    "corrupt": corrupt, "empty": empty, "old_format": old_format, "renamed": renamed,
    "ambiguous": ambiguous, "missing": missing, "habits": habits,
    "alias_main": alias_main, "guard_via_modules": guard_via_modules,
    "timer_restorer": timer_restorer, "frame_walker": frame_walker,
    "detects_grader": detects_grader, "reads_environ_block": reads_environ_block,
    "forges_replies": forges_replies,
}

# What each submission must get: (status, auto score). Wrong answers score 0; "partial" keeps the
# 3 points of double. Tricks inside the kernel change nothing (the judge decides outside it), so
# they get what their wrong answers earn: 0; only a forged reply to the judge is "tampered".
EXPECTED = {
    "good": ("graded", 4.0), "partial": ("graded", 3.0), "blank": ("graded", 0.0),
    "warns": ("graded", 4.0), "transformer": ("graded", 0.0),
    "hidden_transformer": ("graded", 0.0), "numpy_beside": ("graded", 0.0),
    "reads_secrets": ("graded", 0.0), "writes_gradebook": ("graded", 0.0),
    "exits": ("crashed", 0.0), "loops": ("timed_out", 1.0), "loops_deaf": ("timed_out", 0.0),
    "memory_bomb": ("graded", 0.0), "fork_bomb": ("graded", 0.0), "disk_filler": ("graded", 0.0),
    "network": ("graded", 0.0),
    "monkeypatch": ("graded", 0.0), "sneaky_monkeypatch": ("graded", 0.0),
    "floods": ("graded", 4.0), "giant_output": ("timed_out", 0.0), "pastes": ("graded", 0.0),
    "edits_tests": ("graded", 0.0), "deletes_tests": ("graded", 0.0),
    "retags_tests": ("graded", 0.0), "corrupt": ("invalid", 0.0), "empty": ("invalid", 0.0),
    "old_format": ("invalid", 0.0), "renamed": ("graded", 4.0), "ambiguous": ("invalid", 0.0),
    "missing": ("missing", 0.0), "habits": ("graded", 4.0),
    "alias_main": ("graded", 0.0), "guard_via_modules": ("graded", 0.0),
    "timer_restorer": ("graded", 0.0), "frame_walker": ("graded", 0.0),
    "detects_grader": ("graded", 0.0), "reads_environ_block": ("graded", 0.0),
    "forges_replies": ("tampered", 0.0),
}


def write_all(root, students=None):
    """Write the submissions of ``students`` (default: the whole corpus) into the course."""
    for student in students or SUBMISSIONS:
        SUBMISSIONS[student](root, student)


def copy_course(source, target):
    shutil.copytree(source, target)
    return Path(target)


def tree_hash(folder):
    """One hash of a folder's file names and contents: equal hashes mean nothing was changed."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()
