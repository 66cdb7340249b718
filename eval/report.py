"""Scores as data (``scores.json``) and as a self-contained HTML report that opens from disk.

The HTML has no scripts and loads nothing: inline CSS, inline SVG bar charts, and each release's
text with its figures highlighted as found (full match), wrong, missed or extra. All text is escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

from eval.scoring import FIELDS, ReleaseScore, measure_confusion, total, worst_misses

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#222;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}
.text{white-space:pre-wrap;border:1px solid #ddd;padding:1rem;background:#fcfcfc;font-size:14px}
mark{padding:0 .1rem;border-radius:.2rem}mark.ok{background:#b7e4b7}mark.wrong{background:#ffd59a}
mark.missed{background:#ff9f9f}mark.extra{background:#c9d8ff}.legend mark{margin-right:.5rem}
"""


def scores_document(scores: Sequence[ReleaseScore], settings: dict[str, Any], usage: dict[str, Any]) -> dict[str, Any]:
    """Everything ``scores.json`` holds: overall and per-release scores, confusion, misses, cost."""
    return {
        "settings": settings,
        "overall": _finite(total(scores).summary()),
        "releases": [{"name": s.name, "release_id": s.release_id, **_finite(s.counts.summary())} for s in scores],
        "measure_confusion": measure_confusion(scores),
        "worst_misses": [
            {"release": m.release, "surface": m.surface, "span": list(m.span), "wrong": list(m.wrong)}
            for m in worst_misses(scores)
        ],
        "usage": usage,
    }


def html_report(scores: Sequence[ReleaseScore], texts: dict[str, str], document: dict[str, Any]) -> str:
    """The HTML report of a run."""
    overall = document["overall"]
    accuracies = [(name, overall.get(f"{name}_accuracy")) for name in FIELDS]
    per_release = [(s["name"], s["full_match_f1"]) for s in document["releases"]]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>relfig evaluation</title>",
        f"<style>{_CSS}</style></head><body><h1>relfig evaluation</h1>",
        f"<p>{_e(_settings_line(document['settings']))}</p>",
        _headline_table(overall),
        "<h2>Per-field accuracy (on paired figures)</h2>",
        _bar_chart(accuracies),
        "<h2>Full-match F1 per release</h2>",
        _bar_chart(per_release),
        "<h2>Measure: gold (rows) against predicted (columns)</h2>",
        _confusion_table(document["measure_confusion"]),
        "<h2>Checker</h2>",
        _checker_table(document.get("checker")),
        "<h2>Worst misses</h2>",
        _misses_table(document["worst_misses"]),
        "<h2>Releases</h2>",
        "<p class='legend'><mark class='ok'>full match</mark><mark class='wrong'>found, fields wrong</mark>"
        "<mark class='missed'>missed</mark><mark class='extra'>extra (not in gold)</mark></p>",
    ]
    for score in scores:
        parts.append(f"<h3>{_e(score.name)}</h3><div class='text'>{_highlight(texts[score.name], score)}</div>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _highlight(text: str, score: ReleaseScore) -> str:
    marks: list[tuple[int, int, str, str]] = []
    for pair in score.pairs:
        wrong = [name for name in FIELDS if not pair.correct[name]]
        css = "ok" if pair.full_match else "wrong"
        marks.append((*pair.gold.span, css, "wrong: " + ", ".join(wrong) if wrong else "all fields right"))
    marks += [(*f.span, "missed", f"missed: {f.metric}") for f in score.unpaired_gold]
    marks += [(*f.span, "extra", f"extra: {f.metric}") for f in score.unpaired_predicted]
    out, cursor = [], 0
    for start, end, css, title in sorted(marks):
        if start < cursor:
            continue  # overlaps a mark already placed
        out.append(_e(text[cursor:start]))
        out.append(f"<mark class='{css}' title='{_e(title)}'>{_e(text[start:end])}</mark>")
        cursor = end
    out.append(_e(text[cursor:]))
    return "".join(out)


def _bar_chart(rows: Sequence[tuple[str, float | None]]) -> str:
    height, width, label_width = 22, 420, 170
    svg = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{label_width + width + 60}' height='{height * len(rows) + 4}'>"
    ]
    for index, (label, value) in enumerate(rows):
        y = index * height + 2
        number = 0.0 if value is None or math.isnan(value) else value
        svg.append(f"<text x='0' y='{y + 15}' font-size='13'>{_e(label)}</text>")
        svg.append(f"<rect x='{label_width}' y='{y + 3}' width='{width * number:.1f}' height='15' fill='#4a7fc1'/>")
        shown = "n/a" if value is None or math.isnan(value) else f"{value:.3f}"
        svg.append(f"<text x='{label_width + width * number + 5:.1f}' y='{y + 15}' font-size='13'>{shown}</text>")
    svg.append("</svg>")
    return "".join(svg)


