"""The course command (grading.runner / grading.cli) on tiny notebooks made here, and what its report holds.

The real notebooks are executed at full size by the course phase of `slm-course test` (CI's first phase: the
course command itself, claims enforced); the suite does not execute them again for this. Here:

* a claim that does not hold makes `course` exit non-zero in the local profile at full size, and is reported
  (not enforced) with `--quick`; report.json carries `claims: [{id, text, holds, values}]` per notebook;
* a graded test cell that writes to stderr (scored 0 by nbgrader) fails the notebook; a crashing one fails it
  with the error;
* the table flags budgets, the notebook filter, the pytest command line of `slm-course test`.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grading.cli import pytest_command
from grading.runner import BUDGET_SECONDS, format_table, notebook_names, problems

REPO = Path(__file__).resolve().parents[1]


def _fake_solutions(folder: Path, name: str, *cells: str, graded: str | None = None) -> Path:
    """A solution notebook `folder/name.ipynb`: a parameters cell, a metrics log, then `cells`."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('PROFILE = "auto"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("import os\nfrom helpers.metrics import MetricsLog\n"
                                          f"metrics = MetricsLog({name!r}, profile=os.environ['SLM_PROFILE'])")]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    if graded is not None:
        nb.cells.append(nbformat.v4.new_code_cell(graded, metadata={"nbgrader": {
            "grade": True, "grade_id": "t01_demo", "locked": True, "points": 1, "schema_version": 3,
            "solution": False, "task": False}}))
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def _course(solutions: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SLM_QUICK"}
    return subprocess.run([sys.executable, "-m", "grading", "course", "--solutions", str(solutions),
                           "--out", str(out), "--timeout", "120", *args],
                          capture_output=True, text=True, timeout=600, cwd=REPO, env=env)


CLAIMS = ('metrics.record("ratio", 2.0, claim=2.0)\n'
          'metrics.claim("bf16_halves", 2.0 > 1.9, "bfloat16 halves the bytes", ratio=2.0)\n'
          'metrics.claim("int8_faster", 0.8 > 1.0, "int8 is faster than float32", speedup=0.8)')


@pytest.mark.slow
def test_a_broken_claim_fails_the_course_at_full_size_and_is_only_reported_in_quick_mode(tmp_path):
    solutions = _fake_solutions(tmp_path / "solutions", "01_claims", CLAIMS)
    full = _course(solutions, tmp_path / "full")
    assert full.returncode == 1, full.stdout + full.stderr
    assert "claim int8_faster does not hold: int8 is faster than float32 (speedup=0.8)" in full.stdout
    assert "course FAILED" in full.stdout
    report = json.loads((tmp_path / "full" / "report.json").read_text())
    assert report[0]["status"] == "ok" and report[0]["profile"] == "local" and report[0]["quick"] is False
    assert report[0]["claims"] == [
        {"id": "bf16_halves", "text": "bfloat16 halves the bytes", "holds": True, "values": {"ratio": 2.0}},
        {"id": "int8_faster", "text": "int8 is faster than float32", "holds": False, "values": {"speedup": 0.8}}]
    html = (tmp_path / "full" / "report.html").read_text()
    assert "int8 is faster than float32" in html and "speedup = 0.8" in html and "✗ does not hold" in html
    assert "1/2 ✗" in (tmp_path / "full" / "report.md").read_text()

    quick = _course(solutions, tmp_path / "quick", "--quick")
    assert quick.returncode == 0, quick.stdout + quick.stderr
    assert "claims are reported, not enforced" in quick.stdout and "course OK" in quick.stdout
    assert json.loads((tmp_path / "quick" / "report.json").read_text())[0]["quick"] is True


@pytest.mark.slow
def test_holding_claims_pass_and_a_noisy_or_failing_test_cell_fails(tmp_path):
    good = _fake_solutions(tmp_path / "good", "01_good", CLAIMS.replace("0.8 > 1.0", "1.2 > 1.0"),
                           graded="assert metrics.metrics['ratio']['value'] == 2.0")
    noisy = _fake_solutions(tmp_path / "noisy", "01_noisy", graded="import sys\nprint('warning', file=sys.stderr)")
    _fake_solutions(tmp_path / "noisy", "02_crash", "raise ValueError('boom')")
    ok = _course(good, tmp_path / "out-good")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "course OK" in ok.stdout
    bad = _course(noisy, tmp_path / "out-noisy", "--jobs", "2")
    assert bad.returncode == 1
    report = {r["notebook"]: r for r in json.loads((tmp_path / "out-noisy" / "report.json").read_text())}
    assert report["01_noisy"]["status"] == "failed" and "t01_demo wrote to stderr" in report["01_noisy"]["error"]
    assert report["02_crash"]["status"] == "failed" and "boom" in report["02_crash"]["error"]
    assert list(report) == ["01_noisy", "02_crash"], "results come back in course order with --jobs 2"


def test_problems_enforce_claims_only_locally_at_full_size():
    claim = {"id": "c", "text": "it holds", "holds": False, "values": {"x": 1.5}}
    local = {"notebook": "01_x", "status": "ok", "profile": "local", "quick": False, "claims": [claim]}
    assert problems([local]) == ["01_x: claim c does not hold: it holds (x=1.5)"]
    assert problems([dict(local, quick=True)]) == []
    assert problems([dict(local, profile="hub")]) == []
    assert problems([dict(local, claims=[dict(claim, holds=True)])]) == []
    assert problems([dict(local, status="failed", error="boom", claims=[])]) == ["01_x: failed: boom"]


def test_runner_table_flags_over_budget_and_shows_claims():
    rows = [{"notebook": "01_x", "status": "ok", "seconds": BUDGET_SECONDS + 20.0, "peak_mb": 100, "error": "",
             "profile": "local", "quick": False, "metrics": {"a": {"value": 2.0, "claim": 2.0}},
             "claims": [{"id": "c", "text": "t", "holds": True, "values": {}}]}]
    table = format_table(rows)
    assert f"over {BUDGET_SECONDS} s" in table and "a=2 / 2" in table and "| 1/1 |" in table
    assert "over" not in format_table([dict(rows[0], seconds=10.0)]).splitlines()[2]


def test_notebook_filter_and_course_order():
    names = notebook_names()
    assert names and names[0].startswith("01_") and names == sorted(names)
    assert notebook_names(["1"]) == notebook_names(["01"]) == [names[0]]
    assert notebook_names([names[-1]]) == [names[-1]]


def test_test_command_spreads_tests_over_two_workers(monkeypatch):
    monkeypatch.delenv("SLM_TEST_WORKERS", raising=False)
    cmd = pytest_command([])
    assert cmd[cmd.index("-n") + 1] == "2" and cmd[cmd.index("--dist") + 1] == "loadgroup"
    assert "--no-loadscope-reorder" in cmd
    given = pytest_command(["-n0", "tests/test_helpers.py"])
    assert given[-2:] == ["-n0", "tests/test_helpers.py"] and "--dist" not in given
    monkeypatch.setenv("SLM_TEST_WORKERS", "1")
    assert "--dist" not in pytest_command(["tests/test_helpers.py"])
