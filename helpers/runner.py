"""Executing the course's notebooks with papermill and summarising what they measured.

``run_course()`` executes each ``solutions/NN_*.ipynb`` in its own process (so wall time and the kernel's peak
memory are measured per notebook), in a folder of its own under ``build/course/`` where the executed notebook,
its metrics JSON and its figures land, then prints a table and writes ``report.md`` / ``report.json``.

Used by: ``slm-course course`` (README), the notebook-execution tests, CI.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "solutions"
BUDGET_SECONDS = 180  # per notebook, local profile, 2-core machine (COURSE.md)
BUDGET_MB = 6000


def notebook_names(only: list[str] | None = None) -> list[str]:
    """Stems of the solution notebooks, in course order, optionally filtered by number or name.

    >>> notebook_names(["01"])[0].startswith("01_")
    True
    """
    names = sorted(p.stem for p in SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    if only:
        names = [n for n in names if any(n == o or n.split("_")[0] == o.zfill(2) for o in only)]
    return names


def _execute(source: str, output: str, cwd: str, profile: str, timeout: float) -> None:
    """Child-process body: papermill-execute one notebook, then report the kernel's peak RSS on stdout."""
    import papermill

    papermill.execute_notebook(source, output, parameters={"PROFILE": profile}, kernel_name="python3",
                               cwd=cwd, execution_timeout=int(timeout), progress_bar=False,
                               request_save_on_cell_execute=False)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"peak_mb": peak_kb / 1024}))


def run_notebook(name: str, out_dir: Path, profile: str = "local", quick: bool = False,
                 timeout: float = 900) -> dict:
    """Execute one solution notebook; returns status, seconds, peak MB of its kernel, and its metrics."""
    nb_dir = Path(out_dir) / name
    nb_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SLM_OUTPUT_DIR=str(nb_dir), SLM_PROFILE=profile if profile != "auto" else "",
               SLM_QUICK="1" if quick else os.environ.get("SLM_QUICK", "0"), PYTHONWARNINGS="ignore")
    if profile == "local":
        env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    code = ("import sys; from helpers.runner import _execute; "
            "_execute(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, str(SOLUTIONS / f"{name}.ipynb"),
                           str(nb_dir / f"{name}.ipynb"), str(nb_dir), profile, str(timeout)],
                          env=env, capture_output=True, text=True, timeout=timeout + 60)
    seconds = time.perf_counter() - start
    result = {"notebook": name, "status": "ok" if proc.returncode == 0 else "failed",
              "seconds": round(seconds, 1), "peak_mb": None, "metrics": {}, "error": ""}
    if proc.returncode == 0:
        result["peak_mb"] = round(json.loads(proc.stdout.strip().splitlines()[-1])["peak_mb"])
    else:
        result["error"] = (proc.stderr.strip().splitlines() or ["(no output)"])[-1][:300]
    metrics_file = nb_dir / f"{name}.metrics.json"
    if metrics_file.exists():
        result["metrics"] = json.loads(metrics_file.read_text())["metrics"]
    return result


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def format_table(results: list[dict]) -> str:
    """Markdown table: one row per notebook (status, time, memory) and its headline metrics."""
    lines = ["| notebook | status | time (s) | peak memory (MB) | headline metrics (measured / lecture) |",
             "|---|---|---|---|---|"]
    for r in results:
        shown = []
        for key, m in list(r["metrics"].items())[:6]:
            claim = f" / {_fmt(m['claim'])}" if "claim" in m else ""
            shown.append(f"{key}={_fmt(m['value'])}{claim}")
        over = " ⚠ over budget" if r["status"] == "ok" and (
            r["seconds"] > BUDGET_SECONDS or (r["peak_mb"] or 0) > BUDGET_MB) else ""
        status = r["status"] + over + (f": {r['error']}" if r["error"] else "")
        lines.append(f"| {r['notebook']} | {status} | {r['seconds']} | {r['peak_mb'] or '-'} | {'; '.join(shown)} |")
    total = sum(r["seconds"] for r in results)
    lines.append(f"\n{sum(r['status'] == 'ok' for r in results)}/{len(results)} notebooks ran; total {total:.0f} s "
                 f"(budget {BUDGET_SECONDS} s and {BUDGET_MB} MB each)")
    return "\n".join(lines)


def run_course(profile: str = "local", only: list[str] | None = None, quick: bool = False,
               out: str | Path = REPO / "build" / "course", timeout: float = 900) -> list[dict]:
    """Execute the course's notebooks one after another; print and write the summary table."""
    from tqdm.auto import tqdm

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = notebook_names(only)
    results = []
    bar = tqdm(names, desc="notebooks", unit="nb")
    for name in bar:
        bar.set_postfix_str(name)
        results.append(run_notebook(name, out, profile=profile, quick=quick, timeout=timeout))
    table = format_table(results)
    print("\n" + table)
    (out / "report.md").write_text(f"# Course run ({profile} profile)\n\n{table}\n")
    (out / "report.json").write_text(json.dumps(results, indent=2))
    from helpers.report import write_html_report

    print(f"course report: {write_html_report(results, out, profile=profile)}")
    print(f"\nexecuted notebooks, figures and metrics: {out}")
    return results


def print_ci_times(folder: Path = REPO / "build" / "ci") -> None:
    """Print the per-notebook grading times that the round-trip tests left in ``build/ci/*/grade.json``."""
    rows = sorted(folder.glob("*/grade.json")) if folder.exists() else []
    if not rows:
        return
    print("\nper-notebook autograde of the solutions (full size):")
    total = 0.0
    for path in rows:
        g = json.loads(path.read_text())
        total += g.get("seconds", 0)
        print(f"  {path.parent.name:32s} {g.get('score')}/{g.get('max_score')} points  {g.get('seconds', 0):6.1f} s")
    print(f"  {'total':32s} {total:22.1f} s")
