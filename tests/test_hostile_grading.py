"""Issue #12: hostile submissions of the real notebook 01_parameter_counting cannot forge grades or harm the grader.

Each case is one code cell in tests/fixtures/grading/hostile/<case>.py, inserted before the first exercise of
solutions/01_parameter_counting.ipynb, with the answers that expected.json names ("solution": the reference
answers; "zero": every exercise returns 0; "lookalike": every exercise returns an int/float subclass whose
comparisons always succeed). expected.json is the contract: status, score out of 11, whether the submission
is flagged for review. Canaries outside the grading (a process of the grader's user, a file in HOME, a file
in /tmp) must be untouched afterwards, and no feedback may hold a line of a hidden test.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from grading.autograde import grade_submission, hidden_lines, prepare_template
from grading.sandbox import isolation_kind
from tests.conftest import GRADING_FIXTURES, REPO

pytestmark = pytest.mark.slow
HOSTILE = GRADING_FIXTURES / "hostile"
SOURCE = REPO / "solutions" / "01_parameter_counting.ipynb"
SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION.*?### END SOLUTION[^\n]*", re.S | re.M)


def _answers(nb: nbformat.NotebookNode, mode: str) -> None:
    for cell in nb.cells:
        if not cell.metadata.get("nbgrader", {}).get("solution") or "BEGIN SOLUTION" not in cell.source:
            continue
        if mode == "solution":
            cell.source = "\n".join(ln for ln in cell.source.splitlines() if "### BEGIN" not in ln and "### END" not in ln)
            continue
        is_float = "-> float" in cell.source
        value = {"zero": "0.0" if is_float else "0", "lookalike": "_YesF(0.0)" if is_float else "_Yes(0)"}[mode]
        cell.source = SOLUTION.sub(lambda m: f"{m.group(1)}return {value}", cell.source)


def submission(case: str, mode: str, fill: dict[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.read(SOURCE, as_version=4)
    _answers(nb, mode)
    code = (HOSTILE / f"{case}.py").read_text()
    for key, val in fill.items():
        code = code.replace(f"@{key}@", val)
    first = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution"))
    nb.cells.insert(first, nbformat.v4.new_code_cell(code))
    return nb


def _feedback_text(path: Path) -> str:
    text = re.sub(r"<[^>]+>", "", path.read_text(errors="replace"))
    return " ".join(html.unescape(text).split())


@pytest.fixture
def canaries(tmp_path: Path):
    """A process, a file in HOME and a file in /tmp, owned by the grader's user, checked after grading."""
    token = secrets.token_hex(8)
    proc = subprocess.Popen(["sleep", "3600"], start_new_session=True)
    home_file = Path.home() / f".slm-canary-{token}"
    tmp_file = Path("/tmp") / f"slm-canary-{token}"
    for f in (home_file, tmp_file):
        f.write_text(token)
    sleep_marker = str(3000 + secrets.randbelow(500)) + ".5"
    yield {"PID": str(proc.pid), "HOME_CANARY": str(home_file), "TMP_CANARY": str(tmp_file),
           "HOME": str(Path.home()), "REPO": str(REPO), "SLEEP": sleep_marker}
    alive = proc.poll() is None
    intact = [f.exists() and f.read_text() == token for f in (home_file, tmp_file)]
    strays = subprocess.run(["pgrep", "-f", f"sleep {sleep_marker}"], capture_output=True, text=True).stdout.split()
    for pid in strays:
        os.kill(int(pid), signal.SIGKILL)
    proc.kill()
    for f in (home_file, tmp_file):
        f.unlink(missing_ok=True)
    assert alive, "the canary process of the grader's user was killed"
    assert intact == [True, True], f"canary files touched (HOME, /tmp): {intact}"
    assert not strays, f"processes started by a submission outlived its grading: {strays}"
    assert not (REPO / "solutions" / "pwned.txt").exists() and not Path("/etc/pwned").exists()


@pytest.mark.skipif(not SOURCE.exists(), reason="no solutions/01_parameter_counting.ipynb")
def test_hostile_submissions(tmp_path: Path, canaries: dict):
    if not isolation_kind():
        pytest.skip("no sandbox works here (bubblewrap or unshare): the grader refuses to run student code")
    expected = json.loads((HOSTILE / "expected.json").read_text())
    assert len(expected) >= 12 and all((HOSTILE / f"{c}.py").exists() for c in expected)
    work = tmp_path / "work"
    template = prepare_template(SOURCE, work / "template")
    hidden = hidden_lines(SOURCE)
    assert hidden, "the notebook has hidden tests"

    short = {case: str(i) for i, case in enumerate(sorted(expected))}  # Unix socket paths stay under 108 bytes

    def one(case: str):
        folder = work / "subs" / case
        folder.mkdir(parents=True)
        path = folder / f"{SOURCE.stem}.ipynb"
        nbformat.write(submission(case, expected[case]["answers"], canaries), path)
        return case, grade_submission(SOURCE, path, env={"SLM_QUICK": "1"}, timeout=400, cell_timeout=120,
                                      memory_gb=4, template=template, workdir=work / "s" / short[case],
                                      mask=work, hide=[work / "subs"], feedback=work / "feedback" / f"{case}.html")

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(pool.map(one, sorted(expected)))
    print(f"\n{'case':<34} {'status':<8} score  review  isolation  ({time.monotonic() - start:.0f} s, 2 workers)")
    for case, r in results.items():
        print(f"{case:<34} {r.status:<8} {r.score:>3g}/{r.max_score:g}  {bool(r.review)!s:<6}  {r.isolation}"
              f"  {r.reason[:60]}  {r.review[:2]}")

    wrong = {c: (r.status, r.score, bool(r.review)) for c, r in results.items()
             if (r.status, r.score, bool(r.review)) != (expected[c]["status"], expected[c]["score"], expected[c]["review"])}
    assert not wrong, f"unexpected outcomes (status, score, review): {wrong}"
    for case, r in results.items():
        assert r.isolation == isolation_kind()
        if r.review:  # flagged cells are 0; the raw scores stay for a TA who accepts the submission
            assert set(r.raw_cells) == set(r.cells) and all(s == 0 for s, _ in r.cells.values())
        html_path = work / "feedback" / f"{case}.html"
        if r.status == "graded":
            text = _feedback_text(html_path)
            leaked = [h for h in hidden if h in text]
            assert not leaked, f"{case}: the feedback shows hidden-test lines {leaked[:3]}"
    kept = (work / "s" / short["event_callback_prints_cells"] / "course" / "autograded" / "student" / SOURCE.stem
            / f"{SOURCE.stem}.ipynb").read_text()
    assert any(h in " ".join(kept.replace("\\n", "\n").replace('\\"', '"').split()) for h in hidden), \
        "the autograded notebook kept for TAs holds the hidden tests"
