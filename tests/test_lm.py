"""The course's causal LMs and tokenizer: they load offline, have the promised sizes, and match their cards."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from helpers import lm

REPO = Path(__file__).resolve().parents[1]
PARAM_RANGES = {"small": (1_000_000, 3_000_000), "large": (8_000_000, 20_000_000)}


class _Models(dict):
    """Loads each course LM once, on first use."""

    def __missing__(self, size):
        self[size] = lm.load_course_lm(size, profile="local")
        return self[size]


@pytest.fixture(scope="module")
def models():
    return _Models()


def metrics(size: str) -> dict:
    return json.loads((lm.course_lm_path(size) / "metrics.json").read_text())


def test_tokenizer_loads_through_autotokenizer():
    from transformers import AutoTokenizer, PreTrainedTokenizerFast

    for path in (lm.TOKENIZER_DIR, lm.course_lm_path("small"), lm.course_lm_path("large")):
        tok = AutoTokenizer.from_pretrained(path)
        assert isinstance(tok, PreTrainedTokenizerFast)
        assert (tok.bos_token, tok.eos_token, tok.pad_token) == ("<s>", "</s>", "<pad>")
        text = "Lily found a shiny red ball near the pond."
        assert tok.decode(tok(text)["input_ids"]) == text


@pytest.mark.parametrize("size", ["small", "large"])
def test_checkpoint_loads_with_parameter_count_in_range(models, size):
    from transformers import BloomForCausalLM

    model, tok = models[size]
    assert isinstance(model, BloomForCausalLM) and not model.training
    n = sum(p.numel() for p in model.parameters())
    lo, hi = PARAM_RANGES[size]
    assert lo <= n <= hi, f"bloom-{size} has {n:,} parameters"
    assert n == metrics(size)["params"]
    assert model.config.vocab_size >= len(tok)
    assert next(model.parameters()).dtype == torch.float32


def test_files_are_safetensors_with_generation_config():
    for size in ("small", "large"):
        folder = lm.course_lm_path(size)
        for name in ("model.safetensors", "config.json", "generation_config.json", "README.md", "metrics.json"):
            assert (folder / name).is_file(), f"{folder / name} is missing"
        assert not list(folder.glob("*.bin")), "weights should be safetensors only"
        m = metrics(size)
        assert {"val_perplexity", "params", "train_seconds", "tokens_seen", "steps"} <= set(m)


def test_large_beats_small_and_perplexity_matches_metrics(models):
    ppl = {size: lm.perplexity(*models[size], max_tokens=metrics(size)["val_slice"]["first_tokens"],
                               seq_len=metrics(size)["val_slice"]["seq_len"]) for size in ("small", "large")}
    for size, value in ppl.items():
        recorded = metrics(size)["val_perplexity"]
        assert abs(value - recorded) / recorded < 0.02, f"bloom-{size}: {value:.3f} vs metrics.json {recorded}"
        assert f"{recorded:.3f}" in (lm.course_lm_path(size) / "README.md").read_text()
    assert ppl["large"] < 0.9 * ppl["small"], f"large should clearly beat small: {ppl}"


def test_perplexity_is_deterministic_and_token_weighted(models):
    model, tok = models["small"]
    texts = ["Tom had a red ball.", "One day, Lily went to the park with her dog. She was happy."]
    a = lm.perplexity(model, tok, texts, seq_len=16, batch_size=2)
    b = lm.perplexity(model, tok, texts, seq_len=16, batch_size=1)
    assert a == pytest.approx(b, rel=1e-5), "batching must not change the result"
    assert 1.0 < a < 1000.0


def test_lm_batches_shapes_and_determinism(models):
    _, tok = models["small"]
    first = list(lm.lm_batches(tok, seq_len=32, batch_size=4, n_batches=3, seed=1))
    again = list(lm.lm_batches(tok, seq_len=32, batch_size=4, n_batches=3, seed=1))
    assert len(first) == 3 and first[0].shape == (4, 32) and first[0].dtype == torch.long
    assert all(torch.equal(x, y) for x, y in zip(first, again))
    assert not torch.equal(first[0], next(lm.lm_batches(tok, seq_len=32, batch_size=4, seed=2)))


def test_generate_text_is_greedy_and_keeps_the_prompt(models):
    model, tok = models["small"]
    out = lm.generate_text(model, tok, "Once upon a time, there was a", max_new_tokens=12)
    assert out.startswith("Once upon a time, there was a") and len(out) > len("Once upon a time, there was a")
    assert out == lm.generate_text(model, tok, "Once upon a time, there was a", max_new_tokens=12)


def test_dtype_argument_casts_on_load():
    model, _ = lm.load_course_lm("small", profile="local", dtype=torch.bfloat16)
    assert next(model.parameters()).dtype == torch.bfloat16


def test_missing_checkpoint_error_names_file_and_command(monkeypatch, tmp_path):
    monkeypatch.setattr(lm, "COURSE_LM_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"(?s)model\.safetensors.*train_lm\.py --size large"):
        lm.load_course_lm("large", profile="local")
    with pytest.raises(ValueError, match="size"):
        lm.load_course_lm("medium", profile="local")


@pytest.mark.slow
def test_training_script_runs_a_few_steps(tmp_path):
    out = tmp_path / "tiny"
    proc = subprocess.run([sys.executable, str(REPO / "datasets" / "models" / "train_lm.py"), "--size", "tiny",
                           "--max-steps", "3", "--out", str(out), "--eval-tokens", "512"],
                          capture_output=True, text=True, timeout=300, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-2000:]
    m = json.loads((out / "metrics.json").read_text())
    assert m["steps"] == 3 and m["tokens_seen"] > 0 and m["val_perplexity"] > 1
    for name in ("model.safetensors", "config.json", "generation_config.json", "README.md", "tokenizer.json"):
        assert (out / name).is_file(), name
    from transformers import AutoTokenizer, BloomForCausalLM

    model, tok = BloomForCausalLM.from_pretrained(out), AutoTokenizer.from_pretrained(out)
    assert lm.generate_text(model, tok, "Tom", max_new_tokens=3).startswith("Tom")
