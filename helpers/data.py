"""Course data sets (stories, sentence similarity, retrieval, topics, word-in-context), with two profiles.

``profile="local"`` (the default) reads the small data sets the course ships in ``datasets/`` and never touches
the network. ``profile="hub"`` loads the real public data set that each local set stands in for, with the
``datasets`` library, mapped to the same shape of result. ``"auto"`` asks ``helpers.profiles.resolve_profile``.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS_DIR: Path = REPO_ROOT / "datasets"
STORIES_DIR: Path = DATASETS_DIR / "stories"
SENTENCES_DIR: Path = DATASETS_DIR / "sentences"


def _resolve(profile: str) -> str:
    if profile in ("local", "hub"):
        return profile
    if profile != "auto":
        raise ValueError(f"profile must be 'local', 'hub' or 'auto', got {profile!r}")
    from helpers.profiles import resolve_profile

    return resolve_profile(profile)


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


def load_stories(split: str = "train", profile: str = "local") -> list[str]:
    """Short English stories, one string per story. `split`: "train" or "valid" ("validation" also accepted).

    Local: the course-generated corpus (datasets/stories, ~5.6 MB train). Hub: roneneldan/TinyStories.

    Used in: 02 downcasting, 06 distillation, 07 LoRA (through helpers.lm).
    >>> stories = load_stories("valid")
    >>> len(stories) > 100, stories[0][:4].isalpha()
    (True, True)
    """
    split = {"validation": "valid", "test": "valid"}.get(split, split)
    if split not in ("train", "valid"):
        raise ValueError(f"split must be 'train' or 'valid', got {split!r}")
    if _resolve(profile) == "hub":
        ds = _hub_load("roneneldan/TinyStories", split="train" if split == "train" else "validation")
        return [row["text"] for row in ds]
    return list(_local_stories(split))


def _hub_load(name: str, *args, **kwargs):
    try:
        import datasets
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("The hub profile of helpers.data needs the Hugging Face `datasets` library: "
                          "pip install datasets  (or use profile='local')") from exc
    return datasets.load_dataset(name, *args, **kwargs)
