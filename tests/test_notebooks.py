"""Every solution notebook executes top to bottom under papermill in the local profile (CI size knob on).

The full-size execution of each notebook is its autograde run (tests/test_roundtrip.py); this one checks the
papermill path the course command uses, with SLM_QUICK=1, and what a run leaves behind.
"""
import nbformat
import pytest

from helpers.runner import notebook_names, run_notebook

NAMES = notebook_names()


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_executes_with_papermill(name, tmp_path):
    result = run_notebook(name, tmp_path, profile="local", quick=True, timeout=600)
    assert result["status"] == "ok", result["error"]
    assert result["metrics"], "the notebook records its headline figures with helpers.metrics"
    executed = nbformat.read(tmp_path / name / f"{name}.ipynb", as_version=4)
    for cell in executed.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
            stderr = [o for o in cell.get("outputs", []) if o.get("name") == "stderr"]
            assert not stderr, f"a test cell wrote to stderr (scores 0 under nbgrader): {stderr[0]['text'][:200]}"


def test_course_has_notebooks():
    assert NAMES and NAMES[0].startswith("01_")
