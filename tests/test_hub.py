"""The course on a real JupyterHub (deploy/hub/) with nbgrader's exchange: one class, start to end.

One hub runs for the module: two students who work through the unit, a third who only logs in
with the browser, and an instructor; real system accounts, the sample unit. The flow is the README's: release through the exchange, students fetch, answer and submit
from their own servers, the instructor collects, grades with the sandboxed engine and returns
feedback, students fetch it.
"""
import csv
import json
import os
from urllib.parse import quote

import pytest

from autograder import examples
from tests import hub_harness
from tests.browser import chromium_page, require_browser

pytestmark = [pytest.mark.hub, pytest.mark.slow]

UNIT = "00_sample"
# Accounts of this test process alone (another pytest process may run its own hub at the same time).
RUN = f"{os.getpid() % 100000:05d}"
ALICE, BOB, GRACE = f"nnfsalice{RUN}", f"nnfsbob{RUN}", f"nnfsgrace{RUN}"
CAROL = f"nnfscarol{RUN}"  # logs in with the browser only, before fetching anything
PASSWORD = "course-pw"
NOTEBOOK = f"{UNIT}/{UNIT}.ipynb"
WRONG_RELU = "def relu(z):\n    return z  # forgot to clip the negatives\n"


def _require_hub():
    missing = hub_harness.missing_parts()
    if missing:
        if os.environ.get("CI"):  # CI installs everything the hub needs: a missing part is a broken set-up
            pytest.fail(missing)
        pytest.skip(missing)
    # Where the checkout lies is not ours to change: a clone inside a private home cannot host students.
    problem = hub_harness.location_problem()
    if problem:
        pytest.skip(problem)


@pytest.fixture(scope="module")
def hub():
    _require_hub()
    with hub_harness.running_hub([ALICE, BOB, CAROL], [GRACE], units=[UNIT], password=PASSWORD) as running:
        # A due date already past: every submission is late, which collect must make visible.
        (running.course_root / "autograder" / "due.toml").write_text(f'{UNIT} = "2020-01-01 12:00"\n')
        yield running


