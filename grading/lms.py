"""LMS exports in, LMS-ready grades out: the trusted parsing and writing around `slm-course grade`.

Submissions (a zip or a folder; everything may sit one level down under a single top folder, as many
exports do) are read by these rules, first match wins, per entry of the class level:

| entry | rule | student id | name |
|---|---|---|---|
| Canvas file `smithalice_12345_67890_02_downcasting.ipynb` (`smithalice_LATE_12345_67890_...` when late) | `<slug>_[LATE_]<user id>_<submission id>_<file>` | the Canvas user id (first number) | the slug |
| Moodle folder `Alice Smith_912345_assignsubmission_file_/file.ipynb` (or flat `..._assignsubmission_file_file.ipynb`) | `<full name>_<participant id>_assignsubmission_<plugin>_` | the participant id | the full name |
| folder `<student>/` (any files below it; nbgrader's `submitted/<student>/<assignment>/` too) | the folder name | the folder name | |
| other file `jdoe_anything.ipynb` | `--id-pattern` (default: everything before the first `_`) | the match | |

Ids are compared case-insensitively. Two notebooks claiming one student are an error naming both
(`SubmissionError`), never a silent drop. A submission whose nbgrader cells belong to another course notebook is
recognised by its `grade_id`s (`which_notebook`).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

SAFE_ID = re.compile(r"[^A-Za-z0-9_.@-]+")
DEFAULT_ID_PATTERN = r"^(?P<sid>[^_]+)"
CANVAS_FILE = re.compile(r"^(?P<slug>[^_]+)_(?P<late>LATE_)?(?P<uid>\d+)_(?P<subid>\d+)_(?P<file>.+)$")
MOODLE_DIR = re.compile(r"^(?P<name>.+?)_(?P<pid>\d+)_assign(?P<kind>submission|feedback)_(?P<plugin>[a-z]+)_?$")
MOODLE_FILE = re.compile(r"^(?P<name>.+?)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.+)$")
IGNORED = ("__MACOSX", "Thumbs.db", "desktop.ini")
MAX_UNZIPPED = 4 * 1024**3


class SubmissionError(ValueError):
    """The export cannot be read without guessing (two notebooks for one student, nothing found, ...)."""


class Found(dict):
    """Student id -> Submission, plus the class-level files that are nobody's submission (`skipped`)."""

    skipped: list[str]


def student_id(text: str) -> str:
    """A file-system-safe student id (spaces and odd characters become `-`)."""
    return SAFE_ID.sub("-", text.strip()).strip("-.") or "unknown"


@dataclass
class Submission:
    """One student's entry in an export: `path` None means nothing to grade."""

    sid: str
    path: Path | None = None
    name: str = ""
    late: bool = False
    lms: str = ""  # canvas | moodle | folder | file | roster
    original: str = ""  # where it was in the export, for messages
    ignored: list[str] = field(default_factory=list)  # other (non-notebook) files of this student


def _visible(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.name not in IGNORED)


def _files_below(folder: Path) -> list[Path]:
    out = []
    for p in _visible(folder):
        out.extend(_files_below(p) if p.is_dir() else [p])
    return out


def unzip(archive: Path, dest: Path) -> Path:
    """Unpack an LMS zip under `dest` with our own safe names (no zip-slip, no links); returns `dest`."""
    with zipfile.ZipFile(archive) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if sum(i.file_size for i in infos) > MAX_UNZIPPED:
            raise SubmissionError(f"{archive} unpacks to more than {MAX_UNZIPPED // 1024**3} GB: not an export")
        for info in sorted(infos, key=lambda i: i.filename):
            parts = [p for p in info.filename.replace("\\", "/").split("/")]
            parts = ["unknown" if p in ("", ".", "..") else p.replace("\0", "") for p in parts]
            target = dest.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
    return dest


def _looks_like_class(folder: Path, assignment: str) -> bool:
    """Is this single top folder an export's wrapper (holding students) rather than one student's folder?"""
    entries = _visible(folder)
    dirs = [p for p in entries if p.is_dir()]
    files = [p for p in entries if p.is_file()]
    if any(CANVAS_FILE.match(p.name) or MOODLE_FILE.match(p.name) for p in files):
        return True
    if any(MOODLE_DIR.match(p.name) for p in dirs):
        return True
    if sum(p.suffix == ".ipynb" for p in files) >= 2 or len(dirs) >= 2:
        return True
    return len(dirs) == 1 and dirs[0].name != assignment


def class_level(root: Path, assignment: str) -> Path:
    """The folder whose entries are the students: `root`, or its single top folder when it wraps an export."""
    entries = _visible(root)
    if len(entries) == 1 and entries[0].is_dir() and _looks_like_class(entries[0], assignment):
        return entries[0]
    return root


