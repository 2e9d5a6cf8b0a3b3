"""The course's causal language models: load them, measure perplexity, feed training batches, generate.

Local profile: two BLOOM-architecture models trained by the course on its own story corpus
(``datasets/models/bloom-small`` ~1.6M parameters, ``datasets/models/bloom-large`` ~11M parameters, one tokenizer).
Hub profile: ``bigscience/bloom-560m`` and ``bigscience/bloom-1b1`` (they also share one tokenizer, so the
small/large pair works for speculative decoding and distillation in both profiles).

Nothing here is an exercise answer: no quantization, pruning, LoRA or distillation code.

Used in: 01, 02, 03, 04, 07, 08, 09, 10, 11, 13, 14 (every notebook with a causal LM)
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from helpers.profiles import resolve_profile

if TYPE_CHECKING:  # pragma: no cover
    from transformers import BloomForCausalLM, PreTrainedTokenizerFast

REPO_ROOT = Path(__file__).resolve().parent.parent
COURSE_LM_DIR: Path = REPO_ROOT / "datasets" / "models"
TOKENIZER_DIR: Path = REPO_ROOT / "datasets" / "tokenizer"
HUB_LMS: dict[str, str] = {"small": "bigscience/bloom-560m", "large": "bigscience/bloom-1b1"}
LOCAL_LMS: dict[str, str] = {"small": "bloom-small", "large": "bloom-large"}
RETRAIN_HINT = ("python datasets/make_corpus.py  # corpus + tokenizer\n"
                "python datasets/models/train_lm.py --size {size}  # retrains datasets/models/bloom-{size}")


class _quiet_loading:
    """Silence transformers' weight-loading progress bar (stderr output costs a graded cell its points)."""

    def __enter__(self):
        from transformers.utils import logging as hf_logging

        self._enabled = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()

    def __exit__(self, *exc):
        from transformers.utils import logging as hf_logging

        if self._enabled:
            hf_logging.enable_progress_bar()


def course_lm_path(size: str = "small") -> Path:
    """Folder of the shipped local checkpoint for `size` ("small" or "large").

    Used in: 04 quanto, 09 LoRA (through load_course_lm, and directly).
    >>> course_lm_path("small").name
    'bloom-small'
    """
    if size not in LOCAL_LMS:
        raise ValueError(f"size must be one of {sorted(LOCAL_LMS)}, got {size!r}")
    return COURSE_LM_DIR / LOCAL_LMS[size]


def load_course_lm(size: str = "small", profile: str = "auto", dtype: torch.dtype = torch.float32,
                   device: str | torch.device | None = None) -> tuple["BloomForCausalLM", "PreTrainedTokenizerFast"]:
    """Load the course's causal LM and its tokenizer, in eval mode.

    `profile`: "local" (shipped checkpoint, offline, CPU), "hub" (bigscience/bloom-560m for "small",
    bigscience/bloom-1b1 for "large"; on CUDA when there is one) or "auto" (see ``helpers.profiles``).
    `device`: where to put the model; default CPU for local, CUDA (when available) for hub.

    Used in: 02, 03, 04, 07, 08, 09, 11 (every notebook with a causal LM).
    >>> model, tok = load_course_lm("small", profile="local")
    >>> model.config.model_type, tok.eos_token
    ('bloom', '</s>')
    """
    from transformers import AutoTokenizer, BloomForCausalLM

    if size not in LOCAL_LMS:
        raise ValueError(f"size must be one of {sorted(LOCAL_LMS)}, got {size!r}")
    resolved = resolve_profile(profile)
    if resolved == "hub":
        name = HUB_LMS[size]
        with _quiet_loading():
            model = BloomForCausalLM.from_pretrained(name, dtype=dtype)
        tokenizer = AutoTokenizer.from_pretrained(name)
        device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    elif resolved == "local":
        path = course_lm_path(size)
        missing = [f for f in ("config.json", "model.safetensors", "tokenizer.json") if not (path / f).is_file()]
        if missing:
            raise FileNotFoundError(
                f"The course checkpoint {path} is missing {', '.join(missing)}. Regenerate it with:\n"
                + RETRAIN_HINT.format(size=size))
        # Weights are stored in float32; `dtype` casts on load (bfloat16/float16 for the downcasting lessons).
        with _quiet_loading():
            model = BloomForCausalLM.from_pretrained(path, dtype=dtype)
        tokenizer = AutoTokenizer.from_pretrained(path)
        device = device or "cpu"
    else:
        raise ValueError(f"profile must be 'local', 'hub' or 'auto', got {profile!r}")
    model.to(device)
    model.eval()
    return model, tokenizer


# --------------------------------------------------------------------------- token streams
_STREAM_CACHE: dict[tuple, torch.Tensor] = {}


def token_stream(tokenizer, texts: list[str]) -> torch.Tensor:
    """All `texts` tokenized and concatenated, each followed by the EOS token (1-D LongTensor).

    Used in: 09 LoRA; 03, 04, 07, 08, 10 through lm_batches and perplexity.
    """
    enc = tokenizer(list(texts), add_special_tokens=False)["input_ids"]
    eos = tokenizer.eos_token_id
    ids: list[int] = []
    for row in enc:
        ids.extend(row)
        if eos is not None:
            ids.append(eos)
    return torch.tensor(ids, dtype=torch.long)


