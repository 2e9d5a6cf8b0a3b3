"""Throwaway nbgrader course roots: the one place that lays out source/, the config and the gradebook."""

from __future__ import annotations

import difflib
import os
import shutil
import sys
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

REPO = Path(__file__).resolve().parents[1]
CONFIG_FILE = Path(__file__).with_name("nbgrader_config.py")
COURSE_ID = "slm-course"
SOLUTIONS = REPO / "solutions"
RELEASE = REPO / "notebooks"


def known_assignments() -> list[str]:
    """The course's assignments: the stems of `solutions/*.ipynb`, sorted (`02_downcasting`, ...)."""
    return sorted(p.stem for p in SOLUTIONS.glob("*.ipynb"))


def _unknown(what: str, why: str) -> ValueError:
    known = known_assignments()
    close = difflib.get_close_matches(Path(what).stem, known, n=1, cutoff=0.5)
    hint = f" Did you mean {close[0]}?" if close else ""
    return ValueError(f"{why}.{hint} Known assignments: {', '.join(known)}")


def source_notebook(assignment: str | Path) -> Path:
    """The nbgrader source notebook to grade against: `solutions/<name>.ipynb` for a name, stem or path.

    Accepts `02_downcasting`, `02_downcasting.ipynb`, `solutions/02_downcasting.ipynb`, or the path of another
    source notebook (a test fixture). Raises ValueError, listing the known assignments, on a typo, and for the
    student release (`notebooks/...`, or any notebook without `### BEGIN SOLUTION`): grading against the
    release would use its visible tests only.
    """
    text = str(assignment)
    as_path = Path(text).expanduser()
    if text.endswith(".ipynb") and (as_path.parent != Path(".") or as_path.exists()):
        path = as_path if as_path.is_absolute() else Path.cwd() / as_path
        if not path.exists() and (REPO / as_path).exists():
            path = REPO / as_path
        if not path.exists():
            raise _unknown(text, f"no source notebook {text}")
        path = path.resolve()
        if path.is_relative_to(RELEASE.resolve()) or "BEGIN SOLUTION" not in path.read_text(errors="replace"):
            raise ValueError(f"{text} is a student release (no solutions, no hidden tests): grade against the "
                             f"source notebook solutions/{path.stem}.ipynb instead, i.e. give the name {path.stem}")
        return path
    name = Path(text).name
    name = name[: -len(".ipynb")] if name.endswith(".ipynb") else name
    if name in known_assignments():
        return SOLUTIONS / f"{name}.ipynb"
    raise _unknown(text, f"unknown assignment {text!r}")


def ensure_bin_on_path() -> None:
    """Put the running interpreter's bin dir first on PATH (nbgrader calls `alembic`/`jupyter` by name).

    `python -m grading.batch ...` with `.venv/bin/python` but no activated environment otherwise fails with
    `FileNotFoundError: 'alembic'`.
    """
    bin_dir = str(Path(sys.executable).parent)
    parts = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p]
    if not parts or parts[0] != bin_dir:
        os.environ["PATH"] = os.pathsep.join([bin_dir, *[p for p in parts if p != bin_dir]])


def write_config(root: Path, extra: str = "") -> Path:
    """Write `root/nbgrader_config.py`: the course config plus this root's paths and `extra` lines."""
    text = CONFIG_FILE.read_text()
    text += f"\n# --- written for this throwaway root ---\nc.CourseDirectory.root = {str(root)!r}\n"
    text += f"c.CourseDirectory.db_url = {('sqlite:///' + str(root / 'gradebook.db'))!r}\n"
    text += extra
    path = root / "nbgrader_config.py"
    path.write_text(text)
    return path


def make_root(root: Path, source: Path | None = None, extra: str = "") -> Path:
    """Create a course root at `root` holding only `source` as `source/<stem>/<stem>.ipynb`."""
    ensure_bin_on_path()  # nbgrader runs `alembic` by name when it makes the gradebook
    root.mkdir(parents=True, exist_ok=True)
    if source is not None:
        dest = root / "source" / source.stem
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest / f"{source.stem}.ipynb")
    write_config(root, extra)
    return root


def api(root: Path) -> NbGraderAPI:
    """An NbGraderAPI for a root made by `make_root` (trusted code only: it runs in this process)."""
    ensure_bin_on_path()
    config: Config = PyFileConfigLoader("nbgrader_config.py", str(root)).load_config()
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def db_url(root: Path) -> str:
    return "sqlite:///" + str(root / "gradebook.db")


def gradebook(root_or_db: Path) -> Gradebook:
    """Open the gradebook of a root (or a .db file directly)."""
    db = root_or_db if root_or_db.suffix == ".db" else root_or_db / "gradebook.db"
    return Gradebook("sqlite:///" + str(db), course_id=COURSE_ID)
