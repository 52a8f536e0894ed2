"""Open the course in JupyterLab, with the student set-up.

    python start_course.py

JupyterLab opens in your browser on the course folder. Stop it with Ctrl+C in this window.
Extra options are passed on to JupyterLab (for example --no-browser or --port=8890).

The student set-up lives in this folder, not in your Jupyter settings: jupyter-config/ turns the
instructors' nbgrader tools (Create Assignment, Formgrader, the course and assignment lists) off and
keeps the Validate button, and this folder is put on the import path so `import nnlib` works.
"""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"


def venv_python(folder=VENV):
    windows = folder / "Scripts" / "python.exe"
    return windows if windows.exists() or sys.platform == "win32" else folder / "bin" / "python"


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
    env = dict(os.environ)
    prepend(env, "JUPYTER_CONFIG_PATH", str(HERE / "jupyter-config"))
    prepend(env, "PYTHONPATH", str(HERE))
    command = [python, "-m", "jupyterlab", f"--ServerApp.root_dir={HERE}",
               "--LabApp.default_url=/lab/tree/course", *argv]
    os.chdir(HERE)  # nbgrader's Validate reads nbgrader_config.py from the server's folder
    if os.name == "posix":
        os.execve(python, command, env)  # JupyterLab takes this process over (Ctrl+C reaches it)
    return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
