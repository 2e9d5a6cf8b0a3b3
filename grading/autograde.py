"""Grade one student's notebook with nbgrader, in a throwaway course root and a sandboxed kernel.

    python -m grading.autograde solutions/01_parameter_counting.ipynb my_submission.ipynb [--quick]

Student code never sees the course: the root holds one assignment (its source and a fresh gradebook), the
kernel runs under grading/sandbox.py (bubblewrap, else unshare; `IsolationUnavailable` when neither works and
`unsafe` is not set), test cells run under grading/tamper.py's guard (tampering zeroes the affected tests and
flags the submission for `review`), and the whole nbgrader run sits under an outer wall-clock timeout that
kills its process group and its kernel. Only trusted code (this process) reads the gradebook after.

grade_submission = read_submission -> stage -> make_sandbox -> configure -> run_worker
                   -> classify_failure (from the log) | _grades + read_guard_report -> apply_review
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from grading.course import REPO, api, gradebook, make_root, write_config  # noqa: F401
from grading.sandbox import IsolationUnavailable, Sandbox, child_env, kernel_config, write_kernelspec

__all__ = ["GradeResult", "IsolationUnavailable", "Limits", "grade_submission", "prepare_template"]
STUDENT = "student"
GUARD_REPORT = "guard.json"
HIDDEN = re.compile(r"^[ \t]*#+ *BEGIN HIDDEN TESTS.*?#+ *END HIDDEN TESTS[^\n]*\n?", re.S | re.M)


@dataclass
class GradeResult:
    """Outcome of grading one submission; `cells` maps test grade_id -> (score, max points)."""

    status: str  # "graded" | "timeout" | "crashed" | "invalid" | "missing"
    score: float = 0.0
    max_score: float = 0.0
    cells: dict[str, tuple[float, float]] = field(default_factory=dict)
    reason: str = ""
    seconds: float = 0.0
    isolation: str = ""  # which sandbox ran the kernel: "bwrap", "unshare", "none-unsafe" ("not run": no kernel)
    review: list[str] = field(default_factory=list)  # tamper reasons; flagged cells are already 0 in `cells`
    raw_cells: dict[str, tuple[float, float]] = field(default_factory=dict)  # scores before tamper zeroing

    def to_json(self) -> dict:
        return asdict(self)

    def table(self) -> str:
        rows = [f"  {gid:<32} {s:>5g} / {m:g}" for gid, (s, m) in self.cells.items()]
        head = f"{self.status}: {self.score:g} / {self.max_score:g} in {self.seconds:.1f} s [{self.isolation}]"
        flags = [f"  REVIEW: {r}" for r in self.review]
        return "\n".join([head + (f" ({self.reason})" if self.reason else ""), *rows, *flags])


def prepare_template(notebook: Path, root: Path) -> Path:
    """A course root with `notebook` as the only assignment and a gradebook built by generate_assignment."""
    notebook = Path(notebook)
    make_root(root, notebook)
    result = api(root).generate_assignment(notebook.stem, force=True, create=True)
    if not result["success"]:
        raise RuntimeError(f"generate_assignment failed for {notebook}:\n{result['log']}")
    return root


def test_points(template: Path, assignment: str) -> dict[str, float]:
    """Autograded test cells of the assignment in `template`'s gradebook: grade_id -> points."""
    with gradebook(template) as gb:
        nb = gb.find_notebook(assignment, assignment)
        return {gc.name: float(gc.max_score) for gc in nb.grade_cells if gc.cell_type == "code"}


def read_submission(path: Path) -> tuple[nbformat.NotebookNode | None, str]:
    """Parse and validate a submission; returns (notebook, "") or (None, why it cannot be graded)."""
    if not path.exists():
        return None, "no notebook submitted"
    try:
        raw = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return None, f"not valid JSON: {exc}"
    if not isinstance(raw, dict) or "cells" not in raw:
        return None, "not a notebook (no cells)"
    if raw.get("nbformat") != 4:
        return None, f"unsupported nbformat {raw.get('nbformat')}.{raw.get('nbformat_minor')} (save as nbformat 4)"
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
        nbformat.validate(nb, relax_add_props=True)
    except Exception as exc:  # nbformat raises several types; all mean "not gradable as is"
        return None, f"invalid notebook: {str(exc).splitlines()[0][:200]}"
    if not nb.cells:
        return None, "empty notebook (no cells)"
    return nb, ""


