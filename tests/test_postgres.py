"""The gradebook on a real PostgreSQL server, chosen with NNFS_GRADEBOOK_URL.

The test starts its own server (Debian's PostgreSQL: initdb and pg_ctl on a temporary data folder,
a free port on 127.0.0.1), as a non-root account because PostgreSQL refuses to run as root, then
runs the course's collect, grade and export against it.
"""
import csv
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from autograder import examples
from autograder.release import ROOT
from tests.browser import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

sys.path.insert(0, str(ROOT / "deploy" / "hub"))
import install  # noqa: E402  -- deploy/hub/install.py: finds (and as root installs) PostgreSQL

UNIT = "00_sample"
ACCOUNT = "postgres"  # Debian's package makes it; the test makes it when it is missing


def _postgres_bin():
    """Debian's PostgreSQL programs, installed with apt-get when missing; skip where that cannot be."""
    if install.postgres_bin() is None:
        print(install.install_postgres())
    folder = install.postgres_bin()
    if folder is None:
        pytest.skip("PostgreSQL is not installed and cannot be installed here "
                    "(as root on Debian: apt-get install postgresql, or python3 deploy/hub/install.py)")
    if os.geteuid() != 0:
        pytest.skip("the test starts PostgreSQL as the account 'postgres', which needs root")
    return Path(folder)


def _as_account(*command):
    run = subprocess.run(["runuser", "-u", ACCOUNT, "--", *command], capture_output=True, text=True)
    assert run.returncode == 0, f"{' '.join(command)} failed:\n{run.stdout}\n{run.stderr}"
    return run


@pytest.fixture(scope="module")
def postgres_url():
    """A fresh PostgreSQL server on 127.0.0.1 with an empty database; yields its SQLAlchemy URL."""
    bin_dir = _postgres_bin()
    try:
        pwd.getpwnam(ACCOUNT)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", ACCOUNT], check=True)
    base = Path(tempfile.mkdtemp(prefix="nnfs-postgres-", dir="/tmp"))
    shutil.chown(base, ACCOUNT)
    data, port = base / "data", free_port()
    _as_account(str(bin_dir / "initdb"), "--pgdata", str(data), "--auth", "trust", "--username", "grader")
    _as_account(str(bin_dir / "pg_ctl"), "--pgdata", str(data), "--log", str(base / "server.log"), "--wait",
                "--options", f"-h 127.0.0.1 -p {port} -k {base}", "start")
    try:
        _as_account(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "grader", "nnfs")
        yield f"postgresql+psycopg2://grader@127.0.0.1:{port}/nnfs"  # the driver pyproject.toml installs
    finally:
        subprocess.run(["runuser", "-u", ACCOUNT, "--", str(bin_dir / "pg_ctl"), "--pgdata", str(data),
                        "--mode", "fast", "--wait", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def graded(postgres_url, tmp_path_factory):
    """A course root whose collect, grade and export ran with the gradebook on PostgreSQL."""
    root = tmp_path_factory.mktemp("pg-course")
    examples.make_course(root, [UNIT])
    inbox = root / "inbox"
    examples.write_examples(root, inbox, [UNIT])
    for kind in ("blank", "broken"):  # two students are enough: one right, one half right
        shutil.rmtree(inbox / kind)
    env = dict(os.environ, NNFS_GRADEBOOK_URL=postgres_url)
    runs = {}
    for step in (["collect", str(inbox)], ["grade", "--workers", "1", "--no-progress"], ["export"]):
        run = subprocess.run([sys.executable, "-m", "autograder", *step, "--course-root", str(root)],
                             cwd=ROOT, env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
        runs[step[0]] = run
    return root, runs


def test_grade_writes_the_gradebook_to_postgres(postgres_url, graded):
    """With NNFS_GRADEBOOK_URL set, does grade fill the PostgreSQL gradebook and leave no SQLite file?"""
    import sqlalchemy
    from nbgrader.api import Gradebook

    root, _ = graded
    assert not (root / "autograder" / "gradebook.db").exists()
    with Gradebook(postgres_url) as gradebook:
        assert sorted(s.id for s in gradebook.students) == ["partial", "perfect"]
        scores = {s: gradebook.find_submission(UNIT, s).score for s in ("partial", "perfect")}
    assert scores["perfect"] == 6 and scores["partial"] < scores["perfect"]
    engine = sqlalchemy.create_engine(postgres_url)
    with engine.connect() as connection:
        assert connection.execute(sqlalchemy.text("select version()")).scalar().startswith("PostgreSQL")
    engine.dispose()


def test_export_reads_the_postgres_gradebook(postgres_url, graded):
    """Does export take its scores from the PostgreSQL gradebook, a hand grade given there included?"""
    from nbgrader.api import Gradebook

    root, _ = graded
    rows = {row["student"]: row for row in csv.DictReader(open(root / "autograder" / "grades.csv"))}
    assert float(rows["perfect"][UNIT]) == 6 and 0 < float(rows["partial"][UNIT]) < 6
    with Gradebook(postgres_url) as gradebook:  # a grader marks the written answer in the formgrader
        gradebook.find_grade("why_nonlinear", UNIT, UNIT, "perfect").manual_score = 1
        gradebook.db.commit()
    run = subprocess.run([sys.executable, "-m", "autograder", "export", "--course-root", str(root)],
                         cwd=ROOT, env=dict(os.environ, NNFS_GRADEBOOK_URL=postgres_url),
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    rows = {row["student"]: row for row in csv.DictReader(open(root / "autograder" / "grades.csv"))}
    assert float(rows["perfect"][UNIT]) == 7
