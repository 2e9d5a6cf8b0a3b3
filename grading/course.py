"""Throwaway nbgrader course roots: the one place that lays out source/, the config and the gradebook."""

from __future__ import annotations

import shutil
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

REPO = Path(__file__).resolve().parents[1]
CONFIG_FILE = Path(__file__).with_name("nbgrader_config.py")
COURSE_ID = "slm-course"


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
    root.mkdir(parents=True, exist_ok=True)
    if source is not None:
        dest = root / "source" / source.stem
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest / f"{source.stem}.ipynb")
    write_config(root, extra)
    return root


def api(root: Path) -> NbGraderAPI:
    """An NbGraderAPI for a root made by `make_root` (trusted code only: it runs in this process)."""
    config: Config = PyFileConfigLoader("nbgrader_config.py", str(root)).load_config()
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def db_url(root: Path) -> str:
    return "sqlite:///" + str(root / "gradebook.db")


def gradebook(root_or_db: Path) -> Gradebook:
    """Open the gradebook of a root (or a .db file directly)."""
    db = root_or_db if root_or_db.suffix == ".db" else root_or_db / "gradebook.db"
    return Gradebook("sqlite:///" + str(db), course_id=COURSE_ID)
