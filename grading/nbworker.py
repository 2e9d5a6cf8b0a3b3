"""Subprocess entry point: nbgrader autograde (and feedback) for one student in one throwaway root.

    python -m grading.nbworker ROOT ASSIGNMENT STUDENT FEEDBACK(0|1)

Trusted code, one interpreter per submission so that grading/autograde.py can kill it (and its kernel) on a
timeout. It runs nbgrader's own command-line apps (as `nbgrader autograde` / `nbgrader generate_feedback`
would, reading ROOT/nbgrader_config.py), twice in one interpreter to save the start-up. Student code runs
only in the sandboxed kernel nbgrader starts. Writes ROOT/worker.json.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from nbgrader.apps import NbGraderApp


def _run(argv: list[str]) -> bool:
    NbGraderApp.clear_instance()
    try:
        NbGraderApp.launch_instance(argv=argv)
    except SystemExit as exc:
        return not exc.code
    return True


def main(argv: list[str]) -> int:
    from grading.autograde import strip_hidden_tests

    root, aid, sid, feedback = Path(argv[0]), argv[1], argv[2], argv[3] == "1"
    os.chdir(root)
    out = {"success": _run(["autograde", aid, "--student", sid, "--force"])}
    if out["success"] and feedback:  # feedback from a scrubbed copy: the autograded notebook keeps everything
        graded = root / "autograded" / sid / aid / f"{aid}.ipynb"
        kept = root / "autograded-full.ipynb"
        shutil.copyfile(graded, kept)
        try:
            strip_hidden_tests(graded, root / "source" / aid / f"{aid}.ipynb")
            out["feedback"] = _run(["generate_feedback", aid, "--student", sid, "--force"])
        finally:
            shutil.copyfile(kept, graded)
            kept.unlink()
    (root / "worker.json").write_text(json.dumps(out))
    return 0 if out["success"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
