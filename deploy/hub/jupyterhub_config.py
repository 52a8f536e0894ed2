"""JupyterHub for a class of the course on one machine (started by deploy/hub/hub.py).

- Users are the machine's own accounts (PAM log-in): students in the group ``nnfs-students``,
  instructors in ``nnfs-instructors``; nobody else may log in.
- Each user's JupyterLab runs as that user, in their home folder (JupyterHub's local process
  spawner), so the operating system keeps one student's files from another.
- Students' servers have nbgrader's Assignments tab (fetch, submit, fetch feedback) and Validate;
  the instructor tools (formgrader, Create Assignment, course list) are off for them. Instructors'
  servers have all of nbgrader, working on the course folder.
- Assignments travel through nbgrader's exchange folder (NNFS_EXCHANGE).

Settings come from the environment, which hub.py fills from its options:
NNFS_HUB_IP, NNFS_HUB_PORT (the address students open), NNFS_HUB_STATE (the hub's database,
cookie secret and logs), NNFS_EXCHANGE, NNFS_COURSE_ROOT, NNFS_HUB_API_PORT and
NNFS_HUB_PROXY_API_PORT (internal ports on 127.0.0.1), NNFS_GRADEBOOK_URL (optional: the shared
gradebook, given to instructors' servers only) and NNFS_HUB_SERVICE_TOKEN (optional: an API token
for scripts such as the tests and the bench, with the right to manage users and servers).
"""
import grp
import os
import sys

c = get_config()  # noqa: F821 -- provided by traitlets when it loads this file

HERE = os.path.dirname(os.path.abspath(__file__))
STATE = os.environ.get("NNFS_HUB_STATE", "/srv/nnfs-hub")
COURSE_ROOT = os.environ.get("NNFS_COURSE_ROOT", os.path.dirname(os.path.dirname(HERE)))
EXCHANGE = os.environ.get("NNFS_EXCHANGE", "/srv/nbgrader/exchange")
STUDENTS = os.environ.get("NNFS_STUDENTS_GROUP", "nnfs-students")
INSTRUCTORS = os.environ.get("NNFS_INSTRUCTORS_GROUP", "nnfs-instructors")
BIN = os.path.dirname(sys.executable)  # the course's environment: JupyterLab, nbgrader, nnlib

# ---------------------------------------------------------------- where the hub listens and keeps state
c.JupyterHub.ip = os.environ.get("NNFS_HUB_IP", "")
c.JupyterHub.port = int(os.environ.get("NNFS_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("NNFS_HUB_API_PORT", "8081"))
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(STATE, "jupyterhub.pid")

# The proxy is configurable-http-proxy from npm, installed into deploy/hub/node_modules by install.py.
c.ConfigurableHTTPProxy.command = [os.path.join(HERE, "node_modules", ".bin", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:" + os.environ.get("NNFS_HUB_PROXY_API_PORT", "8001")
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "proxy.pid")

# ---------------------------------------------------------------- who may log in
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {STUDENTS, INSTRUCTORS}
c.PAMAuthenticator.open_sessions = False  # no login session per server: nothing else reads it here

# ---------------------------------------------------------------- each user's JupyterLab
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [os.path.join(BIN, "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
# A loaded machine (a whole class logging in at the start of a session) starts servers slowly.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.Spawner.environment = {
    "PATH": BIN + os.pathsep + "/usr/local/bin:/usr/bin:/bin",
    "NNFS_EXCHANGE": EXCHANGE,
    "NNFS_COURSE_ROOT": COURSE_ROOT,
}


def is_instructor(username):
    """True when the account belongs to the instructors' group."""
    try:
        return username in grp.getgrnam(INSTRUCTORS).gr_mem
    except KeyError:
        return False


def choose_tools(spawner):
    """Before a server starts: instructors get every nbgrader tool, students the student set."""
    instructor = is_instructor(spawner.user.name)
    spawner.environment["JUPYTER_CONFIG_PATH"] = os.path.join(HERE, "instructor" if instructor else "student")
    if instructor and os.environ.get("NNFS_GRADEBOOK_URL"):
        # The shared gradebook (PostgreSQL) for the formgrader; its address never reaches a student.
        spawner.environment["NNFS_GRADEBOOK_URL"] = os.environ["NNFS_GRADEBOOK_URL"]


c.Spawner.pre_spawn_hook = choose_tools

# ---------------------------------------------------------------- scripts (tests, bench, LMS sync)
SERVICE_TOKEN = os.environ.get("NNFS_HUB_SERVICE_TOKEN")
if SERVICE_TOKEN:
    c.JupyterHub.services = [{"name": "course-admin", "api_token": SERVICE_TOKEN}]
    c.JupyterHub.load_roles = [{
        "name": "course-admin",
        "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"],
        "services": ["course-admin"],
    }]
