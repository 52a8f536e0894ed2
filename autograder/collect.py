"""Collect: copy students' notebooks into nbgrader's layout without ever losing one.

Sources
-------
A folder laid out by student::

    <src>/<student>/<unit>/<file>.ipynb      the unit is the folder's name
    <src>/<student>/<file>.ipynb             the unit is read from the file's name

or an LMS download (a zip, or the folder it unpacks to), with the names LMSs give:

    smithjane_12345_6789012_01_neuron.ipynb                     Canvas
    smithjane_LATE_12345_6789012_01_neuron-1.ipynb              Canvas, late, re-uploaded
    Jane Smith_12345_assignsubmission_file_/01_neuron.ipynb     Moodle, one folder per student
    Jane Smith_12345_assignsubmission_file_01_neuron.ipynb      Moodle, flat

Each notebook becomes ``autograder/submitted/<student>/<unit>/<unit>.ipynb`` (nbgrader's
``CourseDirectory.submitted_directory``; the notebook takes the released notebook's name).

Rules that keep submissions safe
--------------------------------
- The source is only read, never written: not the files, not the zip.
- A new version never overwrites silently: the version it replaces is kept in
  ``autograder/archive/<student>/<unit>/<collected-at>_<sha8>.ipynb`` and the replacement is
  reported. A byte-identical resubmission (same SHA-256) is recognised and changes nothing.
- A file that matches no unit or no student is reported with the reason, never dropped silently.
- A zip with a member name that climbs out of the archive (``../``, absolute paths) or that would
  unpack to more than :data:`MAX_TOTAL_BYTES` is refused whole, before anything is copied.
- Every event is appended to ``autograder/archive/collect-log.jsonl``.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime
import hashlib
import json
import os
import re
import stat
import unicodedata
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from autograder import late
from autograder.release import ROOT

# Caps against zip bombs and runaway folders. A notebook with plots is a few MB at most.
MAX_FILE_BYTES = 50 * 2**20
MAX_TOTAL_BYTES = 500 * 2**20
MAX_MEMBERS = 20_000

ARCHIVE_DIRNAME = os.path.join("autograder", "archive")
LOG_NAME = "collect-log.jsonl"

# Names that operating systems and LMSs add beside the real files.
JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
JUNK_FOLDERS = {"__MACOSX", ".ipynb_checkpoints", "__pycache__"}

CANVAS = re.compile(r"^(?P<name>[^_]+)_(?:(?P<late>late)_)?(?P<lms_id>\d+)_(?P<attempt>\d+)_(?P<file>.+)$",
                    re.IGNORECASE)
MOODLE_FOLDER = re.compile(r"^(?P<name>.+?)_(?P<lms_id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?$",
                           re.IGNORECASE)
MOODLE_FILE = re.compile(r"^(?P<name>.+?)_(?P<lms_id>\d+)_assignsubmission_file_(?P<file>.+)$",
                         re.IGNORECASE)

STUDENT_ID_RULE = (
    "Student ids are made safe for folder names: accents are dropped (Seán -> sean), letters are "
    "lower-cased, every run of characters other than a-z, 0-9 and '-' becomes one '_', and leading "
    "or trailing '_'/'-' are removed ('Jane Smith' -> jane_smith, smithjane stays smithjane). Two LMS "
    "accounts that give the same id are kept apart by adding the LMS user number (jane_smith-12345)."
)


class CollectError(RuntimeError):
    """The source cannot be collected at all (unsafe or damaged zip); nothing was copied."""


class WrongSource(CollectError):
    """The source was named wrongly (it does not exist, or it is the course itself); nothing was copied."""


@dataclasses.dataclass(frozen=True)
class Incoming:
    """One file found in the source, not read yet."""

    parts: tuple          # its path inside the source, as folder and file names
    origin: str           # how to name it in messages: "<zip>:<member>" or the file's path
    size: int
    mtime: float          # when it was submitted, as far as the source tells (POSIX seconds)
    read: object = dataclasses.field(compare=False, repr=False)  # () -> bytes
    time_source: str = late.FILE_TIME  # where mtime comes from (see late.TIME_SOURCES)


@dataclasses.dataclass(frozen=True)
class Event:
    """What happened to one incoming notebook."""

    action: str           # "new", "replaced", "unchanged" or "unmatched"
    origin: str
    student: str = ""
    unit: str = ""
    reason: str = ""      # why it was not collected, or a note (late, same as an earlier version)
    archived: str = ""    # where the replaced version went
    submitted_at: str = ""  # the submission's time (ISO 8601, UTC), as written to timestamp.txt
    time_source: str = ""   # where that time comes from (see late.TIME_SOURCES)


@dataclasses.dataclass
class CollectReport:
    """Everything collect did, in the order it did it."""

    source: str
    events: list = dataclasses.field(default_factory=list)

    def of(self, action):
        return [e for e in self.events if e.action == action]

    @property
    def ok(self):
        """True when every file found was taken (new, replaced or unchanged)."""
        return not self.of("unmatched")


# ----------------------------------------------------------------------------- layout

def course_directory(course_root=ROOT):
    """nbgrader's CourseDirectory configured by the course's own nbgrader_config.py."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(course_root).resolve()
    config_file = root / "nbgrader_config.py"
    if not config_file.is_file():
        raise CollectError(f"{root} has no nbgrader_config.py: is it the course's root folder?")
    config = PyFileConfigLoader(config_file.name, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    return CourseDirectory(config=config)


def known_units(course_root=ROOT):
    """Units that can take submissions: released ones in course/, else the sources in solutions/."""
    coursedir = course_directory(course_root)
    found = set()
    for step in (coursedir.release_directory, coursedir.source_directory):
        folder = Path(coursedir.root) / step
        if folder.is_dir():
            found |= {p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))}
    return sorted(found)