def _answers(hub):
    """{student: notebook}: alice's every exercise right (the solution), bob's relu wrong."""
    source = hub.course_root / "solutions" / UNIT / f"{UNIT}.ipynb"
    released = hub.course_root / "course" / UNIT / f"{UNIT}.ipynb"
    perfect = json.loads(examples.make_examples(source, released)["perfect"])
    wrong = json.loads(json.dumps(perfect))
    for cell in wrong["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "relu":
            cell["source"] = WRONG_RELU
    return {ALICE: perfect, BOB: wrong}


@pytest.fixture(scope="module")
def released(hub):
    """The instructor releases the unit through the exchange."""
    release = hub_harness.course_command(hub, "exchange", "release", UNIT, "--exchange", str(hub.exchange))
    assert release.returncode == 0, release.stdout + release.stderr
    return release


@pytest.fixture(scope="module")
def class_done(hub, released):
    """The whole flow once; returns what each step answered."""
    done = {}
    hub.start_servers([ALICE, BOB, GRACE])
    for name, notebook in _answers(hub).items():
        status, listed = hub.as_student(name, "GET", "/assignments?course_id=nnfs")
        assert status == 200 and listed["success"], listed
        done[f"listed {name}"] = listed["value"]
        status, fetched = hub.assignment_action(name, "fetch", UNIT)
        assert status == 200 and fetched["success"], fetched
        status, saved = hub.as_student(name, "PUT", f"/api/contents/{NOTEBOOK}",
                                       body={"type": "notebook", "format": "json", "content": notebook})
        assert status in (200, 201), saved
        status, validated = hub.as_student(name, "POST", "/assignments/validate", form={"path": NOTEBOOK})
        assert status == 200 and validated["success"], validated
        done[f"validated {name}"] = validated["value"]
        status, submitted = hub.assignment_action(name, "submit", UNIT)
        assert status == 200 and submitted["success"], submitted
    for step in (["exchange", "collect", UNIT, "--exchange", str(hub.exchange)],
                 ["grade", "--no-progress"],
                 ["exchange", "feedback", UNIT, "--exchange", str(hub.exchange)],
                 ["export"]):
        run = hub_harness.course_command(hub, *step)
        done[step[0] + (" " + step[1] if step[0] == "exchange" else "")] = run
        assert run.returncode == 0, run.stdout + run.stderr
    for name in (ALICE, BOB):
        status, fetched = hub.assignment_action(name, "fetch_feedback", UNIT)
        assert status == 200 and fetched["success"], fetched
    return done


def _feedback_page(hub, name):
    """The text of the feedback page ``name`` fetched into their own folder, read through the hub."""
    status, folder = hub.as_student(name, "GET", f"/api/contents/{UNIT}/feedback")
    assert status == 200, folder
    (stamp,) = [entry["name"] for entry in folder["content"]]
    status, page = hub.as_student(name, "GET", f"/api/contents/{UNIT}/feedback/{quote(stamp)}/{UNIT}.html")
    assert status == 200, page
    return page["content"]


def test_students_see_the_released_unit(class_done):
    """Does the Assignments list of each student show the unit the instructor released?"""
    for name in (ALICE, BOB):
        assert [a["assignment_id"] for a in class_done[f"listed {name}"]] == [UNIT]


def test_validate_runs_the_students_notebook_as_the_student(class_done):
    """Does Validate in a student's own server (their kernel, the course library) pass alice's
    notebook and name bob's failing relu?"""
    alice, bob = class_done[f"validated {ALICE}"], class_done[f"validated {BOB}"]
    assert not alice.get("failed") and not alice.get("changed"), alice
    assert any("relu" in json.dumps(failure) for failure in bob.get("failed", [])), bob


def test_grades_follow_the_answers(hub, class_done):
    """Does the grade step give alice (all right) full auto-graded marks and bob (wrong relu) fewer?"""
    rows = {row["student"]: row for row in csv.DictReader(open(hub.course_root / "autograder" / "grades.csv"))}
    assert set(rows) == {ALICE, BOB}
    alice, bob = float(rows[ALICE][UNIT]), float(rows[BOB][UNIT])
    assert alice == 6 and 0 < bob < alice, rows


def test_each_student_fetches_their_own_feedback(hub, class_done):
    """Does each student fetch, in the Assignments tab's way, a page about their own work only?"""
    alice, bob = _feedback_page(hub, ALICE), _feedback_page(hub, BOB)
    assert ALICE in alice and BOB not in alice
    assert BOB in bob and ALICE not in bob
    assert "relu" in bob and alice != bob
    assert "BEGIN HIDDEN TESTS" not in alice + bob


def test_late_submissions_carry_the_exchange_time(hub, class_done):
    """Do collected submissions keep nbgrader's submission time, so the past due date makes them late?"""
    from nbgrader.api import Gradebook

    from autograder import assignments
    assert "time nbgrader's exchange recorded" in class_done["exchange collect"].stdout
    with Gradebook(assignments.db_url(hub.course_root)) as gradebook:
        for name in (ALICE, BOB):
            submission = gradebook.find_submission(UNIT, name)
            assert submission.timestamp is not None and submission.total_seconds_late > 0
    rows = list(csv.DictReader(open(hub.course_root / "autograder" / "grades.csv")))
    assert all(row[f"{UNIT} late"].startswith("late by") for row in rows), rows


def test_a_student_cannot_reach_another_students_work_through_the_hub(hub, class_done):
    """Does the hub refuse bob's token on alice's server and on the instructor's?"""
    for owner in (ALICE, GRACE):
        status, answer = hub.request("GET", f"/user/{owner}/api/contents/{NOTEBOOK}", token=hub.token(BOB))
        assert status in (403, 404), (owner, status)
        assert "def relu" not in json.dumps(answer)
    status, _ = hub.request("GET", f"/hub/api/users/{ALICE}", token=hub.token(BOB))
    assert status in (403, 404)
    # Nor can his own server step out of his home folder.
    status, answer = hub.as_student(BOB, "GET", f"/api/contents/../{ALICE}/{NOTEBOOK}")
    assert status in (403, 404), answer


def test_a_student_cannot_reach_submissions_or_course_files_on_disk(hub, class_done):
    """Can bob, with a shell of his own, list the exchange's inbox or feedback, or read alice's
    home, the solutions or the gradebook? (The exchange's submission names are secret only while
    its folders cannot be listed.)"""
    nbgrader_folder = hub.exchange / "nnfs"
    denied = [
        ["ls", str(nbgrader_folder / "inbound")],
        ["ls", str(nbgrader_folder / "feedback")],
        ["cat", str(hub_harness.home_of(ALICE) / NOTEBOOK)],
        ["ls", str(hub_harness.home_of(GRACE))],
        ["cat", str(hub.course_root / "solutions" / UNIT / f"{UNIT}.ipynb")],
        ["ls", str(hub.course_root / "autograder")],
    ]
    for command in denied:
        run = hub_harness.as_user(BOB, *command)
        assert run.returncode != 0 and "Permission denied" in run.stderr, (command, run.stdout[:300])
    # What he may see: the released unit.
    assert hub_harness.as_user(BOB, "ls", str(nbgrader_folder / "outbound" / UNIT)).returncode == 0


def test_instructor_tools_are_for_instructors_only(hub, class_done):
    """Does the instructor's server have nbgrader's formgrader while a student's has none?"""
    status, _ = hub.as_student(GRACE, "GET", "/formgrader/api/assignments")
    assert status == 200
    status, _ = hub.as_student(BOB, "GET", "/formgrader/api/assignments")
    assert status == 404


def test_a_resubmission_is_collected_and_the_earlier_version_kept(hub, class_done):
    """When alice submits again after the collect, does the next collect take the new version and
    keep the graded one in the archive?"""
    notebook = _answers(hub)[ALICE]
    notebook["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "One more thought."})
    status, _ = hub.as_student(ALICE, "PUT", f"/api/contents/{NOTEBOOK}",
                               body={"type": "notebook", "format": "json", "content": notebook})
    assert status == 200
    status, submitted = hub.assignment_action(ALICE, "submit", UNIT)
    assert status == 200 and submitted["success"], submitted
    run = hub_harness.course_command(hub, "exchange", "collect", UNIT, "--exchange", str(hub.exchange))
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"replaced  {ALICE}/{UNIT}" in run.stdout and f"unchanged {BOB}/{UNIT}" in run.stdout
    archived = list((hub.course_root / "autograder" / "archive" / ALICE / UNIT).glob("*.ipynb"))
    assert len(archived) == 1 and "One more thought." not in archived[0].read_text()
    collected = hub.course_root / "autograder" / "submitted" / ALICE / UNIT / f"{UNIT}.ipynb"
    assert "One more thought." in collected.read_text()


def test_the_exchange_refuses_a_forged_or_back_dated_submission(hub, class_done):
    """If bob writes a submission in alice's name, or one that claims a time before it existed,
    does collect refuse the first (alice's work stays hers) and see through the second?"""
    import datetime

    from autograder import exchange
    inbound = hub.exchange / "nnfs" / "inbound"
    forged = inbound / f"{ALICE}+{UNIT}+2099-01-01 00:00:00.000000 UTC+forged"
    back_dated = inbound / f"{BOB}+{UNIT}+2020-01-01 00:00:00.000000 UTC+early"
    for folder in (forged, back_dated):
        made = hub_harness.as_user(BOB, "sh", "-c", 'mkdir "$1" && echo "$2" > "$1/timestamp.txt" && '
                                   'echo "{}" > "$1/$3.ipynb"', "sh", str(folder),
                                   folder.name.split("+")[2], UNIT)
        assert made.returncode == 0, made.stderr
    run = hub_harness.course_command(hub, "exchange", "collect", UNIT, "--exchange", str(hub.exchange))
    assert run.returncode == 1, run.stdout + run.stderr  # something needs the instructor's attention
    assert f"refused {forged.name}: it names {ALICE} but the account {BOB} made it" in run.stdout
    assert not forged.exists()
    assert (hub.course_root / exchange.REFUSED / forged.name).is_dir()
    collected = hub.course_root / "autograder" / "submitted" / ALICE / UNIT / f"{UNIT}.ipynb"
    assert "def weighted_sum" in collected.read_text()
    refused, corrected = exchange.screen_inbound(hub.course_root, hub.exchange, UNIT)
    assert refused == []
    moment = corrected[(BOB, "2020-01-01 00:00:00.000000 UTC")]
    assert moment > datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)


@pytest.mark.browser
def test_student_logs_in_and_sees_the_unit_in_the_assignments_tab(hub, released):
    """Does a student who logs in with their password find the released unit in the Assignments
    tab, and no instructor tool in the Nbgrader menu?"""
    require_browser()
    with chromium_page() as page:
        page.goto(hub.base_url + "/hub/login", timeout=120_000)
        page.fill("input#username_input", CAROL)
        page.fill("input#password_input", PASSWORD)
        page.click("#login_submit")
        page.wait_for_url(f"**/user/{CAROL}/**", timeout=300_000)
        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click(timeout=180_000)
        items = page.locator(".lm-Menu-content .lm-Menu-itemLabel")
        items.first.wait_for(timeout=60_000)
        labels = items.all_inner_texts()
        assert "Assignment List" in labels and not any("Formgrader" in label for label in labels), labels
        page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click(timeout=60_000)
        # The Assignments tab lists the exchange's released units under "Released assignments".
        released = page.locator("#released_assignments_list")
        released.get_by_text(UNIT).wait_for(timeout=120_000)
        assert released.get_by_text(UNIT).count() == 1
