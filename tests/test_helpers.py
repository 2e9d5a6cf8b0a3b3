"""Fast unit tests for the helpers package (no notebook execution), and the rules that keep it the lean library
the notebooks import:

* every helpers module's doctests run (modules found on disk, so a new one is included), and the tooling's too;
* ``helpers`` imports nothing from the course tooling (``grading``), read from the source of every module and
  checked at run time; ``helpers/__main__.py`` is the one bootstrap: standard library only, it starts
  ``python -m grading`` as a new process instead of importing it;
* a Colab-style install (``pip install -e .``, no extras) provides every module a notebook or helpers imports:
  each top-level import of ``solutions/*.ipynb`` and ``helpers/*.py`` is the standard library, the course, or a
  base dependency in pyproject.toml (optional imports guarded by ``find_spec``/``except ImportError`` aside),
  and the base dependencies hold none of the TA/CI stack;
* each module's "Used in" line names the notebooks that use it: every notebook importing the module is named,
  and every notebook named imports it or a helpers module that uses it.
"""
import ast
import doctest
import importlib
import json
import pkgutil
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
import torch

import helpers
from helpers import memory, metrics, models, profiles, selfcheck, timing

REPO = Path(__file__).resolve().parents[1]
HELPERS = REPO / "helpers"
LIBRARY = sorted(m.name for m in pkgutil.iter_modules(helpers.__path__) if m.name != "__main__")
TOOLING_DOCTESTED = ["grading.runner", "grading.report", "grading.colab", "grading.ci"]
NOTEBOOKS = sorted((REPO / "solutions").glob("[0-9][0-9]_*.ipynb"))
TOOLING_ONLY = {"nbgrader", "papermill", "jupyterlab", "notebook", "nbconvert", "nbformat", "ipykernel",
                "jupyter-client", "pytest", "pytest-xdist", "pytest-timeout", "playwright", "pyyaml",
                "check-jsonschema", "jsonschema"}


@pytest.mark.parametrize("module", [f"helpers.{m}" for m in LIBRARY] + TOOLING_DOCTESTED)
def test_docstring_examples_run(module, tmp_path, monkeypatch):
    monkeypatch.setenv("SLM_OUTPUT_DIR", str(tmp_path))
    monkeypatch.setenv("SLM_PROFILE", "local")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("SLM_QUICK", raising=False)
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{module} has no docstring examples: show how it is used in one"
    assert result.failed == 0


# --------------------------------------------------------------------------- helpers is the student library

