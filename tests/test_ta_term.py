"""Issue #18: a TA's term on a real course notebook (02_downcasting): LMS exports in, LMS-ready grades out,
regrades into the class gradebook, and no run that loses or overwrites a student's work exits 0.

The class is built here from the real solution and release (no binary fixtures): a Canvas export zipped under
one top folder, a roster exported from Canvas, a regrade folder. The README's TA block is executed as written
(without the environment's bin on PATH, SLM_QUICK=1); the other cases reuse its gradebook folder.
"""

from __future__ import annotations

import csv
import difflib
import html
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from grading import batch, lms
from grading.autograde import GradeResult
from grading.course import REPO, known_assignments, source_notebook


pytestmark = pytest.mark.slow
AID = "02_downcasting"
SOLUTION = REPO / "solutions" / f"{AID}.ipynb"
RELEASE = REPO / "notebooks" / f"{AID}.ipynb"
OTHER = REPO / "notebooks" / "03_linear_quantization.ipynb"
BARE_PATH = "/usr/bin:/bin"  # a fresh shell: the environment is not activated
ROSTER = """Student,ID,SIS User ID,SIS Login ID,Section,02 Downcasting (777)
    Points Possible,,,,,8
"Smith, Alice",101,S101,asmith,A,
"Jones, Bob",102,S102,bjones,A,
"Lee, Carol",103,S103,clee,B,
"Ng, Eve",105,S105,eng,B,
"""
OUTPUTS = ("results.json", "grades.csv", "canvas_grades.csv", "moodle_grades.csv", "gradebook.db")


def _env() -> dict:
    return {**os.environ, "PATH": BARE_PATH, "SLM_QUICK": "1"}


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    block = text.split("<!-- ta-term:begin -->")[1].split("<!-- ta-term:end -->")[0]
    return [ln.strip() for ln in block.splitlines() if ln.strip().startswith("python ")]


def _run(cmd: str, cwd: Path, extra: list[str] = ()) -> subprocess.CompletedProcess:
    argv = [sys.executable, *shlex.split(cmd)[1:], *extra]
    proc = subprocess.run(argv, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=600)
    print(f"$ {cmd}\n{proc.stdout}{proc.stderr[-2000:]}")
    return proc


def _rows(path: Path) -> list[dict]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def _snapshot(out: Path) -> dict[str, bytes]:
    """Every output file's bytes (lock and cache aside)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith(".") and ".cache" not in p.parts}


def _comparable(out: Path) -> dict:
    """What must repeat exactly: every output but the timings. The notebook itself measures and plots matmul
    times and prints verdicts on them ("faster than fp32" under one load, "no difference" under another), so its
    executed copy (autograded/) is compared by name and nbgrader's feedback page by its per-test scores;
    results.json without its `seconds`; the gradebook's row ids are random (compared through results)."""
    snap = _snapshot(out)
    snap.pop("gradebook.db")
    res = json.loads(snap.pop("results.json"))
    for key in ("last_run", "seconds", "submissions_per_minute"):
        res.pop(key)
    for rec in res["students"].values():
        rec.pop("seconds")
    masked = {}
    for name, data in snap.items():
        if name.startswith("autograded/"):
            masked[name] = None
        elif name.startswith("feedback/") and b"Test cell</a>" in data:  # nbgrader's page for a graded notebook
            masked[name] = re.findall(r'(?:#([\w-]+)">Test cell</a>|<h4>([\w-]+)) \(Score: ([\d.]+) / ([\d.]+)\)',
                                      data.decode())
        else:  # our pages for missing/invalid/... students, the CSVs: byte for byte
            masked[name] = data
    return {"results": res, **masked}


def _canvas_export(folder: Path) -> None:
    """A Canvas 'Download Submissions' export (user ids 101..104; 105 is on the roster and submitted nothing)."""
    folder.mkdir(parents=True)
    shutil.copyfile(SOLUTION, folder / f"smithalice_LATE_101_9001_{AID}.ipynb")  # late, full marks
    shutil.copyfile(OTHER, folder / "jonesbob_102_9002_03_linear_quantization.ipynb")  # another notebook
    (folder / f"leecarol_103_9003_{AID}.ipynb").write_text("")  # an empty upload
    (folder / f"smithalice_104_9004_{AID}-1.ipynb").write_text("{")  # same name as 101, not on the roster


