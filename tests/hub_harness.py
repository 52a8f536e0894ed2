"""A real JupyterHub for the course (deploy/hub/), on 127.0.0.1, for the hub tests and the bench.

The hub is started with the README's command (deploy/hub/hub.py start) as root, with real system
accounts (hub.py add-student / add-instructor), a course root and an exchange in a folder of
their own; servers, tokens and requests go through the hub's REST API and the single-user
servers' nbgrader endpoints, as the Assignments tab sends them.
"""
from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from autograder.release import ROOT
from tests.browser import free_port

HUB = ROOT / "deploy" / "hub"
HUB_COMMAND = [sys.executable, str(HUB / "hub.py")]
PROXY = HUB / "node_modules" / ".bin" / "configurable-http-proxy"


def missing_parts():
    """Why a hub cannot run here ('' when it can): root, the proxy (installed by install.py if absent)."""
    if os.geteuid() != 0:
        return "the hub tests need root: they create system accounts and JupyterHub switches to them"
    if shutil.which("useradd") is None:
        return "no useradd on this machine"
    if not os.access(PROXY, os.X_OK):
        subprocess.run([sys.executable, str(HUB / "install.py")], capture_output=True, text=True)
    if not os.access(PROXY, os.X_OK):
        return f"configurable-http-proxy is not installed: run python3 {HUB / 'install.py'} (needs npm)"
    return ""


def location_problem():
    """Why students' accounts cannot run the course's Python from where this checkout lies ('' when they can).

    This is a property of the folder the repository was cloned into (a checkout under a private
    home, say), not a missing install step: the README's class section asks for a folder everyone
    can read.
    """
    probe = as_user("nobody", sys.executable, "-c", "import nbgrader, jupyterhub, nnlib")
    if probe.returncode != 0:
        return (f"other accounts cannot run the course's Python ({sys.executable}): the repository and its "
                f".venv must be readable by everyone for students' servers to start:\n{probe.stderr[-500:]}")
    return ""


def as_user(name, *command, **kwargs):
    """Run a command as the system account ``name`` (runuser, as root); return the CompletedProcess."""
    return subprocess.run(["runuser", "-u", name, "--", *command], capture_output=True, text=True, **kwargs)


def remove_user(name):
    """Stop what still runs as ``name`` (only that account's processes) and delete the account."""
    listed = subprocess.run(["ps", "-o", "pid=", "-u", name], capture_output=True, text=True).stdout.split()
    for pid in listed:
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid), signal.SIGKILL)
    subprocess.run(["userdel", "--remove", name], capture_output=True)
    subprocess.run(["groupdel", name], capture_output=True)


