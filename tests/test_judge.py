"""The judge and the plain-data channel to the kernel.

Fast tests drive the real parts without a sandbox: the wire format, the submitted source compiled
for the rule checks, and the judge talking to a real call server (the kernel's side, started here
on a unix socket, with a namespace standing in for the kernel's). Every real unit's solutions and
untouched release are graded through the whole engine in tests/test_course_notebooks.py.
"""
import inspect
import json
import os
import pickle
import shutil
import socket
import tempfile
import types

import numpy as np
import pytest

from autograder.judge import advice
from autograder.judge.judge import Judge
from autograder.judge.remote import (Kernel, KernelStopped, StudentError, StudentFunction, refill,
                                     student_error)
from autograder.judge.source import SubmittedSource
from autograder.kernel import calls, wire
from nnlib import activations, checks


# ---- the wire format --------------------------------------------------------------------------

def test_plain_values_keep_their_types():
    """Do numbers, text, None, tuples, lists, dicts, arrays and numpy scalars come back as they went?"""
    values = [1, 2.5, float("inf"), None, True, "text", (1, (2.0,)), [np.int64(3)], {"a": np.arange(3)},
              np.array([[1.5, -2.0]]), np.float32(0.5), 1 + 2j]
    tree, arrays = wire.encode(values, lambda v: pytest.fail(f"{v!r} is plain data"))
    back = wire.decode(tree, arrays, None)
    assert [type(v) for v in back] == [type(v) for v in values]
    assert back[2] == float("inf") and back[6] == (1, (2.0,)) and back[10].dtype == np.float32
    assert np.array_equal(back[8]["a"], np.arange(3)) and np.array_equal(back[9], values[9])


def test_subclasses_and_array_likes_become_plain_data():
    """Does a float subclass arrive as a float, and an object with __array__ as a plain array?"""
    class Sneaky(float):
        def __eq__(self, other):
            return True

    class ArrayLike:
        def __array__(self, dtype=None, copy=None):
            return np.ones(2)

    tree, arrays = wire.encode([Sneaky(1.0), ArrayLike(), np.ma.masked_array([1.0])], None)
    back = wire.decode(tree, arrays, None)
    assert type(back[0]) is float and back[0] != 2.0
    assert type(back[1]) is np.ndarray and type(back[2]) is np.ndarray


def frame(header, blob=b""):
    text = json.dumps(header).encode()
    return len(text).to_bytes(8, "big") + len(blob).to_bytes(8, "big") + text + blob


def test_frames_never_carry_pickles_or_code():
    """Is an array said to hold objects (which only pickle could carry), or one that does not fit the
    blob, refused, as are unknown tags and references outside numpy, math and nnlib?"""
    pickled = pickle.dumps([print])
    for header, blob in (({"op": "value", "arrays": {"a0": ["|O", [1], 0, 8]}}, pickled[:8]),
                         ({"op": "value", "arrays": {"a0": ["<f8", [4], 0, 32]}}, b"\0" * 8),
                         ({"op": "value", "arrays": {"a0": [{"names": ["f"]}, [1], 0, 8]}}, b"\0" * 8)):
        left, right = socket.socketpair()
        with left, right:
            left.sendall(frame(header, blob))
            with pytest.raises(wire.WireError):
                wire.receive(right)
    with pytest.raises(wire.WireError):
        wire.send(socket.socketpair()[0], {}, {"a0": np.array([print], dtype=object)})
    for tree in ({"evil": 1}, {"ref": "os:system"}, {"ref": "builtins:eval"}, [1, 2]):
        with pytest.raises(wire.WireError):
            wire.decode(tree, {}, lambda tag, content: None)
    assert wire.decode({"ref": "nnlib.activations:sigmoid"}, {}, None) is activations.sigmoid


