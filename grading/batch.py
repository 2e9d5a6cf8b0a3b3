"""Grade a class's submissions of one assignment into its gradebook: `slm-course grade ASSIGNMENT SUBMISSIONS`.

SUBMISSIONS is a folder or a zip exported by Canvas or Moodle, or a plain folder of `<student>/<notebook>`
(the rules per LMS are in grading/lms.py and grading/README.md). Each student is graded by grading.autograde in
a throwaway course root with its own gradebook (workers run in parallel). OUT (default
build/grading/<assignment>/) is the class's gradebook, an nbgrader course root: a run updates the students it
graded and keeps every other student's result. Trusted code writes, under a lock (one run per OUT):

    results.json        per student: status (graded/review/timeout/crashed/invalid/missing), score, cells, reason
    grades.csv          student_id, name, status, score, max_score, reason, late, on_roster, file
    canvas_grades.csv   Canvas gradebook import (Student, ID, SIS User ID, SIS Login ID, Section, <assignment>)
    moodle_grades.csv   Moodle offline grading worksheet (Identifier, ..., Grade, ...)
    feedback/<student>/<assignment>/<assignment>.html    for every student (nbgrader release_feedback layout)
    gradebook.db, source/, autograded/, nbgrader_config.py   nbgrader's own view (formgrader opens it)
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import html
import inspect
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from sqlalchemy.exc import SAWarning
from tqdm.auto import tqdm

from grading import lms
from grading.autograde import GradeResult, grade_submission, prepare_template, test_points
from grading.course import (CONFIG_FILE, REPO, ensure_bin_on_path, gradebook, known_assignments, source_notebook,
                            write_config)
from grading.lms import DEFAULT_ID_PATTERN, SubmissionError

STATUSES = ("graded", "review", "timeout", "crashed", "invalid", "missing")
FAILED = ("timeout", "crashed", "invalid")
LOCK_NAME = ".grading.lock"


class BatchError(Exception):
    """A run that must change nothing and exit non-zero (message for the TA); `code` is the exit status."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


class Interrupted(BatchError):
    def __init__(self, out: Path):
        super().__init__(f"interrupted: kernels stopped, nothing written; {out} holds the previous results", 130)


def _student_id(text: str) -> str:
    return lms.student_id(text)


def collect(submissions: Path, assignment: str, unpack_to: Path, id_pattern: str | None = None,
            roster: list[str] | None = None) -> dict[str, Path | None]:
    """Student id -> submitted file (None: nothing to grade): `lms.collect_submissions` plus roster names."""
    pattern = None if id_pattern in (None, DEFAULT_ID_PATTERN) else id_pattern
    found: dict[str, Path | None] = {s.sid: s.path for s in
                                     lms.collect_submissions(submissions, assignment, unpack_to, pattern).values()}
    lower = {s.lower() for s in found}
    for sid in map(_student_id, roster or []):
        if sid.lower() not in lower:
            found[sid] = None
    return found


# --- the output folder: lock, previous results, publishing ---------------------------------------------------

