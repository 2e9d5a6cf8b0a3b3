"""A one-line self-check for students: re-run every exercise's visible tests and print a score table.

nbgrader's "Validate" button needs its Jupyter extension, which Colab and plain Jupyter do not have. Each test
cell of the course starts with a header comment ``# Tests for qNN_name (P points)``; ``selfcheck()`` finds the
test cells this kernel has executed (IPython's input history), runs each one again in the notebook's namespace
and reports pass / fail per exercise, without stopping at the first failure. Hidden tests are not in the
student notebook, so a full score here is necessary, not sufficient, for a full grade.

Used in: the last section of every notebook.
"""
from __future__ import annotations

import contextlib
import io
import re

HEADER = re.compile(r"^# Tests for (q\d\d\w*) \((\d+(?:\.\d+)?) points?\)", re.MULTILINE)


def _test_cells(history: list[str]) -> dict[str, tuple[float, str]]:
    """Latest source of each test cell found in the history, keyed by exercise id."""
    cells: dict[str, tuple[float, str]] = {}
    for source in history:
        match = HEADER.match(source.lstrip())
        if match and "selfcheck(" not in source:
            cells[match.group(1)] = (float(match.group(2)), source)
    return cells


def run_checks(namespace: dict, history: list[str]) -> list[dict]:
    """Run each test cell found in ``history`` inside ``namespace``; one result dict per exercise.

    >>> ns = {"x": 2}
    >>> [r["status"] for r in run_checks(ns, ["# Tests for q01_demo (1 point)\\nassert x == 2"])]
    ['passed']
    """
    results = []
    for qid, (points, source) in _test_cells(history).items():
        status, detail = "passed", ""
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(source, f"<tests for {qid}>", "exec"), namespace)
        except AssertionError as err:
            status, detail = "failed", str(err).splitlines()[0] if str(err) else "an assert failed"
        except NotImplementedError:
            status, detail = "not done", "the exercise still raises NotImplementedError"
        except Exception as err:  # noqa: BLE001 - a student's error of any kind is reported, not raised
            status, detail = "error", f"{type(err).__name__}: {err}".splitlines()[0]
        results.append({"exercise": qid, "points": points, "status": status, "detail": detail[:100]})
    return results


def selfcheck() -> list[dict]:
    """Re-run the visible tests of every exercise executed so far and print a score table.

    Run it in the notebook's last section: ``from helpers.selfcheck import selfcheck; selfcheck()``.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        print("selfcheck() runs inside a notebook (Jupyter, JupyterLab or Colab).")
        return []
    results = run_checks(shell.user_ns, list(shell.user_ns.get("In", [])))
    if not results:
        print("No test cells have run yet: run the notebook from the top (Run > Run All Cells), then this cell.")
        return results
    earned = sum(r["points"] for r in results if r["status"] == "passed")
    total = sum(r["points"] for r in results)
    width = max(len(r["exercise"]) for r in results)
    print(f"{'exercise':<{width}}  points  result")
    for r in results:
        mark = {"passed": "✓", "failed": "✗", "error": "✗", "not done": "·"}[r["status"]]
        line = f"{r['exercise']:<{width}}  {r['points']:>6g}  {mark} {r['status']}"
        print(line + (f" — {r['detail']}" if r["detail"] else ""))
    print(f"visible tests: {earned:g} / {total:g} points (hidden tests run when your TA grades)")
    return results
