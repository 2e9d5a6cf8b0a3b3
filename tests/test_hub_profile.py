"""The hub profile, rehearsed offline: every notebook runs with PROFILE="hub" against a stand-in cache.

Colab students (``auto`` on a GPU runtime) and the GPU workflow run the hub profile, which downloads the models
and data sets the lectures name. Here there is no network, so ``tests/hub_standin.py`` builds a Hugging Face cache
in the real hub layout (16-bit BLOOM stand-ins with the real vocabulary and tokenizer class, the real MiniLM,
data sets with the real columns and splits) and each solution notebook is executed with papermill in the hub
profile with ``HF_HUB_OFFLINE=1``. A notebook that raises fails the test with the cell's error.

Also here: fast unit tests of the hub-side fixes (CUDA synchronisation in timing, the missing-``datasets``
message, the stories a hub LM is scored on, ``auto`` choosing the hub only where a notebook will finish).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path
from unittest import mock

import pytest

import hub_standin

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "build" / "hub-standin"
NOTEBOOKS = sorted(p.stem for p in (REPO / "solutions").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="session")
def standin_env() -> dict[str, str]:
    """Build the stand-in cache once per machine (a file lock lets two xdist workers share it)."""
    from filelock import FileLock

    CACHE.parent.mkdir(parents=True, exist_ok=True)
    stamp = CACHE / "built.json"
    source_digest = str(os.path.getmtime(REPO / "tests" / "hub_standin.py"))
    with FileLock(str(CACHE) + ".lock"):
        if not stamp.exists() or json.loads(stamp.read_text()).get("source") != source_digest:
            import shutil

            shutil.rmtree(CACHE, ignore_errors=True)
            env = hub_standin.build(CACHE)
            stamp.write_text(json.dumps({"source": source_digest, "env": env}))
        return json.loads(stamp.read_text())["env"]


_RUN = """
import sys, papermill
papermill.execute_notebook(sys.argv[1], sys.argv[2], parameters={"PROFILE": "hub"}, kernel_name="python3",
                           cwd=sys.argv[3], execution_timeout=int(sys.argv[4]), progress_bar=False)
"""


@pytest.mark.slow
@pytest.mark.hub
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_in_hub_profile(name, standin_env, tmp_path):
    # one thread per notebook: the rehearsal checks that the hub code paths run, not their speed, and the other
    # xdist worker shares the two cores (the hub profile otherwise takes every core: oversubscribed, twice as slow)
    env = dict(os.environ, **standin_env, SLM_QUICK="1", SLM_OUTPUT_DIR=str(tmp_path), PYTHONWARNINGS="ignore",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = tmp_path / f"{name}.ipynb"
    proc = subprocess.run([sys.executable, "-c", _RUN, str(REPO / "solutions" / f"{name}.ipynb"), str(out),
                           str(tmp_path), "600"], env=env, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-25:])
        pytest.fail(f"{name} failed in the hub profile (stand-in cache):\n{tail}")
    metrics = json.loads((tmp_path / f"{name}.metrics.json").read_text())
    assert metrics.get("profile", "hub") == "hub", "the notebook must have run in the hub profile"


# --------------------------------------------------------------------------- fast unit tests of the fixes
def test_timing_synchronises_cuda_when_present():
    from helpers import timing

    fake = types.SimpleNamespace(cuda=mock.Mock())
    fake.cuda.is_available.return_value = True
    with mock.patch.dict(sys.modules, {"torch": fake}):
        timing.compare({"a": lambda: None, "b": lambda: None}, repeat=2, warmup=0)
    # every timed call is bracketed by a synchronize: 2 functions x 2 repeats x 2
    assert fake.cuda.synchronize.call_count >= 8
    fake.cuda.is_available.return_value = False
    fake.cuda.synchronize.reset_mock()
    with mock.patch.dict(sys.modules, {"torch": fake}):
        timing.time_it(lambda: None, repeat=2, warmup=0)
    assert fake.cuda.synchronize.call_count == 0


def test_missing_datasets_library_gives_install_hint():
    from helpers import data

    shadow = types.ModuleType("datasets")
    shadow.__path__ = [str(REPO / "datasets")]  # what `import datasets` finds when only the repo's folder exists
    with mock.patch.dict(sys.modules, {"datasets": shadow}):
        with pytest.raises(ImportError, match="pip install datasets"):
            data.load_similarity("test", "hub")


def test_hub_lm_is_scored_on_tinystories_not_the_course_stories():
    from helpers.lm import stories_profile

    local = types.SimpleNamespace(name_or_path=str(REPO / "datasets" / "models" / "bloom-small"))
    hub = types.SimpleNamespace(name_or_path="bigscience/bloom-560m")
    assert stories_profile(local) == "local"
    assert stories_profile(hub) == "hub"


@pytest.mark.parametrize("gpu,reachable,expected", [(True, True, "hub"), (False, True, "local"),
                                                     (True, False, "local")])
def test_auto_picks_hub_only_with_a_gpu_and_the_hub(gpu, reachable, expected, monkeypatch):
    from helpers import profiles

    monkeypatch.delenv("SLM_PROFILE", raising=False)
    monkeypatch.setattr(profiles, "hub_reachable", lambda *a, **k: reachable)
    monkeypatch.setattr(profiles, "gpu_available", lambda: gpu)
    assert profiles.resolve_profile("auto") == expected


def test_standin_cache_has_what_caught_the_bugs(standin_env):
    """16-bit BLOOM weights, the real vocabulary and tokenizer class, ≥ 4 layers, WiC sentences reused and not."""
    hub = Path(standin_env["HF_HUB_CACHE"])
    snap = next((hub / "models--bigscience--bloom-560m" / "snapshots").iterdir())
    config = json.loads((snap / "config.json").read_text())
    assert config["vocab_size"] == 250_880 and config["n_layer"] >= 4
    assert config["torch_dtype"] == "float16"
    from safetensors import safe_open

    with safe_open(str(snap / "model.safetensors"), "pt") as f:
        assert all(str(f.get_slice(k).get_dtype()) in ("F16",) for k in f.keys())
    assert json.loads((snap / "tokenizer_config.json").read_text())["tokenizer_class"] == "BloomTokenizerFast"
    from helpers.data import load_wic

    rows = hub_standin._wic_pairs(load_wic("train"), seed=0)
    seen: dict[str, int] = {}
    for r in rows:
        for s in (r["sentence1"], r["sentence2"]):
            seen[s] = seen.get(s, 0) + 1
    assert any(c == 1 for c in seen.values()) and any(c > 1 for c in seen.values())
