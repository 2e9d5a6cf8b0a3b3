"""A student's path through the course in a real browser: JupyterLab on localhost, headless Chromium.

``test_jupyterlab_runs_a_finished_release_and_validates`` (slow):

1. copies the released ``notebooks/01_parameter_counting.ipynb`` into a temporary folder and fills each exercise
   cell with the solution's code (markers removed), as a student who finished would have it;
2. starts ``jupyter lab`` (this environment's, so the ``python3`` kernel imports ``helpers``) on 127.0.0.1 with a
   random token, private config/settings/workspace folders and the local (offline) profile;
3. opens the notebook in Debian's Chromium driven by Playwright (``executable_path``; no browser download),
   clicks Run ▸ Run All Cells and waits until every code cell has an execution count;
4. checks the outputs on the page (BERT-base's 109,482,240 parameters, the figures, no error) and in the file
   JupyterLab saved;
5. clicks nbgrader's own **Validate** toolbar button (the @jupyter/nbgrader lab extension, which saves the
   notebook and POSTs to the ``validate_assignment`` server extension) and expects "Success! Your notebook passes
   all the tests." in the "Validation Results" dialog; then asks the same server handler to validate the blank
   release, where every graded test cell must fail;
6. saves screenshots: ``build/artifacts/browser-01.png`` (the executed notebook, scrolled to its outputs) and
   ``build/artifacts/browser-01-validate.png`` (the dialog).

``test_course_report_renders_in_browser`` opens an HTML course report (grading.report) and checks that its
figures load. Both skip, saying why, where Chromium (``/usr/bin/chromium`` or ``$SLM_CHROMIUM``) or the
``playwright`` package is missing. ``test_html_report_lists_metrics_and_figures`` needs no browser.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "build" / "artifacts"
NOTEBOOK = "01_parameter_counting"
EXPECTED_TEXT = "109,482,240"          # BERT-base's parameter count, printed by an ungraded cell of 01
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-extensions", "--disable-sync",
                  "--no-first-run", "--no-default-browser-check", "--mute-audio", "--hide-scrollbars"]
SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)


def chromium_path() -> str | None:
    """Debian's Chromium (``apt-get install chromium``), or the browser named by ``$SLM_CHROMIUM``."""
    for candidate in (os.environ.get("SLM_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    exe = chromium_path()
    if exe is None:
        pytest.skip("no Chromium: install Debian's package (apt-get install -y chromium) or set SLM_CHROMIUM")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install playwright; no browser download needed)")
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=exe, args=CHROMIUM_FLAGS, timeout=60_000)
        except Exception as exc:  # a Chromium that cannot start here (missing libraries, no /dev/shm, ...)
            pytest.skip(f"Chromium at {exe} does not start: {str(exc).splitlines()[0]}")
        yield b
        b.close()


# --------------------------------------------------------------------------- the course report (fast + browser)

def _fake_course(out: Path) -> list[dict]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    (out / "00_demo").mkdir(parents=True)
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.bar(["fp32", "bf16"], [4, 2])
    fig.savefig(out / "00_demo" / "00_bytes.png")
    plt.close(fig)
    return [{"notebook": "00_demo", "status": "ok", "seconds": 3.2, "peak_mb": 512, "error": "",
             "metrics": {"bytes_ratio": {"value": 1.99996, "claim": 2.0, "note": "bf16 halves <bytes>"},
                         "speedup": {"value": 3.0, "unit": "×", "claim": 2.0},
                         "gb_7b_4bit": {"value": 3.5, "unit": "GB", "claim": "under 4"}},
             "profile": "local", "quick": False,
             "claims": [{"id": "bf16_halves", "text": "bf16 halves the <bytes>", "holds": True, "values": {"ratio": 1.99996}},
                        {"id": "int8_faster", "text": "int8 is faster", "holds": False, "values": {"speedup": 0.8}}]},
            {"notebook": "01_broken", "status": "failed", "seconds": 1.0, "peak_mb": None, "metrics": {},
             "error": "NameError: name 'x' is not defined"}]