class OutputLock:
    """One grading run per output folder (an flock on OUT/.grading.lock, released when the process ends)."""

    def __init__(self, out: Path):
        self.out, self.fh = Path(out), None

    def __enter__(self) -> OutputLock:
        self.out.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.out / LOCK_NAME, "a+")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.seek(0)
            holder = self.fh.read().strip() or "another process"
            self.fh.close()
            raise BatchError(f"{self.out} is being graded by another run ({holder}); nothing was changed. "
                             "Wait for it to finish, or use another --out.", 3) from None
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(f"pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
        self.fh.flush()
        return self

    def __exit__(self, *exc) -> None:
        self.fh.seek(0)
        self.fh.truncate()
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def load_records(out: Path, aid: str) -> dict[str, dict]:
    """The gradebook's current per-student records (empty for a new output folder)."""
    path = Path(out) / "results.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    if data.get("assignment") not in (None, aid):
        raise BatchError(f"{out} is the gradebook of {data['assignment']}, not {aid}: use another --out")
    return data.get("students", {})


def _set_grades(master_db: Path, aid: str, sid: str, cells: dict) -> None:
    """Write one student's per-cell scores into the master gradebook (trusted code)."""
    warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader 0.9.6's own autoflush notices
    with gradebook(master_db) as master:
        master.update_or_create_student(sid)
        master.update_or_create_submission(aid, sid)
        sub = master.find_submission_notebook(aid, aid, sid)
        for grade in sub.grades:
            score = cells.get(grade.name, (0.0, 0.0))[0]
            grade.auto_score, grade.manual_score, grade.needs_manual_grade = float(score), None, False
        master.db.commit()


def merge(master_db: Path, worker_db: Path | None, assignment: str, student: str) -> None:
    """Copy one student's grades from a worker gradebook into the master (zeros if `worker_db` is None)."""
    cells = {}
    if worker_db is not None:
        with gradebook(worker_db) as worker:
            sub = worker.find_submission_notebook(assignment, assignment, student)
            cells = {g.name: (float(g.score or 0), float(g.max_score)) for g in sub.grades}
    _set_grades(master_db, assignment, student, cells)


def _feedback_page(aid: str, sid: str, rec: dict) -> str:
    """Feedback for a student nbgrader could not grade (or under review): what happened and what to do."""
    what = {"graded": "Your notebook was graded; the detailed feedback page could not be made.",
            "missing": "No notebook was received from you for this assignment.",
            "invalid": "Your file could not be graded as this assignment's notebook.",
            "crashed": "Your notebook stopped the grader's Python kernel, so it could not be graded.",
            "timeout": "Your notebook ran past the time limit and was stopped.",
            "review": "Your submission was flagged for review by a TA; its score may change."}[rec["status"]]
    todo = {"invalid": f"Submit your own copy of {aid}.ipynb (File > Download in Jupyter), not another file.",
            "crashed": "Run your notebook top to bottom (Kernel > Restart and run all) before submitting.",
            "timeout": "Run your notebook top to bottom and check that no cell loops forever."}.get(rec["status"], "")
    esc = html.escape
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
            f"{esc(aid)}: feedback for {esc(sid)}</title></head><body>\n"
            f"<h1>{esc(aid)}</h1>\n<p><b>Student:</b> {esc(sid)}</p>\n"
            f"<p><b>Status:</b> {esc(rec['status'])} &mdash; score {rec['score']:g} / {rec['max_score']:g}</p>\n"
            f"<p>{esc(what)}</p>\n<p><b>Reason:</b> {esc(rec.get('reason') or '-')}</p>\n"
            + (f"<p>{esc(todo)}</p>\n" if todo else "") + "</body></html>\n")


def _replace(new: Path, old: Path) -> None:
    """Move `new` onto `old` (file or folder) so that `old` is never half-written."""
    if new.is_dir() and old.exists():
        trash = old.with_name(old.name + ".old")
        shutil.rmtree(trash, ignore_errors=True)
        os.replace(old, trash)
        os.replace(new, old)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        old.parent.mkdir(parents=True, exist_ok=True)
        os.replace(new, old)


def publish(out: Path, aid: str, source: Path, template: Path, records: dict[str, dict], changed: dict[str, dict],
            staged_dirs: dict[str, dict[str, Path]], work: Path, meta: dict, canvas_column: str | None = None) -> dict:
    """Merge `changed` students into the gradebook in `out`, keeping every other record; returns all records.

    Everything is built in a staging folder first and moved into place file by file with os.replace while
    SIGINT is held back, so an interrupted run leaves the previous outputs whole.
    """
    out = Path(out)
    merged = {**records, **changed}
    master = work / "master"
    shutil.copytree(template, master, ignore=shutil.ignore_patterns("release"))
    write_config(master)
    if (out / "gradebook.db").exists():
        shutil.copyfile(out / "gradebook.db", master / "gradebook.db")  # keeps formgrader edits of others
    for sid in sorted(changed):
        _set_grades(master / "gradebook.db", aid, sid, {k: tuple(v) for k, v in changed[sid]["cells"].items()})
    staged = out / f".staging-{os.getpid()}"
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir()
    try:
        _stage(out, aid, source, master, merged, changed, staged, meta, canvas_column)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if threading.current_thread() is threading.main_thread() else None
    try:
        for sid in sorted(changed):
            for kind, path in staged_dirs.get(sid, {}).items():
                if path.exists():
                    _replace(path, out / kind / sid)
        for name in ("gradebook.db", "grades.csv", "canvas_grades.csv", "moodle_grades.csv", "nbgrader_config.py",
                     "results.json"):
            _replace(staged / name, out / name)
        _replace(staged / "source", out / "source")
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)
        shutil.rmtree(staged, ignore_errors=True)
    return merged


