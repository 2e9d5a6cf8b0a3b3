"""The course report: one HTML page with each notebook's status, time, memory, the verdict of each claim with
the numbers it rests on, its metrics next to the lecture's figures, and its figures.

``run_course()`` (:mod:`grading.runner`) writes ``report.json`` (one dict per notebook: ``notebook, status,
seconds, peak_mb, metrics, claims, error, profile, quick``) and each notebook's figures into
``<out>/<notebook>/*.png``; :func:`write_html_report` turns that into ``<out>/report.html``. The page is
self-contained apart from the figures, which it links by relative path (they sit beside it), so the folder can
be zipped, uploaded as a CI artifact or opened from disk.

    slm-course report build/course      # (re)write build/course/report.html from report.json

Used by: ``slm-course course`` (grading.runner), the GPU workflow's artifact, tests/test_browser.py.
"""
from __future__ import annotations

import html
import json
import sys
from pathlib import Path
from urllib.parse import quote

from grading.runner import BUDGET_MB, BUDGET_SECONDS, claims_enforced, over_budget
from helpers.metrics import _fmt as _number

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:72rem;color:#222;padding:0 1rem}
h1{font-size:1.6rem} h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0} th,td{border:1px solid #ddd;padding:.25rem .55rem;text-align:left;vertical-align:top}
th{background:#f4f4f6} td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#18794e;font-weight:600} .failed{color:#c62828;font-weight:600} .warn{color:#a15c00}
.agree{background:#eaf7ef} .differ{background:#fdecea} .holds{color:#18794e} .fails{color:#c62828;font-weight:600} tr.broken{background:#fdecea} .note{color:#666;font-size:.9em}
figure{display:inline-block;margin:.4rem 1rem .4rem 0} figure img{max-width:34rem;border:1px solid #eee}
figcaption{font-size:.85em;color:#555} pre{background:#f8f8f8;padding:.5rem;white-space:pre-wrap}
"""


def fmt(value) -> str:
    """A figure as the course shows it (the notebooks' own formatter, :mod:`helpers.metrics`); ``None`` is blank.

    >>> fmt(109482240), fmt(0.217726), fmt(280.0), fmt("under 4"), fmt(None), fmt(True)
    ('109,482,240', '0.2177', '280', 'under 4', '', 'True')
    """
    return "" if value is None else _number(value)


def compare(value, claim) -> tuple[str, str]:
    """(text, css class) comparing a measured figure with the lecture's claim, when both are numbers.

    Within 10 % counts as agreeing; a claim in words ("under 4", "8.0B") is shown as is, uncompared.

    >>> compare(1.99996, 2.0)
    ('1.00×', 'agree')
    >>> compare(3.0, 2.0)
    ('1.50×', 'differ')
    >>> compare(3.5, "under 4")
    ('', '')
    """
    numeric = (int, float)
    if isinstance(value, bool) or isinstance(claim, bool) or not isinstance(value, numeric) \
            or not isinstance(claim, numeric):
        return "", ""
    if claim == 0:
        return ("=", "agree") if value == 0 else ("", "differ")
    ratio = value / claim
    return f"{ratio:.2f}×", "agree" if abs(ratio - 1) <= 0.10 else "differ"


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _href(path: Path, base: Path) -> str:
    return quote(path.relative_to(base).as_posix())


def _claims_summary(r: dict) -> str:
    claims = r.get("claims", [])
    if not claims:
        return "-"
    held = sum(bool(c.get("holds")) for c in claims)
    text = f"{held}/{len(claims)}"
    if held == len(claims):
        return f'<span class="holds">{text}</span>'
    return f'<span class="{"fails" if claims_enforced(r) else "warn"}">{text}</span>'


def _summary_rows(results: list[dict]) -> str:
    rows = []
    for r in results:
        ok = r.get("status") == "ok"
        over = over_budget(r)
        status = f'<span class="{"ok" if ok else "failed"}">{_e(r.get("status", "?"))}</span>'
        if over:
            status += f' <span class="warn">⚠ {_e(", ".join(over))}</span>'
        rows.append(
            f'<tr><td><a href="#{_e(r["notebook"])}">{_e(r["notebook"])}</a></td><td>{status}</td>'
            f'<td class="num">{_e(fmt(r.get("seconds")))}</td><td class="num">{_e(fmt(r.get("peak_mb")) or "-")}</td>'
            f'<td class="num">{_claims_summary(r)}</td><td class="num">{len(r.get("metrics", {}))}</td></tr>')
    return "\n".join(rows)


def _claims_table(r: dict) -> str:
    claims = r.get("claims", [])
    if not claims:
        return '<p class="note">No claims checked.</p>'
    note = "" if claims_enforced(r) else \
        '<p class="note">Reported, not enforced: claims are checked in the local profile at full size.</p>'
    rows = []
    for c in claims:
        holds = bool(c.get("holds"))
        values = ", ".join(f"{k} = {fmt(v)}" for k, v in c.get("values", {}).items())
        rows.append(f'<tr class="claim {"held" if holds else "broken"}"><td class="{"holds" if holds else "fails"}">'
                    f'{"✓ holds" if holds else "✗ does not hold"}</td><td>{_e(c.get("text", ""))}</td>'
                    f'<td class="num">{_e(values)}</td><td><code>{_e(c.get("id", ""))}</code></td></tr>')
    return (note + '<table class="claims"><tr><th>verdict</th><th>claim (as the notebook states it)</th>'
            '<th>measured</th><th>id</th></tr>\n' + "\n".join(rows) + "</table>")


def _metrics_table(metrics: dict) -> str:
    if not metrics:
        return '<p class="note">No metrics recorded.</p>'
    rows = []
    for name, m in metrics.items():
        ratio, css = compare(m.get("value"), m.get("claim"))
        rows.append(
            f'<tr class="{css}"><td><code>{_e(name)}</code></td><td class="num">{_e(fmt(m.get("value")))}</td>'
            f'<td>{_e(m.get("unit", ""))}</td><td class="num">{_e(fmt(m.get("claim")))}</td>'
            f'<td class="num">{_e(ratio)}</td><td class="note">{_e(m.get("note", ""))}</td></tr>')
    return ('<table><tr><th>metric</th><th>measured</th><th>unit</th><th>lecture claims</th>'
            '<th>measured / claim</th><th>note</th></tr>\n' + "\n".join(rows) + "</table>")


def _section(r: dict, out_dir: Path) -> str:
    name = r["notebook"]
    nb_dir = out_dir / name
    parts = [f'<h2 id="{_e(name)}">{_e(name)}</h2>']
    executed = nb_dir / f"{name}.ipynb"
    facts = [f'status <span class="{"ok" if r.get("status") == "ok" else "failed"}">{_e(r.get("status"))}</span>',
             f'{_e(fmt(r.get("seconds")))} s', f'peak {_e(fmt(r.get("peak_mb")) or "-")} MB']
    if executed.exists():
        facts.append(f'<a href="{_href(executed, out_dir)}">executed notebook</a>')
    parts.append("<p>" + " · ".join(facts) + "</p>")
    if r.get("error"):
        parts.append(f"<pre>{_e(r['error'])}</pre>")
    parts.append(_claims_table(r))
    parts.append(_metrics_table(r.get("metrics", {})))
    figures = sorted(nb_dir.glob("*.png")) if nb_dir.is_dir() else []
    for fig in figures:
        parts.append(f'<figure><a href="{_href(fig, out_dir)}"><img src="{_href(fig, out_dir)}" '
                     f'alt="{_e(fig.stem)}" loading="lazy"></a><figcaption>{_e(fig.stem)}</figcaption></figure>')
    return "\n".join(parts)


def render_html(results: list[dict], out_dir: Path, title: str = "Small Language Models: course run") -> str:
    """The report page as a string (figures linked relative to ``out_dir``)."""
    out_dir = Path(out_dir)
    ok = sum(r.get("status") == "ok" for r in results)
    total = sum(r.get("seconds") or 0 for r in results)
    head = (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{_e(title)}</title>'
            f'<style>{_CSS}</style></head><body>\n<h1>{_e(title)}</h1>\n'
            f'<p>{ok}/{len(results)} notebooks ran; total {total:,.0f} s. Budget per notebook (local profile): '
            f'{BUDGET_SECONDS} s and {BUDGET_MB:,} MB. Each claim is a sentence of the notebook checked against the '
            f'numbers of this run. A metric row is green when the measured figure is within 10 % of the lecture\'s '
            f'figure, red when it is not.</p>\n')
    summary = ('<table><tr><th>notebook</th><th>status</th><th>time (s)</th><th>peak memory (MB)</th>'
               '<th>claims held</th><th>metrics</th></tr>\n' + _summary_rows(results) + "</table>\n")
    sections = "\n".join(_section(r, out_dir) for r in results)
    return head + summary + sections + "\n</body></html>\n"


def write_html_report(results: list[dict], out_dir: Path, profile: str | None = None) -> Path:
    """Write ``<out_dir>/report.html`` for the runner's results (run in ``profile``) and return its path.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> r = [{"notebook": "00_demo", "status": "ok", "seconds": 1.5, "peak_mb": 300, "error": "",
    ...       "metrics": {"ratio": {"value": 1.99996, "claim": 2.0}}, "profile": "local", "quick": False,
    ...       "claims": [{"id": "halves", "text": "bf16 halves it", "holds": False, "values": {"ratio": 1.5}}]}]
    >>> page = write_html_report(r, d).read_text()
    >>> "1.00×" in page, "✗ does not hold" in page, "ratio = 1.5" in page
    (True, True, True)
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "report.html"
    title = "Small Language Models: course run" + (f" ({profile} profile)" if profile else "")
    path.write_text(render_html(results, out_dir, title=title), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out_dir = Path(args[0] if args else Path(__file__).resolve().parents[1] / "build" / "course")
    if not (out_dir / "report.json").exists():
        print(f"no {out_dir / 'report.json'}: run `slm-course course` first", file=sys.stderr)
        return 1
    results = json.loads((out_dir / "report.json").read_text())
    profiles = {r.get("profile") for r in results if r.get("profile")}
    profile = profiles.pop() if len(profiles) == 1 else None
    print(write_html_report(results, out_dir, profile=profile))
    return 0


if __name__ == "__main__":
    sys.exit(main())
