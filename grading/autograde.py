"""Grade one student's notebook with nbgrader, in a throwaway course root and a sandboxed kernel.

    python -m grading.autograde solutions/01_parameter_counting.ipynb my_submission.ipynb [--quick]

Student code never sees the course: the root holds one assignment (its source and a fresh gradebook), the
kernel runs under grading/sandbox.py, and the whole nbgrader run sits under an outer wall-clock timeout
that kills its process group and its kernel. Only trusted code (this process) reads the gradebook after.
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
from grading.sandbox import Sandbox, child_env, kernel_config, write_kernelspec

STUDENT = "student"
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

    def to_json(self) -> dict:
        return asdict(self)

    def table(self) -> str:
        rows = [f"  {gid:<32} {s:>5g} / {m:g}" for gid, (s, m) in self.cells.items()]
        head = f"{self.status}: {self.score:g} / {self.max_score:g} in {self.seconds:.1f} s"
        return "\n".join([head + (f" ({self.reason})" if self.reason else ""), *rows])


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


def strip_hidden_tests(path: Path) -> None:
    """Remove hidden-test regions (and tracebacks, which quote them) from an autograded notebook."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code":
            cell.source = HIDDEN.sub("# (hidden tests run here)\n", cell.source)
            for out in cell.get("outputs", []):
                if out.output_type == "error":
                    out.traceback = [f"{out.ename}: {out.evalue}"]
    nbformat.write(nb, path)


def _grades(root: Path, assignment: str, student: str) -> dict[str, tuple[float, float]]:
    with gradebook(root) as gb:
        sub = gb.find_submission_notebook(assignment, assignment, student)
        return {g.name: (float(g.score or 0), float(g.max_score)) for g in sub.grades if g.cell.cell_type == "code"}


def grade_submission(notebook: str | Path, submission: Path, *, env: dict | None = None, timeout: float = 900,
                     cell_timeout: int | None = None, memory_gb: float = 6.0, template: Path | None = None,
                     workdir: Path | None = None, student: str = STUDENT, feedback: Path | None = None,
                     hide: list[Path] | None = None, writable: list[Path] | None = None,
                     mask: Path | None = None) -> GradeResult:
    """Autograde `submission` against source `notebook` (a path, or a stem in solutions/).

    env: extra variables for the kernel (SLM_QUICK, SLM_OUTPUT_DIR, ...); SLM_PROFILE defaults to local.
    timeout: wall-clock limit for the whole notebook; cell_timeout: per cell (default: the config's 600 s).
    template: a root from `prepare_template` (saves the generate step when grading many students).
    workdir: keep the course root there (its gradebook.db holds this student's grades); else a temp dir.
    feedback: write the feedback HTML (hidden tests removed) to this file.
    hide / writable: extra paths the kernel must not see / may write; mask: a directory the kernel sees as
    empty except for this submission's own course root (default `workdir`; the batch passes its work root).
    """
    start = time.monotonic()
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
        total = sum(points.values())

        def done(status: str, reason: str, cells: dict | None = None) -> GradeResult:
            cells = cells if cells is not None else zero
            return GradeResult(status, sum(s for s, _ in cells.values()), total, cells, reason,
                               round(time.monotonic() - start, 2))

        nb, why = read_submission(Path(submission))
        if nb is None:
            return done("missing" if "no notebook" in why else "invalid", why)
        dups = dedupe_grade_ids(nb)

        course = root / "course"
        if course.exists():
            shutil.rmtree(course)
        shutil.copytree(template, course, ignore=shutil.ignore_patterns("release", "nbgrader_config.py"))
        sub_dir = course / "submitted" / student / aid
        sub_dir.mkdir(parents=True)
        nbformat.write(nb, sub_dir / f"{aid}.ipynb")  # the assignment's name, whatever the file was called
        runtime, jupyter = course / "rt", course / "jupyter"
        runtime.mkdir()
        out_dir = Path(env["SLM_OUTPUT_DIR"]) if env and "SLM_OUTPUT_DIR" in env else None
        if out_dir:
            out_dir.mkdir(parents=True, exist_ok=True)
        sandbox = Sandbox(home=course / "home", memory_gb=memory_gb, env={"SLM_PROFILE": "local", **(env or {})},
                          hide=[p for p in [REPO / "solutions", course / "source", course / "gradebook.db",
                                            course / "submitted", *(hide or [])] if p.exists()],
                          readonly=[REPO, course],  # writable: the kernel's cwd, HOME, its sockets, outputs
                          writable=[course / "autograded" / student / aid, course / "home", runtime,
                                    *[p for p in [out_dir, *(writable or [])] if p]],
                          cpu_seconds=int(timeout) + 60, mask=(_mask_dir(course, mask or root), course))
        write_kernelspec(jupyter, sandbox)
        extra = kernel_config(sandbox, runtime)
        if cell_timeout:
            extra += f"c.Execute.timeout = {int(cell_timeout)}\n"
        write_config(course, extra)

        cmd = [sys.executable, "-m", "grading.nbworker", str(course), aid, student, "1" if feedback else "0"]
        with open(course / "worker.log", "wb") as log:
            proc = subprocess.Popen(cmd, cwd=course, env=child_env(jupyter, runtime), stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                return done("timeout", f"the notebook ran past the {timeout:g} s limit and was killed")
            finally:
                _kill_tree(proc, course)
        report = json.loads((course / "worker.json").read_text()) if (course / "worker.json").exists() else {}
        text = (course / "worker.log").read_text(errors="replace")
        if not report.get("success"):
            if "Timeout waiting for execute reply" in text or "UnresponsiveKernelError" in text:
                limit = f"{cell_timeout} s" if cell_timeout else "per-cell"
                return done("timeout", f"a cell ran past the {limit} limit and ignored the interrupt")
            if re.search(r"kernel died|DeadKernel", text, re.I):
                return done("crashed", "the kernel died (os._exit, a segfault or out of memory)")
            errors = [ln for ln in text.splitlines() if "| ERROR]" in ln and "see the" not in ln]
            return done("crashed", (errors[-1].split("]", 1)[-1].strip() if errors else "nbgrader failed")[:300])
        cells = {**zero, **{k: v for k, v in _grades(course, aid, student).items() if k in zero}}
        result = done("graded", f"duplicated cells de-duplicated: {sorted(set(dups))}" if dups else "", cells)
        html = course / "feedback" / student / aid / f"{aid}.html"
        if feedback is not None and html.exists():
            Path(feedback).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(html, feedback)
        return result
    finally:
        if tmp is not None:
            tmp.cleanup()


def main(argv: list[str] | None = None) -> int:
    """CLI: grade one notebook and print the per-cell scores."""
    parser = argparse.ArgumentParser(prog="python -m grading.autograde", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", help="source notebook (solutions/NAME.ipynb) or NAME")
    parser.add_argument("submission", type=Path)
    parser.add_argument("--quick", action="store_true", help="set SLM_QUICK=1 in the kernel")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--memory", type=float, default=6.0, help="kernel address-space cap, GB")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = grade_submission(args.notebook, args.submission, env={"SLM_QUICK": "1"} if args.quick else None,
                              timeout=args.timeout, memory_gb=args.memory)
    print(json.dumps(result.to_json(), indent=1) if args.json else result.table())
    return 0 if result.status == "graded" else 1


if __name__ == "__main__":
    sys.exit(main())
