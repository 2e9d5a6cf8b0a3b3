"""Measuring memory: bytes held by tensors and models, and the process's peak resident memory.

Used in: 01 parameter counting, 02 downcasting, 03 linear quantization, 04 quanto, 05 embedding quantization,
07 pruning, 08 distillation, 09 LoRA/QLoRA, 13 choosing a model, 14 shipping on a CPU.
"""
from __future__ import annotations

import io
import resource
import sys

import torch

GB = 1e9  # decimal gigabytes, as model cards and the lectures use (the course never uses 2**30)


def tensor_bytes(t: torch.Tensor) -> int:
    """Bytes a tensor's elements take, as stored (``numel * element_size``).

    >>> tensor_bytes(torch.zeros(10, dtype=torch.float16))
    20
    """
    return t.numel() * t.element_size()


def model_bytes(model: torch.nn.Module, include_buffers: bool = True) -> int:
    """Bytes held by a model's parameters (and buffers), as stored (dtype-aware, works on ``meta``).

    Tensors shared between modules (tied embeddings) are counted once.

    >>> model_bytes(torch.nn.Linear(10, 10))   # 110 float32 values
    440
    """
    seen: set[int] = set()
    total = 0
    tensors = list(model.parameters())
    if include_buffers:
        tensors += list(model.buffers())
    for t in tensors:
        key = id(t)
        if key in seen:
            continue
        seen.add(key)
        total += tensor_bytes(t)
    return total


def checkpoint_bytes(model: torch.nn.Module) -> int:
    """Bytes of the model's ``state_dict`` saved with ``torch.save``: what shipping the PyTorch checkpoint costs.

    Works for any tensor type ``torch.save`` writes (quanto's int8/int4 weights included); tied tensors are
    stored once. Written to memory, not to disk. Used in: 13 choosing a model, 14 shipping on a CPU.

    >>> 440 < checkpoint_bytes(torch.nn.Linear(10, 10)) < 3000   # 440 bytes of weights plus the file's framing
    True
    """
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getbuffer().nbytes


def bytes_by_dtype(model: torch.nn.Module) -> dict[str, int]:
    """Bytes per dtype of a model's parameters, e.g. ``{'torch.float32': 440}``.

    >>> bytes_by_dtype(torch.nn.Linear(10, 10))
    {'torch.float32': 440}
    """
    out: dict[str, int] = {}
    for p in model.parameters():
        out[str(p.dtype)] = out.get(str(p.dtype), 0) + tensor_bytes(p)
    return out


def format_bytes(n: float) -> str:
    """Human-readable decimal size.

    >>> format_bytes(1_500_000)
    '1.50 MB'
    """
    for unit, size in (("TB", 1e12), ("GB", GB), ("MB", 1e6), ("kB", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.2f} {unit}"
    return f"{int(n)} B"


def peak_rss_bytes() -> int:
    """Peak resident memory of this process so far, in bytes (Linux and macOS; ``ru_maxrss`` is in kB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)