def dedupe_grade_ids(nb: nbformat.NotebookNode) -> list[str]:
    """Keep the first cell for each nbgrader grade_id, strip nbgrader metadata from copies; return the ids."""
    seen, dups = set(), []
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid is None:
            continue
        if gid in seen:
            dups.append(gid)
            del cell.metadata["nbgrader"]
        seen.add(gid)
    return dups


def _kill_tree(proc: subprocess.Popen, root: Path) -> None:
    """Kill nbgrader's process group and any kernel started for `root` (kernels get their own session)."""
    for pgid in {proc.pid} | _kernel_pgids(root):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    proc.wait()


def _kernel_pgids(root: Path) -> set[int]:
    marker, found = str(root).encode(), set()
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit() or int(pid_dir.name) == os.getpid():
            continue
        try:
            if marker in (pid_dir / "cmdline").read_bytes():
                found.add(os.getpgid(int(pid_dir.name)))
        except (OSError, ProcessLookupError):
            pass
    return found


def _mask_dir(course: Path, fallback: Path) -> Path:
    """The directory the kernel sees empty but for `course`: the whole temp dir when the root lives there."""
    tmp = Path(tempfile.gettempdir()).resolve()
    # Never hide what the kernel runs from: a checkout or virtual environment that itself lives under the temp
    # dir (CI clones into /tmp, say) would vanish with it, and the kernel would die at start-up.
    needed = [REPO.resolve(), Path(sys.prefix).resolve(), Path(sys.executable).resolve().parent]
    if any(p.is_relative_to(tmp) for p in needed):
        return Path(fallback)
    return tmp if course.resolve().is_relative_to(tmp) else Path(fallback)


def hidden_lines(source: Path) -> list[str]:
    """Lines of the source's hidden tests that the release does not show anywhere (whitespace collapsed)."""
    nb = nbformat.read(source, as_version=4)
    hidden, shown = [], set()
    for cell in nb.cells:
        regions = HIDDEN.findall(cell.source) if cell.metadata.get("nbgrader", {}).get("grade") else []
        for region in regions:
            hidden += region.splitlines()
        rest = HIDDEN.sub("", cell.source) if regions else cell.source
        shown.update(_norm(ln) for ln in rest.splitlines())
    keep = [_norm(ln) for ln in hidden]
    return sorted({ln for ln in keep if len(ln) >= 8 and ln not in shown and "HIDDEN TESTS" not in ln})


def _norm(line: str) -> str:
    return " ".join(line.split())


def _quotes(text: str, hidden: list[str]) -> bool:
    flat = _norm(text)
    return any(h in flat for h in hidden)


def _scrub_text(text: str, hidden: list[str]) -> str:
    return "".join(ln for ln in text.splitlines(keepends=True) if not _quotes(ln, hidden))


def strip_hidden_tests(path: Path, source: Path | None = None) -> None:
    """Make `path` fit for a student: no hidden-test region, and (with `source`) no hidden-test line anywhere.

    Test cells lose their hidden regions and keep only `ename: evalue` of errors (tracebacks quote the hidden
    lines). With `source`, every output of every cell (streams, rich outputs, errors) is searched for the
    lines of the source's hidden tests: stream lines quoting one are dropped, rich outputs replaced, error
    messages cut. Student code can print what it read of a hidden test during the test (see the README).
    """
    nb = nbformat.read(path, as_version=4)
    hidden = hidden_lines(source) if source is not None else []
    removed = "(output removed: it quoted a hidden test)\n"
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        is_test = bool(cell.metadata.get("nbgrader", {}).get("grade"))
        cell.source = HIDDEN.sub("# (hidden tests run here)\n", cell.source)
        if hidden and not is_test:  # e.g. a de-duplicated copy of a test cell: its source is shown as code
            cell.source = "".join("# (line removed: it quotes a hidden test)\n" if _quotes(ln, hidden) else ln
                                  for ln in cell.source.splitlines(keepends=True))
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                evalue = "(message removed: it quoted a hidden test)" if _quotes(out.evalue, hidden) else out.evalue
                out.evalue = evalue
                if is_test:
                    out.traceback = [f"{out.ename}: {evalue}"]
                else:
                    out.traceback = [t for t in out.traceback if not _quotes(t, hidden)]
            elif out.output_type == "stream":
                out.text = _scrub_text(out.text, hidden)
            elif "data" in out:
                for mime, value in list(out.data.items()):
                    text = value if isinstance(value, str) else json.dumps(value)
                    if mime.startswith(("text/", "application/")) and _quotes(text, hidden):
                        out.data = {"text/plain": removed}
                        break
        if hidden:  # nbgrader copies outputs into metadata in some versions: nothing else may carry them
            cell.metadata.pop("outputs", None)
    nbformat.write(nb, path)