def stories_profile(tokenizer) -> str:
    """``"local"`` for the course's own tokenizer, ``"hub"`` for any other (a hub LM is scored on TinyStories).

    >>> _, tok = load_course_lm("small", profile="local")
    >>> stories_profile(tok)
    'local'
    """
    path = Path(str(getattr(tokenizer, "name_or_path", "") or ""))
    try:
        local = path.is_dir() and path.resolve().is_relative_to(COURSE_LM_DIR.parent.resolve())
    except OSError:  # pragma: no cover - odd names
        local = False
    return "local" if local else "hub"


def _split_stream(tokenizer, split: str) -> torch.Tensor:
    key = (getattr(tokenizer, "name_or_path", ""), len(tokenizer), split)
    if key not in _STREAM_CACHE:
        from helpers.data import load_stories

        _STREAM_CACHE[key] = token_stream(tokenizer, load_stories(split, stories_profile(tokenizer)))
    return _STREAM_CACHE[key]


def lm_batches(tokenizer, split: str = "train", *, seq_len: int = 128, batch_size: int = 16,
               n_batches: int = 100, seed: int = 0) -> Iterator[torch.LongTensor]:
    """Yield `n_batches` LongTensors of shape (batch_size, seq_len): random windows of the story corpus.

    Deterministic for a given `seed`. Feed them as ``model(input_ids=b, labels=b)``.

    Used in: 03/04 (calibration), 07 (calibration, recovery fine-tune), 08 (distillation), 10 (training).
    >>> _, tok = load_course_lm("small", profile="local")
    >>> next(lm_batches(tok, seq_len=32, batch_size=4)).shape
    torch.Size([4, 32])
    """
    stream = _split_stream(tokenizer, split)
    if len(stream) <= seq_len:
        raise ValueError(f"split {split!r} has only {len(stream)} tokens, fewer than seq_len={seq_len}")
    g = torch.Generator().manual_seed(seed)
    offsets = torch.arange(seq_len)
    for _ in range(n_batches):
        starts = torch.randint(0, len(stream) - seq_len, (batch_size,), generator=g)
        yield stream[starts[:, None] + offsets]


# --------------------------------------------------------------------------- evaluation
@torch.no_grad()
def perplexity(model, tokenizer, texts: list[str] | None = None, *, max_tokens: int = 20_000,
               seq_len: int = 128, batch_size: int = 16) -> float:
    """Token-weighted perplexity of `model` on `texts` (default: the story validation split: the course's
    stories for the course's tokenizer, roneneldan/TinyStories' for a hub model's).

    The texts are tokenized, joined with EOS, cut to the first `max_tokens` tokens and split into
    non-overlapping windows of `seq_len`; every token after the first of each window is scored.
    Deterministic (no sampling, no dropout: the model is put in eval mode).

    Used in: 02, 03, 04, 07, 08, 09, 10.
    >>> model, tok = load_course_lm("small", profile="local")
    >>> round(perplexity(model, tok, max_tokens=2_000), 1) > 1.0
    True
    """
    if texts is None:  # the validation stories: the course's own, or TinyStories' for a hub model
        from helpers.data import load_stories

        profile = stories_profile(tokenizer)
        texts = load_stories("valid", profile, max_stories=None if profile == "local" else max(200, max_tokens // 20))
    ids = token_stream(tokenizer, texts)[:max_tokens]
    if len(ids) < 2:
        raise ValueError("need at least 2 tokens to compute perplexity")
    windows = [ids[i:i + seq_len] for i in range(0, len(ids), seq_len)]
    windows = [w for w in windows if len(w) >= 2]
    was_training = model.training
    model.eval()
    device = next(iter(model.parameters())).device   # where the model lives
    total_nll, total_tokens = 0.0, 0
    try:
        for i in range(0, len(windows), batch_size):
            chunk = windows[i:i + batch_size]
            width = max(len(w) for w in chunk)
            x = torch.zeros(len(chunk), width, dtype=torch.long)
            mask = torch.zeros(len(chunk), width, dtype=torch.long)
            for j, w in enumerate(chunk):  # right-pad the (at most one) short last window
                x[j, :len(w)] = w
                mask[j, :len(w)] = 1
            x, mask = x.to(device), mask.to(device)
            logits = model(input_ids=x, attention_mask=mask).logits.float()
            logp = torch.log_softmax(logits[:, :-1], dim=-1)
            nll = -logp.gather(-1, x[:, 1:, None]).squeeze(-1)
            keep = mask[:, 1:].bool()
            total_nll += nll[keep].double().sum().item()
            total_tokens += int(keep.sum())
    finally:
        model.train(was_training)
    return math.exp(total_nll / total_tokens)


@torch.no_grad()
def generate_text(model, tokenizer, prompt: str, max_new_tokens: int = 40) -> str:
    """Greedy continuation of `prompt` (prompt included in the returned text).

    Used in: 02 downcasting, 04 quanto.
    >>> model, tok = load_course_lm("small", profile="local")
    >>> generate_text(model, tok, "Once upon a time", max_new_tokens=5).startswith("Once upon a time")
    True
    """
    device = next(iter(model.parameters())).device   # where the model lives
    enc = tokenizer(prompt, return_tensors="pt").to(device)
    out = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                         pad_token_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None
                         else tokenizer.eos_token_id)
    return tokenizer.decode(out[0], skip_special_tokens=True)

