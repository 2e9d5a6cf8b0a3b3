"""Fast checks of the grading toolchain's trusted code (no kernels started)."""

from __future__ import annotations

import json
import tempfile
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


# ----------------------------------------------------------------- issue #12: the split grade_submission parts

LOGS = Path(__file__).parent / "fixtures" / "grading" / "logs"


@pytest.mark.parametrize("log, status, words", [
    ("dead_kernel.log", "crashed", "kernel died"),
    ("unresponsive.log", "timeout", "ignored the interrupt"),
    ("other_error.log", "crashed", "Notebook JSON is invalid"),
])
def test_classify_failure_from_recorded_logs(log: str, status: str, words: str):
    from grading.autograde import classify_failure

    got = classify_failure((LOGS / log).read_text(), cell_timeout=4)
    assert got[0] == status and words in got[1], got


def test_apply_review_zeroes_from_the_tampered_cell_on():
    from grading.autograde import apply_review

    raw = {"t1": (2.0, 2.0), "t2": (3.0, 3.0), "t3": (1.0, 1.0)}
    order = ["t1", "t2", "t3"]
    cells, review = apply_review(raw, [{"cell": "t2", "kind": "ipython", "text": "AST transformer registered"}], order)
    assert cells == {"t1": (2.0, 2.0), "t2": (0.0, 3.0), "t3": (0.0, 1.0)} and review == ["t2: AST transformer registered"]
    cells, _ = apply_review(raw, [{"cell": "t1", "kind": "value", "text": "look-alike"}], order)
    assert cells == {"t1": (0.0, 2.0), "t2": (3.0, 3.0), "t3": (1.0, 1.0)}, "a look-alike costs only its own test"
    cells, review = apply_review(raw, [{"cell": "", "kind": "guard", "text": "no report"}], order)
    assert all(s == 0 for s, _ in cells.values()) and review == ["before the first test: no report"]
    assert apply_review(raw, [], order) == (raw, [])


def test_stage_holds_only_the_template_and_the_submission(tmp_path: Path, fixture_source: Path):
    from grading.autograde import Limits, stage

    template = tmp_path / "template"
    (template / "source" / "fixture_add").mkdir(parents=True)
    (template / "gradebook.db").write_text("")
    (template / "release").mkdir()
    (template / "nbgrader_config.py").write_text("")
    nb = nbformat.read(fixture_source, as_version=4)
    st = stage(template, nb, tmp_path / "root", "fixture_add", "alice")
    assert (st.course / "submitted" / "alice" / "fixture_add" / "fixture_add.ipynb").exists()
    assert not (st.course / "release").exists() and not (st.course / "nbgrader_config.py").exists()
    assert st.notebook == st.course / "autograded" / "alice" / "fixture_add" / "fixture_add.ipynb"
    assert Limits().timeout == 900 and Limits(cell_timeout=4).cell_timeout == 4


def test_no_sandbox_means_refusal_unless_unsafe(tmp_path: Path, monkeypatch):
    from grading import sandbox
    from grading.autograde import Limits, Staged, make_sandbox

    monkeypatch.setattr(sandbox, "isolation_kind", lambda: "")
    st = Staged(tmp_path / "course", "a", "s")
    (st.course / "rt").mkdir(parents=True)
    with pytest.raises(sandbox.IsolationUnavailable, match="bubblewrap"):
        make_sandbox(st, Limits(), None, None, None, tmp_path)
    sb = make_sandbox(st, Limits(), None, None, None, tmp_path, unsafe=True)
    assert sb.isolation() == "none-unsafe" and "bwrap" not in " ".join(kernel_argv(sb))