def notebook_name(course_root, unit):
    """The file name a unit's submission takes: the released notebook's name, else <unit>.ipynb."""
    coursedir = course_directory(course_root)
    for step in (coursedir.release_directory, coursedir.source_directory):
        notebooks = sorted((Path(coursedir.root) / step / unit).glob("*.ipynb"))
        if len(notebooks) == 1:
            return notebooks[0].name
    return f"{unit}.ipynb"


def archive_dir(course_root=ROOT):
    return Path(course_root) / ARCHIVE_DIRNAME


# ----------------------------------------------------------------------------- names

def normalise_student(raw):
    """A folder-safe student id from a name or id as the source spells it; "" when nothing is left.

    See :data:`STUDENT_ID_RULE`.
    """
    text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9-]+", "_", text).strip("_-")
    return text[:64].strip("_-")


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def infer_unit(name, units):
    """The unit a file or folder name refers to, or None.

    A name refers to a unit when it contains the unit id as whole words (``01_neuron-1.ipynb``,
    ``Unit 01 Neuron.ipynb``), or, failing that, the unit's title without its number (``neuron``).
    A name that refers to several units refers to none.
    """
    stem = _slug(PurePosixPath(name).stem if name.endswith(".ipynb") else name)
    padded = f"_{stem}_"
    full = {u for u in units if f"_{_slug(u)}_" in padded}
    if len(full) == 1:
        return full.pop()
    if full:
        return None
    titles = {u for u in units
              if (title := _slug(re.sub(r"^\d+[_\-\s]*", "", u))) and f"_{title}_" in padded}
    return titles.pop() if len(titles) == 1 else None


@dataclasses.dataclass(frozen=True)
class Owner:
    """Whose notebook a file is, as its path tells."""

    student: str
    lms_id: str = ""
    late: bool = False
    inner: tuple = ()     # the remaining path parts below the student's own folder or prefix


def identify_owner(parts):
    """The student a path belongs to, or a reason string when it cannot tell."""
    first = parts[0]
    if len(parts) == 1:
        for pattern in (MOODLE_FILE, CANVAS):
            match = pattern.match(first)
            if match:
                late = bool(match.groupdict().get("late"))
                return Owner(match["name"], match["lms_id"], late, (match["file"],))
        return ("not in a student's folder and not named like an LMS download: "
                "put it in a folder named after the student")
    match = MOODLE_FOLDER.match(first)
    if match:
        return Owner(match["name"], match["lms_id"], False, tuple(parts[1:]))
    return Owner(first, "", False, tuple(parts[1:]))


# ----------------------------------------------------------------------------- sources

def _unsafe_member(name):
    pieces = re.split(r"[\\/]+", name)
    return (name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) is not None
            or ".." in pieces or "\0" in name)