def collect_submissions(submissions: Path, assignment: str, unpack_to: Path,
                        id_pattern: str | None = None) -> Found:
    """Student id -> Submission from a folder or an LMS zip (rules in the module docstring).

    Loose non-notebook files next to the students (not in an LMS name) are nobody's: listed in `.skipped`.

    Raises SubmissionError naming the files when two notebooks claim one student.
    """
    submissions = Path(submissions)
    if submissions.is_file() and zipfile.is_zipfile(submissions):
        root = unzip(submissions, Path(unpack_to))
    elif submissions.is_dir():
        root = submissions
    elif submissions.exists():
        raise SubmissionError(f"{submissions} is neither a folder nor a zip file")
    else:
        raise SubmissionError(f"{submissions} does not exist")
    top = class_level(root, assignment)
    claims: dict[str, list[tuple[Path, Submission]]] = {}
    skipped: list[str] = []
    unnamed: list[str] = []
    pattern = re.compile(id_pattern or DEFAULT_ID_PATTERN)
    for entry in _visible(top):
        rel = str(entry.relative_to(root))
        if entry.is_dir():
            m = MOODLE_DIR.match(entry.name)
            if m and m["kind"] == "feedback":
                continue  # Moodle's feedback files folders are not submissions
            sub = (Submission(m["pid"], name=m["name"].strip(), lms="moodle", original=rel) if m else
                   Submission(student_id(entry.name), lms="folder", original=rel))
            files = _files_below(entry)
        else:
            sub = None
            if id_pattern is None:
                if m := CANVAS_FILE.match(entry.name):
                    sub = Submission(m["uid"], name=m["slug"], late=bool(m["late"]), lms="canvas", original=rel)
                elif m := MOODLE_FILE.match(entry.name):
                    sub = Submission(m["pid"], name=m["name"].strip(), lms="moodle", original=rel)
            if sub is None:
                if id_pattern is None and entry.suffix != ".ipynb":
                    skipped.append(rel)  # a stray file next to the students (a README, a CSV): nobody's work
                    continue
                if id_pattern is None and entry.stem.lower().startswith(assignment.lower()):
                    unnamed.append(rel)  # `02_downcasting.ipynb` alone: whose is it?
                    continue
                m = pattern.search(entry.name if id_pattern else entry.stem)
                if not m:
                    skipped.append(rel)
                    continue
                sid = m.group("sid") if "sid" in pattern.groupindex else m.group(0)
                sub = Submission(student_id(sid), lms="file", original=rel)
            files = [entry]
        sub.sid = student_id(sub.sid)
        claims.setdefault(sub.sid.lower(), []).extend((f, sub) for f in files)
        if not files:
            claims[sub.sid.lower()].append((None, sub))
    found = Found()
    found.skipped = skipped
    problems = []
    if unnamed:
        problems.append(f"no student id in {unnamed}: put each notebook in a folder named after its student "
                        f"(<folder>/<student id>/{assignment}.ipynb)")
    for key, items in sorted(claims.items()):
        sub = items[0][1]
        sub.late = any(s.late for _, s in items)
        paths = [p for p, _ in items if p is not None]
        notebooks = [p for p in paths if p.suffix == ".ipynb"]
        if len(notebooks) > 1:
            names = ", ".join(repr(str(p.relative_to(root))) for p in notebooks)
            problems.append(f"{len(notebooks)} notebooks claim student {sub.sid}: {names} (keep one, or give them "
                            "different folders)")
            continue
        chosen = notebooks[0] if notebooks else (paths[0] if paths else None)
        sub.path = chosen
        sub.ignored = [str(p.relative_to(root)) for p in paths if p != chosen]
        if chosen is not None:
            sub.original = str(chosen.relative_to(root))
        found[sub.sid] = sub
    if problems:
        raise SubmissionError("; ".join(problems) + ". Nothing was graded or changed.")
    return found


# --- which notebook is it? ---------------------------------------------------------------------------------

