"""Set up the course once: a private Python environment in .venv with everything the notebooks use.

Run it with Python 3.11 or newer, from this folder:

    python setup_course.py

It creates .venv beside this file, installs the packages listed in requirements.txt into it
(numpy, matplotlib, ipywidgets, JupyterLab, nbgrader, ...), and makes the course library nnlib
importable there. Nothing outside this folder is changed; delete the folder to remove it all.
Running it again is safe: it only adds what is missing.
"""
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"


def venv_python(folder=VENV):
    """The Python of the environment (Scripts\\python.exe on Windows, bin/python elsewhere)."""
    windows = folder / "Scripts" / "python.exe"
    return windows if windows.exists() or sys.platform == "win32" else folder / "bin" / "python"


def main():
    if sys.version_info < (3, 11):
        print(f"This course needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
        return 1
    if not venv_python().exists():
        print(f"Creating the environment in {VENV} ...")
        venv.EnvBuilder(with_pip=True).create(VENV)
    python = str(venv_python())
    print("Installing the packages (this takes a few minutes the first time) ...")
    subprocess.run([python, "-m", "pip", "install", "--upgrade", "pip"], check=True)
    subprocess.run([python, "-m", "pip", "install", "-r", str(HERE / "requirements.txt")], check=True)
    # A .pth file puts this folder on the environment's import path, so `import nnlib` works in
    # every notebook, whatever folder it runs in.
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (Path(site) / "nnfs-course.pth").write_text(str(HERE) + "\n", encoding="utf-8")
    subprocess.run([python, "-c", "import nnlib, numpy, jupyterlab, nbgrader"], check=True)
    print("\nThe course is set up. Next: python start_course.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
