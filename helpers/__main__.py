"""``python3 -m helpers <command>``: the course's entry point, usable before anything is installed.

This file is a bootstrap, not part of the library the notebooks import: it uses only the standard library and
never imports the course tooling. On a fresh machine (Python 3.10-3.12 and pip) the first call creates
``.venv`` in the repository, installs PyTorch (``torch==2.13.0``; override with ``SLM_TORCH_SPEC``) and the
course package with its ``dev`` extra (nbgrader, papermill, JupyterLab, the test tools), then starts
``python -m grading <command>`` inside that environment as a new process. Later calls reuse the environment
(it is reinstalled when ``pyproject.toml`` changes).

    python3 -m helpers course     # execute every notebook (local profile), print the table, write build/course
    python3 -m helpers test       # what CI runs: the course at full size, then the test suite
    python3 -m helpers --help     # every command (release, grade, report, ...)
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV = Path(os.environ.get("SLM_VENV", REPO / ".venv"))
STAMP = VENV / ".slm-course-installed"
TOOLING = "grading"   # the package holding the course command, started with `python -m grading`
EXTRA = "dev"         # pyproject.toml's extra with the tooling's dependencies


def _python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _torch_spec() -> str:
    return os.environ.get("SLM_TORCH_SPEC", "torch==2.13.0")


def _wanted_stamp() -> str:
    return hashlib.sha256((REPO / "pyproject.toml").read_bytes() + _torch_spec().encode()).hexdigest()


def _inside_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def ensure_environment() -> None:
    """Create and fill ``.venv`` if it is missing or stale (prints what it does)."""
    if STAMP.exists() and STAMP.read_text() == _wanted_stamp():
        return
    if not _python().exists():
        print(f"[setup] creating the course environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    print(f"[setup] installing {_torch_spec()} (CPU build where available) ...", flush=True)
    subprocess.run(pip + [_torch_spec()], check=True)
    print(f"[setup] installing the course package and its tooling (pip install -e '.[{EXTRA}]') ...", flush=True)
    subprocess.run(pip + ["-e", f"{REPO}[{EXTRA}]"], check=True, cwd=REPO)
    STAMP.write_text(_wanted_stamp())


def main() -> None:
    python = sys.executable
    if os.environ.get("SLM_NO_BOOTSTRAP") != "1" and not _inside_venv():
        ensure_environment()
        python = str(_python())
    # A new process (not an import): the student library never loads the tooling.
    os.execv(python, [python, "-m", TOOLING, *sys.argv[1:]])


if __name__ == "__main__":
    main()
