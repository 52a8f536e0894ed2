"""The sandbox a student's kernel runs in (Linux only).

A sandboxed process sees a file system built from an allow-list, not the host's: an empty,
read-only tmpfs root with read-only bind mounts of the system folders (/usr, /etc, ...), the
Python installation, the virtual environment and the nnlib package, plus one writable folder,
its scratch folder. So solutions/, the gradebook, the autograder, the tests, other students'
work and every temporary folder simply do not exist inside. On top of that it has

- its own network namespace with no interface up: no network, not even the grader's loopback;
- its own pid namespace: it sees only its own processes, and when its first process ends the
  kernel of the operating system kills every process it started;
- its own IPC and UTS namespaces;
- resource limits: address space, CPU seconds, processes, file size, open files, no core dumps;
- an unprivileged user id (one per worker slot, so the process limit counts only this sandbox)
  and ``no_new_privs``, so set-uid programs cannot give the privileges back.

When the grader runs as root the namespaces come straight from ``unshare``; otherwise a user
namespace is tried (the same isolation, but the process limit then counts all of the user's
processes and no user switch happens). :func:`isolation_mode` says which is available.

The two-step start (``_prepare`` in a first child, ``_finish`` in its child, which is process 1
of the new pid namespace) is needed because a new pid namespace only applies to children.
"""
from __future__ import annotations

import ctypes
import dataclasses
import errno
import json
import os
import resource
import signal
import socket
import sys
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38

# System folders a Python process needs; missing ones are skipped, symlinks (/lib -> usr/lib) kept.
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
# A host name as common as any laptop's: the sandbox does not announce the grader.
HOSTNAME = "localhost"
# The only device files a kernel needs.
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
# Flags of a mount that must be kept when it is remounted read-only (the kernel refuses to clear
# them inside a user namespace, and they only take rights away).
_KEEP_FLAGS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC}

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong,
                        ctypes.c_char_p)


class SandboxUnavailable(RuntimeError):
    """No isolation can be set up on this machine (not Linux, or namespaces are forbidden)."""


@dataclasses.dataclass(frozen=True)
class Limits:
    """Resource limits of one sandbox (each process in it; processes counted per user)."""

    memory_bytes: int = 3 * 2**30     # address space: numpy raises MemoryError beyond it
    cpu_seconds: int = 600            # CPU time of a process; beyond it the process is killed
    processes: int = 64               # processes and threads of the sandbox's user
    file_bytes: int = 64 * 2**20      # largest file it may write
    open_files: int = 256
    disk_bytes: int = 512 * 2**20     # all files of a worker's scratch folders (see private_tmpfs)


@dataclasses.dataclass(frozen=True)
class SandboxSpec:
    """Where and how one sandboxed process runs.

    scratch : the only writable folder; the process's working folder and HOME. It appears at the
        same path inside the sandbox, so unix sockets and files placed there by the grader are
        found under the same names on both sides.
    root_mount : an empty folder the grader owns; the sandbox's root file system is mounted on it
        (inside the sandbox's private mount namespace only, so one folder serves every sandbox).
    uid : the unprivileged user id to run as (root mode); ignored in user-namespace mode.
    expose : extra folders shown read-only (the Python installation, the venv, nnlib).
    mode : "root", "userns" or "none" (no isolation at all; only with the instructor's consent).
    """

    scratch: str
    root_mount: str
    uid: int = 62000
    limits: Limits = Limits()
    expose: tuple = ()
    mode: str = "root"


def _check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare(flags):
    """Move the calling process into new namespaces (``unshare(2)``)."""
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def mount(source, target, fstype, flags, data=None):
    """``mount(2)``; ``None`` for unused arguments."""
    enc = lambda s: None if s is None else os.fsencode(s)  # noqa: E731 -- tiny local adapter
    _check(_libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)),
           f"mount {source} on {target}")


def private_tmpfs(folder, size_bytes):
    """Give the calling process a private mount namespace in which ``folder`` is a fresh tmpfs.

    A grading worker calls this once for the folder that holds its sandboxes' scratch folders,
    so that students' files never reach the disk and all of them together are capped at
    ``size_bytes``. Its children (the fork server and the kernels) inherit the namespace; the
    rest of the machine never sees the mount, which disappears with the worker.
    """
    unshare(CLONE_NEWNS)
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, f"size={int(size_bytes)},mode=711")


def prctl(option, value):
    """``prctl(2)`` with one argument."""
    _check(_libc.prctl(ctypes.c_int(option), ctypes.c_ulong(value), ctypes.c_ulong(0),
                       ctypes.c_ulong(0), ctypes.c_ulong(0)), "prctl")


def default_expose():
    """Folders a kernel must read: the Python installation, the venv and the nnlib package."""
    import nnlib  # the course library the notebooks import
    folders = {sys.base_prefix, sys.prefix, str(Path(nnlib.__file__).resolve().parent)}
    folders.update(p for p in sys.path if p and Path(p).is_dir() and "site-packages" in p)
    return tuple(sorted(os.path.realpath(f) for f in folders))


