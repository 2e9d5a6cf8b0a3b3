"""Timing code fairly: warm-up, repeats, the median, and speed ratios measured side by side.

Used in: 02 downcasting (matmul per dtype), 05 embedding search, 07 structured pruning, 11 speculative decoding.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def time_it(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    """Median wall-clock seconds of ``fn()`` over ``repeat`` runs, after ``warmup`` untimed runs.

    >>> time_it(lambda: sum(range(1000)), repeat=3) < 1.0
    True
    """
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compare(fns: dict[str, Callable[[], object]], baseline: str | None = None, repeat: int = 5,
            warmup: int = 1) -> dict[str, dict[str, float]]:
    """Time several functions in one run, interleaved, and report each one's speed-up over ``baseline``.

    Interleaving (A, B, A, B, ...) keeps a background load from favouring whichever ran first.
    Returns ``{name: {"seconds": median, "speedup": baseline_seconds / seconds}}``.

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
            start = time.perf_counter()
            fns[name]()
            samples[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(s) for name, s in samples.items()}
    return {name: {"seconds": medians[name], "speedup": medians[baseline] / medians[name]} for name in names}
