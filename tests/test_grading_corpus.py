"""Issue #8: the bad-submission corpus goes through `slm-course grade` and every student gets a clear result.

tests/fixtures/grading/corpus/<student>/ holds one submission of the fixture assignment per case;
corpus/expected.json says how each must end (status and score out of 5). Regenerate the corpus with
`python tests/fixtures/grading/make_corpus.py`.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from grading import batch
from grading.autograde import hidden_lines
from grading.sandbox import isolation
from tests.conftest import GRADING_FIXTURES, REPO

pytestmark = pytest.mark.slow
CORPUS = GRADING_FIXTURES / "corpus"
SOURCE = GRADING_FIXTURES / "solutions" / "fixture_add.ipynb"
# Limits sized for a loaded 2-core CI runner (the fixture grades in ~15 s idle, ~50 s at load 15): the timeout
# cases still end as timeouts, only later.
FAST = ["--workers", "2", "--timeout", "90", "--cell-timeout", "10", "--memory", "2"]


def _grade(submissions: Path, out: Path) -> dict:
    assert batch.main([str(SOURCE), str(submissions), "--out", str(out), *FAST]) == 0
    return json.loads((out / "results.json").read_text())


def test_corpus_every_case_accounted_for(tmp_path: Path):
    expected = json.loads((CORPUS / "expected.json").read_text())
    if not isolation():  # no namespaces here: the cheat can read its own throwaway gradebook (see grading/README)
        expected["reads_secrets_and_network"]["score"] = 3
    out = tmp_path / "out"
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    for nb in (corpus / "reads_secrets_and_network").glob("*.ipynb"):  # aim the cheat at this checkout
        nb.write_text(nb.read_text().replace("@REPO@", str(REPO)))
    results = _grade(corpus, out)
    students = results["students"]
    print(f"\n{'case':<28} {'status':<8} score  reason")
    for sid, r in students.items():
        print(f"{sid:<28} {r['status']:<8} {r['score']:>3g}/{r['max_score']:g}  {r['reason']}")
    print(f"{results['seconds']} s, {results['submissions_per_minute']} submissions/min, 2 workers")
    assert set(students) == set(expected), "every corpus case must have exactly one result"
    wrong = {sid: (r["status"], r["score"], expected[sid]) for sid, r in students.items()
             if (r["status"], r["score"]) != (expected[sid]["status"], expected[sid]["score"])}
    assert not wrong, f"unexpected outcomes: {wrong}"
    assert all(r["reason"] for r in students.values() if r["status"] != "graded"), "a failure needs a reason"

    with open(out / "grades.csv") as fh:
        rows = {row["student_id"]: float(row["score"]) for row in csv.DictReader(fh)}
    assert rows == {sid: float(r["score"]) for sid, r in students.items()}, "grades.csv disagrees with results"
    hidden = hidden_lines(SOURCE)
    for sid, r in students.items():
        # feedback/<sid>/fixture_add.html, or nbgrader's release_feedback layout feedback/<sid>/fixture_add/...
        pages = sorted((out / "feedback" / sid).rglob("fixture_add.html"))
        if r["status"] == "graded":
            assert pages, f"{sid}: no feedback page"
            text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", pages[0].read_text())).split())
            assert "add(-5, 5)" not in text and "square(-4)" not in text, f"{sid}: feedback shows hidden tests"
            assert not [h for h in hidden if h in text], f"{sid}: feedback quotes a hidden-test line"
        if r["status"] in ("graded", "timeout", "crashed"):   # a kernel ran: it ran isolated
            assert r.get("isolation", "bwrap") in ("bwrap", "unshare"), r
    assert not (REPO / "solutions" / "pwned.txt").exists()


def test_lms_zip_is_idempotent(tmp_path: Path):
    zpath = tmp_path / "lms_export.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for student, case in [("alice", "good"), ("bob", "partial"), ("carol", "malformed_json")]:
            zf.write(CORPUS / case / "fixture_add.ipynb", f"{student}_1234_{case}.ipynb")
    out = tmp_path / "out"
    first = _grade(zpath, out)
    csv_first = (out / "grades.csv").read_text()
    second = _grade(zpath, out)
    assert (out / "grades.csv").read_text() == csv_first, "re-running must give the same grades"
    strip = lambda res: {s: (r["status"], r["score"]) for s, r in res["students"].items()}  # noqa: E731
    assert strip(first) == strip(second) == {"alice": ("graded", 5), "bob": ("graded", 2), "carol": ("invalid", 0)}
    assert not (out / ".staging").exists() and not list(out.glob("*.old"))
    shutil.rmtree(out)


def test_shards_merge_into_one_gradebook(tmp_path: Path):
    """CI-matrix scale-out: `--shard I/N` jobs, then `--merge` of their output folders."""
    subs = tmp_path / "subs"
    for case in ("good", "blank", "empty_file"):
        shutil.copytree(CORPUS / case, subs / case)
    parts = []
    for i in (1, 2):
        parts.append(tmp_path / f"part{i}")
        assert batch.main([str(SOURCE), str(subs), "--out", str(parts[-1]), "--shard", f"{i}/2", *FAST]) == 0
    merged = tmp_path / "merged"
    assert batch.main([str(SOURCE), "--merge", *map(str, parts), "--out", str(merged)]) == 0
    with open(merged / "grades.csv") as fh:
        rows = {row["student_id"]: float(row["score"]) for row in csv.DictReader(fh)}
    assert rows == {"blank": 0.0, "empty_file": 0.0, "good": 5.0}
    assert list((merged / "feedback" / "good").rglob("fixture_add.html")), "the merged folder has good's feedback"
