"""Embedding sentence collections once per run, and the plumbing of vector-search experiments.

Embedding a few thousand passages with a sentence encoder takes most of a CPU notebook's time, so
:func:`embed` keeps what it computed in memory for the rest of the run (never on disk) under a key the
notebook chooses. The retrieval metrics themselves (recall@k, nDCG@k) are exercises and live in the notebooks.

Used in: 05 embedding quantization, 06 Matryoshka embeddings, 13 choosing a model.
"""
from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

import numpy as np

_CACHE: dict[tuple, np.ndarray] = {}


def _texts_digest(texts: Sequence[str]) -> str:
    h = hashlib.sha1()
    for t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def embedding_dim(model) -> int:
    """Width of a SentenceTransformer's embeddings, on old and new sentence-transformers alike.

    (6.x renamed ``get_sentence_embedding_dimension`` to ``get_embedding_dimension`` and warns on the old name.)

    >>> from helpers.models import load_minilm
    >>> embedding_dim(load_minilm("local"))
    384
    """
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter())


def embed(model, texts: Sequence[str], *, key: str | None = None, batch_size: int = 64,
          normalize: bool = True, progress: bool = True, desc: str = "embedding") -> np.ndarray:
    """Sentence embeddings of ``texts`` as a float32 array (n, dim), L2-normalised by default.

    With ``key`` (a name for the model's current weights, e.g. ``"minilm"``), the result is kept in memory
    and returned again for the same key and texts in this process; without it, nothing is cached.

    >>> from helpers.models import load_minilm
    >>> embed(load_minilm("local"), ["a cat", "a dog"], progress=False).shape
    (2, 384)
    """
    import torch
    from tqdm.auto import tqdm

    texts = list(texts)
    cache_key = (key, _texts_digest(texts), normalize) if key is not None else None
    if cache_key is not None and cache_key in _CACHE:
        return _CACHE[cache_key]
    order = np.argsort([-len(t) for t in texts], kind="stable")  # similar lengths batch together: less padding
    out = np.zeros((len(texts), embedding_dim(model)), dtype=np.float32)
    bar = tqdm(total=len(texts), desc=desc, unit="text", disable=not progress, leave=False)
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            idx = order[start:start + batch_size]
            vecs = model.encode([texts[i] for i in idx], batch_size=batch_size, convert_to_numpy=True,
                                normalize_embeddings=normalize, show_progress_bar=False)
            out[idx] = vecs
            bar.update(len(idx))
    bar.close()
    if cache_key is not None:
        _CACHE[cache_key] = out
    return out


def retrieval_subset(data: dict, n_queries: int | None = None, n_passages: int | None = None,
                     seed: int = 0) -> dict:
    """A smaller retrieval benchmark from ``helpers.data.load_retrieval()``'s result, with integer judgments.

    Keeps the first ``n_queries`` queries (all when None), every passage relevant to them, and random other
    passages up to ``n_passages`` in all (all when None). Returns ``{"passages": [text], "queries": [text],
    "relevant": [set of passage indices, one per query]}``.

    >>> d = {"passages": [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}, {"id": "c", "text": "z"}],
    ...      "queries": [{"id": "q", "text": "x?"}], "qrels": {"q": {"b"}}}
    >>> s = retrieval_subset(d, n_passages=2); len(s["passages"]), [s["passages"][i] for i in s["relevant"][0]]
    (2, ['y'])
    """
    queries = [q for q in data["queries"] if data["qrels"].get(q["id"])][:n_queries]
    needed = {pid for q in queries for pid in data["qrels"][q["id"]]}
    ids = [p["id"] for p in data["passages"]]
    keep = [i for i, pid in enumerate(ids) if pid in needed]
    others = [i for i, pid in enumerate(ids) if pid not in needed]
    random.Random(seed).shuffle(others)
    n_extra = len(others) if n_passages is None else max(0, n_passages - len(keep))
    chosen = sorted(keep + others[:n_extra])
    position = {ids[i]: j for j, i in enumerate(chosen)}
    return {"passages": [data["passages"][i]["text"] for i in chosen],
            "queries": [q["text"] for q in queries],
            "relevant": [{position[pid] for pid in data["qrels"][q["id"]] if pid in position} for q in queries]}


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the ``k`` largest values of each row of ``scores``, best first (ties: lower index).

    >>> top_k(np.array([[0.1, 0.9, 0.5]]), 2).tolist()
    [[1, 2]]
    """
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    part = np.sort(part, axis=1)  # stable tie-break by index before ordering by score
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def grow_corpus(embeddings: np.ndarray, n: int, noise: float = 0.35, seed: int = 0) -> np.ndarray:
    """A SYNTHETIC corpus of ``n`` unit vectors grown from real ``embeddings`` (for timing at scale).

    The real rows come first, unchanged; each extra row is a random real row plus Gaussian noise of
    relative size ``noise``, re-normalised, so the extra vectors look like (but are not) real embeddings.

    >>> grow_corpus(np.eye(4, dtype=np.float32), 10).shape
    (10, 4)
    """
    rng = np.random.default_rng(seed)
    d = embeddings.shape[1]
    extra = max(0, n - len(embeddings))
    base = embeddings[rng.integers(0, len(embeddings), extra)]
    grown = base + rng.standard_normal((extra, d), dtype=np.float32) * (noise / np.sqrt(d))
    grown /= np.linalg.norm(grown, axis=1, keepdims=True)
    return np.concatenate([embeddings[:n], grown.astype(np.float32)])
