"""Set up the course in a local virtual environment, then open it or test it.

    python3 quickstart.py lab                 # set up, then open your work (my-work/) in JupyterLab
    python3 quickstart.py test                # set up, then run the whole test suite
    python3 quickstart.py setup               # set up only
    python3 quickstart.py formgrader [DIR]    # nbgrader's formgrader on a course root (default: here)

Needs nothing but Python 3.11+ and access to PyPI. The environment lives in .venv/ beside this
file and is reused: it is reinstalled only when pyproject.toml changes. Extra arguments after
`test` go to pytest (e.g. `python3 quickstart.py test -k softmax`); after `lab`, to JupyterLab.

Your work lives in my-work/ (git-ignored): `lab` copies each unit of course/ there the first time it
sees it and never touches a unit that is already there, so a release, an update or a `git pull`
(which rewrite course/) never overwrite your answers.
"""
import hashlib
import os
import re
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
WORK_DIRNAME = "my-work"  # the student's own copy of course/ (see student_work)
FIRST_UNIT = "00_welcome"


def say(message):
    print(f"[quickstart] {message}", flush=True)


def run(*command, **kwargs):
    say(" ".join(str(part) for part in command))
    return subprocess.run([str(part) for part in command], check=True, **kwargs)


def pip_install(*args, live=None):
    """Run pip, showing one line per package as it is fetched and then the install step.

    pip's own output is hundreds of lines, and --quiet shows nothing for minutes; this keeps the
    middle: how many packages so far, which one, and what pip is doing. ``live`` (default: when
    printing to a terminal) counts up on one line in place; otherwise (CI, a log file) a plain line
    comes every 25 packages and once all are resolved.
    """
    command = [str(PYTHON), "-m", "pip", "install", "--progress-bar", "off", *args]
    say(" ".join(command[2:]))
    found = 0
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, bufsize=1)
    tail, counting = [], False  # counting: the running count's line is still open
    live = sys.stdout.isatty() if live is None else live
    summarised = False
    for line in process.stdout:
        tail = (tail + [line.rstrip()])[-30:]
        match = re.match(r"\s*(Collecting|Requirement already satisfied:|Obtaining|Processing) (\S+)", line)
        if match:
            found += 1
            name = re.split(r"[<>=!~;\[ (]", match.group(2))[0]
            if live:  # a terminal: one line that counts up in place
                print(f"\r[quickstart]   {found:3d} package(s) resolved: {name:<40}", end="", flush=True)
                counting = True
            elif found % 25 == 0:  # a log (CI, a pipe): a plain line now and then
                say(f"  {found} package(s) resolved so far")
        elif line.startswith(("Installing collected packages:", "Successfully installed")):
            if counting:
                print(flush=True)
                counting = False
            if not live and not summarised:
                say(f"  {found} package(s) resolved")
                summarised = True
            if line.startswith("Installing"):
                count = len(line.split(":", 1)[1].split(","))
                say(f"  installing {count} package(s): the slowest part, a minute or more ...")
            else:
                say(f"  done: {len(line.split()) - 2} package(s) installed")
    if counting:
        print(flush=True)
    if not live and found and not summarised:  # nothing to install: every package was there already
        say(f"  {found} package(s) resolved")
    if process.wait() != 0:
        print("\n".join(tail), file=sys.stderr)
        raise subprocess.CalledProcessError(process.returncode, command)


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
    if up_to_date(extras):
        say("environment is up to date")
        return
    say("setting up the course's environment: 3 steps, a few minutes the first time")
    if not PYTHON.exists():
        say(f"step 1/3: creating the virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    else:
        say(f"step 1/3: the virtual environment {VENV} is there")
    say("step 2/3: updating pip")
    pip_install("--upgrade", "pip")
    target = f".[{','.join(extras)}]" if extras else "."
    say("step 3/3: installing the course (nnlib, the autograder) with JupyterLab, nbgrader and the rest")
    pip_install("--editable", target)
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


def running_as_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def student_work(root=ROOT):
    """Copy each unit of course/ that my-work/ lacks into my-work/; return the units copied.

    my-work/ is the student's: a unit already there is never touched (not even a file in it), so a
    release, an update or a `git pull`, which rewrite course/, never overwrite an answer. A unit
    released later is copied in the next time.
    """
    course, work = Path(root) / "course", Path(root) / WORK_DIRNAME
    copied = []
    if not course.is_dir():
        return copied
    for unit in sorted(p for p in course.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))):
        if not (work / unit.name).exists():
            shutil.copytree(unit, work / unit.name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
            copied.append(unit.name)
    return copied


def first_notebook_of(root=ROOT):
    """The notebook the lab opens first: unit 00 in my-work/, else (before the first copy) in course/."""
    for folder in (WORK_DIRNAME, "course"):
        if (Path(root) / folder / FIRST_UNIT / f"{FIRST_UNIT}.ipynb").is_file():
            return f"{folder}/{FIRST_UNIT}/{FIRST_UNIT}.ipynb"
    return f"course/{FIRST_UNIT}/{FIRST_UNIT}.ipynb"


def lab_command(python=PYTHON, root=ROOT, first_notebook=None, as_root=None):
    """The JupyterLab command, opening the first unit (of my-work/ once it exists).

    It runs from the repository root (cwd) and serves the root, because nbgrader's formgrader only
    works when its course directory (the root, see nbgrader_config.py) lies inside the served folder.
    Jupyter refuses to run as root unless told: --allow-root is added only when running as root
    (``as_root`` None means: find out).
    """
    first_notebook = first_notebook or first_notebook_of(root)
    command = [str(python), "-m", "jupyter", "lab", f"--ServerApp.root_dir={root}",
               f"--LabApp.default_url=/lab/tree/{first_notebook}"]
    if running_as_root() if as_root is None else as_root:
        command.append("--allow-root")
    return command


def formgrader_command(course_root, python=PYTHON, as_root=None):
    """JupyterLab on a course root (its own nbgrader_config.py), opening nbgrader's formgrader."""
    command = [str(python), "-m", "jupyter", "lab", f"--ServerApp.root_dir={course_root}",
               "--LabApp.default_url=/formgrader"]
    if running_as_root() if as_root is None else as_root:
        command.append("--allow-root")
    return command


def venv_env():
    """The environment with .venv's scripts first on PATH (nbgrader runs some of them by name)."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def lab(args):
    """Open the student's work in JupyterLab, starting at unit 00; nbgrader's extension comes with the install."""
    setup(extras=())
    copied = student_work(ROOT)
    if copied:
        say(f"copied {', '.join(copied)} from course/ into {WORK_DIRNAME}/ (your own copy: "
            "releases and updates never touch it)")
    say(f"opening {WORK_DIRNAME}/ in JupyterLab (stop it with Ctrl+C)")
    return subprocess.call(lab_command() + list(args), cwd=ROOT, env=venv_env())


def formgrader(args):
    """Open nbgrader's formgrader on a course root (default: this repository), e.g. the demo's."""
    course_root = Path(args[0]).resolve() if args and not args[0].startswith("-") else ROOT
    if not (course_root / "nbgrader_config.py").is_file():
        say(f"{course_root} has no nbgrader_config.py: give a course root (e.g. autograder/demo-work "
            "after python -m autograder demo)")
        return 2
    setup(extras=())
    extra = args[1:] if args and not args[0].startswith("-") else args
    say(f"opening the formgrader on {course_root} (stop it with Ctrl+C)")
    # The formgrader reads nbgrader_config.py from the folder it starts in.
    return subprocess.call(formgrader_command(course_root) + list(extra), cwd=course_root, env=venv_env())


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
    if command == "formgrader":
        return formgrader(args)
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
