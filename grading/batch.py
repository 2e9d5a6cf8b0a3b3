"""Grade every submission of one assignment: `slm-course grade ASSIGNMENT SUBMISSIONS`.

SUBMISSIONS is a folder of `<student>/<notebook>.ipynb` or a zip exported by an LMS (one file per student,
the student id at the start of the file name, e.g. `jdoe_12345_01_parameter_counting.ipynb`, or
`<student>/<notebook>.ipynb` inside the zip). Each student is graded by grading.autograde in a throwaway
course root with its own gradebook (workers run in parallel); trusted code then merges the per-student
gradebooks into one master gradebook, exports grades.csv with nbgrader, and writes, atomically, into
OUT (default build/grading/<assignment>/):

    gradebook.db   master nbgrader gradebook (every student, every test cell)
    grades.csv     `nbgrader export` (CsvExportPlugin)
    results.json   per student: status (graded/timeout/crashed/invalid/missing), score, reason, seconds
    feedback/<student>/<assignment>.html   feedback with hidden tests removed
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from sqlalchemy.exc import SAWarning
from tqdm.auto import tqdm

from grading.autograde import GradeResult, grade_submission, prepare_template
from grading.course import REPO, ensure_bin_on_path, gradebook, source_notebook, write_config

SAFE_ID = re.compile(r"[^A-Za-z0-9_.@-]+")
DEFAULT_ID_PATTERN = r"^(?P<sid>[^_/\\ ]+)"


def _student_id(text: str) -> str:
    return SAFE_ID.sub("-", text).strip("-.") or "unknown"


def collect(submissions: Path, assignment: str, unpack_to: Path, id_pattern: str = DEFAULT_ID_PATTERN,
            roster: list[str] | None = None) -> dict[str, Path | None]:
    """Map student id -> submitted notebook (None: nothing to grade) from a folder or an LMS zip."""
    found: dict[str, Path | None] = {_student_id(s): None for s in roster or []}
    submissions = Path(submissions)
    if submissions.is_file() and zipfile.is_zipfile(submissions):
        with zipfile.ZipFile(submissions) as zf:
            for info in sorted(zf.infolist(), key=lambda i: i.filename):
                name = info.filename.replace("\\", "/")
                if info.is_dir() or "__MACOSX" in name or Path(name).name.startswith("."):
                    continue
                parts = name.split("/")
                if len(parts) > 1:
                    sid = _student_id(parts[0])
                else:
                    match = re.search(id_pattern, parts[0])
                    sid = _student_id(match.group("sid") if match else Path(parts[0]).stem)
                dest = unpack_to / sid / _student_id(parts[-1])  # our own name: no zip-slip
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out)
                found.setdefault(sid, None)
        folders = sorted(p for p in unpack_to.iterdir() if p.is_dir()) if unpack_to.exists() else []
    elif submissions.is_dir():
        folders = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
    else:
        raise FileNotFoundError(f"{submissions} is neither a folder nor a zip file")
    for folder in folders:
        sid = _student_id(folder.name)
        exact = folder / f"{assignment}.ipynb"
        if not exact.exists() and (folder / assignment / f"{assignment}.ipynb").exists():
            exact = folder / assignment / f"{assignment}.ipynb"  # nbgrader's submitted/<student>/<assignment>/
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        notebooks = [p for p in files if p.suffix == ".ipynb"]
        # exact name first; else a renamed notebook; else any other file (graded as invalid, with a reason)
        found[sid] = exact if exact.exists() else (notebooks or files or [None])[0]
    return found


def merge(master_db: Path, worker_db: Path | None, assignment: str, student: str) -> None:
    """Copy one student's grades from a worker gradebook into the master (zeros if `worker_db` is None)."""
    warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader 0.9.6's own autoflush notices
    scores = {}
    if worker_db is not None:
        with gradebook(worker_db) as worker:
            sub = worker.find_submission_notebook(assignment, assignment, student)
            scores = {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade) for g in sub.grades}
    with gradebook(master_db) as master:
        master.update_or_create_student(student)
        master.update_or_create_submission(assignment, student)
        sub = master.find_submission_notebook(assignment, assignment, student)
        for grade in sub.grades:
            auto, manual, needs = scores.get(grade.name, (0.0, None, False))
            grade.auto_score, grade.manual_score, grade.needs_manual_grade = auto, manual, needs
        master.db.commit()


