"""No module a student's kernel can import exports an exercise's answer: no function of the same name, no solution
line verbatim, in helpers (the library the notebooks use) nor in grading (the course tooling, installed beside it)."""
import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)
HELPER_SOURCES = {p: p.read_text() for package in ("helpers", "grading") for p in (REPO / package).rglob("*.py")}
NOTEBOOKS = sorted((REPO / "solutions").glob("*.ipynb"))


def solution_cells(path):
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_helpers_define_no_exercise_function(path):
    names = {m for src in solution_cells(path) for m in re.findall(r"^def (\w+)", src, re.MULTILINE)}
    for helper, text in HELPER_SOURCES.items():
        defined = set(re.findall(r"^\s*def (\w+)", text, re.MULTILINE))
        assert not names & defined, f"{helper.parent.name}/{helper.name} defines exercise function(s) {names & defined}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_helpers_contain_no_solution_line(path):
    lines = {line.strip() for src in solution_cells(path) for region in REGION.findall(src)
             for line in region.splitlines()}
    lines = {line for line in lines if len(line) >= 30 and not line.startswith("#")}
    for helper, text in HELPER_SOURCES.items():
        flat = {line.strip() for line in text.splitlines()}
        assert not lines & flat, f"{helper.parent.name}/{helper.name} contains solution code: {sorted(lines & flat)[:3]}"
