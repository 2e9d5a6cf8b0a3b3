"""The data sets the course ships: they load offline, have the promised sizes and splits, and carry a card."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from helpers import data

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO / "datasets"


def test_datasets_folder_under_60_mb():
    total = sum(p.stat().st_size for p in DATASETS.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert total < 60 * 1024 * 1024, f"datasets/ holds {total / 2**20:.1f} MiB, the limit is 60 MiB"


@pytest.mark.parametrize("folder", ["stories", "tokenizer", "sentences", "sentences/similarity",
                                    "sentences/retrieval", "sentences/topics", "sentences/wic",
                                    "models/bloom-small", "models/bloom-large"])
def test_every_set_has_a_card(folder):
    card = DATASETS / folder / "README.md"
    assert card.is_file(), f"{card} is missing"
    text = card.read_text()
    assert len(text) > 300 and "MIT" in text, f"{card} should say what the set is, how it was made and its licence"


# --------------------------------------------------------------------------- stories
def test_stories_train_is_at_least_5_mb_and_valid_exists():
    train, valid = data.load_stories("train"), data.load_stories("valid")
    n_bytes = sum(len(s.encode()) + 1 for s in train)
    assert n_bytes >= 5_000_000, f"train split has {n_bytes} bytes"
    assert len(valid) >= 300
    assert not set(train) & set(valid), "a validation story also appears in train"
    assert all("\n" not in s and s.strip() == s and s for s in train[:1000])


def test_stories_are_varied():
    train = data.load_stories("train")
    assert len(set(train)) == len(train)
    words = {w.lower() for s in train[:3000] for w in re.findall(r"[A-Za-z]+", s)}
    assert len(words) > 1000, f"only {len(words)} distinct words in 3,000 stories"
    openings = {" ".join(s.split()[:4]) for s in train[:3000]}
    assert len(openings) > 300


def test_stories_hashes_match_the_card():
    sums = json.loads((DATASETS / "stories" / "SHA256SUMS.json").read_text())
    import hashlib

    for split in ("train", "valid"):
        with gzip.open(DATASETS / "stories" / f"{split}.txt.gz", "rb") as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == sums[split], split


# --------------------------------------------------------------------------- similarity
@pytest.mark.parametrize("split", ["train", "test"])
def test_similarity_shape(split):
    rows = data.load_similarity(split)
    assert rows and all({"sentence1", "sentence2", "score"} <= set(r) for r in rows)
    assert all(0.0 <= r["score"] <= 5.0 for r in rows)
    assert len({r["score"] for r in rows}) >= 30, "scores should be finely graded over 0..5, not a few levels"


def test_similarity_size_and_no_overlap():
    train, test = data.load_similarity("train"), data.load_similarity("test")
    assert len(test) >= 1500, "the test split must resolve 1-2 Spearman points (issue 14: >= 1,500 pairs)"
    assert len(train) >= 1500
    pairs = lambda rows: {frozenset((r["sentence1"], r["sentence2"])) for r in rows}  # noqa: E731
    assert not pairs(train) & pairs(test)
    sentences = lambda rows: {s for r in rows for s in (r["sentence1"], r["sentence2"])}  # noqa: E731
    assert not sentences(train) & sentences(test), "no sentence may be in both splits"
    topics = {r["text"] for split in ("train", "test") for r in data.load_topics(split)}
    assert not (sentences(train) | sentences(test)) & topics, "similarity sentences must not be topics sentences"


def test_similarity_is_varied_and_spread():
    test = data.load_similarity("test")
    words = {w.lower() for r in test for s in (r["sentence1"], r["sentence2"]) for w in re.findall(r"[A-Za-z]+", s)}
    assert len(words) >= 1000, f"only {len(words)} word types in the test split"
    scores = [r["score"] for r in test]
    for low, high in [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5.01)]:
        share = sum(low <= x < high for x in scores) / len(scores)
        assert 0.1 <= share <= 0.35, f"scores in [{low}, {high}): {share:.0%} of the pairs"


def test_similarity_is_not_lexical():
    """Word overlap alone must rank the pairs clearly worse than a sentence encoder can (card: Jaccard 0.65)."""
    from scipy.stats import spearmanr

    test = data.load_similarity("test")
    tokens = lambda s: set(re.findall(r"[a-z]+", s.lower()))  # noqa: E731
    jaccard = [len(tokens(r["sentence1"]) & tokens(r["sentence2"])) / len(tokens(r["sentence1"]) | tokens(r["sentence2"]))
               for r in test]
    assert spearmanr(jaccard, [r["score"] for r in test]).correlation < 0.75


def test_loaders_return_fresh_copies():
    rows = data.load_similarity("test")
    rows[0]["score"] = -1
    assert data.load_similarity("test")[0]["score"] >= 0


def test_sentence_sets_are_regenerated_byte_for_byte(tmp_path, monkeypatch):
    """make_sentences.py is deterministic and the committed files are its output (topics and WiC included)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_sentences", DATASETS / "sentences" / "make_sentences.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.main()
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.jsonl"))
    assert len(written) == 9
    for rel in written:
        assert (tmp_path / rel).read_bytes() == (DATASETS / "sentences" / rel).read_bytes(), f"{rel} differs"


