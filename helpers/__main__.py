"""``python3 -m helpers <command>``: the course's entry point, usable before anything is installed.

On a fresh machine (Python 3.10-3.12 and pip) the first call creates ``.venv`` in the repository, installs
PyTorch (``torch==2.13.0``, CPU build where the machine provides it; override with ``SLM_TORCH_SPEC``) and the
course package with its test extra, then re-runs the command inside that environment. Later calls reuse it
(it is reinstalled when ``pyproject.toml`` changes).

    python3 -m helpers course     # execute every notebook (local profile), print the table, write build/course
    python3 -m helpers test       # the whole test suite, as CI runs it
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


def _python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _wanted_stamp() -> str:
    torch_spec = os.environ.get("SLM_TORCH_SPEC", "torch==2.13.0")
    return hashlib.sha256((REPO / "pyproject.toml").read_bytes() + torch_spec.encode()).hexdigest()


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
    torch_spec = os.environ.get("SLM_TORCH_SPEC", "torch==2.13.0")
    print(f"[setup] installing {torch_spec} (CPU build where available) ...", flush=True)
    subprocess.run(pip + [torch_spec], check=True)
    print("[setup] installing the course package and its dependencies (pip install -e '.[dev]') ...", flush=True)
    subprocess.run(pip + ["-e", f"{REPO}[dev]"], check=True, cwd=REPO)
    STAMP.write_text(_wanted_stamp())


def main() -> None:
    if os.environ.get("SLM_NO_BOOTSTRAP") != "1" and not _inside_venv():
        ensure_environment()
        os.execv(str(_python()), [str(_python()), "-m", "helpers", *sys.argv[1:]])
    from helpers.cli import main as cli_main

    sys.exit(cli_main(sys.argv[1:]))


if __name__ == "__main__":
    main()