def _grades(root: Path, assignment: str, student: str) -> dict[str, tuple[float, float]]:
    with gradebook(root) as gb:
        sub = gb.find_submission_notebook(assignment, assignment, student)
        return {g.name: (float(g.score or 0), float(g.max_score)) for g in sub.grades if g.cell.cell_type == "code"}


@dataclass(frozen=True)
class Limits:
    """What one submission may use: wall clock for the notebook, per cell (None: the config's 600 s), memory."""

    timeout: float = 900
    cell_timeout: int | None = None
    memory_gb: float = 6.0


@dataclass
class Staged:
    """A throwaway course root holding the template and one submission (nothing else of the course)."""

    course: Path
    aid: str
    student: str

    @property
    def notebook(self) -> Path:
        return self.course / "autograded" / self.student / self.aid / f"{self.aid}.ipynb"

    @property
    def work(self) -> Path:
        return self.notebook.parent


def stage(template: Path, nb: nbformat.NotebookNode, root: Path, aid: str, student: str) -> Staged:
    """Copy the template into `root/course` (fresh) and put the submission where nbgrader looks for it."""
    course = root / "course"
    if course.exists():
        shutil.rmtree(course)
    shutil.copytree(template, course, ignore=shutil.ignore_patterns("release", "nbgrader_config.py"))
    sub_dir = course / "submitted" / student / aid
    sub_dir.mkdir(parents=True)
    nbformat.write(nb, sub_dir / f"{aid}.ipynb")  # the assignment's name, whatever the file was called
    (course / "rt").mkdir()
    return Staged(course, aid, student)


def make_sandbox(st: Staged, limits: Limits, env: dict | None, hide: list[Path] | None,
                 writable: list[Path] | None, mask: Path, unsafe: bool = False) -> Sandbox:
    """The kernel's sandbox for a staged root; IsolationUnavailable when none works and `unsafe` is False."""
    course, runtime = st.course, st.course / "rt"
    out_dir = Path(env["SLM_OUTPUT_DIR"]) if env and "SLM_OUTPUT_DIR" in env else None
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    sb = Sandbox(home=course / "home", memory_gb=limits.memory_gb, env={"SLM_PROFILE": "local", **(env or {})},
                 hide=[p for p in [REPO / "solutions", course / "source", course / "gradebook.db",
                                   course / "submitted", *(hide or [])] if p.exists()],
                 # the notebook being executed holds the hidden tests once nbgrader restored them; the log too
                 hide_files=[st.notebook, course / "worker.log", course / GUARD_REPORT],
                 readonly=[REPO, course],  # writable: the kernel's cwd, HOME, its sockets, outputs
                 writable=[course / "autograded" / st.student / st.aid, course / "home", runtime,
                           *[p for p in [out_dir, *(writable or [])] if p]],
                 cpu_seconds=int(limits.timeout) + 60, mask=(_mask_dir(course, mask), course))
    if sb.isolation() == "none-unsafe" and not unsafe:
        raise IsolationUnavailable()
    return sb


