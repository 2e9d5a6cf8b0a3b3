"""Autograde round trip: each solution scores full marks, each blank release scores exactly 0.

Both run with SLM_QUICK=1 (smaller demo workloads): graded cells do not depend on it, and the full-size
execution of every notebook is the course phase of `slm-course test`. One test per notebook and purpose, so
the two workers grade different notebooks side by side. The solution's grading time is left in
build/ci/<name>/grade.json for the CI summary.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grading.autograde import grade_submission
from tests.conftest import REPO, solution_params

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("source", solution_params())
def test_solution_scores_full_marks(source: Path):
    out = REPO / "build" / "ci" / source.stem
    result = grade_submission(source, source, env={"SLM_QUICK": "1", "SLM_OUTPUT_DIR": str(out)}, timeout=900)
    print(f"\n{source.stem} (solution, SLM_QUICK=1): {result.table()}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "grade.json").write_text(json.dumps(result.to_json(), indent=1))  # CI prints these at the end
    assert result.status == "graded", result.reason
    assert result.max_score > 0, "the notebook has no autograded test cells"
    failed = {gid: sm for gid, sm in result.cells.items() if sm[0] != sm[1]}
    assert not failed, f"solution loses points in {failed}"


@pytest.mark.parametrize("source", solution_params())
def test_blank_release_scores_zero(source: Path, tmp_path: Path):
    release = REPO / "notebooks" / source.name
    assert release.exists(), f"{release} missing: run `slm-course release`"
    env = {"SLM_QUICK": "1", "SLM_OUTPUT_DIR": str(tmp_path / "out")}
    result = grade_submission(source, release, env=env, timeout=600)
    print(f"\n{source.stem} (blank release, SLM_QUICK=1): {result.table()}")
    assert result.status == "graded", f"{result.status}: {result.reason}"
    free = {gid: sm for gid, sm in result.cells.items() if sm[0] > 0}
    assert not free, f"tests give free points on a blank release: {free}"


def test_fixture_round_trip(fixture_source: Path, fixture_release: Path):
    full = grade_submission(fixture_source, fixture_source, timeout=120)
    assert (full.status, full.score, full.max_score) == ("graded", 5, 5), full.table()
    blank = grade_submission(fixture_source, fixture_release, env={"SLM_QUICK": "1"}, timeout=120)
    assert (blank.status, blank.score) == ("graded", 0), blank.table()