def _half_done(dest: Path) -> Path:
    """The solution with one exercise (q02_relative_error) left as released: a plausible partial score."""
    sol, rel = json.loads(SOLUTION.read_text()), json.loads(RELEASE.read_text())
    blank = {c["metadata"]["nbgrader"]["grade_id"]: c for c in rel["cells"] if "nbgrader" in c["metadata"]}
    sol["cells"] = [blank["q02_relative_error"] if c["metadata"].get("nbgrader", {}).get("grade_id") ==
                    "q02_relative_error" else c for c in sol["cells"]]
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(sol))
    return dest


@pytest.fixture(scope="module")
def term(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Run the README's TA block as written: release, grade the class, regrade one (twice: same outputs)."""
    here = tmp_path_factory.mktemp("term")
    export = here / "export" / "submissions"
    _canvas_export(export)
    with zipfile.ZipFile(here / "submissions.zip", "w") as zf:
        for f in sorted(export.iterdir()):
            zf.write(f, f"submissions/{f.name}")
    (here / "roster.csv").write_text(ROSTER)
    _half_done(here / "fixed" / "102" / f"{AID}.ipynb")  # 102 uploads his own notebook after all
    out = here / "gradebook" / AID
    release, grade, regrade = _readme_commands()
    state: dict = {"dir": here, "out": out}
    t0 = time.monotonic()
    proc = _run(release, here, ["--notebooks", str(here / "release")])  # not into the checkout's notebooks/
    assert proc.returncode == 0, proc.stderr
    assert (here / "release" / f"{AID}.ipynb").exists()
    proc = _run(grade, here)
    assert proc.returncode == 0, proc.stderr
    state["class_stdout"] = proc.stdout
    state["class"] = json.loads((out / "results.json").read_text())
    state["class_snapshot"] = _snapshot(out)
    proc = _run(regrade, here)
    assert proc.returncode == 0, proc.stderr
    state["regrade_stdout"] = proc.stdout
    state["regrade"] = json.loads((out / "results.json").read_text())
    state["regrade_comparable"] = _comparable(out)
    proc = _run(regrade, here)
    assert proc.returncode == 0, proc.stderr
    state["again_comparable"] = _comparable(out)
    print(f"term: {time.monotonic() - t0:.0f} s")
    return state


def test_canvas_export_grades_the_class(term: dict):
    students = term["class"]["students"]
    assert set(students) == {"101", "102", "103", "104", "105"}, "Canvas user ids, not name slugs"
    got = {sid: (r["status"], r["score"]) for sid, r in students.items()}
    assert got == {"101": ("graded", 8), "102": ("invalid", 0), "103": ("invalid", 0), "104": ("invalid", 0),
                   "105": ("missing", 0)}
    assert students["101"]["late"] and not students["102"]["late"], "the LATE marker is kept"
    assert "03_linear_quantization" in students["102"]["reason"], "a wrong notebook is named"
    assert students["101"]["name"] == "Smith, Alice" and students["104"]["on_roster"] is False
    assert "not on the roster" in term["class_stdout"] and "104" in term["class_stdout"]
    assert "5 students: 1 graded, 3 failed, 1 missing" in term["class_stdout"]


def test_grades_csv_and_lms_files(term: dict):
    out = term["out"]
    rows = {r["student_id"]: r for r in _rows(out / "grades.csv")}
    assert {sid: r["status"] for sid, r in rows.items()} == {
        "101": "graded", "102": "graded", "103": "invalid", "104": "invalid", "105": "missing"}
    half = term["regrade"]["students"]["102"]["score"]
    assert rows["102"]["score"] == f"{half:g}" and rows["101"]["late"] == "late" and rows["105"]["reason"]
    assert rows["103"]["score"] == "0" and "JSON" in rows["103"]["reason"], "a failure is not a silent 0"
    with open(out / "canvas_grades.csv", newline="") as fh:
        canvas = list(csv.reader(fh))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", AID]
    by_id = {r[1]: r for r in canvas[1:]}
    assert by_id["101"] == ["Smith, Alice", "101", "S101", "asmith", "A", "8"] and by_id["102"][5] == f"{half:g}"
    assert by_id["105"][5] == "", "a missing student leaves Canvas's grade alone"
    moodle = _rows(out / "moodle_grades.csv")
    assert {"Identifier", "Grade", "Last modified (grade)"} <= set(moodle[0])
    assert {r["Identifier"]: r["Grade"] for r in moodle}["Participant 102"] == f"{half:g}"


def test_feedback_for_every_student_in_release_feedback_layout(term: dict):
    out = term["out"]
    for sid, rec in term["regrade"]["students"].items():
        page = (out / "feedback" / sid / AID / f"{AID}.html").read_text()
        if rec["status"] != "graded":
            assert rec["status"] in page and html.escape(rec["reason"]) in page
    assert "BEGIN HIDDEN TESTS" not in (out / "feedback" / "101" / AID / f"{AID}.html").read_text()


def test_output_is_an_nbgrader_course_root(term: dict):
    """formgrader / release_feedback read the output folder as a course (config, source, gradebook, feedback)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", str(term["out"])).load_config()
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    subs = {s["student"]: s["score"] for s in api.get_submissions(AID)}
    assert subs == {sid: r["score"] for sid, r in term["regrade"]["students"].items()}


def test_regrade_one_keeps_the_others(term: dict):
    before, after = term["class"]["students"], term["regrade"]["students"]
    assert after["102"]["status"] == "graded" and 0 < after["102"]["score"] < after["102"]["max_score"]
    assert after["102"]["cells"]["t02_relative_error"][0] == 0, "the exercise left blank scores 0"
    for sid in ("101", "103", "104", "105"):
        assert after[sid] == before[sid], f"{sid} must keep its result"
    snap = term["class_snapshot"]
    out = term["out"]
    for sid in ("101", "103", "105"):
        rel = f"feedback/{sid}/{AID}/{AID}.html"
        assert (out / rel).read_bytes() == snap[rel]
    assert "1 student: 1 graded" in term["regrade_stdout"] and "gradebook" in term["regrade_stdout"]


def test_same_inputs_give_identical_outputs(term: dict):
    first, again = term["regrade_comparable"], term["again_comparable"]
    assert set(first) == set(again)
    for name in sorted(first):
        if first[name] != again[name]:
            a, b = (str(x).split(". ") for x in (first[name], again[name]))
            diff = [ln for ln in difflib.unified_diff(a, b, lineterm="", n=0)][:20]
            raise AssertionError(f"{name} differs between two runs on the same inputs:\n" + "\n".join(diff))


@pytest.fixture
def gradebook_copy(term: dict, tmp_path: Path) -> Path:
    out = tmp_path / "gradebook"
    shutil.copytree(term["out"], out)
    return out


def test_no_students_and_bad_shards_change_nothing(term: dict, gradebook_copy: Path, tmp_path: Path, capsys):
    before = _snapshot(gradebook_copy)
    (tmp_path / "flat").mkdir()
    assert batch.main([AID, str(tmp_path / "flat"), "--out", str(gradebook_copy)]) == 2
    assert "no submissions found" in capsys.readouterr().err
    for shard in ("0/2", "3/2", "x"):
        assert batch.main([AID, str(term["dir"] / "fixed"), "--out", str(gradebook_copy), "--shard", shard]) == 2
        assert "shard" in capsys.readouterr().err
    assert batch.main([AID, str(term["dir"] / "fixed"), "--out", str(gradebook_copy), "--shard", "2/2"]) == 2
    assert _snapshot(gradebook_copy) == before


def test_two_notebooks_for_one_student_is_an_error(gradebook_copy: Path, tmp_path: Path, capsys):
    subs = tmp_path / "canvas"
    subs.mkdir()
    shutil.copyfile(RELEASE, subs / f"smithalice_101_1_{AID}.ipynb")
    shutil.copyfile(SOLUTION, subs / f"smithalice_101_2_{AID}-1.ipynb")
    before = _snapshot(gradebook_copy)
    assert batch.main([AID, str(subs), "--out", str(gradebook_copy)]) == 2
    err = capsys.readouterr().err
    assert f"smithalice_101_1_{AID}.ipynb" in err and f"smithalice_101_2_{AID}-1.ipynb" in err
    assert _snapshot(gradebook_copy) == before


def test_second_run_on_a_locked_gradebook(term: dict, gradebook_copy: Path, capsys):
    before = _snapshot(gradebook_copy)
    with batch.OutputLock(gradebook_copy):
        assert batch.main([AID, str(term["dir"] / "fixed"), "--out", str(gradebook_copy)]) == 3
    assert "being graded by another run" in capsys.readouterr().err
    assert _snapshot(gradebook_copy) == before


def test_ctrl_c_stops_kills_kernels_and_keeps_outputs(term: dict, gradebook_copy: Path, tmp_path: Path):
    before = _snapshot(gradebook_copy)
    # a submission that is still grading when Ctrl-C comes (a kernel found near the end of a fast grading could
    # be shutting down while the results are committed, when SIGINT is held back on purpose)
    slow = _half_done(tmp_path / "slow" / "102" / f"{AID}.ipynb")
    nb = json.loads(slow.read_text())
    nb["cells"].insert(0, {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "source": "import time\ntime.sleep(60)"})
    slow.write_text(json.dumps(nb))
    argv = [sys.executable, "-m", "grading.batch", AID, str(tmp_path / "slow"), "--out", str(gradebook_copy)]
    proc = subprocess.Popen(argv, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_sigint_as_in_a_terminal)
    kernels: list[int] = []
    deadline = time.monotonic() + 120
    while not kernels and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.5)
        kernels = [int(p.name) for p in Path("/proc").iterdir()
                   if p.name.isdigit() and _is_our_kernel(p) and _descends_from(int(p.name), proc.pid)]
    assert kernels, "no kernel started"
    time.sleep(2)   # the kernel is in its 60 s sleep: grading is under way
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    took = time.monotonic() - t0
    print(f"stopped {took:.1f} s after SIGINT\n{stderr[-500:]}")
    assert proc.returncode == 130 and took < 15
    assert "Traceback" not in stdout + stderr
    lines = [ln for ln in (stdout + stderr).splitlines() if "interrupted" in ln]
    assert len(lines) == 1 and "previous results" in lines[0]
    assert not [k for k in kernels if Path(f"/proc/{k}").exists() and _is_our_kernel(Path(f"/proc/{k}"))]
    assert _snapshot(gradebook_copy) == before


def _sigint_as_in_a_terminal() -> None:
    """In the child: SIGINT at its default and unblocked, as in a TA's terminal. A suite started in the background
    by a non-interactive shell (`.ci/run &`, some CI runners) has SIGINT ignored, and a child inherits that: Python
    then never raises KeyboardInterrupt and the run ignores the test's Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _descends_from(pid: int, ancestor: int) -> bool:
    """True when `ancestor` is on pid's parent chain (a grading run by another test on the other worker is not ours)."""
    while pid > 1:
        if pid == ancestor:
            return True
        try:
            pid = int((Path("/proc") / str(pid) / "stat").read_text().split(") ")[-1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
    return False


def _is_our_kernel(proc_dir: Path) -> bool:
    try:
        cmd = (proc_dir / "cmdline").read_bytes()
        state = (proc_dir / "stat").read_text().split(") ")[-1][:1]
    except OSError:
        return False
    return b"ipykernel_launcher" in cmd and b"slm-batch-" in cmd and state != "Z"


def test_review_status_and_accept(gradebook_copy: Path, capsys):
    """Issue-12 interface: a flagged submission is `review` everywhere until the TA accepts it."""
    flagged = GradeResult("graded", 6.0, 8.0, {"t02_float_bits": (0.0, 2.0), "t02_format_limits": (2.0, 2.0),
                                               "t02_relative_error": (2.0, 2.0), "t02_overflow_mask": (2.0, 2.0)})
    flagged.review = ["t02_float_bits: the test cell was changed"]
    flagged.raw_cells = {**flagged.cells, "t02_float_bits": (2.0, 2.0)}
    flagged.isolation = "bwrap"
    rec = batch._record(flagged, lms.Submission("101", Path("x.ipynb"), original="x.ipynb"), None)
    assert rec["status"] == "review" and "changed" in rec["reason"] and rec["isolation"] == "bwrap"
    assert "1 flagged for review" in batch.summary_line({"101": rec}, 1, 1)
    data = json.loads((gradebook_copy / "results.json").read_text())
    data["students"]["101"].update({k: rec[k] for k in ("status", "reason", "review", "raw_cells", "cells", "score")})
    (gradebook_copy / "results.json").write_text(json.dumps(data))
    assert batch.main([AID, "--accept", "102", "--out", str(gradebook_copy)]) == 2, "102 is not flagged"
    assert "not flagged" in capsys.readouterr().err
    assert batch.main([AID, "--accept", "101", "--out", str(gradebook_copy)]) == 0
    after = json.loads((gradebook_copy / "results.json").read_text())["students"]["101"]
    assert (after["status"], after["score"], after["accepted_by_ta"]) == ("graded", 8.0, True)
    assert {r["student_id"]: r["status"] for r in _rows(gradebook_copy / "grades.csv")}["101"] == "graded"


def test_merge_of_outputs_with_the_same_student(gradebook_copy: Path, tmp_path: Path, capsys):
    """`--merge old new` where a student is in both (crashed with FileExistsError before): the last part wins."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(gradebook_copy, old)
    shutil.copytree(gradebook_copy, new)
    data = json.loads((new / "results.json").read_text())
    data["students"]["103"].update(status="graded", score=2.0, reason="", cells={
        k: [2.0 if k == "t02_float_bits" else 0.0, v[1]] for k, v in data["students"]["103"]["cells"].items()})
    (new / "results.json").write_text(json.dumps(data))
    assert batch.main([AID, "--merge", str(old), str(new), "--out", str(gradebook_copy)]) == 0
    assert "103: the result from" in capsys.readouterr().out
    rows = {r["student_id"]: r for r in _rows(gradebook_copy / "grades.csv")}
    assert (rows["103"]["status"], rows["103"]["score"]) == ("graded", "2") and rows["101"]["score"] == "8"
    assert (gradebook_copy / "feedback" / "101" / AID / f"{AID}.html").exists()


def test_roster_is_case_insensitive_and_reports_strangers(gradebook_copy: Path, tmp_path: Path, capsys):
    subs = tmp_path / "class"
    for folder in ("ALICE", "Zed Stranger"):
        (subs / folder).mkdir(parents=True)
        (subs / folder / f"{AID}.ipynb").write_text("{not json")  # invalid: graded without a kernel
    (tmp_path / "roster.txt").write_text("alice\nbob\n")
    assert batch.main([AID, str(subs), "--roster", str(tmp_path / "roster.txt"), "--out", str(gradebook_copy)]) == 0
    printed = capsys.readouterr().out
    students = json.loads((gradebook_copy / "results.json").read_text())["students"]
    assert students["alice"]["status"] == "invalid" and students["alice"]["on_roster"] is True
    assert students["bob"]["status"] == "missing" and "ALICE" not in students
    assert students["Zed-Stranger"]["on_roster"] is False and "not on the roster" in printed
    assert students["101"]["score"] == 8, "students not in this run keep their results"


# --- reading exports: no kernels ----------------------------------------------------------------------------

def test_moodle_zip_folders_and_flat_files(tmp_path: Path):
    zpath = tmp_path / "moodle.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(SOLUTION, f"Alice Smith_912345_assignsubmission_file_/{AID}.ipynb")
        zf.write(RELEASE, "Bob van Dijk_912346_assignsubmission_file/my notebook.ipynb")
        zf.writestr("Bob van Dijk_912346_assignfeedback_comments_/comments.html", "<p>hi</p>")
        zf.write(RELEASE, f"Carol Lee_912347_assignsubmission_file_{AID}.ipynb")
    subs = lms.collect_submissions(zpath, AID, tmp_path / "unpacked")
    assert {s: (v.name, v.lms, v.path.name) for s, v in subs.items()} == {
        "912345": ("Alice Smith", "moodle", f"{AID}.ipynb"),
        "912346": ("Bob van Dijk", "moodle", "my notebook.ipynb"),
        "912347": ("Carol Lee", "moodle", f"Carol Lee_912347_assignsubmission_file_{AID}.ipynb")}
    roster = tmp_path / "worksheet.csv"
    roster.write_text('Identifier,Full name,Email address,Status,Grade\n"Participant 912345","Alice Smith",'
                      'a@uni.edu,Submitted,\n')
    assert [(e.sid, e.name, e.email) for e in lms.read_roster(roster)] == [("912345", "Alice Smith", "a@uni.edu")]


def test_canvas_folder_same_names_and_late(tmp_path: Path):
    _canvas_export(tmp_path / "canvas")
    subs = lms.collect_submissions(tmp_path / "canvas", AID, tmp_path / "unpacked")
    assert {s: (v.name, v.late) for s, v in subs.items()} == {
        "101": ("smithalice", True), "102": ("jonesbob", False), "103": ("leecarol", False),
        "104": ("smithalice", False)}
    assert [e.sid for e in lms.read_roster(_write(tmp_path / "r.csv", ROSTER))] == ["101", "102", "103", "105"]


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_plain_folders_nested_and_with_spaces(tmp_path: Path):
    nested = tmp_path / "zipped"
    for sid in ("Alice Smith", "bob"):
        (nested / "export" / sid).mkdir(parents=True)
        shutil.copyfile(RELEASE, nested / "export" / sid / f"{AID} (1).ipynb")
    (nested / "export" / "bob" / "notes.txt").write_text("my notes")
    zpath = shutil.make_archive(str(tmp_path / "plain"), "zip", nested)
    subs = lms.collect_submissions(Path(zpath), AID, tmp_path / "unpacked")
    assert set(subs) == {"Alice-Smith", "bob"} and subs["bob"].ignored == ["export/bob/notes.txt"]
    nbgrader_layout = tmp_path / "submitted" / "carol" / AID
    nbgrader_layout.mkdir(parents=True)
    shutil.copyfile(RELEASE, nbgrader_layout / f"{AID}.ipynb")
    subs = lms.collect_submissions(tmp_path / "submitted", AID, tmp_path / "u2")
    assert list(subs) == ["carol"] and subs["carol"].path.name == f"{AID}.ipynb"
    one = tmp_path / "fixed"
    (one / "102").mkdir(parents=True)
    shutil.copyfile(RELEASE, one / "102" / f"{AID}.ipynb")
    assert list(lms.collect_submissions(one, AID, tmp_path / "u3")) == ["102"], "one student, not a wrapper"


def test_which_notebook_by_grade_ids():
    sources = {name: source_notebook(name) for name in known_assignments()}
    assert lms.which_notebook(RELEASE, AID, sources) is None
    assert "03_linear_quantization" in lms.which_notebook(OTHER, AID, sources)


def test_assignment_must_be_known(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-m", "grading.batch", "02_downcastng", str(tmp_path)], env=_env(),
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 2 and "Did you mean 02_downcasting?" in proc.stderr and "12_reframing" in proc.stderr
    with pytest.raises(ValueError, match="student release"):
        source_notebook("notebooks/02_downcasting.ipynb")
    with pytest.raises(ValueError, match="student release"):
        source_notebook(RELEASE)
    assert source_notebook("02_downcasting.ipynb") == SOLUTION == source_notebook(str(SOLUTION))
    assert re.match(r"\d\d_", known_assignments()[0])