def grade_ids(path: Path) -> set[str]:
    """The nbgrader grade_ids of a notebook file (empty when it cannot be read)."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8", errors="replace"))
        return {c["metadata"]["nbgrader"]["grade_id"] for c in raw.get("cells", [])
                if isinstance(c, dict) and isinstance(c.get("metadata", {}).get("nbgrader"), dict)
                and c["metadata"]["nbgrader"].get("grade_id")}
    except Exception:  # not JSON, not a notebook: the grader classifies it
        return set()


@lru_cache(maxsize=64)
def _source_ids(path: str, mtime: float) -> frozenset[str]:
    return frozenset(grade_ids(Path(path)))


def source_ids(path: Path) -> frozenset[str]:
    """grade_ids of a course source notebook (cached)."""
    return _source_ids(str(path), Path(path).stat().st_mtime)


def which_notebook(path: Path, assignment: str, sources: dict[str, Path]) -> str | None:
    """None when `path` may be graded as `assignment`; else why not (the course notebook it really is).

    Decided by nbgrader grade_ids: a notebook that carries grade_ids, none of them this assignment's, was
    not made from this assignment's release. A notebook with no grade_ids at all (cells pasted into a fresh
    notebook) is graded: nbgrader restores the tests.
    """
    ids = grade_ids(path)
    own = source_ids(sources[assignment])
    if not ids or ids & own:
        return None
    best = max(((len(ids & source_ids(src)), name) for name, src in sorted(sources.items()) if name != assignment),
               default=(0, None))
    if best[0]:
        return (f"this is the notebook of {best[1]}, not {assignment} (its graded cells are {best[1]}'s): "
                f"submit {assignment}.ipynb")
    return f"none of its graded cells belong to {assignment} (grade ids {sorted(ids)[:4]}): submit {assignment}.ipynb"


# --- roster -------------------------------------------------------------------------------------------------

@dataclass
class RosterEntry:
    sid: str
    name: str = ""
    email: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""


def read_roster(path: Path) -> list[RosterEntry]:
    """Read a roster: one id per line, or a CSV with a header.

    CSV headers understood: a Canvas gradebook export (`Student, ID, SIS User ID, SIS Login ID, Section`; its
    `Points Possible` row is skipped), a Moodle grading worksheet (`Identifier` = `Participant N`, `Full name`,
    `Email address`), or any CSV with `id` (or `student_id`) and optional `name`, `email` columns.
    """
    text = Path(path).read_text(encoding="utf-8-sig")
    first = text.splitlines()[0] if text.strip() else ""
    if "," not in first:
        return [RosterEntry(student_id(ln)) for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    rows = list(csv.DictReader(io.StringIO(text)))
    cols = {c.strip().lower(): c for c in (rows[0].keys() if rows else [])}
    out = []
    for row in rows:
        get = lambda *names: next((row[cols[n]].strip() for n in names if n in cols and row[cols[n]]), "")  # noqa: E731
        if "identifier" in cols:  # Moodle grading worksheet
            sid = re.sub(r"^\D*", "", get("identifier"))
        else:
            sid = get("id", "student_id", "student id", "sid")
        if not sid or get("student").lower().startswith("points possible"):
            continue
        out.append(RosterEntry(student_id(sid), get("student", "full name", "name"), get("email address", "email"),
                               get("sis user id"), get("sis login id"), get("section")))
    return out


# --- grades out ---------------------------------------------------------------------------------------------

GRADES_COLUMNS = ["student_id", "name", "status", "score", "max_score", "reason", "late", "on_roster", "file"]
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_COLUMNS = ["Identifier", "Full name", "Email address", "Grade", "Maximum Grade", "Last modified (grade)",
                  "Feedback comments"]
NO_LMS_GRADE = ("missing", "review")  # left blank in the LMS files: nothing to upload, or the TA decides first


def _num(x: float) -> str:
    return f"{x:g}"


def write_grades_csv(records: dict[str, dict], path: Path) -> None:
    """grades.csv: one row per student, status and reason next to the score (a 0 is never ambiguous)."""
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(GRADES_COLUMNS)
        for sid in sorted(records):
            r = records[sid]
            w.writerow([sid, r.get("name", ""), r["status"], _num(r["score"]), _num(r["max_score"]), r.get("reason", ""),
                        "late" if r.get("late") else "", {True: "yes", False: "no"}.get(r.get("on_roster"), ""),
                        r.get("file", "")])


def write_canvas_csv(records: dict[str, dict], path: Path, column: str) -> None:
    """A Canvas gradebook import file (Grades > Import): Student, ID, SIS User ID, SIS Login ID, Section, column.

    Canvas matches rows by `ID` (the Canvas user id, which Canvas exports carry), else by SIS User ID / SIS
    Login ID (from a Canvas roster). A blank score leaves Canvas's grade unchanged (missing, review).
    """
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([*CANVAS_COLUMNS, column])
        for sid in sorted(records):
            r = records[sid]
            canvas_id = r.get("lms_id") or (sid if sid.isdigit() else "")
            login = r.get("sis_login_id") or ("" if canvas_id else sid)
            score = "" if r["status"] in NO_LMS_GRADE else _num(r["score"])
            w.writerow([r.get("name", "") or sid, canvas_id, r.get("sis_user_id", ""), login, r.get("section", ""),
                        score])


def write_moodle_csv(records: dict[str, dict], path: Path) -> None:
    """A Moodle offline grading worksheet (Assignment > View all submissions > Upload grading worksheet).

    Moodle requires the columns `Identifier` (`Participant <id>`: the number in Moodle's download folder
    names), `Grade` and `Last modified (grade)` (left blank: tick "Allow updating records that have been
    modified more recently in Moodle than in the spreadsheet" when re-uploading).
    """
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(MOODLE_COLUMNS)
        for sid in sorted(records):
            r = records[sid]
            score = "" if r["status"] in NO_LMS_GRADE else _num(r["score"])
            note = r["status"] if r["status"] == "graded" else f"{r['status']}: {r.get('reason', '')}"
            w.writerow([f"Participant {sid}", r.get("name", ""), r.get("email", ""), score, _num(r["max_score"]), "",
                        note])
