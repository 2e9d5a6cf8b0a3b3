"""What CI prints at the end: time per phase, the autograde times, and how often visible tests catch mistakes.

* Phases: ``.ci/run`` passes the phases it timed itself (``SLM_CI_PHASES="chromium=12 setup=301"``); the test
  command adds its own (the course at full size, the test suite).
* Autograde: the round-trip tests leave ``build/ci/<notebook>/grade.json`` (score, seconds).
* Visible-test catch rate: the answer tests leave ``build/ci/answers/<notebook>.json`` as
  ``{qid: {label: caught_by_visible_tests}}`` (tests/answers.py); per exercise, how many of its wrong answers
  the visible half of the test cell alone rejects, and the course-wide rate.

Used by: ``slm-course test`` (grading.cli), ``.ci/run``.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CI_DIR = REPO / "build" / "ci"


def parse_phases(text: str | None) -> list[tuple[str, float]]:
    """``"chromium=12 setup=301.5"`` -> ``[("chromium", 12.0), ("setup", 301.5)]`` (bad entries skipped).

    >>> parse_phases("chromium=12 setup=301.5 nonsense")
    [('chromium', 12.0), ('setup', 301.5)]
    """
    out = []
    for item in (text or "").split():
        name, _, value = item.partition("=")
        try:
            out.append((name, float(value)))
        except ValueError:
            continue
    return out


def phases_table(phases: list[tuple[str, float]]) -> str:
    """One line per phase with its share of the total.

    >>> print(phases_table([("setup", 60.0), ("tests", 180.0)]))
    CI time per phase:
      setup                                            60 s    1.0 min   25%
      tests                                           180 s    3.0 min   75%
      total                                           240 s    4.0 min
    """
    total = sum(s for _, s in phases) or 1.0
    lines = ["CI time per phase:"]
    for name, seconds in phases:
        lines.append(f"  {name:42s} {seconds:8.0f} s {seconds / 60:6.1f} min {seconds / total:5.0%}")
    lines.append(f"  {'total':42s} {sum(s for _, s in phases):8.0f} s {sum(s for _, s in phases) / 60:6.1f} min")
    return "\n".join(lines)


def autograde_table(folder: Path = CI_DIR) -> str:
    """The per-notebook autograde times the round-trip tests left in ``<folder>/*/grade.json`` ('' if none)."""
    rows = sorted(folder.glob("*/grade.json")) if folder.exists() else []
    if not rows:
        return ""
    lines = ["autograde of each solution (round trip, SLM_QUICK=1):"]
    total = 0.0
    for path in rows:
        g = json.loads(path.read_text())
        total += g.get("seconds", 0)
        lines.append(f"  {path.parent.name:32s} {g.get('score')}/{g.get('max_score')} points  "
                     f"{g.get('seconds', 0):6.1f} s")
    lines.append(f"  {'total':32s} {total:22.1f} s")
    return "\n".join(lines)


def catch_rates(folder: Path = CI_DIR / "answers") -> dict[str, tuple[int, int]]:
    """``{qid: (wrong answers the visible tests catch, wrong answers)}`` from ``<folder>/*.json``."""
    rates: dict[str, tuple[int, int]] = {}
    for path in sorted(folder.glob("*.json")) if folder.exists() else []:
        try:
            verdicts = json.loads(path.read_text())
        except ValueError:
            print(f"[ci] {path.name} is not valid JSON: left out of the catch rates")
            continue
        for qid, labels in verdicts.items():
            caught, total = rates.get(qid, (0, 0))
            rates[qid] = (caught + sum(bool(v) for v in labels.values()), total + len(labels))
    return rates


def catch_rate_table(folder: Path = CI_DIR / "answers") -> str:
    """Per exercise: wrong answers caught by the visible tests alone / wrong answers tried; then the course rate.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "01_x.json").write_text('{"q01_a": {"w1": true, "w2": false}, "q01_b": {"w1": true}}')
    >>> print(catch_rate_table(d))
    visible tests alone catch (wrong answers rejected before the hidden tests):
      q01_a                                    1/2    50%
      q01_b                                    1/1   100%
      course                                   2/3    67%
    """
    rates = catch_rates(folder)
    if not rates:
        return ""
    lines = ["visible tests alone catch (wrong answers rejected before the hidden tests):"]
    for qid, (caught, total) in sorted(rates.items()):
        lines.append(f"  {qid:38s} {caught:3d}/{total:<3d} {caught / total if total else 0:4.0%}")
    caught = sum(c for c, _ in rates.values())
    total = sum(t for _, t in rates.values())
    lines.append(f"  {'course':38s} {caught:3d}/{total:<3d} {caught / total if total else 0:4.0%}")
    return "\n".join(lines)


def course_line(report: Path = REPO / "build" / "course" / "report.json") -> str:
    """One line about the course phase: notebooks, total and slowest time, peak memory ('' if no report)."""
    if not report.exists():
        return ""
    results = json.loads(report.read_text())
    if not results:
        return ""
    slow = max(results, key=lambda r: r.get("seconds") or 0)
    peak = max(results, key=lambda r: r.get("peak_mb") or 0)
    held = sum(bool(c.get("holds")) for r in results for c in r.get("claims", []))
    claims = sum(len(r.get("claims", [])) for r in results)
    return (f"course ({results[0].get('profile')} profile): {sum(r['status'] == 'ok' for r in results)}/"
            f"{len(results)} notebooks ran, {sum(r.get('seconds') or 0 for r in results):.0f} s of notebook time, "
            f"slowest {slow['notebook']} {slow.get('seconds')} s, peak {peak.get('peak_mb')} MB "
            f"({peak['notebook']}), claims held {held}/{claims}")


def summary(phases: list[tuple[str, float]]) -> str:
    """Everything CI prints at the end (phases last, so they are the last thing in the log)."""
    parts = [autograde_table(), catch_rate_table(), course_line(), phases_table(phases) if phases else ""]
    return "\n\n".join(p for p in parts if p)


def phases_from_environment() -> list[tuple[str, float]]:
    """The phases ``.ci/run`` timed before the test command (``SLM_CI_PHASES``)."""
    return parse_phases(os.environ.get("SLM_CI_PHASES"))