def configure(st: Staged, sb: Sandbox, limits: Limits, source: Path) -> None:
    """Kernelspec and nbgrader config of the staged root: sandboxed kernel, guarded execution, limits."""
    jupyter = st.course / "jupyter"
    (st.course / "autograded" / st.student / st.aid).mkdir(parents=True, exist_ok=True)  # bound when it starts
    for f in (st.course / "worker.log", st.course / GUARD_REPORT):
        f.touch()
    write_kernelspec(jupyter, sb)
    extra = kernel_config(sb, st.course / "rt")
    if limits.cell_timeout:
        extra += f"c.Execute.timeout = {int(limits.cell_timeout)}\n"
    extra += (
        "c.Autograde.autograde_preprocessors = ['grading.tamper.GuardedExecute', "
        "'nbgrader.preprocessors.IgnorePattern', 'nbconvert.preprocessors.ClearMetadataPreprocessor', "
        "'nbgrader.preprocessors.LimitOutput', 'nbgrader.preprocessors.SaveAutoGrades', "
        "'nbgrader.preprocessors.AssignLatePenalties', 'nbgrader.preprocessors.CheckCellMetadata']\n"
        f"c.GuardedExecute.report_path = {str(st.course / GUARD_REPORT)!r}\n"
        f"c.GuardedExecute.source_path = {str(source)!r}\n")
    write_config(st.course, extra)


