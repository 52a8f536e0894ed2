"""Run a class of the course on one machine: JupyterHub with nbgrader's exchange.

    sudo .venv/bin/python deploy/hub/hub.py start                  the hub, on port 8000
    sudo .venv/bin/python deploy/hub/hub.py add-student ada        an account in nnfs-students (asks for its password)
    sudo .venv/bin/python deploy/hub/hub.py add-instructor grace   an account in nnfs-instructors

``start`` needs root (each user's JupyterLab runs as that user). Before it starts JupyterHub it
makes the two groups, the exchange folder with the permissions nbgrader documents, and closes the
course folder's instructor-only parts (solutions/, autograder/, tests/, .git) to everyone outside
the instructors' group: students' code runs on this machine, so the file system, not the web
page, is what keeps the solutions and the gradebook from them. The proxy
(configurable-http-proxy) comes from npm: run deploy/hub/install.py once first.
"""
from __future__ import annotations

import argparse
import grp
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COURSE_ROOT = HERE.parent.parent
CONFIG = HERE / "jupyterhub_config.py"
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
STUDENTS, INSTRUCTORS = "nnfs-students", "nnfs-instructors"
# The course folder's parts that only instructors may open.
INSTRUCTOR_ONLY = ("solutions", "autograder", "tests", ".git")


def need_root(what):
    if os.geteuid() != 0:
        sys.exit(f"{what} needs root (sudo): JupyterHub starts each user's server as that user.")


def ensure_group(name):
    """Create a system group unless it exists."""
    try:
        grp.getgrnam(name)
    except KeyError:
        subprocess.run(["groupadd", name], check=True)


def add_user(name, group, password=None):
    """A system account in ``group`` with a home folder only its owner can open (mode 0700).

    ``password`` (optional) is set with chpasswd; users log in to the hub with it.
    """
    ensure_group(group)
    try:
        pwd.getpwnam(name)
        subprocess.run(["usermod", "-a", "-G", group, name], check=True)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--groups", group, name], check=True)
    home = Path(pwd.getpwnam(name).pw_dir)
    os.chmod(home, 0o700)  # Debian's useradd leaves homes readable by everyone
    if password is not None:
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
    return home


def protect_course(course_root):
    """Close the course folder's instructor-only parts to everyone outside the instructors' group."""
    gid = grp.getgrnam(INSTRUCTORS).gr_gid
    for name in INSTRUCTOR_ONLY:
        path = Path(course_root) / name
        if path.is_dir():
            os.chown(path, -1, gid)
            os.chmod(path, 0o770)


def prepare(args):
    """Everything ``start`` does before JupyterHub runs; returns the hub's environment."""
    sys.path.insert(0, str(COURSE_ROOT))
    from autograder.exchange import prepare_root

    for group in (STUDENTS, INSTRUCTORS):
        ensure_group(group)
    prepare_root(args.exchange)
    protect_course(args.course_root)
    state = Path(args.state)
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o700)  # the hub's database and cookie secret
    if not os.access(PROXY, os.X_OK):
        sys.exit(f"no configurable-http-proxy at {PROXY}: run `python3 {HERE / 'install.py'}` first")
    env = dict(os.environ, NNFS_HUB_IP=args.ip, NNFS_HUB_PORT=str(args.port), NNFS_HUB_STATE=str(state),
               NNFS_EXCHANGE=str(args.exchange), NNFS_COURSE_ROOT=str(Path(args.course_root).resolve()),
               NNFS_HUB_API_PORT=str(args.api_port), NNFS_HUB_PROXY_API_PORT=str(args.proxy_api_port))
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def start(args):
    need_root("start")
    env = prepare(args)
    hub = shutil.which("jupyterhub", path=env["PATH"])
    if hub is None:
        sys.exit("jupyterhub is not installed in this Python: run python3 quickstart.py setup")
    print(f"JupyterHub for the course on http://{args.ip or '0.0.0.0'}:{args.port} "
          f"(exchange {args.exchange}, state {args.state}); Ctrl-C stops it.", flush=True)
    os.chdir(args.state)
    os.execve(hub, [hub, "-f", str(CONFIG)], env)


def build_parser():
    parser = argparse.ArgumentParser(prog="hub.py", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="step", required=True)
    sub = steps.add_parser("start", help="start JupyterHub for the class (as root)")
    sub.add_argument("--ip", default="", help="address to listen on (default: all; 127.0.0.1 for this machine only)")
    sub.add_argument("--port", type=int, default=8000, help="the port students open (default: 8000)")
    sub.add_argument("--exchange", default=os.environ.get("NNFS_EXCHANGE", "/srv/nbgrader/exchange"),
                     help="nbgrader's exchange folder (default: $NNFS_EXCHANGE, else %(default)s)")
    sub.add_argument("--state", default="/srv/nnfs-hub", help="the hub's own files (default: %(default)s)")
    sub.add_argument("--course-root", default=str(COURSE_ROOT),
                     help="the course folder instructors grade in (default: this repository)")
    sub.add_argument("--api-port", type=int, default=8081, help="the hub's internal port on 127.0.0.1")
    sub.add_argument("--proxy-api-port", type=int, default=8001, help="the proxy's internal port on 127.0.0.1")
    sub.set_defaults(handler=start)
    for name, group in (("add-student", STUDENTS), ("add-instructor", INSTRUCTORS)):
        sub = steps.add_parser(name, help=f"create a system account in {group} (as root); its password "
                                          "is asked for, or read from the first line of stdin")
        sub.add_argument("name")
        sub.set_defaults(handler=lambda args, group=group: add_account(args.name, group))
    return parser


def add_account(name, group):
    """``add-student`` / ``add-instructor``: the account, with the password typed or piped in."""
    need_root("adding a user")
    if sys.stdin.isatty():
        import getpass
        password = getpass.getpass(f"password for {name}: ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    home = add_user(name, group, password or None)
    print(f"{name} ({group}): home {home}" + ("" if password else "; no password set, so no log-in yet"))


if __name__ == "__main__":
    arguments = build_parser().parse_args()
    arguments.handler(arguments)
