"""Fast checks of the grading toolchain's trusted code (no kernels started)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import nbformat
import pytest

from grading.autograde import dedupe_grade_ids, read_submission, strip_hidden_tests
from grading.batch import collect
from grading.sandbox import Sandbox, kernel_argv


def test_read_submission_classifies(tmp_path: Path, fixture_source: Path):
    assert read_submission(tmp_path / "nope.ipynb")[1] == "no notebook submitted"
    (tmp_path / "empty.ipynb").write_text("")
    assert "not valid JSON" in read_submission(tmp_path / "empty.ipynb")[1]
    raw = json.loads(fixture_source.read_text())
    raw["nbformat"] = 5
    (tmp_path / "v5.ipynb").write_text(json.dumps(raw))
    assert "unsupported nbformat 5" in read_submission(tmp_path / "v5.ipynb")[1]
    nb, why = read_submission(fixture_source)
    assert nb is not None and why == ""


def test_dedupe_keeps_first(fixture_source: Path):
    nb = nbformat.read(fixture_source, as_version=4)
    nb.cells.append(nbformat.from_dict(json.loads(json.dumps(nb.cells[3]))))
    assert dedupe_grade_ids(nb) == ["t01_add"]
    assert "nbgrader" in nb.cells[3].metadata and "nbgrader" not in nb.cells[-1].metadata


def test_strip_hidden_tests(tmp_path: Path, fixture_source: Path):
    path = tmp_path / "nb.ipynb"
    nb = nbformat.read(fixture_source, as_version=4)
    nb.cells[3].outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="",
                                                  traceback=["assert add(-5, 5) == 0"])]
    nbformat.write(nb, path)
    strip_hidden_tests(path)
    text = path.read_text()
    assert "add(-5, 5)" not in text and "square(-4)" not in text and "add(1, 2)" in text


def test_collect_from_an_lms_zip(tmp_path: Path):
    zpath = tmp_path / "export.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("alice_12345_fixture_add.ipynb", "{}")
        zf.writestr("bob_678_fixture_add (1).ipynb", "{}")
        zf.writestr("carol/fixture_add.ipynb", "{}")
        zf.writestr("../../evil.ipynb", "{}")  # zip-slip: must land inside the unpack folder
        zf.writestr("__MACOSX/._alice.ipynb", "junk")
    found = collect(zpath, "fixture_add", tmp_path / "unpacked", roster=["alice", "dave"])
    assert set(found) == {"alice", "bob", "carol", "unknown", "dave"}
    assert found["dave"] is None and found["carol"].name == "fixture_add.ipynb"
    assert all(p is None or (tmp_path / "unpacked") in p.parents for p in found.values())
    assert not (tmp_path.parent / "evil.ipynb").exists()


def test_kernel_argv_scrubs_env_and_caps_memory(tmp_path: Path):
    argv = kernel_argv(Sandbox(home=tmp_path, memory_gb=2, env={"SLM_QUICK": "1"}))
    assert argv[:2] == ["env", "-i"] and "SLM_PROFILE=local" in argv and "SLM_QUICK=1" in argv
    assert f"--as={2 * 1024**3}" in argv
    assert argv[-3:] == ["ipykernel_launcher", "-f", "{connection_file}"]
    assert not any(a.startswith(("HF_TOKEN", "GITHUB_TOKEN", "AWS_")) for a in argv)


@pytest.mark.parametrize("field", ["memory_gb", "nproc"])
def test_sandbox_limits_are_configurable(tmp_path: Path, field: str):
    sb = Sandbox(home=tmp_path, **{field: 3})
    assert any(a.startswith(("--as=", "--nproc=")) and a.endswith(str(getattr(sb, field) if field == "nproc" else 3 * 1024**3))
               for a in kernel_argv(sb))
