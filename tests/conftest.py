"""Shared fixtures for the grading tests (keep small)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# nbgrader and jupyter call console scripts (alembic, jupyter) by name: make this environment's bin findable
# even when pytest is started as `.venv/bin/python -m pytest` without activating the environment.
_BIN = str(Path(sys.executable).parent)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")

REPO = Path(__file__).resolve().parents[1]
GRADING_FIXTURES = REPO / "tests" / "fixtures" / "grading"
SOLUTIONS = sorted((REPO / "solutions").glob("*.ipynb"))


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
