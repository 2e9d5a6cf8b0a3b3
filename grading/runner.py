"""Executing the course's notebooks with papermill and summarising what they measured and claimed.

``run_course()`` executes each ``solutions/NN_*.ipynb`` in its own process (so wall time and the kernel's peak
memory are measured per notebook), in a folder of its own under ``build/course/`` where the executed notebook,
its metrics JSON and its figures land, then prints a table and the verdict of every claim, and writes
``report.md`` / ``report.json`` / ``report.html``.

``report.json`` holds one dict per notebook: ``notebook, status, seconds, peak_mb, metrics, claims, error,
profile, quick``, where ``claims`` is ``[{"id", "text", "holds", "values"}]`` as the notebook's
``metrics.claim(...)`` calls stored them. :func:`exit_code` is what ``slm-course course`` returns: non-zero when a
notebook failed, or when a claim does not hold in the ``local`` profile at full size. In ``--quick`` mode
(``SLM_QUICK=1``, smaller workloads) and in the ``hub`` profile claims are reported, not enforced: the numbers
they rest on are not the ones the prose describes.

Used by: ``slm-course course`` (grading.cli), the CI test command, tests/test_notebooks.py.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "solutions"
# The course's budgets (COURSE.md, issue 14), local profile on the 2-core reference machine: the one copy.
BUDGET_SECONDS = 180      # per notebook
BUDGET_MB = 6000          # peak memory per notebook (decimal MB)
COURSE_BUDGET_SECONDS = 360  # the whole course, run one notebook after another on an idle machine


def notebook_names(only: list[str] | None = None, solutions: Path = SOLUTIONS) -> list[str]:
    """Stems of the solution notebooks, in course order, optionally filtered by number or name.

    >>> notebook_names(["01"])[0].startswith("01_")
    True
    >>> notebook_names(["1"]) == notebook_names(["01_parameter_counting"])
    True
    """
    names = sorted(p.stem for p in Path(solutions).glob("[0-9][0-9]_*.ipynb"))
    if only:
        names = [n for n in names if any(n == o or n.split("_")[0] == o.zfill(2) for o in only)]
    return names


def quick_requested(quick: bool = False) -> bool:
    """True when the run uses CI's smaller workloads: ``--quick`` or ``SLM_QUICK=1`` in the environment."""
    from helpers.profiles import quick_mode

    return bool(quick) or quick_mode()


def _execute(source: str, output: str, cwd: str, profile: str, timeout: float) -> None:
    """Child-process body: papermill-execute one notebook, then report the kernel's peak RSS on stdout."""
    import papermill

    papermill.execute_notebook(source, output, parameters={"PROFILE": profile}, kernel_name="python3",
                               cwd=cwd, execution_timeout=int(timeout), progress_bar=False,
                               request_save_on_cell_execute=False)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"peak_mb": peak_kb / 1024}))


def _stderr_test_cells(executed: Path) -> list[str]:
    """grade_ids of graded test cells that wrote to stderr (nbgrader scores such a cell 0)."""
    if not executed.exists():
        return []
    nb = json.loads(executed.read_text())
    bad = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and meta.get("grade"):
            if any(o.get("name") == "stderr" for o in cell.get("outputs", [])):
                bad.append(meta.get("grade_id", "?"))
    return bad