def _headline_table(overall: dict[str, Any]) -> str:
    rows = [
        ("full-match F1 (headline)", overall["full_match_f1"]),
        (
            "full-match precision / recall",
            f"{overall['full_match_precision']:.3f} / {overall['full_match_recall']:.3f}",
        ),
        ("detection F1", overall["detection_f1"]),
        ("detection precision / recall", f"{overall['detection_precision']:.3f} / {overall['detection_recall']:.3f}"),
        ("value accuracy", overall["value_accuracy"]),
        ("gold / predicted / paired figures", f"{overall['gold']} / {overall['predicted']} / {overall['paired']}"),
    ]
    cells = "".join(f"<tr><th class='l'>{_e(k)}</th><td>{_e(_fmt(v))}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


def _confusion_table(confusion: dict[str, dict[str, int]]) -> str:
    measures = sorted({m for row in confusion.values() for m in row} | set(confusion))
    head = "".join(f"<th>{_e(m)}</th>" for m in measures)
    body = "".join(
        f"<tr><th class='l'>{_e(g)}</th>"
        + "".join(f"<td>{confusion.get(g, {}).get(p, 0)}</td>" for p in measures)
        + "</tr>"
        for g in measures
    )
    return f"<table><tr><th class='l'>gold \\ predicted</th>{head}</tr>{body}</table>"


def _misses_table(misses: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td class='l'>{_e(m['release'])}</td><td class='l'>{_e(m['surface'])}</td>"
        f"<td>{m['span'][0]}</td><td class='l'>{_e(', '.join(m['wrong']))}</td></tr>"
        for m in misses
    )
    head = "<tr><th class='l'>release</th><th class='l'>figure</th><th>at</th><th class='l'>wrong</th></tr>"
    return f"<table>{head}{rows}</table>"


def _checker_table(checker: dict[str, Any] | None) -> str:
    if not checker:
        return "<p>not run</p>"
    flags = "".join(
        f"<tr><th class='l'>{_e(label)}</th>"
        + "".join(f"<td>{counts.get(s, 0)}</td>" for s in ("error", "warning", "info"))
        + "</tr>"
        for label, counts in (
            ("flags on this run", checker["run_flags"]),
            ("flags on the gold labels", checker["gold_flags"]),
        )
    )
    recall = "".join(
        f"<tr><th class='l'>{_e(kind)}</th><td>{r['injected']}</td><td>{r['caught']}</td>"
        f"<td>{r['recall']:.3f}</td></tr>"
        for kind, r in checker["mutation_recall"].items()
    )
    return (
        f"<table><tr><th></th><th>errors</th><th>warnings</th><th>notes</th></tr>{flags}</table>"
        f"<table><tr><th class='l'>injected error</th><th>injected</th><th>caught</th><th>recall</th></tr>{recall}"
        f"<tr><th class='l'>all</th><td></td><td></td><td>{checker['mutation_recall_overall']:.3f}</td></tr></table>"
    )


def _settings_line(settings: dict[str, Any]) -> str:
    return "; ".join(f"{key}: {value}" for key, value in settings.items())


def _finite(summary: dict[str, float | int]) -> dict[str, float | int | None]:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in summary.items()}


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _e(text: str) -> str:
    return html.escape(text, quote=True)