def test_bwrap_keeps_a_checkout_under_tmp_visible(tmp_path: Path, monkeypatch):
    """CI clones under /tmp: the private /tmp must not hide the checkout or its venv (a past bug)."""
    from grading import sandbox

    repo = tmp_path / "clone"
    (repo / "solutions").mkdir(parents=True)
    monkeypatch.setattr(sandbox, "REPO", repo)
    work = tmp_path / "work" / "course"
    (work / "auto").mkdir(parents=True)
    sb = Sandbox(home=work / "home", kind="bwrap", readonly=[repo, work], writable=[work / "auto"],
                 hide=[repo / "solutions"], hide_files=[work / "auto" / "nb.ipynb"], mask=(tmp_path / "work", work))
    args = sandbox.bwrap_args(sb)
    pos = lambda *xs: next(i for i in range(len(args)) if args[i:i + len(xs)] == list(xs))  # noqa: E731
    tmp = str(Path(tempfile.gettempdir()).resolve())
    assert pos("--tmpfs", tmp) < pos("--ro-bind", str(repo), str(repo)) < pos("--tmpfs", str(repo / "solutions"))
    assert pos("--ro-bind", str(work), str(work)) < pos("--bind", str(work / "auto"), str(work / "auto")) \
        < pos("--ro-bind", "/dev/null", str(work / "auto" / "nb.ipynb"))
    assert {"--unshare-pid", "--unshare-net", "--die-with-parent", "--new-session"} <= set(args)
    assert args[args.index("--ro-bind") + 1:args.index("--ro-bind") + 3] == ["/", "/"]


def test_guarded_source_checks_values_and_ends_with_the_canary():
    from grading.tamper import free_names, guarded_source, import_bindings

    nonce = "0123456789abcdef" * 2
    sent = guarded_source("_r = plain(f(cfg))\nassert abs(_r - 1.0) < 1e-9, 'msg'\n", nonce)
    assert sent.rstrip().endswith(repr(nonce)) and sent.count(f"_slm_v_{nonce}(") >= 5 and f"__slm_v_{nonce}" not in sent
    assert guarded_source("%timeit f()", nonce) is None  # magics: sent as written, still guarded by the state checks
    assert free_names("from x import y\n_a = y(isinstance, z)\n") == {"isinstance", "z"}
    assert import_bindings(["import numpy as np\nfrom helpers.checks import plain\nimport torch.nn\n"]) == {
        "np": ("numpy", None), "plain": ("helpers.checks", "plain"), "torch": ("torch", None)}


def test_feedback_copy_quotes_no_hidden_line(tmp_path: Path, fixture_source: Path):
    from grading.autograde import hidden_lines

    hidden = hidden_lines(fixture_source)
    assert hidden and all("HIDDEN" not in h for h in hidden)
    nb = nbformat.read(fixture_source, as_version=4)
    leak = "\n".join(hidden)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"fine\n{leak}\nstill fine\n"),
                           nbformat.v4.new_output("display_data", data={"text/html": f"<pre>{leak}</pre>"}),
                           nbformat.v4.new_output("error", ename="ValueError", evalue=leak, traceback=[leak])]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    strip_hidden_tests(path, fixture_source)
    flat = " ".join(path.read_text().replace("\\n", "\n").split())
    assert not [h for h in hidden if h in flat] and "still fine" in flat


def test_plain_rejects_look_alikes():
    import numpy as np
    import torch

    from helpers.checks import plain

    class Always(int):
        __module__ = "builtins"

        def __eq__(self, other):
            return True

    class NpLike(np.float64):
        __module__ = "numpy"

    class TensorLike(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return True

    for bad in [Always(1), NpLike(1.0), torch.ones(1).as_subclass(TensorLike), [Always(1)], {"k": (Always(1),)},
                np.array([1], dtype=object)]:
        with pytest.raises(AssertionError):
            plain(bad)
    assert plain([np.int64(2), (1.5, torch.Size([2]))]) == [2, (1.5, (2,))]
    assert type(plain(np.float32(0.5))) is float and type(plain(torch.nn.Parameter(torch.ones(1)))) is torch.Tensor
