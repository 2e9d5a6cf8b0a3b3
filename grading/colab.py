"""Google Colab support: the "Open in Colab" link and the setup cell at the top of every notebook.

``COLAB_CELL`` is the source of the notebook's first code cell. On Colab it clones the course (code and
``datasets/``), installs it with pip and puts it on ``sys.path``, moves into the repository so relative paths
work, and sets ``SLM_PROFILE`` (default ``auto``: the hub models on Colab's GPU). Anywhere else it does
nothing and prints nothing. It cannot import ``helpers``: on Colab the package is not installed yet.

``add_colab_cell(nb, name)`` inserts (or updates) a markdown cell with the Colab badge as the notebook's first
cell and the setup cell as its first code cell, idempotently. Neither cell carries nbgrader metadata or the
papermill ``parameters`` tag.

    python -m grading.colab solutions/*.ipynb     # add/update both cells in place (then regenerate releases)

The cell installs the course with ``pip install -e`` and no extras: the notebooks need only the base
dependencies (``pyproject.toml``); nbgrader, papermill, JupyterLab and the test tools are the ``dev`` extra.

Used by: every notebook in ``solutions/`` and ``notebooks/``; README's syllabus (``colab_url``); tests/test_colab.py.
"""
from __future__ import annotations

import sys
from pathlib import Path

REPOSITORY = "slm-course/slm-course"
BRANCH = "main"
LINK_TAG = "colab-link"
SETUP_TAG = "colab-setup"
BADGE = "https://colab.research.google.com/assets/colab-badge.svg"

COLAB_CELL = f'''\
# Colab setup: on Google Colab this fetches the course (code + datasets/), installs it and picks the profile.
# Anywhere else (your laptop, JupyterLab, CI, the grader) it does nothing.
import sys
if "google.colab" in sys.modules:
    import os, subprocess
    COURSE_DIR = "/content/slm-course"
    if not os.path.isdir(os.path.join(COURSE_DIR, "helpers")):
        subprocess.run(["git", "clone", "--depth", "1", "--branch", "{BRANCH}",
                        "https://github.com/{REPOSITORY}", COURSE_DIR], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", COURSE_DIR], check=True)
    if COURSE_DIR not in sys.path:
        sys.path.insert(0, COURSE_DIR)   # this kernel started before the install
    os.chdir(COURSE_DIR)
    os.environ.setdefault("SLM_PROFILE", "auto")   # "auto": hub models when the Hub answers; or "local" / "hub"
    print("course ready in", COURSE_DIR, "| SLM_PROFILE =", os.environ["SLM_PROFILE"])'''


def colab_url(name: str, folder: str = "notebooks") -> str:
    """The "Open in Colab" address of a notebook of the canonical repository.

    >>> colab_url("01_parameter_counting")
    'https://colab.research.google.com/github/slm-course/slm-course/blob/main/notebooks/01_parameter_counting.ipynb'
    """
    stem = Path(name).stem
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/{folder}/{stem}.ipynb"


def colab_badge(name: str) -> str:
    """Markdown for the badge linking to the released notebook on Colab (README syllabus and first cell)."""
    return f"[![Open In Colab]({BADGE})]({colab_url(name)})"


def _tags(cell) -> list:
    return list(cell.get("metadata", {}).get("tags", []))


def _new_cell(nb, cell_type: str, source: str, tag: str):
    import nbformat

    make = nbformat.v4.new_markdown_cell if cell_type == "markdown" else nbformat.v4.new_code_cell
    cell = make(source=source, metadata={"tags": [tag]})
    if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) >= (4, 5):
        cell["id"] = tag  # deterministic, so regenerated releases do not change
    else:
        cell.pop("id", None)
    return cell


def add_colab_cell(nb, name: str | None = None):
    """Insert or update the Colab link (first cell) and the Colab setup cell (first code cell); returns ``nb``.

    ``name`` is the notebook's stem (default: ``nb.metadata["slm_name"]`` if set). Cells tagged ``colab-link``
    or ``colab-setup`` from an earlier call are replaced, so running it twice changes nothing.
    """
    name = name or nb.get("metadata", {}).get("slm_name")
    if not name:
        raise ValueError("add_colab_cell needs the notebook's name, e.g. add_colab_cell(nb, '01_parameter_counting')")
    name = Path(name).stem
    nb.cells = [c for c in nb.cells if not ({LINK_TAG, SETUP_TAG} & set(_tags(c)))]
    link = _new_cell(nb, "markdown", colab_badge(name), LINK_TAG)
    setup = _new_cell(nb, "code", COLAB_CELL, SETUP_TAG)
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(first_code, setup)   # before the `parameters` cell, after the title
    nb.cells.insert(0, link)
    return nb


def add_colab_cells_to_files(paths: list[str | Path]) -> list[Path]:
    """Apply :func:`add_colab_cell` to notebook files in place; returns the files that changed."""
    import nbformat

    changed = []
    for path in map(Path, paths):
        before = path.read_text()
        nb = nbformat.reads(before, as_version=4)
        add_colab_cell(nb, path.stem)
        after = nbformat.writes(nb) + "\n"
        if after != before:
            path.write_text(after)
            changed.append(path)
    return changed


if __name__ == "__main__":
    for p in add_colab_cells_to_files(sys.argv[1:]):
        print("updated", p)
