"""Set up the course in a local virtual environment, then open it or test it.

    python3 quickstart.py lab     # set up, then open course/ in JupyterLab
    python3 quickstart.py test    # set up, then run the whole test suite
    python3 quickstart.py setup   # set up only

Needs nothing but Python 3.11+ and access to PyPI. The environment lives in .venv/ beside this
file and is reused: it is reinstalled only when pyproject.toml changes. Extra arguments after
`test` go to pytest (e.g. `python3 quickstart.py test -k softmax`); after `lab`, to JupyterLab.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".nnfs-installed"
CHROMIUM = "/usr/bin/chromium"


def say(message):
    print(f"[quickstart] {message}", flush=True)


def run(*command, **kwargs):
    say(" ".join(str(part) for part in command))
    return subprocess.run([str(part) for part in command], check=True, **kwargs)


def pyproject_digest():
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]


def up_to_date(extras):
    """True when .venv was installed from this pyproject.toml with at least these extras."""
    if not STAMP.exists():
        return False
    digest, _, installed = STAMP.read_text().partition(" ")
    return digest == pyproject_digest() and set(extras) <= set(filter(None, installed.split(",")))


def setup(extras=("test",)):
    """Create .venv and install the course (nnlib, the autograder and their packages) into it."""
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        say(f"creating the virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    if up_to_date(extras):
        say("environment is up to date")
        return
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{','.join(extras)}]" if extras else "."
    run(PYTHON, "-m", "pip", "install", "--quiet", "--editable", target, cwd=ROOT)
    STAMP.write_text(f"{pyproject_digest()} {','.join(sorted(extras))}")
    say("environment ready")


def ensure_browser():
    """Headless Chromium for the browser tests: Debian's package, installed when we are root.

    Playwright's own browser download does not work offline; the tests drive /usr/bin/chromium.
    Elsewhere the browser tests are skipped with a message that says how to install it.
    """
    if Path(CHROMIUM).exists() or os.name == "nt" or not shutil.which("apt-get"):
        return
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        say("Chromium not found: the browser tests will be skipped (install it with: sudo apt-get install chromium)")
        return
    try:
        run("apt-get", "update", "-qq", stdout=subprocess.DEVNULL)
        run("apt-get", "install", "-y", "-qq", "chromium", stdout=subprocess.DEVNULL,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    except subprocess.CalledProcessError:
        say("could not install Chromium: the browser tests will be skipped")


def lab_command(python=PYTHON, root=ROOT, first_notebook="course/00_welcome/00_welcome.ipynb"):
    """The JupyterLab command, opening the first unit of course/.

    It runs from the repository root (cwd) and serves the root, because nbgrader's formgrader only
    works when its course directory (the root, see nbgrader_config.py) lies inside the served folder.
    """
    return [str(python), "-m", "jupyter", "lab", f"--ServerApp.root_dir={root}",
            f"--LabApp.default_url=/lab/tree/{first_notebook}"]


def venv_env():
    """The environment with .venv's scripts first on PATH (nbgrader runs some of them by name)."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def lab(args):
    """Open course/ in JupyterLab, starting at unit 00; the nbgrader extension comes with the install."""
    setup(extras=())
    say("opening the course in JupyterLab (stop it with Ctrl+C)")
    return subprocess.call(lab_command() + list(args), cwd=ROOT, env=venv_env())


def test(args):
    """Run the whole test suite (nnlib, the notebooks through real nbgrader, the autograder)."""
    setup(extras=("test",))
    ensure_browser()
    env = {**venv_env(), "MPLBACKEND": "Agg"}
    return subprocess.call([str(PYTHON), "-m", "pytest", *args], cwd=ROOT, env=env)


def main(argv):
    command, args = (argv[0], argv[1:]) if argv else ("help", [])
    if command == "lab":
        return lab(args)
    if command == "test":
        return test(args)
    if command == "setup":
        setup(extras=("test",))
        return 0
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