def test_nnlib_objects_travel_as_their_state():
    """Does a network of nnlib travel as its class name and attributes (no __init__, no code), and can a
    trained copy be copied back into the original; is any class outside nnlib refused?"""
    from nnlib.network import MLP
    net = MLP([2, 3, 1], ["relu", "sigmoid"], seed=0)
    tree, arrays = wire.encode([net], None)
    [copy] = wire.decode(tree, arrays, None)
    X = np.ones((4, 2))
    assert type(copy) is MLP and np.allclose(copy.forward(X), net.forward(X))
    copy.W[0][:] = 0.0
    refill(net, copy)
    assert np.allclose(net.W[0], 0.0)
    for path in ("collections:OrderedDict", "nnlib.network:_private", "os:system"):
        with pytest.raises(wire.WireError):
            wire.decode({"object": path, "state": {"dict": []}}, {}, None)


# ---- the submitted source, for the rule checks -----------------------------------------------

def stand_in(cells, name):
    """A StudentFunction for ``name`` built from ``cells``, attached to no kernel."""
    kernel = Kernel("/nonexistent/socket", None, 1.0, lambda wall=False: None)
    return StudentFunction(kernel, name, SubmittedSource(cells).function(name))


def test_rules_read_the_submitted_source():
    """Do check_no_loops and inspect.getsource see the student's def, compiled but never run?"""
    looped = stand_in(["import numpy as np",
                       "def f(x):\n    return sum(v for v in x)\n\nprint(undefined_name)"], "f")
    assert "sum(v for v in x)" in inspect.getsource(looped)
    with pytest.raises(checks.CheckFailed, match="loop"):
        checks.check_no_loops(looped)
    assert checks.check_no_loops(stand_in(["import numpy as np", "def f(x):\n    return np.sum(x)"], "f"))


def test_own_code_rule_follows_imports_in_other_cells():
    """Does check_own_code see nnlib reached through a renamed import made in another cell?"""
    borrowed = stand_in(["from nnlib.activations import sigmoid as s", "def sig(z):\n    return s(z)"], "sig")
    with pytest.raises(checks.CheckFailed, match="nnlib"):
        checks.check_own_code(borrowed)
    assert checks.check_own_code(stand_in(["import numpy as np", "def sig(z):\n    return 1 / (1 + np.exp(-z))"],
                                          "sig"))


def test_a_name_made_without_def_is_judged_on_all_the_cells():
    """Is a function made by exec (no def to read) judged on everything the student wrote?"""
    made = stand_in(["exec('def f(x):\\n    return x')\nfor i in range(3):\n    pass"], "f")
    with pytest.raises(checks.CheckFailed, match="loop"):
        checks.check_no_loops(made)


def test_student_errors_keep_their_kind():
    """Is an exception from the kernel re-made as a judge-side class that still is what it was?"""
    stub = student_error("NotImplementedError", "NotImplementedError", "")
    assert isinstance(stub, NotImplementedError) and isinstance(stub, StudentError)
    custom = student_error("MyShapeError", "ValueError", "shapes (2,) and (3,)")
    assert type(custom).__name__ == "MyShapeError" and isinstance(custom, ValueError)
    with pytest.raises(checks.CheckFailed, match="not written yet"):
        checks.call(lambda: (_ for _ in ()).throw(stub))
    assert "shape" in advice.message(custom).lower() and advice.message(custom).startswith("shapes (2,)")


# ---- the judge against a real call server ------------------------------------------------------

STUDENT = '''
import numpy as np

def scale(x, f):
    return f(x) * 2.0

def shuffle_in_place(x):
    x[::-1] = x.copy()
    return x.sum()

def batches(x):
    for start in range(0, len(x), 2):
        yield x[start:start + 2]

def stub(x):
    raise NotImplementedError()

answer = (4, 5)
'''


@pytest.fixture()
def kernel():
    """A call server on a unix socket over a namespace where the student's cells ran."""
    folder = tempfile.mkdtemp()
    namespace = {}
    exec(compile(STUDENT, "<student>", "exec"), namespace)
    calls.start(folder, types.SimpleNamespace(user_ns=namespace))
    client = Kernel(os.path.join(folder, calls.SOCKET_NAME), None, 10.0, lambda wall=False: None)
    yield client
    client.close()
    shutil.rmtree(folder, ignore_errors=True)