# --------------------------------------------------------------------------- topics
@pytest.mark.parametrize("split", ["train", "test"])
def test_topics_shape(split):
    rows = data.load_topics(split)
    assert rows and all(set(r) == {"text", "label"} for r in rows)
    assert len({r["label"] for r in rows}) >= 4


def test_topics_no_overlap():
    train, test = data.load_topics("train"), data.load_topics("test")
    assert not {r["text"] for r in train} & {r["text"] for r in test}


# --------------------------------------------------------------------------- word in context
@pytest.mark.parametrize("split", ["train", "test"])
def test_wic_shape_and_spans(split):
    rows = data.load_wic(split)
    assert rows and all({"sentence", "word", "start", "end", "label"} <= set(r) for r in rows)
    for r in rows:
        assert r["sentence"][r["start"]:r["end"]].lower() == r["word"], r
        assert r["label"].startswith(r["word"] + "/")


def test_wic_sizes_words_senses_and_no_overlap():
    train, test = data.load_wic("train"), data.load_wic("test")
    assert len(train) + len(test) >= 600
    assert len({r["word"] for r in train}) >= 12
    assert {r["label"] for r in train} == {r["label"] for r in test}, "every sense should be in both splits"
    assert all(len({r["label"] for r in train if r["word"] == w}) >= 2 for w in {r["word"] for r in train})
    assert not {r["sentence"] for r in train} & {r["sentence"] for r in test}


def test_wic_frames_do_not_give_the_sense_away():
    """The words around the target, minus the context clause, are shared by both senses of a word."""
    rows = data.load_wic("train")
    by_label: dict[str, set[str]] = {}
    for r in rows:
        prefix = r["sentence"][:r["start"]].strip()
        by_label.setdefault(r["label"], set()).add(re.sub(r"^[A-Z][a-z]+ ", "", prefix))
    for word in {r["word"] for r in rows}:
        labels = [lab for lab in by_label if lab.startswith(word + "/")]
        assert set.intersection(*(by_label[lab] for lab in labels)), f"{word}: no frame shared by its senses"


# --------------------------------------------------------------------------- profiles
def test_unknown_profile_and_split_are_clear_errors():
    with pytest.raises(ValueError, match="(?i)profile"):
        data.load_similarity("train", profile="cloud")
    with pytest.raises(ValueError, match="split"):
        data.load_topics("dev")


def test_hub_profile_without_datasets_library_says_how_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_datasets(name, *args, **kwargs):
        if name == "datasets":
            raise ImportError("No module named 'datasets'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_datasets)
    with pytest.raises(ImportError, match="pip install datasets"):
        data.load_similarity("train", profile="hub")