def test_html_report_lists_metrics_and_figures(tmp_path):
    from grading.report import write_html_report

    results = _fake_course(tmp_path)
    page = write_html_report(results, tmp_path, profile="local")
    html = page.read_text()
    assert page == tmp_path / "report.html"
    assert "(local profile)" in html and "1/2 notebooks ran" in html
    assert 'src="00_demo/00_bytes.png"' in html, "figures are linked relative to the report"
    assert "1.00×" in html and "1.50×" in html and "under 4" in html
    assert "bf16 halves &lt;bytes&gt;" in html, "notes are HTML-escaped"
    assert "NameError" in html and 'class="failed"' in html
    assert "bf16 halves the &lt;bytes&gt;" in html and "ratio = 2" in html, "each claim is shown with its numbers"
    assert "✗ does not hold" in html and "speedup = 0.8" in html and "1/2" in html
    assert "base64" not in html


def test_course_report_renders_in_browser(browser, tmp_path):
    from grading.report import write_html_report

    page_path = write_html_report(_fake_course(tmp_path), tmp_path)
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    try:
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        sizes = page.evaluate("Array.from(document.images, i => [i.getAttribute('src'), i.naturalWidth])")
        assert sizes and all(width > 0 for _, width in sizes), f"figures did not load: {sizes}"
        assert page.locator("tr.agree").count() == 1 and page.locator("tr.differ").count() == 1
        assert page.locator("tr.claim.held").count() == 1 and page.locator("tr.claim.broken").count() == 1
    finally:
        page.close()


