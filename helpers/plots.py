"""Small plotting helpers: one message per plot, labelled axes, saved next to the executed notebook.

Used in: 01, 02, 03, 04, 05, 06, 07, 08, 09, 10, 11, 12, 13, 14 (every lesson plots what it measured).
"""
from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from helpers.metrics import output_dir


def save_figure(fig: plt.Figure, name: str) -> Path:
    """Save ``fig`` as ``<output dir>/<name>.png`` (for the course report) and return the path.

    >>> fig, ax = plt.subplots(); _ = ax.plot([0, 1]); save_figure(fig, "demo").suffix
    '.png'
    """
    path = output_dir() / f"{name}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    return path


def bar_chart(values: dict[str, float], *, ylabel: str, title: str, reference: float | None = None,
              reference_label: str = "", log: bool = False, name: str | None = None) -> plt.Figure:
    """A labelled bar chart with an optional horizontal reference line (the lecture's claim).

    >>> fig = bar_chart({"fp32": 4.0, "bf16": 2.0}, ylabel="GB", title="Memory by dtype")
    """
    fig, ax = plt.subplots(figsize=(7, 3.6))
    bars = ax.bar(list(values), list(values.values()), color="#4C72B0")
    ax.bar_label(bars, labels=[f"{v:,.3g}" for v in values.values()], fontsize=8)
    if reference is not None:
        ax.axhline(reference, color="#C44E52", linestyle="--", label=reference_label or "lecture")
        ax.legend()
    if log:
        ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.tick_params(axis="x", labelrotation=20)
    fig.tight_layout()
    if name:
        save_figure(fig, name)
    return fig
