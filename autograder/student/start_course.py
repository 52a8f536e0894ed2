"""Open the course in JupyterLab, with the student set-up.

    python start_course.py

JupyterLab opens in your browser on your own work, my-work/. Stop it with Ctrl+C in this window.
Extra options are passed on to JupyterLab (for example --no-browser or --port=8890).

Your work lives in my-work/: the first start copies every unit of course/ there, and a later start
copies only units that are new (from an updated course folder), never touching a unit you already
have. Unzipping a newer course over this folder replaces course/ but never my-work/.

The student set-up lives in this folder, not in your Jupyter settings: jupyter-config/ turns the
instructors' nbgrader tools (Create Assignment, Formgrader, the course and assignment lists) off and
keeps the Validate button, and this folder is put on the import path so `import nnlib` works.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"


def venv_python(folder=VENV):
    windows = folder / "Scripts" / "python.exe"
    return windows if windows.exists() or sys.platform == "win32" else folder / "bin" / "python"


WORK = HERE / "my-work"


def copy_new_units(course=HERE / "course", work=WORK):
    """Copy each unit of course/ that my-work/ lacks; return their names. Units already there stay as they are."""
    copied = []
    for unit in sorted(p for p in Path(course).iterdir() if p.is_dir()) if Path(course).is_dir() else []:
        if any(unit.glob("*.ipynb")) and not (Path(work) / unit.name).exists():
            shutil.copytree(unit, Path(work) / unit.name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
            copied.append(unit.name)
    return copied


def first_notebook(work=WORK):
    """The path (from this folder) of the first unit's notebook in my-work/, or my-work/ itself."""
    notebooks = sorted(Path(work).glob("*/*.ipynb"))
    return notebooks[0].relative_to(HERE).as_posix() if notebooks else "my-work"


def prepend(env, name, value):
    env[name] = value + (os.pathsep + env[name] if env.get(name) else "")


def main(argv):
    if venv_python().exists():
        python = str(venv_python())
    elif importlib.util.find_spec("jupyterlab") and importlib.util.find_spec("nbgrader"):
        python = sys.executable  # a Python that already has the packages (no .venv made here)
        print(f"No .venv here; using {python}, which has JupyterLab and nbgrader.")
    else:
        print("The course is not set up yet. Run first: python setup_course.py")
        return 1
    copied = copy_new_units()
    if copied:
        print(f"Copied {', '.join(copied)} into my-work/: work there. It is yours; updates never touch it.")
    env = dict(os.environ)
    prepend(env, "JUPYTER_CONFIG_PATH", str(HERE / "jupyter-config"))
    prepend(env, "PYTHONPATH", str(HERE))
    command = [python, "-m", "jupyterlab", f"--ServerApp.root_dir={HERE}",
               f"--LabApp.default_url=/lab/tree/{first_notebook()}", *argv]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # Jupyter refuses to run as root unless told
    os.chdir(HERE)  # nbgrader's Validate reads nbgrader_config.py from the server's folder
    if os.name == "posix":
        os.execve(python, command, env)  # JupyterLab takes this process over (Ctrl+C reaches it)
    return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