def run_notebook(name: str, out_dir: Path, profile: str = "local", quick: bool = False, timeout: float = 900,
                 solutions: Path = SOLUTIONS) -> dict:
    """Execute one solution notebook; returns status, seconds, peak MB of its kernel, its metrics and claims.

    ``status`` is ``"ok"`` or ``"failed"`` (a cell raised, the notebook timed out, or a graded test cell wrote
    to stderr, which scores 0 under nbgrader); ``error`` says why.
    """
    nb_dir = Path(out_dir) / name
    nb_dir.mkdir(parents=True, exist_ok=True)
    quick = quick_requested(quick)
    env = dict(os.environ, SLM_OUTPUT_DIR=str(nb_dir), SLM_PROFILE=profile if profile != "auto" else "",
               SLM_QUICK="1" if quick else "0", PYTHONWARNINGS="ignore")
    if profile == "local":
        env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    code = ("import sys; from grading.runner import _execute; "
            "_execute(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))")
    executed = nb_dir / f"{name}.ipynb"
    metrics_file = nb_dir / f"{name}.metrics.json"
    metrics_file.unlink(missing_ok=True)   # a claim from an earlier run must not count for this one
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", code, str(Path(solutions) / f"{name}.ipynb"), str(executed),
                               str(nb_dir), profile, str(timeout)],
                              env=env, capture_output=True, text=True, timeout=timeout + 60, cwd=REPO)
        returncode, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired:
        returncode, stdout, stderr = -1, "", f"timed out after {timeout + 60:.0f} s"
    seconds = time.perf_counter() - start
    result = {"notebook": name, "status": "ok" if returncode == 0 else "failed", "seconds": round(seconds, 1),
              "peak_mb": None, "metrics": {}, "claims": [], "error": "", "profile": profile, "quick": quick}
    if returncode == 0:
        result["peak_mb"] = round(json.loads(stdout.strip().splitlines()[-1])["peak_mb"])
        noisy = _stderr_test_cells(executed)
        if noisy:
            result["status"] = "failed"
            result["error"] = f"test cell(s) {', '.join(noisy)} wrote to stderr (nbgrader scores them 0)"
    else:
        lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
        result["error"] = (lines or ["(no output)"])[-1][:300]
    if metrics_file.exists():
        data = json.loads(metrics_file.read_text())
        result["metrics"] = data.get("metrics", {})
        result["claims"] = data.get("claims", [])
        result["profile"] = data.get("profile") or profile   # what "auto" resolved to inside the kernel
    return result


def claims_enforced(result: dict) -> bool:
    """Claims count only in the ``local`` profile at full size (the numbers the prose describes)."""
    return result.get("profile") == "local" and not result.get("quick")


def failed_claims(result: dict) -> list[dict]:
    """The claims of one notebook's run that do not hold."""
    return [c for c in result.get("claims", []) if not c.get("holds")]


def problems(results: list[dict]) -> list[str]:
    """Why the course run fails, one line per problem (empty: it passes).

    >>> ok = {"notebook": "01_x", "status": "ok", "profile": "local", "quick": False,
    ...       "claims": [{"id": "a", "text": "A holds", "holds": False, "values": {"x": 1}}]}
    >>> problems([ok])
    ['01_x: claim a does not hold: A holds (x=1)']
    >>> problems([dict(ok, quick=True)])
    []
    """
    out = []
    for r in results:
        if r.get("status") != "ok":
            out.append(f"{r['notebook']}: {r.get('status')}: {r.get('error') or 'no reason recorded'}")
        if claims_enforced(r):
            for c in failed_claims(r):
                out.append(f"{r['notebook']}: claim {c['id']} does not hold: {c['text']} ({_values(c)})")
    return out


def exit_code(results: list[dict]) -> int:
    """What ``slm-course course`` exits with: 0 when every notebook ran and every enforced claim holds."""
    return 1 if problems(results) else 0


def _values(claim: dict) -> str:
    from grading.report import fmt

    return ", ".join(f"{k}={fmt(v)}" for k, v in claim.get("values", {}).items())


def over_budget(r: dict) -> list[str]:
    """The budgets a successful local-profile run exceeded (``["over 180 s"]``, ...); a warning, not a failure."""
    if r.get("status") != "ok":
        return []
    over = []
    if (r.get("seconds") or 0) > BUDGET_SECONDS:
        over.append(f"over {BUDGET_SECONDS} s")
    if (r.get("peak_mb") or 0) > BUDGET_MB:
        over.append(f"over {BUDGET_MB} MB")
    return over


def _claims_cell(r: dict) -> str:
    claims = r.get("claims", [])
    if not claims:
        return "-"
    held = sum(bool(c.get("holds")) for c in claims)
    mark = "" if held == len(claims) else (" ✗" if claims_enforced(r) else " (not enforced)")
    return f"{held}/{len(claims)}{mark}"