def _stage(out: Path, aid: str, source: Path, master: Path, merged: dict, changed: dict, staged: Path, meta: dict,
           canvas_column: str | None) -> None:
    """Write the new gradebook files into `staged` (nothing in `out` changes here)."""
    shutil.copyfile(master / "gradebook.db", staged / "gradebook.db")
    counts = {s: sum(r["status"] == s for r in merged.values()) for s in STATUSES}
    secs = meta.get("seconds") or 0
    (staged / "results.json").write_text(json.dumps(
        {"assignment": aid, "counts": counts, "last_run": meta, "seconds": secs,  # timings: the only run-to-run change
         "submissions_per_minute": round(len(changed) / secs * 60, 2) if secs else None, "students": {s: merged[s] for s in sorted(merged)}},
        indent=1, sort_keys=False) + "\n")
    lms.write_grades_csv(merged, staged / "grades.csv")
    lms.write_canvas_csv(merged, staged / "canvas_grades.csv", canvas_column or aid)
    lms.write_moodle_csv(merged, staged / "moodle_grades.csv")
    (staged / "nbgrader_config.py").write_text(
        "# This output folder is an nbgrader course root: `cd` here and run `nbgrader formgrader` or\n"
        "# `nbgrader release_feedback` (see grading/README.md). Written by grading/batch.py.\n"
        "import os\nc = get_config()  # noqa: F821\n"
        "c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))\n"
        f"c.CourseDirectory.course_id = {'slm-course'!r}\nc.CourseDirectory.db_url = "
        "'sqlite:///' + os.path.join(c.CourseDirectory.root, 'gradebook.db')\n")
    (staged / "source" / aid).mkdir(parents=True)
    shutil.copyfile(source, staged / "source" / aid / f"{aid}.ipynb")


# --- grading ------------------------------------------------------------------------------------------------

def cached_template(source: Path, out: Path, work: Path) -> Path:
    """The assignment's template root (prepare_template), kept in OUT/.cache (hidden from kernels) per source."""
    import nbgrader

    key = hashlib.sha256(source.read_bytes() + CONFIG_FILE.read_bytes() + nbgrader.__version__.encode()).hexdigest()
    cache = Path(out) / ".cache"
    cached = cache / f"template-{source.stem}-{key[:16]}"
    if (cached / "gradebook.db").exists():
        return cached
    built = prepare_template(source, work / "template")
    staging = cache / f".tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(built, staging)
    for old in cache.glob(f"template-{source.stem}-*"):
        shutil.rmtree(old, ignore_errors=True)
    os.replace(staging, cached)
    return cached


def parse_shard(shard: str | None) -> tuple[int, int] | None:
    if not shard:
        return None
    try:
        i, n = (int(x) for x in shard.split("/"))
    except ValueError:
        raise BatchError(f"--shard {shard}: expected I/N, e.g. 1/4") from None
    if n < 1 or not 1 <= i <= n:
        raise BatchError(f"--shard {shard} is outside 1..{max(n, 1)}: shards count from 1 (1/{max(n, 1)} ... "
                         f"{max(n, 1)}/{max(n, 1)}; for a 0-based array index use $((INDEX + 1))/{max(n, 1)})")
    return i, n