def _export_csv(master_root: Path, dest: Path) -> None:
    """`nbgrader export` (CsvExportPlugin) over the master gradebook."""
    cmd = [sys.executable, "-m", "nbgrader", "export", f"--CsvExportPlugin.to={dest}"]
    proc = subprocess.run(cmd, cwd=master_root, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader export failed:\n{proc.stdout}\n{proc.stderr}")


def _replace_dir(new: Path, old: Path) -> None:
    if old.exists():
        trash = old.with_name(old.name + ".old")
        shutil.rmtree(trash, ignore_errors=True)
        os.replace(old, trash)
        os.replace(new, old)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        os.replace(new, old)


def grade_batch(assignment: str | Path, submissions: Path, out: Path | None = None, *, workers: int = 2,
                timeout: float = 900, cell_timeout: int | None = None, memory_gb: float = 6.0,
                env: dict | None = None, id_pattern: str = DEFAULT_ID_PATTERN, roster: list[str] | None = None,
                progress: bool = True, shard: str | None = None) -> dict[str, GradeResult]:
    """Grade every student's submission; write gradebook.db, grades.csv, results.json, feedback/ into `out`.

    shard "I/N": grade only the I-th of N slices of the sorted students (one CI matrix job or batch job
    each); `merge_outputs` then combines the N output folders.
    """
    ensure_bin_on_path()
    source = source_notebook(assignment)
    aid = source.stem
    out = Path(out) if out else REPO / "build" / "grading" / aid
    out.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    results: dict[str, GradeResult] = {}
    with tempfile.TemporaryDirectory(prefix="slm-batch-") as tmp:
        work = Path(tmp)
        students = collect(Path(submissions), aid, work / "unpacked", id_pattern, roster)
        if shard:
            i, n = (int(x) for x in shard.split("/"))
            students = {sid: p for k, (sid, p) in enumerate(sorted(students.items())) if k % n == i - 1}
        template = prepare_template(source, work / "template")
        staged = out / ".staging"
        shutil.rmtree(staged, ignore_errors=True)
        (staged / "feedback").mkdir(parents=True)
        hide = [Path(submissions).resolve(), out.resolve()]  # other students' files, the master outputs

        def one(sid: str) -> GradeResult:
            kwargs = dict(env=env, timeout=timeout, cell_timeout=cell_timeout, memory_gb=memory_gb,
                          template=template, workdir=work / "students" / sid, student=sid, mask=work, hide=hide,
                          feedback=staged / "feedback" / sid / f"{aid}.html")
            path = students[sid] if students[sid] is not None else work / "none" / f"{aid}.ipynb"
            result = grade_submission(source, path, **kwargs)
            if result.status == "crashed":  # dead kernels: retry once, then 0 with the reason
                result = grade_submission(source, path, **kwargs)
                result.reason = f"{result.reason} (after one retry)" if result.status == "crashed" else result.reason
            return result

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {pool.submit(one, sid): sid for sid in sorted(students)}
            bar = tqdm(total=len(futures), desc=f"grading {aid}", unit="student", disable=not progress)
            for fut in as_completed(futures):
                sid = futures[fut]
                try:
                    results[sid] = fut.result()
                except Exception as exc:  # our bug or nbgrader's: still one clear line per student
                    results[sid] = GradeResult("crashed", reason=f"grader error: {exc!r}"[:300])
                bar.set_postfix_str(f"{sid}: {results[sid].status}")
                bar.update()
            bar.close()

        # trusted code only from here: merge per-student gradebooks into a fresh master, export, swap in
        dbs = {sid: work / "students" / sid / "course" / "gradebook.db" for sid, r in results.items()
               if r.status == "graded"}
        _publish(template, work / "master", dbs, results, staged, out, aid,
                 {"seconds": round(time.monotonic() - start, 1), "workers": workers, "shard": shard})
    return results


def _publish(template: Path, master: Path, dbs: dict[str, Path], results: dict[str, GradeResult], staged: Path,
             out: Path, aid: str, meta: dict) -> None:
    """Build the master gradebook from per-student ones (zeros where none), export, swap into `out`."""
    shutil.copytree(template, master, ignore=shutil.ignore_patterns("release"))
    write_config(master)  # the copied config still names the template's root and gradebook
    for sid in sorted(results):
        merge(master / "gradebook.db", dbs.get(sid), aid, sid)
    _export_csv(master, staged / "grades.csv")
    shutil.copyfile(master / "gradebook.db", staged / "gradebook.db")
    secs = meta.get("seconds") or 0
    summary = {"assignment": aid, **meta,
               "submissions_per_minute": round(len(results) / secs * 60, 2) if secs else None,
               "counts": {s: sum(r.status == s for r in results.values())
                          for s in ("graded", "timeout", "crashed", "invalid", "missing")},
               "students": {sid: results[sid].to_json() for sid in sorted(results)}}
    (staged / "results.json").write_text(json.dumps(summary, indent=1))
    for name in ("gradebook.db", "grades.csv", "results.json"):
        os.replace(staged / name, out / name)
    _replace_dir(staged / "feedback", out / "feedback")
    shutil.rmtree(staged, ignore_errors=True)


def merge_outputs(assignment: str | Path, parts: list[Path], out: Path) -> dict[str, GradeResult]:
    """Combine the output folders of sharded runs (`--shard I/N`) into one: gradebook, CSV, results, feedback."""
    source = source_notebook(assignment)
    aid, out = source.stem, Path(out)
    results: dict[str, GradeResult] = {}
    dbs: dict[str, Path] = {}
    staged = out / ".staging"
    shutil.rmtree(staged, ignore_errors=True)
    (staged / "feedback").mkdir(parents=True)
    for part in map(Path, parts):
        for sid, r in json.loads((part / "results.json").read_text())["students"].items():
            results[sid] = GradeResult(**{**r, "cells": {k: tuple(v) for k, v in r["cells"].items()}})
            dbs[sid] = part / "gradebook.db"  # holds this student's grades (zeros when not graded)
            if (part / "feedback" / sid).exists():
                shutil.copytree(part / "feedback" / sid, staged / "feedback" / sid)
    with tempfile.TemporaryDirectory(prefix="slm-merge-") as tmp:
        template = prepare_template(source, Path(tmp) / "template")
        _publish(template, Path(tmp) / "master", dbs, results, staged, out, aid, {"merged_from": [str(p) for p in parts]})
    return results


def summary_line(results: dict[str, GradeResult], seconds: float, workers: int) -> str:
    graded = sum(r.status == "graded" for r in results.values())
    missing = sum(r.status == "missing" for r in results.values())
    failed = len(results) - graded - missing
    rate = len(results) / seconds * 60 if seconds else 0
    return (f"{len(results)} students: {graded} graded, {failed} failed, {missing} missing "
            f"in {seconds:.0f} s ({rate:.1f} submissions/min, {workers} workers)")


def main(argv: list[str] | None = None) -> int:
    """CLI: `slm-course grade ASSIGNMENT SUBMISSIONS [--out DIR] [--workers N] [--timeout S] [--memory GB]`."""
    parser = argparse.ArgumentParser(prog="slm-course grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment", help="notebook stem in solutions/ (e.g. 01_parameter_counting) or a source .ipynb")
    parser.add_argument("submissions", type=Path, nargs="?", help="folder of <student>/<notebook>.ipynb, or an LMS zip")
    parser.add_argument("--out", type=Path, help="output folder (default build/grading/<assignment>/)")
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) // 2), help="parallel students")
    parser.add_argument("--timeout", type=float, default=900, help="wall-clock limit per notebook, seconds")
    parser.add_argument("--cell-timeout", type=int, default=None, help="limit per cell, seconds (default 600)")
    parser.add_argument("--memory", type=float, default=6.0, help="kernel address-space cap, GB")
    parser.add_argument("--quick", action="store_true", help="SLM_QUICK=1 in the kernel (smaller training)")
    parser.add_argument("--id-pattern", default=DEFAULT_ID_PATTERN, help="regex with (?P<sid>...) for zip file names")
    parser.add_argument("--roster", type=Path, help="file with one student id per line (absent ones: missing)")
    parser.add_argument("--shard", help="I/N: grade only the I-th of N slices of the students (CI matrix jobs)")
    parser.add_argument("--merge", type=Path, nargs="+", metavar="DIR", help="combine the --out folders of shards")
    args = parser.parse_args(argv)
    ensure_bin_on_path()
    try:
        source_notebook(args.assignment)
    except ValueError as exc:
        parser.error(str(exc))
    if args.merge:
        results = merge_outputs(args.assignment, args.merge, args.out or REPO / "build" / "grading" / Path(args.assignment).stem)
        print(summary_line(results, 0, 0).split(" in ")[0])
        return 0
    if args.submissions is None:
        parser.error("SUBMISSIONS is required (unless --merge)")
    roster = [ln.strip() for ln in args.roster.read_text().splitlines() if ln.strip()] if args.roster else None
    start = time.monotonic()
    results = grade_batch(args.assignment, args.submissions, args.out, workers=args.workers, timeout=args.timeout,
                          cell_timeout=args.cell_timeout, memory_gb=args.memory,
                          env={"SLM_QUICK": "1"} if args.quick else None, id_pattern=args.id_pattern, roster=roster,
                          shard=args.shard)
    for sid, r in sorted(results.items()):
        print(f"{sid:<24} {r.status:<8} {r.score:>6g} / {r.max_score:g}  {r.reason}")
    print(summary_line(results, time.monotonic() - start, args.workers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