def _zip_entries(path, max_total_bytes=MAX_TOTAL_BYTES):
    """The files of a zip, after refusing unsafe or oversized archives whole."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise CollectError(damaged_zip(path, error)) from None
    with archive:
        infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise CollectError(f"{path} holds {len(infos)} entries (more than {MAX_MEMBERS}): refusing it")
    for info in infos:
        if _unsafe_member(info.filename):
            raise CollectError(f"{path}: the entry {info.filename!r} points outside the archive; "
                               "refusing the whole zip (nothing was collected)")
    total = sum(info.file_size for info in infos)
    if total > max_total_bytes:
        raise CollectError(f"{path} would unpack to {total / 2**20:.1f} MiB (the cap is "
                           f"{max_total_bytes / 2**20:.1f} MiB): refusing it as a possible zip bomb")
    # Read every member once before anything is copied, so a corrupt one refuses the zip whole.
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
        raise CollectError(damaged_zip(path, error)) from None
    if bad is not None:
        raise CollectError(damaged_zip(path, "its checksum does not match", bad))

    def reader(info):
        def read():
            try:
                with zipfile.ZipFile(path) as again, again.open(info) as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
                raise CollectError(damaged_zip(path, error, info.filename)) from None
            if len(data) > MAX_FILE_BYTES:
                raise CollectError(f"{path}:{info.filename} is larger than {MAX_FILE_BYTES // 2**20} MiB")
            return data
        return read

    entries = []
    for info in infos:
        if info.is_dir():
            continue
        mode = info.external_attr >> 16
        parts = tuple(p for p in re.split(r"[\\/]+", info.filename) if p not in ("", "."))
        when, source = late.zip_entry_time(info)
        entry = Incoming(parts, f"{Path(path).name}:{info.filename}", info.file_size, when, reader(info),
                         source)
        if stat.S_ISLNK(mode):
            entry = dataclasses.replace(entry, size=-1)  # marks a symbolic link: never followed
        entries.append(entry)
    return entries


def _folder_entries(folder):
    entries = []
    for current, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        here = Path(current)
        for name in sorted(files) + sorted(d for d in dirs if (here / d).is_symlink()):
            path = here / name
            parts = path.relative_to(folder).parts
            if path.is_symlink():
                entries.append(Incoming(parts, str(path), -1, 0.0, lambda: b""))
                continue
            info = path.stat()
            entries.append(Incoming(parts, str(path), info.st_size, info.st_mtime,
                                    lambda p=path: p.read_bytes(), late.FILE_TIME))
    return entries


def damaged_zip(path, error, member=""):
    """The message for a zip that cannot be read to its end."""
    where = f" (at {member})" if member else ""
    return (f"{path} is a damaged zip file{where}: it is cut off or corrupt ({error}). Nothing was "
            "collected; download it from the LMS again.")


def _looks_like_zip(path):
    """True for a file that starts like a zip or is named .zip, readable or not."""
    with open(path, "rb") as handle:
        return handle.read(4) in (b"PK\x03\x04", b"PK\x05\x06") or Path(path).suffix.lower() == ".zip"


def gather(source, max_total_bytes=MAX_TOTAL_BYTES):
    """Every file of a source folder or zip, as :class:`Incoming` entries (nothing is read yet)."""
    source = Path(source)
    if source.is_dir():
        return _folder_entries(source)
    if source.is_file() and zipfile.is_zipfile(source):
        return _zip_entries(source, max_total_bytes)
    if source.is_file() and _looks_like_zip(source):
        return _zip_entries(source, max_total_bytes)  # raises: a damaged zip, said as such
    if source.is_file():
        raise WrongSource(f"{source} is neither a folder nor a zip file. {EXPECTED}")
    raise WrongSource(f"{source} does not exist")


# Folders that hold units in a course, a release or a student's copy (never a student's name).
COURSE_FOLDERS = {"course", "solutions", "release", "source", "my-work", "autograded", "submitted"}

EXPECTED = ("collect expects students' submissions: a folder laid out by student (<student>/<unit>/"
            "<file>.ipynb or <student>/<file>.ipynb) or an LMS download (a Canvas or Moodle zip, or "
            "the folder it unpacks to).")


def _unit_like(name, units):
    """A unit of this course, or a name shaped like one (two digits, then a word: 04_losses)."""
    return name in units or re.fullmatch(r"\d{2}_[a-z][a-z0-9_]*", name) is not None


def course_like(entries, units):
    """Why the entries look like the course or a release rather than submissions ("" when they don't).

    A course, a release, the student bundle or a student's own course folder all hold a folder per
    unit (``00_welcome/00_welcome.ipynb``), possibly under ``course/`` or ``solutions/``, or
    nbgrader_config.py; submissions are grouped by student first. A source is refused when most of
    its top folders are units; a lone unit folder among students is skipped by match_entries.
    """
    configs = any(e.parts[-1] == "nbgrader_config.py" and len(e.parts) <= 3 for e in entries)
    if configs:
        return "it holds nbgrader_config.py, so it is a course folder"
    notebooks = [e.parts for e in entries if e.parts[-1].lower().endswith(".ipynb") and len(e.parts) >= 2]
    tops = {parts[0] for parts in notebooks}
    unit_like = {parts[0] for parts in notebooks if _unit_like(parts[0], units)
                 or (parts[0] in COURSE_FOLDERS and len(parts) >= 3 and _unit_like(parts[1], units))}
    if tops and len(unit_like) > len(tops) / 2:
        found = sorted({p for parts in notebooks for p in parts[:2] if _unit_like(p, units)})
        shown = ", ".join(found[:4]) + (", ..." if len(found) > 4 else "")
        return f"its folders are units ({shown}), not students: it is the course or a release"
    return ""


# ----------------------------------------------------------------------------- matching

@dataclasses.dataclass(frozen=True)
class Match:
    entry: Incoming
    owner: Owner
    unit: str


def _skip_reason(entry):
    if entry.size < 0:
        return "a symbolic link (not followed)"
    if any(part in JUNK_FOLDERS for part in entry.parts) or entry.parts[-1] in JUNK_NAMES:
        return "a system or checkpoint file"
    if any(part.startswith(".") for part in entry.parts):
        return "a hidden file or folder (its name starts with '.')"
    if not entry.parts[-1].lower().endswith(".ipynb"):
        return "not a notebook (.ipynb)"
    if entry.size > MAX_FILE_BYTES:
        return f"larger than {MAX_FILE_BYTES // 2**20} MiB"
    return ""


def match_entries(entries, units):
    """Split entries into matches (owner and unit known) and unmatched (origin, reason) pairs."""
    matches, unmatched, by_folder = [], [], {}
    for entry in entries:
        reason = _skip_reason(entry)
        owner = identify_owner(entry.parts) if not reason else None
        if isinstance(owner, str):
            reason = owner
        if reason:
            unmatched.append((entry.origin, reason))
            continue
        if not normalise_student(owner.student):
            unmatched.append((entry.origin, f"the student name {owner.student!r} has no letters or digits"))
            continue
        if _unit_like(normalise_student(owner.student), units) or owner.student in COURSE_FOLDERS:
            unmatched.append((entry.origin, f"it is in a folder named {owner.student!r}, which is a unit or "
                                            "course folder, not a student: put it in a folder named after "
                                            "the student"))
            continue
        unit = infer_unit(owner.inner[-1], units)
        folder_unit = None
        if unit is None:
            for folder in reversed(owner.inner[:-1]):
                folder_unit = infer_unit(folder, units)
                if folder_unit:
                    break
        if unit is None and folder_unit is None:
            unmatched.append((entry.origin, f"its name matches none of the units {', '.join(units)} "
                                            "(or several of them)"))
            continue
        if unit is None:
            by_folder.setdefault((entry.parts[:-1], folder_unit), []).append((entry, owner))
            continue
        matches.append(Match(entry, owner, unit))
    # A notebook named after no unit counts for its folder's unit only when it is alone there.
    for (folder, unit), found in by_folder.items():
        named = any(m.unit == unit and m.entry.parts[:-1] == folder for m in matches)
        if len(found) == 1 and not named:
            matches.append(Match(found[0][0], found[0][1], unit))
        else:
            for entry, _ in found:
                unmatched.append((entry.origin, f"one of several notebooks in the {unit} folder and "
                                                "not named after the unit"))
    return matches, unmatched


def _attempt(match):
    """Order of resubmissions within one batch: submission time, then Canvas's -N re-upload suffix."""
    suffix = re.search(r"-(\d+)\.ipynb$", match.entry.parts[-1], re.IGNORECASE)
    return (match.entry.mtime, int(suffix.group(1)) if suffix else 0, match.entry.origin)


# ----------------------------------------------------------------------------- the log

def _read_log(course_root):
    path = archive_dir(course_root) / LOG_NAME
    if not path.is_file():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut short by an interrupted run; the others still count
    return records


def _append_log(course_root, record):
    folder = archive_dir(course_root)
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():  # students' work must never reach the repository
        ignore.write_text("*\n", encoding="utf-8")
    with open(folder / LOG_NAME, "a", encoding="utf-8") as log:
        log.write(json.dumps(record, sort_keys=True) + "\n")


def _stamp(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


# ----------------------------------------------------------------------------- collect

def _student_ids(matches, log):
    """Map each (raw name, LMS id) to a student id; a second LMS account with the same id gets -<lms id>."""
    owner_of = {}
    for record in log:
        if record.get("lms_id") and record.get("student"):
            owner_of.setdefault(record["student"], record["lms_id"])
    ids = {}
    for match in sorted(matches, key=lambda m: (m.owner.lms_id, m.owner.student)):
        key = (match.owner.student, match.owner.lms_id)
        if key in ids:
            continue
        student = normalise_student(match.owner.student)
        if match.owner.lms_id:
            holder = owner_of.setdefault(student, match.owner.lms_id)
            if holder != match.owner.lms_id:
                student = f"{student}-{match.owner.lms_id}"
                owner_of.setdefault(student, match.owner.lms_id)
        ids[key] = student
    return ids


def _install(course_root, coursedir, student, unit, filename, data, origin, log, note):
    """Put one version in place as ``filename``, keeping the one it replaces; return the Event."""
    folder = Path(coursedir.format_path(coursedir.submitted_directory, student, unit))
    target = folder / filename
    digest = hashlib.sha256(data).hexdigest()
    archived = ""
    if target.is_file():
        current = target.read_bytes()
        if hashlib.sha256(current).hexdigest() == digest:
            return Event("unchanged", origin, student, unit, "identical to the version already collected")
        previous = [r for r in log if r.get("student") == student and r.get("unit") == unit
                    and r.get("action") in ("new", "replaced")]
        when = previous[-1]["collected_at"] if previous else _stamp(
            datetime.datetime.fromtimestamp(target.stat().st_mtime, datetime.timezone.utc))
        keep = archive_dir(course_root) / student / unit
        old_digest = hashlib.sha256(current).hexdigest()
        existing = [p for p in keep.glob(f"*_{old_digest[:8]}.ipynb")
                    if hashlib.sha256(p.read_bytes()).hexdigest() == old_digest] if keep.is_dir() else []
        if existing:
            archived = existing[0]
        else:
            keep.mkdir(parents=True, exist_ok=True)
            archived = keep / f"{when}_{old_digest[:8]}.ipynb"
            archived.write_bytes(current)
        if any(p.name.endswith(f"_{digest[:8]}.ipynb") for p in keep.iterdir()):
            note = (note + "; " if note else "") + "same as an earlier archived version"
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, target)  # a reader never sees half a notebook
    action = "replaced" if archived else "new"
    return Event(action, origin, student, unit, note, str(archived))


def collect(source, course_root=ROOT, now=None, max_total_bytes=MAX_TOTAL_BYTES, time_source=None):
    """Collect every notebook of ``source`` (a folder or a zip) into the course's submitted folder.

    Parameters
    ----------
    source : path
        A folder laid out by student, or an LMS download (zip or unpacked folder).
    course_root : path
        The course's root folder (holding nbgrader_config.py).
    now : datetime, optional
        The collection time written to the log and used to name archived versions.
    max_total_bytes : int
        A zip that would unpack to more than this is refused whole.
    time_source : str, optional
        Where the files' times come from when the caller knows better than the source does
        (late.EXCHANGE_TIME: nbgrader's exchange); default: read from the source.

    Returns
    -------
    CollectReport
        One event per file found: new, replaced (with where the old version went), unchanged
        (identical resubmission), or unmatched (with the reason).

    Raises
    ------
    CollectError
        When the source is missing or unsafe; then nothing has been copied.
    """
    moment = now or datetime.datetime.now(datetime.timezone.utc)
    course_root = Path(course_root).resolve()
    coursedir = course_directory(course_root)
    units = known_units(course_root)
    if not units:
        raise CollectError(f"no units found in {course_root}: release the course first "
                           "(python -m autograder release)")
    entries = gather(source, max_total_bytes)
    wrong = course_like(entries, units)
    if wrong:
        raise WrongSource(f"{source} is not a set of submissions: {wrong}. {EXPECTED}")
    report = CollectReport(str(source))
    matches, unmatched = match_entries(entries, units)
    log = _read_log(course_root)
    ids = _student_ids(matches, log)
    filenames = {unit: notebook_name(course_root, unit) for unit in units}
    for match in sorted(matches, key=_attempt):
        student = ids[(match.owner.student, match.owner.lms_id)]
        note = "submitted late (LMS flag)" if match.owner.late else ""
        data = match.entry.read()
        event = _install(course_root, coursedir, student, match.unit, filenames[match.unit], data,
                         match.entry.origin, log, note)
        folder = Path(coursedir.format_path(coursedir.submitted_directory, student, match.unit))
        submitted_at = late.from_posix(match.entry.mtime)
        if event.action in ("new", "replaced") or late.read_timestamp(folder) is None:
            # nbgrader reads timestamp.txt: the gradebook's submission time, and so its late penalties.
            late.write_timestamp(folder, submitted_at)
        source = time_source or match.entry.time_source
        if source == late.ZIP_TIME and match.owner.lms_id:
            source = late.LMS_TIME  # a Canvas or Moodle download: the zip keeps the upload's time
        event = dataclasses.replace(event, submitted_at=late.iso(submitted_at), time_source=source)
        record = {"collected_at": _stamp(moment), "action": event.action, "student": student,
                  "unit": match.unit, "origin": match.entry.origin, "lms_id": match.owner.lms_id,
                  "late": match.owner.late, "archived": event.archived, "note": event.reason,
                  "sha256": hashlib.sha256(data).hexdigest(), "submitted_at": event.submitted_at,
                  "time_source": event.time_source}
        _append_log(course_root, record)
        log.append(record)
        report.events.append(event)
    for origin, reason in unmatched:
        report.events.append(Event("unmatched", origin, reason=reason))
    return report


def describe(report, course_root=ROOT):
    """Lines for the terminal: what was collected, replaced, skipped, and what to do next."""
    submitted = course_directory(course_root).submitted_directory
    lines = []
    for event in report.events:
        where = f"{event.student}/{event.unit}"
        when = (f"; submitted {late.shown_time(event.submitted_at)}"
                + (" (file time)" if event.time_source == late.FILE_TIME else "") if event.submitted_at else "")
        if event.action == "new":
            lines.append(f"  new       {where:<32} from {event.origin}{when}"
                         + (f" ({event.reason})" if event.reason else ""))
        elif event.action == "replaced":
            lines.append(f"  replaced  {where:<32} by {event.origin}{when}; the earlier version is kept in "
                         f"{event.archived}" + (f" ({event.reason})" if event.reason else ""))
        elif event.action == "unchanged":
            lines.append(f"  unchanged {where:<32} {event.origin} is identical to the collected version")
    unmatched = report.of("unmatched")
    if unmatched:
        lines.append(f"{len(unmatched)} file(s) were NOT collected:")
        lines.extend(f"  skipped   {e.origin}: {e.reason}" for e in unmatched)
    sources = collections.Counter(e.time_source for e in report.events if e.action in ("new", "replaced"))
    if sources:
        lines.append("Submission times: " + "; ".join(
            f"{late.TIME_SOURCES[source]} ({count} notebook(s))" for source, count in sorted(sources.items())) + ".")
    taken = len(report.events) - len(unmatched)
    counts = ", ".join(f"{len(report.of(a))} {a}" for a in ("new", "replaced", "unchanged"))
    lines.append(f"Collected {taken} notebook(s) from {report.source} into {Path(course_root) / submitted} "
                 f"({counts}).")
    if taken:
        lines.append("Next: python -m autograder grade")
    else:
        lines.append("Nothing was collected: check the layout (python -m autograder collect --help).")
    return lines
