"""The committed student release (notebooks/) is up to date, leaks nothing and carries no outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from grading.release import _inject_canaries, generate_release, leaks, stale_notebooks
from tests.conftest import REPO, SOLUTIONS

pytestmark = pytest.mark.slow
needs_solutions = pytest.mark.skipif(not SOLUTIONS, reason="solutions/ has no notebooks yet")


@needs_solutions
def test_release_not_stale():
    stale = stale_notebooks()
    assert not stale, f"notebooks/ is stale for {stale}: run `slm-course release` and commit notebooks/"


@needs_solutions
def test_release_has_no_leaks():
    problems = leaks()
    assert not problems, "\n".join(problems)


@needs_solutions
def test_released_notebooks_have_no_outputs():
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name} cell {i} has outputs"


def test_fixture_release_is_clean(fixture_source: Path, fixture_release: Path):
    assert leaks(fixture_release.parent, fixture_source.parent) == []
    assert stale_notebooks(fixture_source.parent, fixture_release.parent) == []


def test_leak_check_catches_a_leak(fixture_source: Path, tmp_path: Path):
    """A release edited to contain a hidden test, or an output, is reported."""
    out = generate_release(fixture_source.parent, tmp_path)[0]
    nb = nbformat.read(out, as_version=4)
    nb.cells[3].source += "\n### BEGIN HIDDEN TESTS\nassert add(-5, 5) == 0\n### END HIDDEN TESTS"
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi")]
    nbformat.write(nb, out)
    problems = leaks(tmp_path, fixture_source.parent)
    assert any("HIDDEN TESTS" in p for p in problems) and any("outputs" in p for p in problems)
    assert stale_notebooks(fixture_source.parent, tmp_path) == ["fixture_add"]


def test_canaries_reach_every_region(fixture_source: Path):
    nb = nbformat.read(fixture_source, as_version=4)
    assert _inject_canaries(nb, "CANARY") == 4  # two solution regions, two hidden-test regions
