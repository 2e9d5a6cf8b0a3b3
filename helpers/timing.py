"""Timing code fairly: warm-up, repeats, the median, and speed ratios measured side by side.

On a GPU, kernels run asynchronously: the clock is read only after ``torch.cuda.synchronize()``, or it would
time kernel launches. Each speed-up comes with its spread: the ratio of the baseline's median to each of the
other function's repeats gives a low and a high (the 25th and 75th percentiles of those per-repeat ratios).

Used in: 02 downcasting (matmul per dtype), 04 quanto, 05 embedding search, 07 structured pruning,
08 distillation (student speed), 10 Mixture-of-Experts, 11 speculative decoding, 13 choosing a model,
14 shipping formats.
"""
from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable


def synchronize() -> None:
    """Wait for queued CUDA work (a no-op without torch or without a GPU)."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        torch.cuda.synchronize()


def _timed(fn: Callable[[], object]) -> float:
    synchronize()
    start = time.perf_counter()
    fn()
    synchronize()
    return time.perf_counter() - start


def time_it(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    """Median wall-clock seconds of ``fn()`` over ``repeat`` runs, after ``warmup`` untimed runs.

    >>> time_it(lambda: sum(range(1000)), repeat=3) < 1.0
    True
    """
    for _ in range(warmup):
        fn()
    return statistics.median(_timed(fn) for _ in range(repeat))


def compare(fns: dict[str, Callable[[], object]], baseline: str | None = None, repeat: int = 5,
            warmup: int = 1) -> dict[str, dict[str, float]]:
    """Time several functions in one run, interleaved, and report each one's speed-up over ``baseline``.

    Interleaving (A, B, A, B, ...) keeps a background load from favouring whichever ran first.
    Returns ``{name: {"seconds": median, "speedup": baseline_seconds / seconds, "speedup_low": ...,
    "speedup_high": ..., "spread": (q75 - q25) / median of its own repeats}}``; the speed-up's low/high are
    the quartiles of the baseline's median over each of this function's repeats.

    >>> r = compare({"slow": lambda: sum(range(20000)), "fast": lambda: sum(range(2000))}, baseline="slow")
    >>> r["fast"]["speedup"] > 1
    True
    """
    names = list(fns)
    baseline = baseline or names[0]
    for _ in range(warmup):
        for name in names:
            fns[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(repeat):
        for name in names:
            samples[name].append(_timed(fns[name]))
    medians = {name: statistics.median(s) for name, s in samples.items()}
    out = {}
    for name in names:
        ratios = sorted(medians[baseline] / t for t in samples[name])
        q = statistics.quantiles(samples[name], n=4) if len(samples[name]) > 1 else [medians[name]] * 3
        rq = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
        out[name] = {"seconds": medians[name], "speedup": medians[baseline] / medians[name],
                     "speedup_low": rq[0], "speedup_high": rq[2], "spread": (q[2] - q[0]) / medians[name]}
    return out
