"""The suite's scheduling works: tests that share a module-scoped fixture land on one xdist worker.

The answer tests start one kernel per notebook (a module-scoped fixture) and record their verdicts in one file
per notebook. If the group is split over the two workers, the notebook runs twice and both workers write the
same file: pytest 9.2 with xdist 3.8 did exactly that (xdist renames grouped nodeids through ``_nodeid``, which
9.2 no longer reads), and CI failed on a corrupted JSON file. This runs a small suite through
``tests/conftest.py`` on two workers and checks that the grouped tests all ran on one worker.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

SUITE = '''
import json, os, pytest

@pytest.fixture(scope="module")
def shared():
    return os.environ.get("PYTEST_XDIST_WORKER")

@pytest.mark.parametrize("i", range(8))
def test_grouped(shared, i):
    with open(os.environ["WHERE"], "a") as f:
        f.write(json.dumps([shared, os.environ.get("PYTEST_XDIST_WORKER")]) + "\\n")

@pytest.mark.parametrize("i", range(8))
def test_free(i):
    with open(os.environ["WHERE_FREE"], "a") as f:
        f.write(json.dumps(os.environ.get("PYTEST_XDIST_WORKER")) + "\\n")
'''


def test_module_fixture_group_runs_on_one_worker(tmp_path: Path):
    pytest.importorskip("xdist")
    suite = tmp_path / "tests"
    suite.mkdir()
    shutil.copy(TESTS / "conftest.py", suite / "conftest.py")
    (suite / "test_group.py").write_text(SUITE)
    where, free = tmp_path / "where.jsonl", tmp_path / "free.jsonl"
    env = {"WHERE": str(where), "WHERE_FREE": str(free), "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(TESTS.parent)}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
                          "--dist", "loadgroup", "--no-loadscope-reorder", "-o", "addopts=", str(suite)],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    rows = [json.loads(line) for line in where.read_text().splitlines()]
    assert len(rows) == 8
    assert len({worker for _, worker in rows}) == 1, f"the group was split over workers: {rows}"
    assert all(fixture == worker for fixture, worker in rows)
    # the ungrouped tests ran too; which worker takes them is xdist's choice (on a busy machine one worker may take
    # them all), so only their count is checked
    assert len(free.read_text().splitlines()) == 8
