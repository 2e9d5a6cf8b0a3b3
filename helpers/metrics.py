"""Recording a notebook's headline figures so the course report can show them side by side.

Each notebook records what it measured (memory before/after, perplexity, recall@10, speed-up, ...) and,
where the lecture makes a claim, the claimed figure. The log is a JSON file in the output folder
(``SLM_OUTPUT_DIR``, default ``./outputs``), rewritten after every record so a crash keeps what was measured.

Used in: every notebook.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any


def output_dir() -> Path:
    """Folder for a notebook's metrics and figures: ``$SLM_OUTPUT_DIR`` or ``./outputs`` (created)."""
    path = Path(os.environ.get("SLM_OUTPUT_DIR", "outputs"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


class MetricsLog:
    """The metrics of one notebook.

    >>> log = MetricsLog("00_demo")
    >>> log.record("bytes_ratio_fp32_bf16", 2.0, claim=2.0, note="model.to(bfloat16) halves the bytes")
    2.0
    """

    def __init__(self, notebook: str):
        self.notebook = notebook
        self.path = output_dir() / f"{notebook}.metrics.json"
        self.metrics: dict[str, dict[str, Any]] = {}

    def record(self, name: str, value: Any, *, unit: str = "", claim: Any = None, note: str = "") -> Any:
        """Store one measured figure (with the lecture's claim, if any) and rewrite the JSON file."""
        entry: dict[str, Any] = {"value": _plain(value)}
        if unit:
            entry["unit"] = unit
        if claim is not None:
            entry["claim"] = _plain(claim)
        if note:
            entry["note"] = note
        self.metrics[name] = entry
        self.path.write_text(json.dumps({"notebook": self.notebook, "metrics": self.metrics}, indent=2))
        return value

    def table(self) -> str:
        """The recorded metrics as a markdown table (printed at the end of each notebook)."""
        rows = ["| metric | measured | lecture claims |", "|---|---|---|"]
        for name, m in self.metrics.items():
            value = m["value"]
            shown = f"{value:,.4g}" if isinstance(value, float) else f"{value:,}" if isinstance(value, int) else value
            claim = m.get("claim", "")
            claim = f"{claim:,.4g}" if isinstance(claim, float) else f"{claim:,}" if isinstance(claim, int) else claim
            rows.append(f"| {name} | {shown} {m.get('unit', '')} | {claim} |")
        return "\n".join(rows)


def read_metrics(path: Path) -> dict[str, dict[str, Any]]:
    """The ``metrics`` mapping of a metrics JSON file written by :class:`MetricsLog`."""
    return json.loads(Path(path).read_text())["metrics"]