def test_calls_carry_data_callbacks_and_in_place_changes(kernel):
    """Does a call pass a test's lambda as a call-back, and bring back the result and changed inputs?"""
    source = SubmittedSource([STUDENT])
    scale = StudentFunction(kernel, "scale", source.function("scale"))
    assert np.allclose(scale(np.array([1.0, 2.0]), lambda z: z + 1.0), [4.0, 6.0])
    assert np.allclose(scale(np.array([0.0]), activations.sigmoid), [1.0])  # an nnlib function by reference
    shuffle = StudentFunction(kernel, "shuffle_in_place", source.function("shuffle_in_place"))
    given = np.array([1.0, 2.0, 3.0])
    with pytest.raises(checks.CheckFailed, match="in place"):
        checks.check_function(shuffle, lambda x: x.sum(), [(given,)])
    batches = StudentFunction(kernel, "batches", source.function("batches"))
    assert [b.tolist() for b in batches(np.arange(5.0))] == [[0.0, 1.0], [2.0, 3.0], [4.0]]


def test_judge_decides_visible_and_hidden_failures(kernel):
    """Does the judge pass, fail and place failures (visible or hidden part) from the kernel's answers?"""
    cells = [
        ("passes", 'check_close(scale(1.0, np.exp), 2 * np.e, "scale")\nprint("fine")'),
        ("stub_visible", 'check_close(stub(1.0), 1.0, "stub")'),
        ("hidden_fails", 'check_close(scale(1.0, np.exp), 2 * np.e, "scale")\n### BEGIN HIDDEN TESTS\n'
                         'check_close(scale(np.array([2.0]), np.exp), 0.0, "scale", reveal=False)\n'
                         '### END HIDDEN TESTS'),
        ("data", 'assert answer == (4, 5) and isinstance(answer, tuple), "answer"'),
    ]
    judge = Judge("import numpy as np\nfrom nnlib.checks import check_close", ["scale", "stub", "answer"], cells)
    verdicts = {v.grade_id: v for v in judge.judge(kernel, [STUDENT])}
    assert verdicts["passes"].passed and verdicts["passes"].printed == "fine\n"
    assert verdicts["stub_visible"].part == "visible" and verdicts["stub_visible"].ename == "NotImplementedError"
    assert "not written yet" in verdicts["stub_visible"].message
    assert verdicts["hidden_fails"].part == "hidden" and verdicts["hidden_fails"].ename == "CheckFailed"
    assert verdicts["data"].passed


def test_a_stopped_kernel_fails_every_check_as_not_run():
    """When the kernel cannot be reached, is every check failed as not run (never passed)?"""
    kernel = Kernel("/nonexistent/socket", None, 1.0, lambda wall=False: None)
    judge = Judge("import numpy as np", ["f"], [("t", "assert True")])
    [verdict] = judge.judge(kernel, [])
    assert not verdict.passed and verdict.ename == "NotRun"
    with pytest.raises(KernelStopped):
        kernel.get("f")


def test_no_function_of_the_student_is_callable_in_the_judge(kernel):
    """Are the student's helpers that checks can reach through __globals__ stand-ins calling the kernel,
    so a check that calls a helper never runs student code in the judge?"""
    judge = Judge("import numpy as np", ["scale"], [])
    namespace = judge.namespace(kernel, SubmittedSource([STUDENT]))
    scale = namespace["scale"]
    own = [value for value in scale.__globals__.values()
           if isinstance(value, types.FunctionType) and value.__code__.co_filename.startswith("<submission")]
    assert own == []
    helper = scale.__globals__["shuffle_in_place"]
    assert isinstance(helper, StudentFunction) and helper(np.array([1.0, 2.0])) == 3.0
    assert not callable(inspect.unwrap(scale))  # getsource reads a code object, never a function
    assert "return f(x) * 2.0" in inspect.getsource(scale)
