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
    """The metrics and checked claims of one notebook.

    >>> log = MetricsLog("00_demo", profile="local")
    >>> log.record("bytes_ratio_fp32_bf16", 2.0, claim=2.0, note="model.to(bfloat16) halves the bytes")
    >>> log.claim("bf16_halves_bytes", 1.99 < 2.0 < 2.01, "bfloat16 halves the model's bytes", ratio=2.0)
    ✓ bfloat16 halves the model's bytes  (ratio=2)
    """

    def __init__(self, notebook: str, profile: str = "local"):
        self.notebook = notebook
        self.profile = profile
        self.path = output_dir() / f"{notebook}.metrics.json"
        self.metrics: dict[str, dict[str, Any]] = {}
        self.claims: list[dict[str, Any]] = []

    def _write(self) -> None:
        self.path.write_text(json.dumps({"notebook": self.notebook, "profile": self.profile,
                                         "metrics": self.metrics, "claims": self.claims}, indent=2))

    def record(self, name: str, value: Any, *, unit: str = "", claim: Any = None, note: str = "") -> None:
        """Store one measured figure (with the lecture's claim, if any) and rewrite the JSON file.

        Returns nothing, so a ``record`` on a cell's last line prints nothing.
        """
        entry: dict[str, Any] = {"value": _plain(value)}
        if unit:
            entry["unit"] = unit
        if claim is not None:
            entry["claim"] = _plain(claim)
        if note:
            entry["note"] = note
        self.metrics[name] = entry
        self._write()

    def claim(self, claim_id: str, holds: Any, text: str, **values: Any) -> None:
        """Check one measured statement of the prose against this run's numbers; print and store the verdict.

        ``holds`` is the check (a bool computed from the run's numbers), ``text`` the sentence as the prose
        states it, ``values`` the numbers it rests on (shown next to the verdict and stored in the report).
        A failing claim does not stop the notebook; ``slm-course course`` fails when a local-profile claim
        fails. Returns nothing, so a claim on a cell's last line prints only its verdict line.
        """
        holds = bool(holds)
        shown = {k: _plain(v) for k, v in values.items()}
        self.claims = [c for c in self.claims if c["id"] != claim_id]
        self.claims.append({"id": claim_id, "text": text, "holds": holds, "values": shown})
        self._write()
        numbers = ", ".join(f"{k}={_fmt(v)}" for k, v in shown.items())
        mark = "✓" if holds else "✗ does NOT hold in this run:"
        print(f"{mark} {text}" + (f"  ({numbers})" if numbers else ""))

    def claims_table(self) -> str:
        """The checked claims as a markdown table."""
        rows = ["| claim | holds | values |", "|---|---|---|"]
        for c in self.claims:
            numbers = ", ".join(f"{k}={_fmt(v)}" for k, v in c["values"].items())
            rows.append(f"| {c['text']} | {'yes' if c['holds'] else '**no**'} | {numbers} |")
        return "\n".join(rows)

    def table(self) -> str:
        """The recorded metrics as a markdown table (printed at the end of each notebook)."""
        rows = ["| metric | measured | lecture claims |", "|---|---|---|"]
        for name, m in self.metrics.items():
            value = m["value"]
            claim = _fmt(m["claim"]) if "claim" in m else ""
            rows.append(f"| {name} | {_fmt(value)} {m.get('unit', '')} | {claim} |")
        return "\n".join(rows)


def _fmt(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return f"{value:,.4g}" if isinstance(value, float) else f"{value:,}"
