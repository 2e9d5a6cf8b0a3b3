"""Answer testing: run a solution notebook once in a live kernel, then swap in wrong and right answers.

For each answer, the body between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` of the exercise's solution
cell is replaced, the cell and its test cell (visible + hidden tests) are executed, and the original solution
is restored. Wrong answers (``WRONG``) must fail the tests; correct answers written differently from the
solution (``RIGHT``: loops vs vectorised, numpy vs torch, another allowed dtype) must pass them. For every
wrong answer the visible half of the test cell is also run alone, and how many wrong answers the visible tests
catch is written to ``build/ci/answers/<notebook>.json`` (the test command prints the table at the end).
One kernel per notebook keeps this cheap: the notebook runs once, not once per answer.
The notebook runs with ``SLM_QUICK=1`` (smaller demo workloads; graded cells are unchanged by it).
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import textwrap
from pathlib import Path

import nbformat
from jupyter_client.manager import start_new_kernel

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "solutions"
VISIBLE_STATS = REPO / "build" / "ci" / "answers"
HIDDEN = "### BEGIN HIDDEN TESTS"
REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*$", re.DOTALL | re.MULTILINE)


def exercise_ids(name: str) -> list[str]:
    """grade_ids of the solution cells (``qNN_...``) of a solution notebook."""
    nb = nbformat.read(SOLUTIONS / f"{name}.ipynb", as_version=4)
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]


def replace_solution(source: str, wrong: str) -> str:
    """``source`` with its solution region replaced by ``wrong`` (dedented, re-indented to the region)."""
    def swap(match: re.Match) -> str:
        return textwrap.indent(textwrap.dedent(wrong).strip("\n"), match.group(1))
    new, count = REGION.subn(swap, source, count=1)
    if count != 1:
        raise ValueError("no ### BEGIN SOLUTION / ### END SOLUTION region in this cell")
    return new


class NotebookSession:
    """A kernel that has executed a whole solution notebook, ready to try answers."""

    def __init__(self, name: str, workdir: Path, timeout: float = 600):
        self.name, self.timeout = name, timeout
        self.nb = nbformat.read(SOLUTIONS / f"{name}.ipynb", as_version=4)
        env = dict(os.environ, SLM_QUICK="1", SLM_PROFILE="local", SLM_OUTPUT_DIR=str(workdir),
                   HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
        self.km, self.kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(workdir))
        self.cells = {c.metadata["nbgrader"]["grade_id"]: c for c in self.nb.cells
                      if "nbgrader" in c.metadata and c.cell_type == "code"}

    def run(self, source: str) -> tuple[bool, str]:
        """Execute ``source``; (ok, error text)."""
        errors: list[str] = []

        def hook(msg):
            if msg["msg_type"] == "error":
                errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

        reply = self.kc.execute_interactive(source, timeout=self.timeout, output_hook=hook)
        return reply["content"]["status"] == "ok", "; ".join(errors)

    def run_all(self) -> None:
        """Execute every code cell of the solution notebook in order; fail loudly on an error."""
        for cell in self.nb.cells:
            if cell.cell_type == "code":
                ok, err = self.run(cell.source)
                if not ok:
                    raise AssertionError(f"{self.name}: solution cell failed: {err}\n{cell.source[:300]}")

    def passes(self, qid: str, answer: str | None = None, visible_only: bool = False) -> bool:
        """Do the exercise's tests pass with ``answer`` in place of the solution (None: the solution)?

        ``visible_only``: run only the visible half of the test cell (what the student's selfcheck runs).
        """
        solution_cell, test_cell = self.cells[qid], self.cells["t" + qid[1:]]
        tests = test_cell.source.split(HIDDEN)[0] if visible_only else test_cell.source
        if answer is not None:
            ok, err = self.run(replace_solution(solution_cell.source, answer))
            if not ok:
                raise AssertionError(f"the answer for {qid} does not even run: {err}")
        try:
            return self.run(tests)[0]
        finally:
            if answer is not None:
                assert self.run(solution_cell.source)[0], "restoring the solution failed"

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def _record_visible(name: str, qid: str, label: str, caught: bool) -> None:
    """Add one wrong answer's visible-test verdict to ``build/ci/answers/<name>.json``."""
    VISIBLE_STATS.mkdir(parents=True, exist_ok=True)
    path = VISIBLE_STATS / f"{name}.json"
    # one notebook's answer tests run on one worker (tests/conftest.py groups them), but a lock and an atomic
    # replace keep the file whole even if two processes ever write it at once
    with open(VISIBLE_STATS / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stats = json.loads(path.read_text()) if path.exists() else {}
        stats.setdefault(qid, {})[label] = caught
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(stats, indent=1, sort_keys=True))
        os.replace(tmp, path)


def answer_tests(name: str, wrong: dict[str, dict[str, str]], right: dict[str, dict[str, str]] | None = None,
                 min_wrong: int = 6, min_right: int = 2) -> dict:
    """The standard answer tests of one notebook, for a test module to adopt with ``globals().update``.

    ``wrong`` maps each exercise id to {label: wrong function body}, ``right`` to {label: correct body written
    differently from the solution}. The module gets a module-scoped kernel ``session`` that has run the
    solution notebook once, and these tests: every exercise has at least ``min_wrong`` wrong and ``min_right``
    right answers; the solution passes each exercise's tests; each wrong answer fails them (and whether the
    visible half alone catches it is recorded); each right answer passes them.
    """
    import pytest

    right = right or {}

    @pytest.fixture(scope="module")
    def session(tmp_path_factory):
        s = NotebookSession(name, tmp_path_factory.mktemp(name))
        try:
            s.run_all()
            yield s
        finally:
            s.close()

    def test_every_exercise_has_answers():
        ids = set(exercise_ids(name))
        assert set(wrong) == ids, "every exercise needs wrong answers, and only exercises"
        assert set(right) == ids, "every exercise needs right answers written differently, and only exercises"
        short = {q: len(a) for q, a in wrong.items() if len(a) < min_wrong}
        assert not short, f"fewer than {min_wrong} wrong answers: {short}"
        short = {q: len(a) for q, a in right.items() if len(a) < min_right}
        assert not short, f"fewer than {min_right} right answers: {short}"

    @pytest.mark.slow
    @pytest.mark.parametrize("qid", list(wrong))
    def test_solution_passes(session, qid):
        assert session.passes(qid)

    @pytest.mark.slow
    @pytest.mark.parametrize("qid,label", [(q, w) for q, ws in wrong.items() for w in ws])
    def test_wrong_answer_rejected(session, qid, label):
        assert not session.passes(qid, wrong[qid][label]), f"{qid}: the tests accept the wrong answer {label!r}"
        _record_visible(name, qid, label, not session.passes(qid, wrong[qid][label], visible_only=True))

    @pytest.mark.slow
    @pytest.mark.parametrize("qid,label", [(q, r) for q, rs in right.items() for r in rs])
    def test_right_answer_accepted(session, qid, label):
        assert session.passes(qid, right[qid][label]), f"{qid}: the tests reject the correct answer {label!r}"

    return {"session": session, "test_every_exercise_has_answers": test_every_exercise_has_answers,
            "test_solution_passes": test_solution_passes, "test_wrong_answer_rejected": test_wrong_answer_rejected,
            "test_right_answer_accepted": test_right_answer_accepted}
