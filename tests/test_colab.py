"""Colab: every released notebook opens on Colab and sets itself up there, and the setup cell is inert elsewhere.

* every ``notebooks/*.ipynb`` (and its source in ``solutions/``) starts with the "Open in Colab" link to itself
  and has ``grading.colab.COLAB_CELL``, unchanged, as its first code cell (before ``parameters``, without
  nbgrader metadata or outputs); the README's syllabus links every released notebook on Colab;
* executing the cell outside Colab prints nothing, writes no file, and leaves cwd, sys.path and the
  environment as they were;
* on a simulated Colab (a ``google.colab`` module, ``subprocess`` recorded instead of run) it clones the
  canonical repository, pip-installs it, puts it on ``sys.path``, moves into it and sets ``SLM_PROFILE``;
* ``add_colab_cell`` is idempotent and survives nbformat validation.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grading.colab import COLAB_CELL, LINK_TAG, SETUP_TAG, add_colab_cell, colab_url

REPO = Path(__file__).resolve().parents[1]
RELEASED = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SOURCES = sorted((REPO / "solutions").glob("[0-9][0-9]_*.ipynb"))


def _params(paths: list[Path], what: str) -> list:
    if not paths:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no {what} notebooks yet"))]
    return [pytest.param(p, id=f"{p.parent.name}/{p.stem}") for p in paths]


def _check_notebook(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    hint = f"run `python -m grading.colab solutions/{path.name}`, then `python3 -m helpers release`"
    assert first.cell_type == "markdown" and colab_url(path.stem) in first.source, \
        f"{path.name}: the first cell must link {colab_url(path.stem)}; {hint}"
    setup = [c for c in nb.cells if SETUP_TAG in c.metadata.get("tags", [])]
    assert len(setup) == 1, f"{path.name}: expected one cell tagged {SETUP_TAG!r}, found {len(setup)}; {hint}"
    cell = setup[0]
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert cell is code_cells[0], f"{path.name}: the Colab setup cell must be the first code cell"
    assert cell.source == COLAB_CELL, f"{path.name}: the Colab setup cell differs from grading.colab.COLAB_CELL; {hint}"
    assert "nbgrader" not in cell.metadata and "parameters" not in cell.metadata.get("tags", [])
    assert not cell.get("outputs"), f"{path.name}: the Colab setup cell has outputs"


@pytest.mark.parametrize("path", _params(RELEASED, "released"))
def test_released_notebook_has_colab_link_and_setup_cell(path):
    _check_notebook(path)


@pytest.mark.parametrize("path", _params(SOURCES, "source"))
def test_source_notebook_has_colab_link_and_setup_cell(path):
    _check_notebook(path)


def test_readme_syllabus_links_every_released_notebook_on_colab():
    if not RELEASED:
        pytest.skip("no released notebooks yet")
    readme = (REPO / "README.md").read_text()
    missing = [p.stem for p in RELEASED if colab_url(p.stem) not in readme]
    assert not missing, f"README.md lacks the Colab link (grading.colab.colab_badge) for: {missing}"


_PROBE = r"""
import json, os, sys
cell = open(sys.argv[1]).read()
before = {"cwd": os.getcwd(), "path": list(sys.path), "env": dict(os.environ), "modules": sorted(sys.modules)}
ns = {}
exec(compile(cell, "<colab-cell>", "exec"), ns)
after = {"cwd": os.getcwd(), "path": list(sys.path), "env": dict(os.environ), "modules": sorted(sys.modules)}
json.dump({"same": before == after, "names": sorted(k for k in ns if k != "__builtins__")}, sys.stderr)
"""


def test_colab_cell_is_a_noop_outside_colab(tmp_path):
    cell = tmp_path / "cell.py"
    cell.write_text(COLAB_CELL)
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run([sys.executable, "-c", _PROBE, str(cell)], cwd=work, capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "", f"the cell printed outside Colab: {proc.stdout!r}"
    report = json.loads(proc.stderr)
    assert report["same"], "the cell changed cwd, sys.path, the environment or imported modules outside Colab"
    assert report["names"] == ["sys"], f"the cell defined {report['names']} outside Colab"
    assert list(work.iterdir()) == [], "the cell wrote files outside Colab"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cell.py", "work"]


_FAKE_COLAB = r"""
import json, os, sys, types
course_dir, cell = sys.argv[1], open(sys.argv[2]).read().replace("/content/slm-course", sys.argv[1])
sys.modules["google"] = types.ModuleType("google")
sys.modules["google.colab"] = types.ModuleType("google.colab")
calls = []
def run(cmd, check=False, **kw):
    calls.append(list(cmd))
    if cmd[:2] == ["git", "clone"]:
        os.makedirs(os.path.join(cmd[-1], "helpers"))
    return types.SimpleNamespace(returncode=0)
