"""Course data sets (stories, sentence similarity, retrieval, topics, word-in-context), with two profiles.

``profile="local"`` (the default) reads the small data sets the course ships in ``datasets/`` and never touches
the network. ``profile="hub"`` loads the real public data set that each local set stands in for, with the
``datasets`` library, mapped to the same shape of result. ``"auto"`` asks ``helpers.profiles.resolve_profile``.

Used in: 03, 04, 05, 06, 07, 08, 09, 11, 12, 13, 14 (and through helpers.lm wherever a perplexity is measured).
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

from helpers.profiles import resolve_profile

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS_DIR: Path = REPO_ROOT / "datasets"
STORIES_DIR: Path = DATASETS_DIR / "stories"
SENTENCES_DIR: Path = DATASETS_DIR / "sentences"


def _missing(path: Path) -> FileNotFoundError:
    return FileNotFoundError(f"{path} is missing. Regenerate it with: python datasets/make_corpus.py "
                             "(stories, tokenizer) or python datasets/sentences/make_sentences.py (sentence sets)")


@lru_cache(maxsize=4)
def _local_stories(split: str) -> tuple[str, ...]:
    path = STORIES_DIR / f"{split}.txt.gz"
    if not path.is_file():
        raise _missing(path)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return tuple(line for line in fh.read().split("\n") if line)


def load_stories(split: str = "train", profile: str = "local", max_stories: int | None = None) -> list[str]:
    """Short English stories, one string per story. `split`: "train" or "valid" ("validation" also accepted).

    Local: the course-generated corpus (datasets/stories, ~5.6 MB train). Hub: roneneldan/TinyStories, streamed,
    first `max_stories` stories (default 50,000 for train, all 21,990 for valid; the full train split is 2 GB).

    Used in: 02, 03, 04, 11 directly; 03, 04, 07, 08, 10 through helpers.lm (perplexity, lm_batches).
    >>> stories = load_stories("valid")
    >>> len(stories) > 100, isinstance(stories[0], str)
    (True, True)
    """
    split = {"validation": "valid", "test": "valid"}.get(split, split)
    if split not in ("train", "valid"):
        raise ValueError(f"split must be 'train' or 'valid', got {split!r}")
    if resolve_profile(profile) == "hub":
        from itertools import islice

        cap = max_stories if max_stories is not None else (50_000 if split == "train" else None)
        ds = _hub_load("roneneldan/TinyStories", split="train" if split == "train" else "validation", streaming=True)
        return [row["text"].strip() for row in islice(ds, cap)]
    stories = list(_local_stories(split))
    return stories if max_stories is None else stories[:max_stories]


HUB_DATASETS_HINT = ("The hub profile of helpers.data needs the Hugging Face `datasets` library: "
                     "pip install datasets  (it comes with `pip install -e .`; or use profile='local')")


def _hub_load(name: str, *args, **kwargs):
    """``datasets.load_dataset(name, ...)`` with a clear message when the library is missing.

    Where the repository root is importable and the library is not installed, ``import datasets`` finds the
    course's own ``datasets/`` folder (a namespace package without ``load_dataset``): that counts as missing.
    """
    try:
        import datasets
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(HUB_DATASETS_HINT) from exc
    if not callable(getattr(datasets, "load_dataset", None)):
        raise ImportError(HUB_DATASETS_HINT + f" (found only the course's data folder {list(datasets.__path__)})")
    return datasets.load_dataset(name, *args, **kwargs)


# --------------------------------------------------------------------------- sentence sets
SPLITS = ("train", "test")


@lru_cache(maxsize=16)
def _jsonl(relpath: str) -> tuple[dict, ...]:
    path = SENTENCES_DIR / relpath
    if not path.is_file():
        raise _missing(path)
    with open(path, encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip())


def _rows(relpath: str) -> list[dict]:
    return [dict(row) for row in _jsonl(relpath)]  # fresh copies: callers may mutate them


def _check_split(split: str) -> str:
    split = {"validation": "test", "valid": "test"}.get(split, split)
    if split not in SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    return split


def load_similarity(split: str = "train", profile: str = "local") -> list[dict]:
    """Sentence pairs with a graded similarity score in [0, 5]: keys sentence1, sentence2, score.

    Local: 4,001 course-generated pairs (2,401 train / 1,600 test), scored 0-5 in steps of 0.1 by what a
    change of subject, action, object, manner, place or time leaves of the meaning (datasets/sentences/similarity).
    Hub: sentence-transformers/stsb (its 0-1 scores times 5; "test" is the STS-B test split).

    Used in: 06 Matryoshka embeddings, 08 distillation (similarity quality of the embedding student),
    13 choosing a model (the STS task of its MTEB run).
    >>> pairs = load_similarity("test")
    >>> sorted(pairs[0])[:3], 0 <= pairs[0]["score"] <= 5
    (['score', 'sentence1', 'sentence2'], True)
    """
    split = _check_split(split)
    if resolve_profile(profile) == "hub":
        ds = _hub_load("sentence-transformers/stsb", split=split)
        return [{"sentence1": r["sentence1"], "sentence2": r["sentence2"], "score": 5.0 * float(r["score"])}
                for r in ds]
    return _rows(f"similarity/{split}.jsonl")


def load_retrieval(profile: str = "local", split: str | None = None) -> dict:
    """A retrieval benchmark: {"passages": [{id, text}], "queries": [{id, text}], "qrels": {qid: {pid, ...}}}.

    Local: 5,120 course-generated passages about 640 made-up places (8 aspects each) and 1,280 queries phrased
    differently from their passage (`split` "train" = 1,024 queries, "test" = 256, None = all).
    Hub: BeIR/scifact (corpus, queries and the test qrels of BeIR/scifact-qrels; `split` is ignored).

    Used in: 05 embedding quantization (recall@10 and nDCG@10 of quantized embeddings), 13 (MTEB retrieval task).
    >>> data = load_retrieval()
    >>> len(data["passages"]) >= 2000, all(data["qrels"][q["id"]] for q in data["queries"])
    (True, True)
    """
    if resolve_profile(profile) == "hub":
        corpus = _hub_load("BeIR/scifact", "corpus", split="corpus")
        queries = _hub_load("BeIR/scifact", "queries", split="queries")
        qrels_ds = _hub_load("BeIR/scifact-qrels", split="test")
        qrels: dict[str, set[str]] = {}
        for r in qrels_ds:
            if int(r["score"]) > 0:
                qrels.setdefault(str(r["query-id"]), set()).add(str(r["corpus-id"]))
        passages = [{"id": str(r["_id"]), "text": (r["title"] + ". " + r["text"]).strip(". ")} for r in corpus]
        qs = [{"id": str(r["_id"]), "text": r["text"]} for r in queries if str(r["_id"]) in qrels]
        return {"passages": passages, "queries": qs, "qrels": qrels}
    passages = [{"id": r["id"], "text": r["text"]} for r in _jsonl("retrieval/passages.jsonl")]
    queries = [{"id": r["id"], "text": r["text"]} for r in _jsonl("retrieval/queries.jsonl")
               if split is None or r["split"] == _check_split(split)]
    wanted = {q["id"] for q in queries}
    qrels = {}
    for r in _jsonl("retrieval/qrels.jsonl"):
        if r["query_id"] in wanted and r["score"] > 0:
            qrels.setdefault(r["query_id"], set()).add(r["passage_id"])
    return {"passages": passages, "queries": queries, "qrels": qrels}


AG_NEWS_LABELS = ["world", "sports", "business", "sci/tech"]


def load_topics(split: str = "train", profile: str = "local") -> list[dict]:
    """Topic-labelled sentences: keys text, label (a topic name).

    Local: 1,200 course-generated news-like sentences over 8 topics (sports, food, weather, technology, health,
    travel, music, business), 960 train / 240 test. Hub: ag_news (world, sports, business, sci/tech).

    Used in: 05 embedding quantization (int8 calibration sentences), 08 distillation, 09 LoRA (the new style),
    13 (MTEB classification task).
    >>> rows = load_topics("test")
    >>> sorted(rows[0]), len({r["label"] for r in rows})
    (['label', 'text'], 8)
    """
    split = _check_split(split)
    if resolve_profile(profile) == "hub":
        ds = _hub_load("fancyzhx/ag_news", split=split)
        return [{"text": r["text"], "label": AG_NEWS_LABELS[int(r["label"])]} for r in ds]
    return _rows(f"topics/{split}.jsonl")


def load_wic(split: str = "train", profile: str = "local") -> list[dict]:
    """Sentences with one ambiguous word: keys sentence, word, start, end (character span), label ("word/sense").

    ``row["sentence"][row["start"]:row["end"]]`` is the target word. Local: 768 course-generated sentences,
    16 target words with 2 senses each; the test split uses context clauses never seen in train.
    Hub: WiC (super_glue/wic, "test" = its labelled validation split). WiC labels pairs (same sense or not),
    so each sentence's label is the group of sentences linked to it by "same sense" pairs ("word/g<k>").

    Used in: 12 reframing a task for a small encoder (word-sense classification).
    >>> row = load_wic("test")[0]
    >>> row["sentence"][row["start"]:row["end"]].lower() == row["word"]
    True
    """
    split = _check_split(split)
    if resolve_profile(profile) == "hub":
        return _wic_pairs_to_rows(load_wic_pairs(split))
    return _rows(f"wic/{split}.jsonl")


def load_wic_pairs(split: str = "train") -> list[dict]:
    """The real WiC pairs (super_glue/wic; "test" = its labelled validation split), one dict per pair: word,
    sentence1, sentence2, start1, end1, start2, end2, label (1 = same sense). Hub only: the local set labels senses.

    Used in: 12 reframing a task (the pair task in the hub profile).
    """
    split = "train" if _check_split(split) == "train" else "validation"
    try:
        ds = _hub_load("super_glue", "wic", split=split)
    except Exception:  # newer `datasets` versions dropped script-based repos
        ds = _hub_load("aps/super_glue", "wic", split=split)
    return [dict(row) for row in ds]


def _wic_pairs_to_rows(pairs) -> list[dict]:
    parent: dict[tuple, tuple] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    rows = {}
    for p in pairs:
        keys = []
        for i in ("1", "2"):
            key = (p[f"sentence{i}"], int(p[f"start{i}"]))
            rows[key] = {"sentence": p[f"sentence{i}"], "word": p["word"], "start": int(p[f"start{i}"]),
                         "end": int(p[f"end{i}"])}
            keys.append(key)
            find(key)
        if int(p["label"]) == 1:
            parent[find(keys[0])] = find(keys[1])
    groups: dict[tuple, str] = {}
    out = []
    for key, row in rows.items():
        root = find(key)
        groups.setdefault(root, f"{row['word']}/g{len(groups)}")
        out.append({**row, "label": groups[root]})
    return out
