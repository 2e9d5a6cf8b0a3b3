"""Fast unit tests for the helpers package (no notebook execution)."""
import doctest
import importlib
import json

import pytest
import torch

from helpers import memory, metrics, models, profiles, selfcheck, timing
from helpers.runner import format_table, notebook_names

DOCTESTED = ["helpers.training", "helpers.profiles", "helpers.memory", "helpers.timing", "helpers.metrics", "helpers.selfcheck",
             "helpers.models", "helpers.plots", "helpers.runner", "helpers.report", "helpers.colab", "helpers.retrieval"]


@pytest.mark.parametrize("module", DOCTESTED)
def test_docstring_examples_run(module, tmp_path, monkeypatch):
    monkeypatch.setenv("SLM_OUTPUT_DIR", str(tmp_path))
    monkeypatch.setenv("SLM_PROFILE", "local")
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


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


def test_format_bytes_and_peak_rss():
    assert memory.format_bytes(280e9) == "280.00 GB"
    assert memory.format_bytes(12) == "12 B"
    before = memory.peak_rss_bytes()
    x = torch.ones(50_000_000, dtype=torch.uint8)  # 50 MB touched
    assert memory.peak_rss_bytes() >= before
    del x


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


def test_timing_compare_reports_speedups():
    result = timing.compare({"slow": lambda: sum(range(200_000)), "fast": lambda: sum(range(2_000))},
                            baseline="slow", repeat=3)
    assert result["slow"]["speedup"] == 1.0
    assert result["fast"]["speedup"] > 5


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


def test_runner_table_flags_over_budget():
    rows = [{"notebook": "01_x", "status": "ok", "seconds": 200.0, "peak_mb": 100, "error": "",
             "metrics": {"a": {"value": 2.0, "claim": 2.0}}}]
    table = format_table(rows)
    assert "over budget" in table and "a=2 / 2" in table
    assert notebook_names(["1"]) == notebook_names(["01"])
