"""Uncertainty for the numbers a notebook interprets: bootstrap intervals over items, spreads over seeds.

A difference the prose interprets ("binary keeps 98% of recall", "Matryoshka beats the plain fine-tune")
comes with an interval: resample the evaluation items (queries, sentence pairs) with replacement, recompute
the statistic, and read the 2.5th and 97.5th percentiles. When the interval of a difference contains zero, the
prose says "no difference detected". Training comparisons use several seeds (:func:`seed_spread`).

Used in: 03, 04, 05, 06, 07, 08, 09, 10, 12, 13 (wherever a difference is interpreted).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Interval:
    """A point estimate with its 95% (or ``level``) bootstrap interval."""

    estimate: float
    low: float
    high: float

    def excludes(self, value: float = 0.0) -> bool:
        """True when ``value`` lies outside the interval (e.g. a difference that is not zero)."""
        return not (self.low <= value <= self.high)

    def __str__(self) -> str:
        return f"{self.estimate:.4g} [{self.low:.4g}, {self.high:.4g}]"


def bootstrap(statistic: Callable[[np.ndarray], float], n_items: int, *, n_boot: int = 1000, level: float = 0.95,
              seed: int = 0) -> Interval:
    """Bootstrap interval of ``statistic(idx)`` where ``idx`` indexes the ``n_items`` evaluation items.

    ``statistic`` receives an integer index array (all items for the estimate, resampled ones for the
    interval), so it can compute anything over paired arrays: a mean, a recall, a Spearman correlation, or a
    difference between two systems scored on the same items (a paired bootstrap).

    >>> x = np.arange(100.0)
    >>> iv = bootstrap(lambda i: x[i].mean(), len(x), n_boot=200)
    >>> iv.estimate, iv.low < 49.5 < iv.high
    (49.5, True)
    """
    rng = np.random.default_rng(seed)
    estimate = float(statistic(np.arange(n_items)))
    samples = np.array([statistic(rng.integers(0, n_items, n_items)) for _ in range(n_boot)], dtype=float)
    tail = (1 - level) / 2 * 100
    low, high = np.nanpercentile(samples, [tail, 100 - tail])
    return Interval(estimate, float(low), float(high))


def paired_difference(a: Sequence[float], b: Sequence[float], *, n_boot: int = 1000, level: float = 0.95,
                      seed: int = 0) -> Interval:
    """Interval of ``mean(a) - mean(b)`` for per-item scores of two systems on the same items.

    >>> paired_difference([1, 1, 1, 0], [0, 0, 0, 0], n_boot=200).estimate
    0.75
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bootstrap(lambda i: a[i].mean() - b[i].mean(), len(a), n_boot=n_boot, level=level, seed=seed)


def seed_spread(values: Sequence[float]) -> dict[str, float]:
    """Mean, standard deviation, min and max of one result over several seeds.

    >>> seed_spread([1.0, 2.0, 3.0])
    {'mean': 2.0, 'std': 1.0, 'min': 1.0, 'max': 3.0, 'n': 3}
    """
    v = np.asarray(values, dtype=float)
    return {"mean": float(v.mean()), "std": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
            "min": float(v.min()), "max": float(v.max()), "n": len(v)}
