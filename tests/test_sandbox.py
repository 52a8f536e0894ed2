"""The sandbox on its own: plain Python functions run inside it, no kernel.

Each test runs a small function with ``sandbox.run_function`` and checks, from outside, what the
function could and could not do.
"""
import hashlib
import os
import socket
import sqlite3
import tempfile
from pathlib import Path

import pytest

from autograder.kernel import sandbox

REPO = Path(__file__).resolve().parent.parent
UID = 199_990  # a user id no one else on the machine uses

pytestmark = pytest.mark.skipif(sandbox.isolation_mode() != "root",
                                reason="the sandbox tests need root (as on CI and the grading machine)")


@pytest.fixture()
def place(tmp_path_factory):
    """A course with a secret in solutions/ and a gradebook, and two scratch folders."""
    base = Path(tempfile.mkdtemp(prefix="nnfs-sbx-"))
    os.chmod(base, 0o711)
    course = base / "course"
    (course / "solutions" / "01_unit").mkdir(parents=True)
    (course / "solutions" / "01_unit" / "secret.txt").write_text("the answer is 42")
    (course / "autograder").mkdir()
    db = course / "autograder" / "gradebook.db"
    with sqlite3.connect(db) as con:
        con.execute("create table grade (id integer, auto_score real)")
        con.execute("insert into grade values (1, 0.5)")
    scratches = []
    for name in ("a", "b"):
        scratch = base / f"scratch-{name}"
        scratch.mkdir(mode=0o700)
        (scratch / "mine.txt").write_text(f"work of {name}")
        os.chown(scratch, UID, UID)
        os.chown(scratch / "mine.txt", UID, UID)
        scratches.append(scratch)
    root = base / "root"
    root.mkdir()
    yield {"course": course, "db": db, "scratch": scratches, "root": root, "base": base}
    import shutil
    shutil.rmtree(base, ignore_errors=True)


def spec_for(place, which=0, **limits):
    return sandbox.SandboxSpec(scratch=str(place["scratch"][which]), root_mount=str(place["root"]),
                               uid=UID, limits=sandbox.Limits(**limits),
                               expose=sandbox.default_expose())


def try_read(paths):
    found = {}
    for path in paths:
        try:
            with open(path, "rb") as handle:
                found[path] = handle.read(100).decode("latin-1")
        except OSError as error:
            found[path] = type(error).__name__
    return found


def test_cannot_read_secret_in_solutions(place):
    """Can sandboxed code read a secret file placed in solutions/, or list the folder?"""
    secret = str(place["course"] / "solutions" / "01_unit" / "secret.txt")

    def probe():
        return {"read": try_read([secret])[secret], "listed": os.path.exists(os.path.dirname(secret))}

    code, seen = sandbox.run_function(spec_for(place), probe)
    assert code == 0
    assert seen == {"read": "FileNotFoundError", "listed": False}


def test_cannot_read_gradebook_autograder_tests_or_other_students(place):
    """Are the gradebook, autograder, tests, repo solutions and another student's scratch out of sight?"""
    other = str(place["scratch"][1] / "mine.txt")
    paths = [str(place["db"]), str(REPO / "autograder" / "grading.py"), str(REPO / "tests" / "test_sandbox.py"),
             str(REPO / "solutions"), str(REPO / "nbgrader_config.py"), other, "/root/.bash_history"]
    code, seen = sandbox.run_function(spec_for(place), try_read, paths)
    assert code == 0
    assert set(seen.values()) <= {"FileNotFoundError", "IsADirectoryError"}, seen
    assert all(v == "FileNotFoundError" for v in seen.values()), seen


def test_can_read_own_scratch_and_nnlib(place):
    """Does the sandbox still see its own scratch folder and the nnlib package?"""
    import nnlib
    mine = str(place["scratch"][0] / "mine.txt")
    checks = str(Path(nnlib.__file__).parent / "checks.py")
    code, seen = sandbox.run_function(spec_for(place), try_read, [mine, checks])
    assert code == 0
    assert seen[mine] == "work of a"
    assert seen[checks].startswith('"""')


def test_cannot_write_outside_scratch(place):
    """Can sandboxed code write anywhere but its scratch folder?"""
    targets = [str(place["scratch"][0] / "new.txt"), "/tmp/nnfs-escape.txt", str(place["base"] / "x.txt"),
               str(REPO / "nnlib" / "escape.py"), str(Path(os.__file__).parent / "escape.py"),
               "/var/tmp/escape.txt", "/dev/shm/escape.txt", "/etc/escape.conf"]

    def probe():
        outcome = {}
        for target in targets:
            try:
                with open(target, "w") as handle:
                    handle.write("x")
                outcome[target] = "written"
            except OSError as error:
                outcome[target] = type(error).__name__
        return outcome

    code, seen = sandbox.run_function(spec_for(place), probe)
    assert code == 0
    assert seen.pop(targets[0]) == "written"
    assert "written" not in seen.values(), seen
    assert not Path("/tmp/nnfs-escape.txt").exists()
    assert not (REPO / "nnlib" / "escape.py").exists()