def _imports(tree: ast.AST, optional: bool = True) -> set[str]:
    """Dotted module names imported anywhere in ``tree`` (function bodies included).

    With ``optional=False``, imports guarded by ``try/except ImportError`` or ``if ...find_spec(...)`` are left out.
    """
    found: set[str] = set()

    def guarded(node: ast.AST) -> bool:
        if isinstance(node, ast.Try):
            names = {ast.unparse(h.type) for h in node.handlers if h.type is not None}
            return any(re.search(r"\b(ImportError|ModuleNotFoundError)\b", n) for n in names)
        return isinstance(node, ast.If) and "find_spec" in ast.unparse(node.test)

    def visit(node: ast.AST) -> None:
        if not optional and guarded(node):
            return   # the body may import what is not installed; the fallback branches still count
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.add(base)
            found.update(f"{base}.{a.name}" if node.module else f"{base}{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _module_tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(), filename=str(path))


def _notebook_tree(path: Path) -> ast.AST:
    nb = nbformat.read(path, as_version=4)
    code = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            code.append("\n".join(line for line in cell.source.splitlines()
                                   if not line.lstrip().startswith(("%", "!"))))
    return ast.parse("\n".join(code), filename=str(path))


@pytest.mark.parametrize("name", LIBRARY + ["__init__"])
def test_helpers_module_imports_nothing_from_the_tooling(name):
    path = HELPERS / f"{name}.py"
    text = path.read_text()
    tree = _module_tree(path)
    tooling = {m for m in _imports(tree) if m == "grading" or m.startswith("grading.")}
    tooling |= {f"{'.' * n.level}{n.module or ''}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level > 1}
    assert not tooling, f"helpers/{name}.py imports {tooling}: the student library must not depend on the tooling"
    assert not re.search(r"import_module\(\s*['\"]grading|__import__\(\s*['\"]grading|run_module", text), \
        f"helpers/{name}.py loads the tooling dynamically"


def test_importing_all_of_helpers_loads_no_tooling():
    code = ("import importlib, pkgutil, sys, helpers\n"
            "for m in pkgutil.iter_modules(helpers.__path__):\n"
            "    if m.name != '__main__': importlib.import_module('helpers.' + m.name)\n"
            "print(sorted({n.split('.')[0] for n in sys.modules}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    loaded = set(json.loads(proc.stdout.strip().splitlines()[-1].replace("'", '"')))
    assert not loaded & {"grading", "nbgrader", "papermill", "nbformat", "jupyter_client", "pytest"}


def test_bootstrap_is_standard_library_only_and_starts_the_tooling_as_a_process():
    """helpers/__main__.py (``python3 -m helpers``) is not library code: it imports only the standard library and
    hands over to ``python -m grading`` with exec (a new program), never an import."""
    tree = _module_tree(HELPERS / "__main__.py")
    third_party = {m for m in _imports(tree) if m.split(".")[0] not in sys.stdlib_module_names}
    assert not third_party, f"the bootstrap must run before anything is installed; it imports {third_party}"
    proc = subprocess.run([sys.executable, "-m", "helpers", "--help"], capture_output=True, text=True, timeout=120,
                          cwd=REPO, env={"PATH": "/usr/bin:/bin", "SLM_NO_BOOTSTRAP": "1"})
    assert proc.returncode == 0, proc.stderr
    assert "course" in proc.stdout and "test" in proc.stdout and "slm-course" in proc.stdout


def _dist(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def _providers() -> dict[str, set[str]]:
    return {top: {_dist(d) for d in dists} for top, dists in metadata.packages_distributions().items()}


def _third_party(modules: set[str]) -> set[str]:
    tops = {m.split(".")[0] for m in modules if m and not m.startswith(".")}
    return {t for t in tops if t not in sys.stdlib_module_names and t not in ("helpers", "__future__")}


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in NOTEBOOKS]
                         + [pytest.param(HELPERS / f"{m}.py", id=f"helpers.{m}") for m in LIBRARY])
def test_a_plain_install_provides_every_import(path):
    """What a notebook imports, directly or through helpers, comes with ``pip install -e .`` (no extras)."""
    tree = _notebook_tree(path) if path.suffix == ".ipynb" else _module_tree(path)
    base = {_dist(r) for r in _pyproject()["dependencies"]}
    providers = _providers()
    missing = {m: sorted(providers.get(m, {"(not installed)"})) for m in _third_party(_imports(tree, optional=False))
               if not providers.get(m, set()) & base}
    assert not missing, (f"{path.name} imports modules that a plain `pip install -e .` does not provide: {missing}; "
                         "add their distribution to [project] dependencies in pyproject.toml")


def test_base_dependencies_leave_the_tooling_to_the_extra():
    project = _pyproject()
    base = {_dist(r) for r in project["dependencies"]}
    extra = {_dist(r) for r in project["optional-dependencies"]["dev"]}
    assert not base & TOOLING_ONLY, f"Colab installs the base dependencies: move {base & TOOLING_ONLY} to the extra"
    assert {"nbgrader", "papermill", "jupyterlab", "pytest", "pytest-xdist"} <= extra
    assert "datasets" in base, "the hub profile's data sets need the Hugging Face datasets library"
    assert project["scripts"]["slm-course"] == "grading.cli:main"


# --------------------------------------------------------------------------- "Used in" lines

def _number(path: Path) -> str:
    return path.name[:2]


def _helpers_used(tree: ast.AST) -> set[str]:
    """helpers modules a notebook (or module) imports: ``helpers.x``, ``from helpers import x`` (a module), and
    ``helpers`` itself for names of the package (``from helpers import setup``)."""
    used = set()
    for m in _imports(tree):
        m = "helpers" + m if m.startswith(".") and not m.startswith("..") else m   # relative, inside helpers
        parts = m.split(".")
        if parts[0] != "helpers":
            continue
        used.add(parts[1] if len(parts) > 1 and parts[1] in LIBRARY else "__init__")
    return used


def _reach() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(direct, reach): per helpers module, the notebooks importing it, and those importing it or a module that
    (transitively) imports it."""
    deps = {name: _helpers_used(_module_tree(HELPERS / f"{name}.py")) - {name} for name in LIBRARY + ["__init__"]}
    direct: dict[str, set[str]] = {name: set() for name in deps}
    reach: dict[str, set[str]] = {name: set() for name in deps}
    for nb in NOTEBOOKS:
        todo = list(_helpers_used(_notebook_tree(nb)))
        for name in todo:
            direct[name].add(_number(nb))
        seen: set[str] = set()
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo += deps[name]
        for name in seen:
            reach[name].add(_number(nb))
    return direct, reach


def _declared(text: str) -> set[str] | None:
    """Notebook numbers named by a docstring's "Used in:" paragraph; all of them for "every notebook" (no numbers)."""
    match = re.search(r"Used in:(.*?)(?:\n\s*\n|\n\s*>>>|$)", text, re.S)
    if match is None:
        return None
    numbers = set(re.findall(r"(?<![\d.])(\d\d)(?![\d.])", match.group(1)))
    if not numbers and re.search(r"\bevery notebook\b|\ball notebooks\b", match.group(1)):
        return {_number(p) for p in NOTEBOOKS}
    return numbers


@pytest.mark.skipif(not NOTEBOOKS, reason="no solution notebooks")
@pytest.mark.parametrize("name", LIBRARY)
def test_used_in_names_the_notebooks_that_use_the_module(name):
    direct, reach = _reach()
    module = importlib.import_module(f"helpers.{name}")
    assert reach[name], f"no notebook uses helpers.{name}: remove it, or import it where it is taught"
    functions = [f.__doc__ or "" for f in vars(module).values()
                 if callable(f) and getattr(f, "__module__", "") == module.__name__]
    declared = _declared(module.__doc__ or "")
    if declared is None:   # no module-level line: the functions' lines together
        parts = [d for d in map(_declared, functions) if d is not None]
        assert parts, f"helpers/{name}.py: say where it is taught in its docstring ('Used in: 03, 07')"
        declared = set().union(*parts)
    assert direct[name] <= declared, (f"helpers/{name}.py 'Used in' misses notebooks that import it: "
                                      f"{sorted(direct[name] - declared)}")
    assert declared <= reach[name], (f"helpers/{name}.py 'Used in' names notebooks that do not use it: "
                                     f"{sorted(declared - reach[name])} (used by {sorted(reach[name])})")
    for doc in functions:
        named = _declared(doc)
        assert named is None or named <= reach[name], \
            f"helpers/{name}.py: a function's 'Used in' names {sorted(named - reach[name])}, which do not use it"


def test_profile_resolution(monkeypatch):
    monkeypatch.setenv("SLM_PROFILE", "local")
    assert profiles.resolve_profile("auto") == "local"
    assert profiles.resolve_profile("hub") == "hub"          # explicit wins over the environment
    monkeypatch.setenv("SLM_PROFILE", "hub")
    assert profiles.resolve_profile("AUTO") == "hub"
    with pytest.raises(ValueError, match="PROFILE must be"):
        profiles.resolve_profile("gpu")


def test_auto_profile_is_local_offline(monkeypatch):
    monkeypatch.delenv("SLM_PROFILE", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert profiles.resolve_profile("auto") == "local"


def test_quick_mode_scales(monkeypatch):
    monkeypatch.setenv("SLM_QUICK", "0")
    assert profiles.scaled(200) == 200
    monkeypatch.setenv("SLM_QUICK", "1")
    assert profiles.scaled(200) == 20 and profiles.scaled(200, quick=5) == 5 and profiles.scaled(3) == 1


def test_model_bytes_counts_dtype_and_tied_weights_once():
    lin = torch.nn.Linear(10, 10)
    assert memory.model_bytes(lin) == 440
    assert memory.model_bytes(lin.to(torch.bfloat16)) == 220
    tied = torch.nn.Sequential(torch.nn.Embedding(7, 4), torch.nn.Linear(4, 7, bias=False))
    tied[1].weight = tied[0].weight
    assert memory.model_bytes(tied) == 7 * 4 * 4
    with torch.device("meta"):
        big = torch.nn.Linear(1000, 1000)
    assert memory.model_bytes(big) == (1000 * 1000 + 1000) * 4


def test_format_bytes():
    assert memory.format_bytes(280e9) == "280.00 GB"
    assert memory.format_bytes(1_500_000) == "1.50 MB"
    assert memory.format_bytes(12) == "12 B"
    assert memory.GB == 1e9, "GB is decimal everywhere in the course"


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads the current RSS from /proc (Linux)")
def test_peak_rss_sees_a_300_mb_allocation():
    """The peak covers the current memory plus a new 300 MB array, in bytes (not kB, not pages)."""
    code = ("import os, numpy as np\nfrom helpers.memory import peak_rss_bytes\n"
            "rss = int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE')\n"
            "peak = peak_rss_bytes()\nx = np.ones(300_000_000 // 8)\nprint(rss, peak, peak_rss_bytes())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    rss, peak, after = map(int, proc.stdout.split())
    assert after >= rss + 0.9 * 300e6, f"peak {after / 1e6:.0f} MB misses the array (current was {rss / 1e6:.0f} MB)"
    assert after <= max(peak, rss + 300e6) * 1.1 + 50e6, f"peak {after / 1e6:.0f} MB: wrong unit?"


@pytest.mark.parametrize("name,expected", [
    ("bert-base-uncased", 109_482_240), ("bigscience/bloom-560m", 559_214_592),
    ("meta-llama/Llama-3.1-8B", 8_030_261_248), ("mistralai/Mixtral-8x7B-v0.1", 46_702_792_704),
])
def test_published_architectures_have_their_real_parameter_counts(name, expected):
    model = models.build_model(name, on="meta")
    assert model.num_parameters() == expected
    assert next(model.parameters()).device.type == "meta"


def test_unknown_model_names_the_known_ones():
    with pytest.raises(KeyError, match="bert-base-uncased"):
        models.published_config("gpt-5")


def test_pretrained_weights_need_the_hub_profile():
    with pytest.raises(RuntimeError, match="PROFILE='hub'"):
        models.load_pretrained("bert-base", profile="local")


def test_minilm_loads_offline_and_embeds(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = models.load_minilm("local")
    emb = model.encode(["a small language model", "a tiny language model", "the stock market fell"],
                       normalize_embeddings=True)
    assert emb.shape == (3, 384)
    assert emb[0] @ emb[1] > emb[0] @ emb[2] + 0.2, "the shipped weights are real: paraphrases are closer"


def test_timing_compare_measures_a_hundredfold_ratio_with_tolerance():
    """Work in a 100:1 ratio is measured as a large speed-up, and a function against itself as about 1x; the
    bounds leave room for a loaded machine (interleaved repeats, medians)."""
    slow, fast = (lambda: sum(range(400_000))), (lambda: sum(range(4_000)))
    result = timing.compare({"slow": slow, "fast": fast, "same": slow}, baseline="slow", repeat=7)
    assert result["slow"]["speedup"] == 1.0
    assert result["fast"]["speedup"] > 10, result["fast"]
    assert result["fast"]["speedup_low"] <= result["fast"]["speedup"] <= result["fast"]["speedup_high"]
    assert 0.5 < result["same"]["speedup"] < 2.0, result["same"]


def test_metrics_log_writes_json(tmp_path, monkeypatch):
    monkeypatch.setenv("SLM_OUTPUT_DIR", str(tmp_path))
    log = metrics.MetricsLog("99_test")
    log.record("ratio", torch.tensor(2.0), claim=2.0, unit="x")
    log.record("nan", float("nan"))
    data = json.loads((tmp_path / "99_test.metrics.json").read_text())
    assert data["metrics"]["ratio"] == {"value": 2.0, "unit": "x", "claim": 2.0}
    assert data["metrics"]["nan"]["value"] == "nan"
    assert "| ratio | 2 x | 2 |" in log.table()


def test_selfcheck_reports_each_status():
    history = [
        "# Tests for q01_good (2 points)\nassert f() == 1",
        "# Tests for q01_bad (1 point)\nassert f() == 2, 'expected two'",
        "# Tests for q01_todo (1 point)\ng()",
        "# Tests for q01_crash (1 point)\n1 / 0",
        "x = 1  # not a test cell",
    ]

    def g():
        raise NotImplementedError

    results = {r["exercise"]: r for r in selfcheck.run_checks({"f": lambda: 1, "g": g}, history)}
    assert {k: r["status"] for k, r in results.items()} == {
        "q01_good": "passed", "q01_bad": "failed", "q01_todo": "not done", "q01_crash": "error"}
    assert results["q01_bad"]["detail"] == "expected two" and results["q01_good"]["points"] == 2