fake = types.ModuleType("subprocess"); fake.run = run
real, sys.modules["subprocess"] = sys.modules.get("subprocess"), fake
exec(compile(cell, "<colab-cell>", "exec"), {})
print(json.dumps({"calls": calls, "cwd": os.getcwd(), "path0": sys.path[0],
                  "profile": os.environ.get("SLM_PROFILE")}))
"""


def test_colab_cell_sets_up_course_on_simulated_colab(tmp_path):
    cell = tmp_path / "cell.py"
    cell.write_text(COLAB_CELL)
    course = tmp_path / "slm-course"
    proc = subprocess.run([sys.executable, "-c", _FAKE_COLAB, str(course), str(cell)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("course ready in"), "say on Colab that the course is ready and which profile"
    state = json.loads(lines[-1])
    clone, pip = state["calls"]
    assert clone[:4] == ["git", "clone", "--depth", "1"] and "https://github.com/slm-course/slm-course" in clone
    assert clone[-1] == str(course)
    assert pip[1:] == ["-m", "pip", "install", "-q", "-e", str(course)]
    assert state["cwd"] == str(course) and state["path0"] == str(course)
    assert state["profile"] == "auto"


def test_add_colab_cell_is_idempotent(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 99 · Demo"),
                nbformat.v4.new_code_cell('PROFILE = "auto"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("x = 1")]
    once = add_colab_cell(nbformat.from_dict(json.loads(nbformat.writes(nb))), "99_demo")
    twice = add_colab_cell(nbformat.from_dict(json.loads(nbformat.writes(once))), "99_demo")
    assert nbformat.writes(once) == nbformat.writes(twice)
    nbformat.validate(twice)
    kinds = [(c.cell_type, c.metadata.get("tags", [])) for c in twice.cells]
    assert kinds == [("markdown", [LINK_TAG]), ("markdown", []), ("code", [SETUP_TAG]), ("code", ["parameters"]),
                     ("code", [])]
    assert colab_url("99_demo") in twice.cells[0].source
    # an outdated setup cell from an earlier version is replaced, not duplicated
    twice.cells[2].source = "# old"
    again = add_colab_cell(twice, "99_demo")
    assert sum(SETUP_TAG in c.metadata.get("tags", []) for c in again.cells) == 1
    assert again.cells[2].source == COLAB_CELL


def test_add_colab_cell_on_a_copy_of_every_source(tmp_path):
    """What the lead's one-off insertion will do to solutions/: only the two cells are added, and nbformat agrees."""
    if not SOURCES:
        pytest.skip("no source notebooks yet")
    from grading.colab import add_colab_cells_to_files

    copies = []
    for src in SOURCES:
        copies.append(tmp_path / src.name)
        copies[-1].write_text(src.read_text())
    add_colab_cells_to_files(copies)
    assert add_colab_cells_to_files(copies) == [], "a second run must change nothing"
    for src, copy in zip(SOURCES, copies):
        copied = nbformat.read(copy, as_version=4)
        nbformat.validate(copied)
        original = nbformat.read(src, as_version=4)
        kept = [c for c in copied.cells
                if not {LINK_TAG, SETUP_TAG} & set(c.metadata.get("tags", []))]
        assert [c.source for c in kept] == [c.source for c in original.cells if
                                            not {LINK_TAG, SETUP_TAG} & set(c.metadata.get("tags", []))]