class Hub:
    """A running hub: its address, the scripts' token and where its course and exchange are."""

    def __init__(self, base_url, service_token, base):
        self.base_url = base_url
        self.service_token = service_token
        self.base = Path(base)
        self.course_root = self.base / "course-root"
        self.exchange = self.base / "exchange"
        self.state = self.base / "state"
        self.tokens = {}

    # ------------------------------------------------------------------ HTTP
    def request(self, method, path, token=None, body=None, form=None, timeout=120):
        """(status, parsed JSON or text) of one request to the hub's public address."""
        headers = {"Authorization": f"token {token or self.service_token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                status, text = answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def answers(self):
        """True once the hub's API answers through the proxy."""
        try:
            return self.hub_api("GET", "/", timeout=10)[0] == 200
        except OSError:
            return False

    def hub_api(self, method, path, **kwargs):
        return self.request(method, "/hub/api" + path, **kwargs)

    # ------------------------------------------------------------------ users
    def start_server(self, name, timeout=300):
        """Create the hub user ``name`` (a system account already), start its server, wait until it answers."""
        self.start_servers([name], timeout)

    def start_servers(self, names, timeout=300):
        """Start the servers of several users at once (as a class logging in does); wait until all answer."""
        for name in names:
            self.hub_api("POST", f"/users/{name}")
            status, answer = self.hub_api("POST", f"/users/{name}/server")
            if status not in (201, 202, 400):  # 400: already running
                raise RuntimeError(f"the hub did not start {name}'s server: {status} {answer}")
        waiting, deadline = set(names), time.monotonic() + timeout
        while waiting and time.monotonic() < deadline:
            for name in sorted(waiting):
                status, user = self.hub_api("GET", f"/users/{name}")
                if status == 200 and user.get("servers", {}).get("", {}).get("ready"):
                    waiting.discard(name)
            if waiting:
                time.sleep(0.25)
        if waiting:
            raise RuntimeError(f"the servers of {sorted(waiting)} were not ready in {timeout} s:\n{self.log_tail()}")

    def token(self, name):
        """An API token of the user ``name`` (the rights the user has, no more)."""
        if name not in self.tokens:
            status, answer = self.hub_api("POST", f"/users/{name}/tokens", body={"note": "course tests"})
            if status != 201:
                raise RuntimeError(f"no token for {name}: {status} {answer}")
            self.tokens[name] = answer["token"]
        return self.tokens[name]

    def as_student(self, name, method, path, **kwargs):
        """A request to ``name``'s own single-user server, with ``name``'s token."""
        return self.request(method, f"/user/{name}{path}", token=self.token(name), **kwargs)

    def assignment_action(self, name, action, unit, course="nnfs"):
        """What the Assignments tab does (fetch, submit, fetch_feedback), as ``name``."""
        return self.as_student(name, "POST", f"/assignments/{action}",
                               form={"course_id": course, "assignment_id": unit})

    def log_tail(self):
        log = self.base / "hub.log"
        return log.read_text(errors="replace")[-4000:] if log.is_file() else ""


def add_account(role, name, password):
    """hub.py add-student / add-instructor, as the README says."""
    subprocess.run([*HUB_COMMAND, f"add-{role}", name], input=password + "\n",
                   text=True, check=True, capture_output=True)


def course_command(hub, *args):
    """Run the course's command line (python -m autograder ...) on the hub's course root."""
    return subprocess.run([sys.executable, "-m", "autograder", *args, "--course-root", str(hub.course_root)],
                          cwd=ROOT, capture_output=True, text=True)


@contextlib.contextmanager
def running_hub(students, instructors=(), units=("00_sample",), password="course-pw", timeout=300):
    """Start the course's hub with fresh accounts and a course root of ``units``; yield a :class:`Hub`.

    Everything lives in a new folder under /tmp that other accounts may enter (as /srv would be),
    so the file permissions the hub sets are what protects it. Accounts, servers and folder are
    removed afterwards.
    """
    from autograder import examples

    base = Path(tempfile.mkdtemp(prefix="nnfs-hub-", dir="/tmp"))
    os.chmod(base, 0o755)
    accounts = []
    hub_process = None
    try:
        examples.make_course(base / "course-root", list(units))
        for path in [base / "course-root", *(base / "course-root").rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        for name in students:
            add_account("student", name, password)
            accounts.append(name)
        for name in instructors:
            add_account("instructor", name, password)
            accounts.append(name)
        port, service_token = free_port(), secrets.token_hex(24)
        env = dict(os.environ, NNFS_HUB_SERVICE_TOKEN=service_token)
        with open(base / "hub.log", "w") as log:
            hub_process = subprocess.Popen(
                [*HUB_COMMAND, "start", "--ip", "127.0.0.1", "--port", str(port),
                 "--api-port", str(free_port()), "--proxy-api-port", str(free_port()),
                 "--exchange", str(base / "exchange"), "--state", str(base / "state"),
                 "--course-root", str(base / "course-root")],
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        hub = Hub(f"http://127.0.0.1:{port}", service_token, base)
        deadline = time.monotonic() + timeout
        while not hub.answers():
            if hub_process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the hub did not start:\n{hub.log_tail()}")
            time.sleep(0.5)
        yield hub
    finally:
        if hub_process is not None:
            hub_process.send_signal(signal.SIGTERM)  # the hub stops every user's server and the proxy
            try:
                hub_process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(hub_process.pid, signal.SIGKILL)
                hub_process.wait()
        for name in accounts:
            remove_user(name)
        shutil.rmtree(base, ignore_errors=True)


def home_of(name):
    return Path(pwd.getpwnam(name).pw_dir)
