"""The hosted CI workflows (.github/workflows/) cannot run here, so their structure is checked instead.

* every workflow parses, has triggers and jobs, each job a runner and steps that each `uses` or `run`;
* ci.yml: a CPU job on a GitHub-hosted runner whose only command is the repository's own `.ci/run`, and that
  uploads build/ (executed notebooks, report, browser screenshot) even when a test failed;
* gpu.yml: self-hosted GPU runner, nightly schedule + manual dispatch, hub-model cache keyed on files that exist,
  `python3 -m helpers course --profile hub`, build/course uploaded as an artifact;
* files a workflow names (`bash X`, `hashFiles(...)`) exist; actions are pinned to a major version;
* where check-jsonschema is installed, both files validate against the GitHub workflow JSON schema it vendors
  (offline: ``--builtin-schema vendor.github-workflows``).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="pyyaml is needed to read the workflow files")

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))


def load(path: Path) -> dict:
    doc = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the bare key `on` as the boolean True.
    if True in doc and "on" not in doc:
        doc["on"] = doc.pop(True)
    return doc


def triggers(doc: dict) -> dict:
    on = doc["on"]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {name: None for name in on}
    return dict(on)


def run_steps(job: dict) -> list[str]:
    return [step["run"].strip() for step in job["steps"] if "run" in step]


def uses_steps(job: dict) -> list[str]:
    return [step["uses"] for step in job["steps"] if "uses" in step]


def test_expected_workflows_exist():
    names = {p.name for p in FILES}
    assert {"ci.yml", "gpu.yml"} <= names, f"expected ci.yml and gpu.yml in {WORKFLOWS}, found {sorted(names)}"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_workflow_structure(path: Path):
    doc = load(path)
    assert doc.get("name"), f"{path.name}: give the workflow a name"
    assert triggers(doc), f"{path.name}: no `on:` triggers"
    assert doc.get("jobs"), f"{path.name}: no jobs"
    for job_id, job in doc["jobs"].items():
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", job_id), f"{path.name}: bad job id {job_id!r}"
        assert job.get("runs-on"), f"{path.name}/{job_id}: no runs-on"
        assert isinstance(job.get("timeout-minutes"), int), f"{path.name}/{job_id}: set timeout-minutes"
        steps = job.get("steps")
        assert isinstance(steps, list) and steps, f"{path.name}/{job_id}: no steps"
        for i, step in enumerate(steps):
            assert ("uses" in step) != ("run" in step), f"{path.name}/{job_id} step {i}: exactly one of uses/run"
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+(\.\d+)*", step["uses"]), \
                    f"{path.name}/{job_id} step {i}: pin the action to a major version ({step['uses']!r})"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_files_named_by_workflow_exist(path: Path):
    text = path.read_text()
    named = re.findall(r"\bbash[ \t]+([\w./-]+)", text)
    for args in re.findall(r"hashFiles\(([^)]*)\)", text):
        named += re.findall(r"'([^']+)'", args)
    assert named or path.name != "ci.yml", "ci.yml should name .ci/run"
    for rel in named:
        assert (REPO / rel).exists(), f"{path.name} names {rel}, which is not in the repository"
    if "python3 -m helpers" in text:
        assert (REPO / "helpers" / "__main__.py").exists()


def test_cpu_job_runs_exactly_ci_script():
    doc = load(WORKFLOWS / "ci.yml")
    on = triggers(doc)
    assert {"push", "pull_request", "workflow_dispatch"} <= set(on), f"ci.yml triggers: {sorted(on)}"
    (job_id, job), = doc["jobs"].items()
    runner = job["runs-on"]
    assert isinstance(runner, str) and runner.startswith("ubuntu"), f"CPU job must run on a hosted ubuntu runner, not {runner!r}"
    image = (job.get("container") or {}).get("image", "") if isinstance(job.get("container"), dict) else job.get("container", "")
    assert not image or image.startswith("python:3.11"), f"CPU job container should be Python 3.11, got {image!r}"
    assert run_steps(job) == ["bash .ci/run"], f"the CPU job must run exactly `.ci/run`, found {run_steps(job)}"
    assert any(u.startswith("actions/checkout@") for u in uses_steps(job))
    upload = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload, "upload build/ as an artifact"
    assert upload[0].get("if") == "always()", "upload artifacts even when tests fail"
    assert upload[0]["with"]["path"].rstrip("/") == "build"
    assert (REPO / ".ci" / "run").is_file()
    assert job["timeout-minutes"] >= 50, "CI's budget is 45 minutes on 2 cores: leave the job room for it"


def test_ci_script_runs_the_readme_test_command_and_times_its_phases():
    script = (REPO / ".ci" / "run").read_text()
    proc = subprocess.run(["bash", "-n", str(REPO / ".ci" / "run")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "python3 -m helpers test" in script and "python3 -m helpers test" in (REPO / "README.md").read_text()
    assert "SLM_CI_PHASES=" in script, "hand the phases .ci/run timed (apt, setup) to the test command's summary"
    assert re.search(r"^set -euo pipefail", script, re.M)
    assert "exit $code" in script, "print the total even when the tests fail, then fail"


def test_gpu_job_executes_course_in_hub_profile():
    doc = load(WORKFLOWS / "gpu.yml")
    on = triggers(doc)
    assert "workflow_dispatch" in on, "gpu.yml: allow manual dispatch"
    crons = [entry["cron"] for entry in on.get("schedule") or []]
    assert crons, "gpu.yml: needs a nightly schedule"
    for cron in crons:
        fields = cron.split()
        assert len(fields) == 5 and fields[2:] == ["*", "*", "*"], f"nightly cron expected, got {cron!r}"
    (job_id, job), = doc["jobs"].items()
    runner = job["runs-on"]
    assert isinstance(runner, list) and {"self-hosted", "gpu"} <= set(runner), f"runs-on {runner!r}"
    runs = "\n".join(run_steps(job))
    assert "python3 -m helpers course" in runs and "--profile hub" in runs, "execute the course in the hub profile"
    assert "nvidia-smi" in runs
    cache = [s for s in job["steps"] if s.get("uses", "").startswith("actions/cache@")]
    assert cache and "huggingface" in cache[0]["with"]["path"], "cache the hub downloads (~/.cache/huggingface)"
    assert "hashFiles(" in cache[0]["with"]["key"], "key the hub cache on a file"
    upload = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload and upload[0].get("if") == "always()"
    assert upload[0]["with"]["path"].rstrip("/") == "build/course", "upload executed notebooks + report"
    # steps that run bash syntax (arrays) must say so: a runner's default shell might be sh
    for step in job["steps"]:
        if "run" in step and "args=(" in step["run"]:
            assert step.get("shell") == "bash"


def _check_jsonschema() -> list[str] | None:
    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).with_name("check-jsonschema"))
    if Path(exe).exists():
        return [exe]
    try:
        import check_jsonschema  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "check_jsonschema"]


def test_workflows_match_github_schema():
    cmd = _check_jsonschema()
    if cmd is None:
        pytest.skip("check-jsonschema is not installed (pip install check-jsonschema): schema validation skipped")
    proc = subprocess.run(cmd + ["--builtin-schema", "vendor.github-workflows", *map(str, FILES)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