def format_table(results: list[dict]) -> str:
    """Markdown table: one row per notebook (status, time, memory, claims held) and its headline metrics."""
    from grading.report import fmt

    lines = ["| notebook | status | time (s) | peak memory (MB) | claims held | headline metrics (measured / lecture) |",
             "|---|---|---|---|---|---|"]
    for r in results:
        shown = []
        for key, m in list(r.get("metrics", {}).items())[:6]:
            claim = f" / {fmt(m['claim'])}" if "claim" in m else ""
            shown.append(f"{key}={fmt(m['value'])}{claim}")
        over = over_budget(r)
        status = r["status"] + (f" ⚠ {', '.join(over)}" if over else "") + (f": {r['error']}" if r.get("error") else "")
        lines.append(f"| {r['notebook']} | {status} | {fmt(r['seconds'])} | {fmt(r.get('peak_mb')) or '-'} | "
                     f"{_claims_cell(r)} | {'; '.join(shown)} |")
    total = sum(r["seconds"] for r in results)
    over = " ⚠ over the course budget" if total > COURSE_BUDGET_SECONDS else ""
    lines.append(f"\n{sum(r['status'] == 'ok' for r in results)}/{len(results)} notebooks ran; total {total:.0f} s "
                 f"of notebook time{over} (budget {BUDGET_SECONDS} s and {BUDGET_MB} MB each, "
                 f"{COURSE_BUDGET_SECONDS} s for the course run one after another on an idle machine)")
    return "\n".join(lines)


def format_claims(results: list[dict]) -> str:
    """Every claim of every notebook with its verdict and the numbers it rests on (markdown list)."""
    lines = []
    for r in results:
        if not r.get("claims"):
            continue
        enforced = "" if claims_enforced(r) else " (reported, not enforced: quick mode or hub profile)"
        lines.append(f"\n**{r['notebook']}**{enforced}")
        for c in r["claims"]:
            lines.append(f"- {'✓' if c.get('holds') else '✗'} `{c['id']}` {c['text']} ({_values(c)})")
    return "\n".join(lines)


def run_course(profile: str = "local", only: list[str] | None = None, quick: bool = False,
               out: str | Path = REPO / "build" / "course", timeout: float = 900, jobs: int = 1,
               solutions: Path = SOLUTIONS) -> list[dict]:
    """Execute the course's notebooks (``jobs`` at a time); print and write the table, the claims and the report."""
    from tqdm.auto import tqdm

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = notebook_names(only, solutions)
    if not names:
        raise SystemExit(f"no notebook matches {only} in {solutions}")
    quick = quick_requested(quick)
    bar = tqdm(total=len(names), desc="notebooks", unit="nb")

    def one(name: str) -> dict:
        result = run_notebook(name, out, profile=profile, quick=quick, timeout=timeout, solutions=solutions)
        bar.set_postfix_str(f"{name} {result['status']} {result['seconds']:.0f} s")
        bar.update()
        return result

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(one, names))   # in course order
    bar.close()
    table, claims = format_table(results), format_claims(results)
    print("\n" + table)
    if claims:
        print("\nclaims:" + claims)
    found = problems(results)
    if quick and any(r.get("claims") for r in results):
        print("\nquick mode: claims are reported, not enforced (the course command checks them at full size)")
    print("\n" + ("\n".join(["course FAILED:"] + [f"  {p}" for p in found]) if found else "course OK"))
    (out / "report.md").write_text(f"# Course run ({profile} profile{', quick' if quick else ''})\n\n{table}\n"
                                   + (f"\n## Claims\n{claims}\n" if claims else ""))
    (out / "report.json").write_text(json.dumps(results, indent=2))
    from grading.report import write_html_report

    print(f"course report: {write_html_report(results, out, profile=profile)}")
    print(f"executed notebooks, figures and metrics: {out}")
    return results