def test_gradebook_untouched_by_sandboxed_writer(place):
    """Does an attempt to write the gradebook with sqlite leave its bytes and time stamp unchanged?"""
    db = place["db"]
    before = (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns)

    def attack():
        try:
            con = sqlite3.connect(str(db))
            con.execute("update grade set auto_score = 100")
            con.commit()
            return "wrote"
        except sqlite3.Error as error:
            return type(error).__name__

    code, outcome = sandbox.run_function(spec_for(place), attack)
    assert code == 0
    assert outcome == "OperationalError"
    assert (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns) == before


def test_no_network_not_even_the_graders_loopback(place):
    """Can sandboxed code connect to a socket listening on 127.0.0.1 in the grader's namespace?"""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    port = listener.getsockname()[1]

    def probe():
        outcome = {}
        for host in ("127.0.0.1", "8.8.8.8"):
            try:
                socket.create_connection((host, port), timeout=2).close()
                outcome[host] = "connected"
            except OSError as error:
                outcome[host] = type(error).__name__
        return outcome

    try:
        code, seen = sandbox.run_function(spec_for(place), probe)
        with pytest.raises(BlockingIOError):
            listener.accept()
    finally:
        listener.close()
    assert code == 0
    assert "connected" not in seen.values(), seen


def test_memory_is_bounded(place):
    """Does allocating past the memory limit raise MemoryError instead of exhausting the machine?"""
    def probe():
        try:
            block = bytearray(3 * 2**30)
            return len(block)
        except MemoryError:
            return "MemoryError"

    code, outcome = sandbox.run_function(spec_for(place, memory_bytes=1 * 2**30), probe)
    assert code == 0
    assert outcome == "MemoryError"


def test_processes_are_bounded(place):
    """Does a fork bomb stop at the process limit?"""
    def probe():
        import time
        made = 0
        try:
            while made < 500:
                if os.fork() == 0:
                    time.sleep(30)
                    os._exit(0)
                made += 1
        except OSError as error:
            return [made, type(error).__name__]
        return [made, "no limit"]

    code, (made, how) = sandbox.run_function(spec_for(place, processes=20), probe)
    assert code == 0
    assert how == "BlockingIOError"
    assert made < 20


def test_cpu_time_is_bounded(place):
    """Is a busy loop killed once it has used its CPU seconds?"""
    def spin():
        while True:
            pass

    code, outcome = sandbox.run_function(spec_for(place, cpu_seconds=1), spin, timeout=30)
    assert outcome is None
    assert code != 0


def test_file_size_is_bounded(place):
    """Does writing a file larger than the limit fail?"""
    target = str(place["scratch"][0] / "big.bin")

    def probe():
        try:
            with open(target, "wb") as handle:
                handle.write(b"x" * (3 * 2**20))
            return "written"
        except OSError as error:
            return type(error).__name__

    code, outcome = sandbox.run_function(spec_for(place, file_bytes=2**20), probe)
    assert code == 0
    assert outcome == "OSError"


def test_identity_and_environment(place):
    """Does the code run as the unprivileged user, as process 1, without the grader's environment,
    and with nothing (no variable, no host name) that says a grader is running?"""
    os.environ["NNFS_GRADER_CANARY"] = "should-not-leak"

    def probe():
        return {"uid": os.getuid(), "euid": os.geteuid(), "pid": os.getpid(),
                "canary": os.environ.get("NNFS_GRADER_CANARY"), "home": os.environ.get("HOME"),
                "names": sorted(os.environ), "host": socket.gethostname(),
                "processes": sorted(p for p in os.listdir("/proc") if p.isdigit())}

    try:
        code, seen = sandbox.run_function(spec_for(place), probe)
    finally:
        del os.environ["NNFS_GRADER_CANARY"]
    assert code == 0
    assert seen["uid"] == seen["euid"] == UID
    assert seen["pid"] == 1
    assert seen["processes"] == ["1"]
    assert seen["canary"] is None
    assert seen["home"] == str(place["scratch"][0])
    assert seen["host"] == sandbox.HOSTNAME
    assert not any(word in name for name in seen["names"] for word in ("NNFS", "GRADE", "SANDBOX"))


def test_everything_dies_with_the_sandbox(place):
    """When the sandbox's first process ends, do the processes it started end too?"""
    def probe():
        import subprocess
        subprocess.Popen(["sleep", "300"])
        return "started"

    code, outcome = sandbox.run_function(spec_for(place), probe)
    assert outcome == "started"
    left = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == UID:
                    left.append(entry.name)
            except FileNotFoundError:
                pass
    assert left == []