def isolation_mode():
    """The strongest isolation this machine allows: "root", "userns" or "none"."""
    if not sys.platform.startswith("linux"):
        return "none"
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
    for mode, extra in (("root", 0), ("userns", CLONE_NEWUSER)):
        if mode == "root" and os.geteuid() != 0:
            continue
        pid = os.fork()
        if pid == 0:  # try it in a throw-away child so this process keeps its namespaces
            try:
                unshare(flags | extra)
                os._exit(0)
            except BaseException:
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) == 0:
            return mode
    return "none"


# --------------------------------------------------------------------------------------------
# Building the sandbox (runs in forked children only)
# --------------------------------------------------------------------------------------------

def _bind(source, target, flags=0):
    mount(source, target, None, MS_BIND | MS_REC | flags)


def _place(root, path):
    """Create ``path`` inside the new root, mirroring a symlink or making a folder or file."""
    inside = root + path
    if os.path.islink(path):
        os.makedirs(os.path.dirname(inside), exist_ok=True)
        if not os.path.lexists(inside):
            os.symlink(os.readlink(path), inside)
        return None
    if os.path.isdir(path):
        os.makedirs(inside, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(inside), exist_ok=True)
        if not os.path.exists(inside):
            open(inside, "w").close()
    return inside


def _write_id_maps(uid, gid):
    """Map root inside a fresh user namespace to the caller's own ids."""
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
    Path("/proc/self/gid_map").write_text(f"0 {gid} 1")


def _prepare(spec):
    """First child: new namespaces and the new root's mounts (the pid namespace starts at the next fork)."""
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
    if spec.mode == "userns":
        uid, gid = os.getuid(), os.getgid()
        unshare(flags | CLONE_NEWUSER)
        _write_id_maps(uid, gid)
    else:
        unshare(flags)
    mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing done here leaks back to the host
    root = spec.root_mount
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    shown = [p for p in SYSTEM_PATHS if os.path.lexists(p)] + list(spec.expose)
    for path in sorted(set(shown), key=len):  # parents before children
        inside = _place(root, path)
        if inside is not None:
            _bind(path, inside)
    for device in DEVICES:
        if os.path.exists(device):
            _bind(device, _place(root, device))
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{root}/dev/{name}")
    for folder in ("/proc", "/tmp"):
        os.makedirs(root + folder, exist_ok=True)
    _bind(spec.scratch, _place(root, spec.scratch))
    try:
        socket.sethostname(HOSTNAME)
    except (AttributeError, OSError):
        pass


def _remount_read_only(writable):
    """Make every mount read-only except the writable ones (and /proc, needed as it is)."""
    lines = Path("/proc/self/mountinfo").read_text().splitlines()
    for line in lines:
        fields = line.split()
        point = fields[4].replace("\\040", " ")
        options = fields[5].split(",")
        if point in writable or point == "/proc" or point.startswith("/proc/"):
            continue
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY
        for option in options:
            flags |= _KEEP_FLAGS.get(option, 0)
        try:
            mount(None, point, None, flags)
        except OSError as error:
            if error.errno not in (errno.EINVAL, errno.ENOENT):
                raise


def _set_limits(limits, count_processes=True):
    for which, value in ((resource.RLIMIT_AS, limits.memory_bytes),
                         (resource.RLIMIT_CPU, limits.cpu_seconds),
                         (resource.RLIMIT_FSIZE, limits.file_bytes),
                         (resource.RLIMIT_NOFILE, limits.open_files),
                         (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(which, (value, value))
    # The process limit counts every process of the (real) user, so it only means "this
    # sandbox" when the user is this sandbox's own (root mode); as root it would be ignored,
    # and in a user namespace it would count all of the instructor's processes.
    if count_processes:
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))


def minimal_env(home):
    """The environment the kernels' fork server is exec'ed with: nothing of the grader's own.

    Forked kernels inherit the server's memory, its first environment block included, so that
    block must hold nothing but these names (and no name that says a grader is running).
    """
    return {
        "PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "MPLCONFIGDIR": os.path.join(home, ".config", "matplotlib"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "LANG": "C.UTF-8",
    }