# --------------------------------------------------------------------------- JupyterLab

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def finished_copy(release: Path, source: Path, dest: Path) -> Path:
    """The release with every exercise cell replaced by the solution's code, markers removed."""
    solutions = {c.metadata["nbgrader"]["grade_id"]: c.source
                 for c in nbformat.read(source, as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(release, as_version=4)
    filled = 0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in solutions:
            cell.source = SOLUTION_MARKERS.sub("", solutions[meta["grade_id"]])
            filled += 1
    assert filled, f"no exercise cells found in {release}"
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / release.name
    nbformat.write(nb, path)
    return path


class JupyterLab:
    """``jupyter lab`` in ``root`` on a free localhost port, with private config and a random token."""

    def __init__(self, root: Path, home: Path):
        self.root, self.port, self.token = root, _free_port(), secrets.token_hex(16)
        for sub in ("config/labconfig", "data", "runtime", "settings/@jupyterlab/notebook-extension",
                    "settings/@jupyterlab/apputils-extension", "workspaces", "outputs"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        # every cell in the DOM (no virtual scrolling), no news/update pop-ups, no autosave races
        (home / "settings/@jupyterlab/notebook-extension/tracker.jupyterlab-settings").write_text(
            json.dumps({"windowingMode": "none"}))
        (home / "settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        (home / "config/labconfig/page_config.json").write_text(json.dumps(
            {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "SLM_"))}
        env.update(JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
                   JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), SLM_PROFILE="local",
                   SLM_OUTPUT_DIR=str(home / "outputs"), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
                   PYTHONWARNINGS="ignore", PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
        self.log = open(home / "jupyterlab.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
             "--port-retries=0", f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
             *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
            cwd=root, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"jupyter lab did not answer within {timeout} s:\n{self.log_text()}")

    def validate(self, path: str) -> dict:
        """POST to nbgrader's ``validate_assignment`` server extension (what the Validate button calls)."""
        request = urllib.request.Request(f"{self.url}/assignments/validate",
                                         data=urllib.parse.urlencode({"path": path}).encode(), method="POST",
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=240) as r:
            return json.loads(r.read())

    def log_text(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text()[-4000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)   # our own session: the server and its kernels
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()


_PROMPTS_JS = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt'),
                                   e => e.textContent.trim())"""


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_jupyterlab_runs_a_finished_release_and_validates(browser, tmp_path):
    release = REPO / "notebooks" / f"{NOTEBOOK}.ipynb"
    source = REPO / "solutions" / f"{NOTEBOOK}.ipynb"
    if not release.exists():
        pytest.skip(f"{release.relative_to(REPO)} has not been released yet")
    started = time.monotonic()
    work = tmp_path / "student"
    nb_path = finished_copy(release, source, work)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lab = JupyterLab(work, tmp_path / "jupyter")
    page = None
    try:
        lab.wait_ready()
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(f"{lab.url}/lab/tree/{nb_path.name}?reset&token={lab.token}")
        n_code = sum(c.cell_type == "code" for c in nbformat.read(nb_path, as_version=4).cells)
        page.wait_for_function(f"() => ({_PROMPTS_JS})().length === {n_code}", timeout=120_000)
        page.get_by_text(re.compile(r"\| Idle$")).wait_for(timeout=120_000)   # the kernel has started
        page.keyboard.press("Control+b")          # hide the file browser: more notebook in the screenshot

        # Run ▸ Run All Cells, as a student would
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        deadline = time.monotonic() + 180
        prompts: list[str] = []
        while time.monotonic() < deadline:
            prompts = page.evaluate(_PROMPTS_JS)
            if prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts):
                break
            if page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'] "
                            ":text('Traceback')").count():
                break
            time.sleep(1)
        errors = page.locator(".jp-OutputArea-output", has_text=re.compile(r"Traceback|Error:"))
        assert errors.count() == 0, f"a cell raised: {errors.first.inner_text()[:1500]}"
        assert all(re.fullmatch(r"\[\d+\]:", p) for p in prompts), f"not every cell ran: {prompts}"

        # outputs on the page
        outputs = page.locator(".jp-OutputArea-output")
        expected = page.locator(".jp-OutputArea-output", has_text=EXPECTED_TEXT).first
        assert expected.count() == 1, f"no output shows {EXPECTED_TEXT}"
        assert page.locator(".jp-OutputArea-output img").count() >= 1, "the notebook's figures are not shown"
        expected.scroll_into_view_if_needed()
        page.mouse.wheel(0, 250)
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "browser-01.png"))

        # nbgrader's Validate button: saves, then validates on the server
        page.locator(".validate-button").first.click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(state="visible", timeout=150_000)
        dialog.get_by_text(re.compile("Validation Results|Validation failed")).wait_for()
        body = dialog.inner_text()
        page.screenshot(path=str(ARTIFACTS / "browser-01-validate.png"))
        assert "Success! Your notebook passes all the tests." in body, body[:2000]
        assert outputs.count() > 5

        # the same server extension on the blank release: every graded test cell must fail
        blank = work / f"blank_{release.name}"
        shutil.copyfile(release, blank)
        report = lab.validate(blank.name)
        assert report["success"], report
        failed = "\n".join(cell["source"] for cell in report["value"].get("failed", []))
        tests = [c.source.splitlines()[0] for c in nbformat.read(release, as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("grade") and c.metadata["nbgrader"].get("points")]
        assert tests and all(first in failed for first in tests), \
            f"Validate on the blank release should fail every test cell; failed: {failed[:1500]}"
    except Exception:
        if page is not None:
            page.screenshot(path=str(ARTIFACTS / "browser-01-failure.png"))
        print(lab.log_text())
        raise
    finally:
        if page is not None:
            page.close()
        lab.stop()

    # the notebook JupyterLab saved before validating holds the outputs
    saved = nbformat.read(nb_path, as_version=4)
    code = [c for c in saved.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "the saved notebook has unexecuted cells"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert any(EXPECTED_TEXT in json.dumps(c.outputs) for c in code)
    print(f"browser test: {time.monotonic() - started:.0f} s (budget 3 minutes); screenshots in {ARTIFACTS}")