def run_worker(st: Staged, limits: Limits, feedback: bool) -> tuple[str, dict, str]:
    """Run nbgrader for the staged root in its own process group: ("ok" | "timeout", worker.json, log text)."""
    cmd = [sys.executable, "-m", "grading.nbworker", str(st.course), st.aid, st.student, "1" if feedback else "0"]
    timed_out = False
    with open(st.course / "worker.log", "wb") as log:
        proc = subprocess.Popen(cmd, cwd=st.course, env=child_env(st.course / "jupyter", st.course / "rt"),
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            proc.wait(timeout=limits.timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _kill_tree(proc, st.course)
    report = st.course / "worker.json"
    data = json.loads(report.read_text()) if report.exists() and report.stat().st_size else {}
    return ("timeout" if timed_out else "ok"), data, (st.course / "worker.log").read_text(errors="replace")


def classify_failure(log: str, cell_timeout: int | None = None) -> tuple[str, str]:
    """(status, reason) for an nbgrader run that did not succeed, from its log alone."""
    if "Timeout waiting for execute reply" in log or "UnresponsiveKernelError" in log:
        limit = f"{cell_timeout} s" if cell_timeout else "per-cell"
        return "timeout", f"a cell ran past the {limit} limit and ignored the interrupt"
    if re.search(r"kernel died|DeadKernel", log, re.I):
        return "crashed", "the kernel died (os._exit, a segfault, a signal or out of memory)"
    errors = [ln for ln in log.splitlines() if "| ERROR]" in ln and "see the" not in ln]
    return "crashed", (errors[-1].split("]", 1)[-1].strip() if errors else "nbgrader failed")[:300]


# Tampering with the kernel's state affects every test after it; a look-alike value only the test it reached.
SPREADING = {"ipython", "hooks", "builtins", "library", "namespace", "import", "canary", "guard"}


def read_guard_report(path: Path) -> list[dict] | None:
    """The tamper reasons GuardedExecute wrote (None when it wrote nothing: the run did not get that far)."""
    try:
        return json.loads(path.read_text())["reasons"] if path.stat().st_size else None
    except (OSError, ValueError, KeyError):
        return None


def apply_review(cells: dict[str, tuple[float, float]], reasons: list[dict],
                 order: list[str]) -> tuple[dict[str, tuple[float, float]], list[str]]:
    """Zero the test cells a tamper reason affects; return (cells, review reasons for the TA)."""
    cells = dict(cells)
    review = list(dict.fromkeys(f"{r['cell'] or 'before the first test'}: {r['text']}" for r in reasons))
    for r in reasons:
        gid = r.get("cell") or ""
        if r.get("kind") in SPREADING or gid not in order:
            hit = order[order.index(gid):] if gid in order else order
        else:
            hit = [gid]
        for g in hit:
            if g in cells:
                cells[g] = (0.0, cells[g][1])
    return cells, review


def grade_submission(notebook: str | Path, submission: Path, *, env: dict | None = None, timeout: float = 900,
                     cell_timeout: int | None = None, memory_gb: float = 6.0, template: Path | None = None,
                     workdir: Path | None = None, student: str = STUDENT, feedback: Path | None = None,
                     hide: list[Path] | None = None, writable: list[Path] | None = None,
                     mask: Path | None = None, unsafe: bool = False) -> GradeResult:
    """Autograde `submission` against source `notebook` (a path, or a stem in solutions/).

    env: extra variables for the kernel (SLM_QUICK, SLM_OUTPUT_DIR, ...); SLM_PROFILE defaults to local.
    timeout: wall-clock limit for the whole notebook; cell_timeout: per cell (default: the config's 600 s).
    template: a root from `prepare_template` (saves the generate step when grading many students).
    workdir: keep the course root there (its gradebook.db holds this student's grades); else a temp dir.
    feedback: write the feedback HTML (hidden tests removed) to this file.
    hide / writable: extra paths the kernel must not see / may write; mask: a directory the kernel sees as
    empty except for this submission's own course root (default `workdir`; the batch passes its work root).
    unsafe: grade even where no sandbox works (else `IsolationUnavailable`).
    """
    start = time.monotonic()
    limits = Limits(timeout, cell_timeout, memory_gb)
    notebook = Path(notebook) if str(notebook).endswith(".ipynb") else REPO / "solutions" / f"{notebook}.ipynb"
    aid = notebook.stem
    tmp = None
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="slm-grade-")
        workdir = Path(tmp.name)
    try:
        root = Path(workdir)
        if template is None:
            template = prepare_template(notebook, root / "template")
        points = test_points(template, aid)
        zero = {gid: (0.0, pts) for gid, pts in points.items()}
        isolation = "not run"

        def done(status: str, reason: str, cells: dict | None = None, review: list[str] | None = None,
                 raw: dict | None = None) -> GradeResult:
            cells = cells if cells is not None else zero
            return GradeResult(status, sum(s for s, _ in cells.values()), sum(points.values()), cells, reason,
                               round(time.monotonic() - start, 2), isolation, review or [], raw or dict(cells))

        nb, why = read_submission(Path(submission))
        if nb is None:
            return done("missing" if "no notebook" in why else "invalid", why)
        dups = dedupe_grade_ids(nb)
        st = stage(template, nb, root, aid, student)
        sb = make_sandbox(st, limits, env, hide, writable, mask or root, unsafe)
        isolation = sb.isolation()
        configure(st, sb, limits, template / "source" / aid / f"{aid}.ipynb")
        outcome, report, log = run_worker(st, limits, feedback is not None)
        reasons = read_guard_report(st.course / GUARD_REPORT) or []
        order = [gid for gid in _test_order(template / "source" / aid / f"{aid}.ipynb") if gid in zero]
        order += [g for g in zero if g not in order]
        _, review = apply_review(zero, reasons, order)
        if outcome == "timeout":
            return done("timeout", f"the notebook ran past the {timeout:g} s limit and was killed", review=review)
        if not report.get("success"):
            return done(*classify_failure(log, cell_timeout), review=review)
        raw = {**zero, **{k: v for k, v in _grades(st.course, aid, student).items() if k in zero}}
        if read_guard_report(st.course / GUARD_REPORT) is None:
            reasons = [{"cell": "", "kind": "guard", "text": "the grader's guard wrote no report"}]
        cells, review = apply_review(raw, reasons, order)
        result = done("graded", f"duplicated cells de-duplicated: {sorted(set(dups))}" if dups else "", cells,
                      review, raw)
        html = st.course / "feedback" / student / aid / f"{aid}.html"
        if feedback is not None and html.exists():
            Path(feedback).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(html, feedback)
        return result
    finally:
        if tmp is not None:
            tmp.cleanup()


def _test_order(source: Path) -> list[str]:
    nb = nbformat.read(source, as_version=4)
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade") and "grade_id" in c.metadata["nbgrader"]]


def main(argv: list[str] | None = None) -> int:
    """CLI: grade one notebook and print the per-cell scores."""
    parser = argparse.ArgumentParser(prog="python -m grading.autograde", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", help="source notebook (solutions/NAME.ipynb) or NAME")
    parser.add_argument("submission", type=Path)
    parser.add_argument("--quick", action="store_true", help="set SLM_QUICK=1 in the kernel")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--memory", type=float, default=6.0, help="kernel address-space cap, GB")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--unsafe", action="store_true", help="grade even where no sandbox works (a container)")
    args = parser.parse_args(argv)
    try:
        result = grade_submission(args.notebook, args.submission, env={"SLM_QUICK": "1"} if args.quick else None,
                                  timeout=args.timeout, memory_gb=args.memory, unsafe=args.unsafe)
    except IsolationUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_json(), indent=1) if args.json else result.table())
    return 0 if result.status == "graded" else 1


if __name__ == "__main__":
    sys.exit(main())
