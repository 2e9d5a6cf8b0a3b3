"""Shared fixtures, and how `slm-course test` spreads the suite over its two workers.

Scheduling (`pytest -n 2 --dist loadgroup --no-loadscope-reorder`, see grading/cli.py):
* tests that share a module- or class-scoped fixture (the answer tests' kernel, which executes its notebook
  once) are put in one xdist group, so one worker starts that fixture once; every other test is scheduled on
  its own, so the round trips of different notebooks run side by side on both workers;
* under xdist the work is ordered longest first, estimated from the course phase's per-notebook seconds
  (build/course/report.json, written just before the suite runs in CI; 60 s per notebook without it), so the
  longest units do not start last and leave one worker idle at the end. A long test that runs no single
  notebook says what it costs with ``@pytest.mark.cost(seconds)``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from grading.course import ensure_bin_on_path

# nbgrader and jupyter call console scripts (alembic, jupyter) by name: make this environment's bin findable
# even when pytest is started as `.venv/bin/python -m pytest` without activating the environment.
ensure_bin_on_path()

REPO = Path(__file__).resolve().parents[1]
GRADING_FIXTURES = REPO / "tests" / "fixtures" / "grading"
SOLUTIONS = sorted((REPO / "solutions").glob("*.ipynb"))
COURSE_REPORT = REPO / "build" / "course" / "report.json"
SHARED_SCOPES = {"module", "class", "package"}


def solution_params() -> list:
    """One pytest param per solutions/*.ipynb, or a single skipped param when there are none yet."""
    if not SOLUTIONS:
        return [pytest.param(None, marks=pytest.mark.skip(reason="solutions/ has no notebooks yet"))]
    return [pytest.param(p, id=p.stem) for p in SOLUTIONS]


@pytest.fixture(scope="session")
def fixture_source() -> Path:
    """The tiny nbgrader source assignment used to test the grading toolchain."""
    return GRADING_FIXTURES / "solutions" / "fixture_add.ipynb"


@pytest.fixture(scope="session")
def fixture_release(fixture_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The student release of the fixture assignment (generated once per session)."""
    from grading.release import generate_release

    out = tmp_path_factory.mktemp("fixture_release")
    return generate_release(fixture_source.parent, out)[0]


# --------------------------------------------------------------------------- scheduling over xdist workers

def _shares_a_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(fd.scope in SHARED_SCOPES for name in item.fixturenames for fd in info.name2fixturedefs.get(name, ()))


def _notebook_seconds() -> dict[str, float]:
    """Per notebook number ("05"), its seconds in the last course run (empty without one)."""
    try:
        return {r["notebook"][:2]: float(r.get("seconds") or 0) for r in json.loads(COURSE_REPORT.read_text())}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _cost(item: pytest.Item, seconds: dict[str, float]) -> float:
    """A rough estimate of an item's seconds: ``@pytest.mark.cost(s)`` where a test says it; a quick execution of
    its notebook (+ nbgrader's start) for a test of one notebook; generous for other slow tests (several
    gradings: better started early than left for the end); small for the rest."""
    marker = item.get_closest_marker("cost")
    if marker is not None and marker.args:
        return float(marker.args[0])
    if item.get_closest_marker("slow") is None:
        return 1.0
    match = re.search(r"test_nb(\d\d)_|\[(\d\d)_", item.nodeid)
    if match is None:
        return 120.0
    return 0.6 * seconds.get(match.group(1) or match.group(2), 60.0) + 15.0


@pytest.hookimpl(tryfirst=True)   # before xdist reads the xdist_group marks it adds (else every group is split)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    units: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        unit = item.nodeid
        if _shares_a_fixture(item):
            unit = item.nodeid.split("::")[0]
            item.add_marker(pytest.mark.xdist_group(unit))
        units.setdefault(unit, []).append(i)
    if getattr(config.option, "dist", "no") == "no":
        return   # one process: keep file order
    seconds = _notebook_seconds()
    cost = {}
    for unit, idx in units.items():
        shared = len(idx) > 1 or unit != items[idx[0]].nodeid
        # a group pays its notebook once (the shared kernel), then a little per answer
        cost[unit] = (max(_cost(items[i], seconds) for i in idx) + 2.0 * len(idx)) if shared \
            else _cost(items[idx[0]], seconds)
    order = sorted(units, key=lambda u: (-cost[u], units[u][0]))
    items[:] = [items[i] for unit in order for i in units[unit]]
