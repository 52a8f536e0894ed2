"""A real JupyterLab server and a real headless Chromium, for the tests that look at the course as a person would.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright; Playwright's own browser download
is not used. Tests that need it skip, saying how to install it, when it is missing.
"""
import contextlib
import os
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("NNFS_CHROMIUM", "/usr/bin/chromium")
# Chromium's background services try to reach the internet, which this machine refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def require_browser():
    """Skip the calling test unless Playwright and Chromium are both installed; in CI, fail instead.

    CI installs both (.ci/run runs quickstart.py, which installs them), so a missing browser there
    is a broken set-up, not a reason to pass quietly.
    """
    missing = ""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "playwright is not installed: pip install -e .[test]"
    if not missing and not Path(CHROMIUM).exists():
        missing = f"no Chromium at {CHROMIUM}: install it with `apt-get install chromium`"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status_of(url):
    """The HTTP status a GET of ``url`` answers (404 and the like included)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@contextlib.contextmanager
def jupyter_lab(command, cwd, tmp_path, env=None, timeout=120):
    """Start ``command`` (a ``jupyter lab`` command line) on a free port; yield (base_url, token).

    Jupyter's config, data-runtime and workspace folders go to ``tmp_path`` so that nothing of the
    user's own set-up leaks into the test, and the server log is kept for the failure message.
    """
    port, token = free_port(), secrets.token_hex(16)
    env = dict(env or os.environ)
    env.setdefault("JUPYTER_CONFIG_DIR", str(tmp_path / "jupyter-config"))
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "jupyter-runtime")
    log_path = tmp_path / "jupyter-lab.log"
    args = [*command, "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
            "--ServerApp.allow_root=True", f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}"]
    with open(log_path, "w") as log:
        server = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early:\n{log_path.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"{base_url}/api/status?token={token}", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start in {timeout} s:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.5)
        yield base_url, token, log_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


@contextlib.contextmanager
def chromium_page(viewport=(1400, 900)):
    """A fresh headless Chromium page (its own empty profile)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            yield page
        finally:
            browser.close()

