"""Install what the class server and its tests need beyond the Python packages.

    python3 deploy/hub/install.py

- configurable-http-proxy, JupyterHub's proxy, from npm into deploy/hub/node_modules (the
  versions pinned in deploy/hub/package-lock.json; needs Node.js and npm);
- as root on Debian or Ubuntu, PostgreSQL (for a gradebook several graders share, and its test)
  with apt-get when it is missing.

JupyterHub itself and the PostgreSQL driver are Python packages in pyproject.toml. Safe to run
again: what is installed already is kept. Exits 1 when something could not be installed, saying
what.
"""
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"


def postgres_bin():
    """The folder of Debian's PostgreSQL programs (initdb, pg_ctl), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return str(Path(found[-1]).parent) if found else None


def install_proxy():
    if os.access(PROXY, os.X_OK):
        return "configurable-http-proxy: installed"
    npm = shutil.which("npm")
    if npm is None:
        return "configurable-http-proxy: NOT installed (no npm: apt-get install nodejs npm)"
    command = [npm, "ci" if (HERE / "package-lock.json").is_file() else "install", "--no-audit", "--no-fund"]
    run = subprocess.run(command, cwd=HERE, capture_output=True, text=True)
    if run.returncode != 0 or not os.access(PROXY, os.X_OK):
        return f"configurable-http-proxy: NOT installed ({' '.join(command)} failed: {run.stderr[-500:]})"
    return "configurable-http-proxy: installed by npm"


def install_postgres():
    if postgres_bin():
        return "PostgreSQL: installed"
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return "PostgreSQL: NOT installed (as root on Debian: apt-get install postgresql)"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "postgresql"]):
        run = subprocess.run(command, capture_output=True, text=True, env=env)
        if run.returncode != 0:
            return f"PostgreSQL: NOT installed ({' '.join(command)} failed: {run.stderr[-500:]})"
    return "PostgreSQL: installed by apt-get" if postgres_bin() else "PostgreSQL: NOT installed"


def main():
    lines = [install_proxy(), install_postgres()]
    for line in lines:
        print(line)
    return 1 if any("NOT installed" in line for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