def _kill_work_processes(work: Path) -> set[int]:
    """Kill every process (nbgrader worker, kernel) whose command line names this run's work folder."""
    marker, mine, killed = str(work).encode(), os.getpgid(0), set()
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit() or int(pid_dir.name) == os.getpid():
            continue
        try:
            if marker in (pid_dir / "cmdline").read_bytes():
                pgid = os.getpgid(int(pid_dir.name))
                os.kill(int(pid_dir.name), signal.SIGKILL)
                killed.add(int(pid_dir.name))
                if pgid != mine:
                    os.killpg(pgid, signal.SIGKILL)
        except (OSError, ProcessLookupError):
            pass
    return killed


def _wait_gone(pids: set[int], seconds: float = 5.0) -> None:
    """Wait until killed processes are gone (or zombies, which hold no memory and run nothing)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = []
        for pid in pids:
            try:
                if Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[-1][:1] != "Z":
                    alive.append(pid)
            except OSError:
                pass
        if not alive:
            return
        time.sleep(0.05)


def _record(result: GradeResult, sub: lms.Submission | None, roster: dict[str, lms.RosterEntry] | None) -> dict:
    rec = result.to_json()
    rec.pop("raw_cells", None)
    rec["cells"] = {k: list(v) for k, v in rec["cells"].items()}
    review = list(getattr(result, "review", None) or [])
    raw = getattr(result, "raw_cells", None)
    rec["isolation"] = getattr(result, "isolation", None)
    rec["review"] = review
    if raw is not None:
        rec["raw_cells"] = {k: list(v) for k, v in raw.items()}
    if rec["status"] == "graded" and review:
        rec["status"] = "review"
        rec["reason"] = "flagged for review: " + "; ".join(review)
    rec["accepted_by_ta"] = False
    sid = sub.sid if sub else ""
    entry = (roster or {}).get(sid.lower())
    rec["name"] = (entry.name if entry and entry.name else (sub.name if sub else "")) or ""
    rec["email"] = entry.email if entry else ""
    rec["sis_user_id"] = entry.sis_user_id if entry else ""
    rec["sis_login_id"] = entry.sis_login_id if entry else ""
    rec["section"] = entry.section if entry else ""
    rec["lms"] = sub.lms if sub else ""
    rec["lms_id"] = sid if sub and sub.lms == "canvas" else ""
    rec["late"] = bool(sub and sub.late)
    rec["file"] = sub.original if sub and sub.path else ""
    if sub and sub.ignored:
        rec["reason"] = (rec["reason"] + "; " if rec["reason"] else "") + f"also submitted, not graded: {sub.ignored}"
    rec["on_roster"] = None if roster is None else entry is not None
    return rec


def grade_batch(assignment: str | Path, submissions: Path, out: Path | None = None, *, workers: int = 2,
                timeout: float = 900, cell_timeout: int | None = None, memory_gb: float = 6.0,
                env: dict | None = None, id_pattern: str | None = None, roster: list | None = None,
                progress: bool = True, shard: str | None = None, unsafe: bool = False,
                canvas_column: str | None = None, log=print) -> dict[str, GradeResult]:
    """Grade the students found in `submissions` into the gradebook `out`; returns this run's results.

    roster: ids (str) or lms.RosterEntry; roster students with no submission and no earlier result are
    `missing`. shard "I/N" (I from 1): grade only the I-th of N slices of the sorted students.
    Raises BatchError (nothing changed) when no students are found, the shard is out of range, the output is
    locked, or the export is ambiguous; Interrupted on Ctrl-C.
    """
    ensure_bin_on_path()
    source = source_notebook(assignment)
    aid = source.stem
    out = Path(out) if out else REPO / "build" / "grading" / aid
    pick = parse_shard(shard)
    start = time.monotonic()
    entries = [r if isinstance(r, lms.RosterEntry) else lms.RosterEntry(_student_id(r)) for r in roster or []]
    by_id = {e.sid.lower(): e for e in entries} if roster is not None else None
    pattern = None if id_pattern in (None, DEFAULT_ID_PATTERN) else id_pattern
    with tempfile.TemporaryDirectory(prefix="slm-batch-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        try:
            subs = lms.collect_submissions(Path(submissions), aid, work / "unpacked", pattern)
        except SubmissionError as exc:
            raise BatchError(str(exc)) from None
        if subs.skipped:
            log(f"not a submission, skipped: {', '.join(subs.skipped)}")
        if not subs:
            raise BatchError(f"no submissions found in {submissions}: nothing was graded or changed. Expected a "
                             "Canvas or Moodle export, or one folder per student (see grading/README.md)")
        if by_id is not None:  # the roster's spelling of an id wins; case does not matter
            subs = {(by_id[s.lower()].sid if s.lower() in by_id else s): sub for s, sub in subs.items()}
            for sid, sub in subs.items():
                sub.sid = sid
        with OutputLock(out):
            previous = load_records(out, aid)
            prev_lower = {s.lower(): s for s in previous}
            if by_id is None:  # no roster: the gradebook's spelling of an id wins (`Alice` regraded as `alice`)
                subs = {prev_lower.get(s.lower(), s): sub for s, sub in subs.items()}
                for sid, sub in subs.items():
                    sub.sid = sid
            found_lower = {s.lower() for s in subs}
            for e in entries:  # absent from this export: missing, unless the gradebook already has them
                if e.sid.lower() not in found_lower and e.sid.lower() not in prev_lower:
                    subs[e.sid] = lms.Submission(e.sid, None, e.name, lms="roster")
            order = sorted(subs)
            if pick:
                order = [sid for k, sid in enumerate(order) if k % pick[1] == pick[0] - 1]
                if not order:
                    raise BatchError(f"shard {shard} holds no students ({len(subs)} in all): nothing changed")
            results, records, template = _grade_all(source, aid, out, work, Path(submissions), subs, order, by_id, workers=workers,
                                          timeout=timeout, cell_timeout=cell_timeout, memory_gb=memory_gb, env=env,
                                          progress=progress, unsafe=unsafe)
            meta = {"seconds": round(time.monotonic() - start, 1), "workers": workers, "shard": shard,
                    "graded_now": sorted(records)}
            allrec = publish(out, aid, source, template, previous, records,
                             {sid: {"feedback": work / "feedback" / sid, "autograded": work / "autograded" / sid}
                              for sid in records}, work, meta, canvas_column)
    not_on = sorted(s for s, r in records.items() if r.get("on_roster") is False)
    if not_on:
        log(f"{len(not_on)} not on the roster (graded anyway): {', '.join(not_on)}")
    grade_batch.last_records = (records, allrec)
    return results


def _grade_all(source: Path, aid: str, out: Path, work: Path, submissions: Path, subs: dict[str, lms.Submission], order: list[str],
               by_id: dict | None, *, workers: int, timeout: float, cell_timeout: int | None, memory_gb: float,
               env: dict | None, progress: bool, unsafe: bool) -> tuple[dict[str, GradeResult], dict[str, dict], Path]:
    """Grade `order` (wrong notebooks and missing ones without a kernel); Ctrl-C kills everything and raises."""
    stop = threading.Event()
    results: dict[str, GradeResult] = {}
    try:
        template = cached_template(source, out, work)
        points = test_points(template, aid)
        zero = {gid: (0.0, pts) for gid, pts in points.items()}
        total = sum(points.values())
        sources = {name: source_notebook(name) for name in known_assignments()}
        sources[aid] = source
        accepts_unsafe = "unsafe" in inspect.signature(grade_submission).parameters

        def one(sid: str) -> GradeResult:
            sub = subs[sid]
            if sub.path is None:
                return GradeResult("missing", 0.0, total, dict(zero), "no notebook submitted")
            wrong = lms.which_notebook(sub.path, aid, sources) if sub.path.suffix == ".ipynb" else None
            if wrong:
                return GradeResult("invalid", 0.0, total, dict(zero), wrong)
            if sub.path.suffix != ".ipynb" and not sub.path.read_bytes()[:1] in (b"{", b" ", b"\n"):
                return GradeResult("invalid", 0.0, total, dict(zero), f"not a notebook: {Path(sub.original).name}")
            fb = work / "feedback" / sid / aid / f"{aid}.html"
            kwargs = dict(env=env, timeout=timeout, cell_timeout=cell_timeout, memory_gb=memory_gb,
                          template=template, workdir=work / "students" / sid, student=sid, mask=work,
                          hide=[Path(submissions).resolve(), out.resolve()], feedback=fb)
            if accepts_unsafe:
                kwargs["unsafe"] = unsafe
            result = None
            for attempt in (1, 2):  # dead kernels: retry once, then 0 with the reason
                if stop.is_set():
                    raise KeyboardInterrupt
                result = grade_submission(source, sub.path, **kwargs)
                if result.status != "crashed":
                    break
            if stop.is_set():
                raise KeyboardInterrupt
            if result.status == "crashed":
                result.reason = f"{result.reason} (after one retry)"
            return result

        pool = ThreadPoolExecutor(max_workers=max(1, workers))
        futures = {pool.submit(one, sid): sid for sid in order}
        bar = tqdm(total=len(futures), desc=f"grading {aid}", unit="student", disable=not progress)
        try:
            for fut in as_completed(futures):
                sid = futures[fut]
                try:
                    results[sid] = fut.result()
                except Exception as exc:  # our bug or nbgrader's: still one clear line per student
                    if type(exc).__name__ == "IsolationUnavailable":
                        raise BatchError(f"{exc} (or pass --unsafe to grade without a sandbox)") from None
                    results[sid] = GradeResult("crashed", 0.0, total, dict(zero), f"grader error: {exc!r}"[:300])
                bar.set_postfix_str(f"{sid}: {results[sid].status}")
                bar.update()
        finally:
            if len(results) < len(futures):  # interrupted or aborted: stop every worker and kernel now
                if threading.current_thread() is threading.main_thread():
                    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C: no second traceback
                stop.set()
                for f in futures:
                    f.cancel()
                deadline, killed = time.monotonic() + 3, set()  # a worker thread may take a while to notice
                while time.monotonic() < deadline:
                    killed |= _kill_work_processes(work)
                    if all(f.done() for f in futures):
                        break
                    time.sleep(0.2)
                _wait_gone(killed | _kill_work_processes(work))
            pool.shutdown(wait=False, cancel_futures=True)
            bar.close()
    except KeyboardInterrupt:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop.set()
        _wait_gone(_kill_work_processes(work))
        raise Interrupted(out) from None

    records = {}
    for sid in order:
        rec = _record(results[sid], subs[sid], by_id)
        results[sid].status = rec["status"]
        results[sid].reason = rec["reason"]
        records[sid] = rec
        fb = work / "feedback" / sid / aid / f"{aid}.html"
        if rec["status"] != "graded" or not fb.exists():
            fb.parent.mkdir(parents=True, exist_ok=True)
            if rec["status"] == "review" and fb.exists():
                text = fb.read_text()
                banner = ("<div style=\"border:2px solid #c60;padding:8px\"><b>Under review by a TA:</b> "
                          "the score below may change.</div>")
                fb.write_text(text.replace("<body>", "<body>\n" + banner, 1) if "<body>" in text else text)
            elif rec["status"] == "graded":
                fb.write_text(_feedback_page(aid, sid, rec))
            else:
                fb.write_text(_feedback_page(aid, sid, rec))
        graded_nb = work / "students" / sid / "course" / "autograded" / sid / aid
        if graded_nb.exists():
            shutil.copytree(graded_nb, work / "autograded" / sid / aid)
    return results, records, template


def accept(assignment: str | Path, out: Path, students: list[str], canvas_column: str | None = None) -> dict[str, dict]:
    """The TA accepts flagged (`review`) submissions: re-publish them with their per-cell scores before zeroing."""
    ensure_bin_on_path()
    source = source_notebook(assignment)
    aid = source.stem
    out = Path(out) if out else REPO / "build" / "grading" / aid
    if not (out / "results.json").exists():
        raise BatchError(f"{out} holds no gradebook yet: grade the class first")
    with tempfile.TemporaryDirectory(prefix="slm-accept-") as tmp, OutputLock(out):
        work = Path(tmp)
        records = load_records(out, aid)
        lower = {s.lower(): s for s in records}
        unknown = [s for s in students if s.lower() not in lower]
        not_flagged = [lower[s.lower()] for s in students if s.lower() in lower
                       and records[lower[s.lower()]]["status"] != "review"]
        if unknown or not_flagged:
            flagged = sorted(s for s, r in records.items() if r["status"] == "review")
            raise BatchError(f"cannot accept {unknown + not_flagged}: " + (f"not in the gradebook {unknown}; " if unknown else "")
                             + (f"not flagged for review {not_flagged}; " if not_flagged else "")
                             + f"flagged now: {flagged or 'none'}")
        changed = {}
        for s in students:
            sid = lower[s.lower()]
            rec = dict(records[sid])
            raw = rec.get("raw_cells") or rec["cells"]
            rec["cells"] = {k: list(v) for k, v in raw.items()}
            rec["score"] = sum(v[0] for v in raw.values())
            rec["status"], rec["accepted_by_ta"] = "graded", True
            rec["reason"] = "accepted by the TA after review: " + "; ".join(rec.get("review") or [])
            changed[sid] = rec
        template = cached_template(source, out, work)
        publish(out, aid, source, template, records, changed, {}, work,
                {"accepted": sorted(changed)}, canvas_column)
    return changed


def merge_outputs(assignment: str | Path, parts: list[Path], out: Path) -> dict[str, GradeResult]:
    """Apply the output folders of sharded runs (`--shard I/N`), in the order given, to the gradebook `out`.

    A student found in several parts takes the result of the last part that holds them (reported).
    """
    ensure_bin_on_path()
    source = source_notebook(assignment)
    aid, out = source.stem, Path(out)
    changed: dict[str, dict] = {}
    dirs: dict[str, dict[str, Path]] = {}
    origin: dict[str, Path] = {}
    for part in map(Path, parts):
        if not (part / "results.json").exists():
            raise BatchError(f"{part} holds no results.json: not a grading output folder")
        for sid, r in load_records(part, aid).items():
            if sid in origin:
                print(f"{sid}: the result from {part} replaces the one from {origin[sid]}")
            origin[sid] = part
            changed[sid] = r
            fb = part / "feedback" / sid
            dirs[sid] = {"feedback": fb, "autograded": part / "autograded" / sid}
    with tempfile.TemporaryDirectory(prefix="slm-merge-") as tmp, OutputLock(out):
        work = Path(tmp)
        copies = {}
        for sid, d in dirs.items():  # copy: the parts stay as they are
            copies[sid] = {}
            for kind, path in d.items():
                if path.exists():
                    copies[sid][kind] = work / kind / sid
                    shutil.copytree(path, copies[sid][kind])
        template = cached_template(source, out, work)
        publish(out, aid, source, template, load_records(out, aid), changed, copies, work,
                {"merged_from": [str(p) for p in parts]})
    return {sid: GradeResult(r["status"], r["score"], r["max_score"], {k: tuple(v) for k, v in r["cells"].items()},
                             r.get("reason", ""), r.get("seconds", 0.0)) for sid, r in changed.items()}


def summary_line(results: dict, seconds: float, workers: int) -> str:
    """`9 students: 5 graded, 1 flagged for review, 2 failed, 1 missing in 40 s (...)`."""
    status = {sid: (r["status"] if isinstance(r, dict) else r.status) for sid, r in results.items()}
    count = {s: sum(v == s for v in status.values()) for s in STATUSES}
    failed = sum(count[s] for s in FAILED)
    rate = len(results) / seconds * 60 if seconds else 0
    flagged = f", {count['review']} flagged for review" if count["review"] else ""
    who = "student" if len(results) == 1 else "students"
    return (f"{len(results)} {who}: {count['graded']} graded{flagged}, {failed} failed, {count['missing']} missing "
            f"in {seconds:.0f} s ({rate:.1f} submissions/min, {workers} workers)")


def _student_line(sid: str, r: dict) -> str:
    late = " LATE" if r.get("late") else ""
    return f"{sid:<24} {r['status']:<8} {r['score']:>6g} / {r['max_score']:g}{late}  {r.get('reason', '')}"


def _exit_now(message: str) -> None:
    """Ctrl-C: one line, then exit without waiting for worker threads still unwinding (kernels are dead)."""
    print(message, file=sys.stderr, flush=True)
    sys.stdout.flush()
    os._exit(130)


def main(argv: list[str] | None = None) -> int:
    """CLI: `slm-course grade ASSIGNMENT SUBMISSIONS [--out DIR] [--roster FILE] [--workers N] ...`."""
    parser = argparse.ArgumentParser(prog="slm-course grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment", help="assignment name (e.g. 02_downcasting; see solutions/) or a source .ipynb")
    parser.add_argument("submissions", type=Path, nargs="?",
                        help="Canvas/Moodle export (zip or folder), or a folder of <student>/<notebook>.ipynb")
    parser.add_argument("--out", type=Path, help="the gradebook folder (default build/grading/<assignment>/)")
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) // 2), help="parallel students")
    parser.add_argument("--timeout", type=float, default=900, help="wall-clock limit per notebook, seconds")
    parser.add_argument("--cell-timeout", type=int, default=None, help="limit per cell, seconds (default 600)")
    parser.add_argument("--memory", type=float, default=6.0, help="kernel address-space cap, GB")
    parser.add_argument("--quick", action="store_true", help="SLM_QUICK=1 in the kernel (smaller training)")
    parser.add_argument("--id-pattern", default=None,
                        help="regex with (?P<sid>...) for file names (overrides the Canvas/Moodle rules)")
    parser.add_argument("--roster", type=Path, help="one id per line, or a Canvas/Moodle roster CSV (see README)")
    parser.add_argument("--shard", help="I/N (I from 1): grade only the I-th of N slices of the students")
    parser.add_argument("--merge", type=Path, nargs="+", metavar="DIR", help="apply the --out folders of shards")
    parser.add_argument("--accept", nargs="+", metavar="STUDENT", help="accept flagged (review) students as scored")
    parser.add_argument("--unsafe", action="store_true", help="grade even when no sandbox works (trusted students)")
    parser.add_argument("--canvas-column", help="assignment column of canvas_grades.csv, e.g. 'Downcasting (4321)'")
    args = parser.parse_args(argv)
    ensure_bin_on_path()
    try:
        source = source_notebook(args.assignment)
    except ValueError as exc:
        parser.error(str(exc))
    out = args.out or REPO / "build" / "grading" / source.stem
    start = time.monotonic()
    try:
        if args.accept:
            for sid, r in sorted(accept(source, out, args.accept, args.canvas_column).items()):
                print(_student_line(sid, r))
            return 0
        if args.merge:
            results = merge_outputs(source, args.merge, out)
            print(summary_line(results, 0, 0).split(" in ")[0] + f" merged into {out}")
            return 0
        if args.submissions is None:
            parser.error("SUBMISSIONS is required (unless --merge or --accept)")
        roster = lms.read_roster(args.roster) if args.roster else None
        grade_batch(source, args.submissions, out, workers=args.workers, timeout=args.timeout,
                    cell_timeout=args.cell_timeout, memory_gb=args.memory,
                    env={"SLM_QUICK": "1"} if args.quick or os.environ.get("SLM_QUICK") == "1" else None, id_pattern=args.id_pattern, roster=roster,
                    shard=args.shard, unsafe=args.unsafe, canvas_column=args.canvas_column)
    except Interrupted as exc:
        _exit_now(str(exc))
    except BatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:  # outside the grading loop (start-up, template)
        _exit_now(str(Interrupted(out)))
    records, allrec = grade_batch.last_records
    for sid in sorted(records):
        print(_student_line(sid, records[sid]))
    print(summary_line(records, time.monotonic() - start, args.workers))
    if set(allrec) != set(records):
        print(f"gradebook {out}: " + summary_line(allrec, 0, 0).split(" in ")[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