def sandbox_env(scratch):
    """The whole environment of a sandboxed process: nothing inherited from the grader."""
    return {
        "PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin",
        "HOME": scratch,
        "TMPDIR": scratch,
        "MPLCONFIGDIR": os.path.join(scratch, ".config", "matplotlib"),
        "IPYTHONDIR": os.path.join(scratch, ".ipython"),
        "JUPYTER_CONFIG_DIR": os.path.join(scratch, ".jupyter"),
        "JUPYTER_DATA_DIR": os.path.join(scratch, ".local", "share", "jupyter"),
        "JUPYTER_RUNTIME_DIR": os.path.join(scratch, ".local", "share", "jupyter", "runtime"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "LANG": "C.UTF-8",
    }


def _finish(spec):
    """Second child, process 1 of the new pid namespace: proc, root, limits, user, environment."""
    root = spec.root_mount
    if spec.mode != "none":
        mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        os.chroot(root)
        _remount_read_only({spec.scratch})
    os.chdir(spec.scratch)
    _set_limits(spec.limits, count_processes=spec.mode == "root")
    if spec.mode == "root":
        os.setgroups([])
        os.setresgid(spec.uid, spec.uid, spec.uid)
        os.setresuid(spec.uid, spec.uid, spec.uid)
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # set after the user switch, which clears it
    os.environ.clear()
    os.environ.update(sandbox_env(spec.scratch))
    os.umask(0o077)


def _close_fds(keep):
    for fd in sorted(int(n) for n in os.listdir("/proc/self/fd")):
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def spawn(spec, target, keep_fds=(), stdio=None):
    """Start ``target()`` inside a new sandbox; return the host pid of its process.

    The caller forks a shim process that builds the namespaces and forks again; the grandchild
    (process 1 of the new pid namespace) finishes the sandbox and calls ``target()``; the shim
    waits for it and exits with its exit status, so waiting for the shim waits for the sandbox.
    The returned pid is the grandchild's: kill it with SIGKILL and every process in the sandbox
    dies with it.

    Parameters
    ----------
    spec : SandboxSpec
    target : callable
        Runs in the sandbox; its return value is ignored; the process exits 0 afterwards,
        or 1 if it raised.
    keep_fds : iterable of int
        File descriptors the target needs (all others are closed).
    stdio : str or None
        File (inside scratch) that receives the sandbox's stdout and stderr; /dev/null if None.

    Returns
    -------
    (shim_pid, sandbox_pid) : tuple of int
    """
    report_r, report_w = os.pipe()
    shim = os.fork()
    if shim:
        os.close(report_w)
        with os.fdopen(report_r) as report:
            answer = report.read()
        if not answer.startswith("pid "):
            os.waitpid(shim, 0)
            raise SandboxUnavailable(f"could not start the sandbox: {answer.strip() or 'no answer'}")
        return shim, int(answer.split()[1])
    # ---- shim process ----
    code = 1
    try:
        os.close(report_r)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()  # signals aimed at the grader's terminal never reach a sandbox
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        devnull = os.open(os.devnull, os.O_RDWR)
        out = os.open(stdio, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600) if stdio else devnull
        os.dup2(devnull, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        _close_fds(set(keep_fds) | {report_w})
        if spec.mode != "none":
            _prepare(spec)
        inner_r, inner_w = os.pipe()
        child = os.fork()
        if child == 0:
            os.close(report_w)
            os.close(inner_r)
            status = 1
            try:
                _finish(spec)
                os.write(inner_w, b"ok")
                os.close(inner_w)
                target()
                status = 0
            except BaseException as error:  # report, then exit: never return into the grader's code
                try:
                    os.write(inner_w, f"{type(error).__name__}: {error}".encode())
                except OSError:
                    pass
                sys.stderr.write(f"sandbox: {type(error).__name__}: {error}\n")
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(status)
        os.close(inner_w)
        with os.fdopen(inner_r) as inner:
            verdict = inner.read()
        os.write(report_w, f"pid {child}\n".encode() if verdict == "ok" else verdict.encode())
        os.close(report_w)
        _, status = os.waitpid(child, 0)
        code = os.waitstatus_to_exitcode(status)
        code = code if code >= 0 else 128 - code
    except BaseException as error:
        try:
            os.write(report_w, f"{type(error).__name__}: {error}".encode())
        except OSError:
            pass
    os._exit(code)


def run_function(spec, function, *args, timeout=60.0):
    """Run ``function(*args)`` in a sandbox and return ``(exit_code, result)``.

    ``result`` is the function's JSON-serialisable return value (None if the sandbox died
    before returning one). Used by the tests and by the grader's self-check.
    """
    result_r, result_w = os.pipe()

    def target():
        value = function(*args)
        os.write(result_w, json.dumps(value).encode())
        os.close(result_w)

    shim, pid = spawn(spec, target, keep_fds=(result_w,))
    os.close(result_w)
    deadline_fd = os.pidfd_open(shim)
    try:
        import select
        ready, _, _ = select.select([deadline_fd], [], [], timeout)
        if not ready:
            kill(pid)
        _, status = os.waitpid(shim, 0)
    finally:
        os.close(deadline_fd)
    with os.fdopen(result_r) as result:
        text = result.read()
    code = os.waitstatus_to_exitcode(status)
    return code, (json.loads(text) if text else None)


def cpu_seconds(pid):
    """CPU seconds (user + system) used so far by process ``pid``, its threads and reaped children."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def end_processes_of(uid, patience=30.0):
    """SIGKILL every process running as ``uid`` (a sandbox's own user) until none is left."""
    import time
    deadline = time.monotonic() + patience
    while True:
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.stat(f"/proc/{entry}").st_uid == uid:
                        found.append(int(entry))
                except FileNotFoundError:
                    pass
        if not found or time.monotonic() > deadline:
            return not found
        for pid in found:
            kill(pid)
        time.sleep(0.05)


def kill(pid):
    """Kill a sandbox's first process (and so, by the pid namespace, all of its processes)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
