"""Put a figure together: value, scale, unit, sign, bound and span from code; meaning from the model.

Code wins wherever it knows (a ``percentage points`` unit makes a difference, an ordinal after
``ranking`` a rank); the model fills the rest. Without a valid answer a figure still comes out,
grounded, with code-only labels and the release's own region and period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.gazetteer import NATIONAL_WORDS
from extractor.numerals import Numeral
from extractor.periods import find_period_phrases
from extractor.prompting import FigureLabel
from extractor.release_context import ReleaseContext
from schemas import Bound, ComparedTo, Figure, Measure, Status

UNLABELLED = "unlabelled"
_REGION_SUFFIX = re.compile(r"\s+(?:province|city|municipality|region|autonomous region)$", re.IGNORECASE)


@dataclass(frozen=True)
class Where:
    """The text around a figure: its sentence (and where it starts) and the sentence before."""

    sentence: str = ""
    start: int = 0
    previous: str = ""


def assemble(
    numeral: Numeral,
    label: FigureLabel | None,
    context: ReleaseContext,
    tag_spans: dict[int, tuple[int, int]],
    where: Where | None = None,
) -> Figure:
    """The contract's Figure for ``numeral``, with ``label`` (or code-only defaults when it is None).

    The period comes from the time words of the figure's sentence, else the release's period. A
    region the model names is kept only when it is a place the sentence (or the one before) names,
    ``China`` only with a national word in the sentence; otherwise the release's region stands.
    """
    where = where or Where()
    unit = numeral.unit or (label.metric.split()[-1] if label else "count")
    measure = code_measure(numeral) or (Measure(label.measure) if label else default_measure(numeral))
    period_start, period_end = sentence_period(numeral, where, context)
    region = _named_region(label.region, where) if label else None
    region = region or context.region
    sector = _clean(label.sector) if label else None
    figure_fields = {"region": region, "period_start": period_start, "period_end": period_end, "sector": sector}
    metric = _clean(label.metric) if label else None
    refers_to = None
    if label and label.refers_to is not None and measure is Measure.DIFFERENCE:
        target = tag_spans.get(label.refers_to)
        refers_to = target if target is not None and target != numeral.span else None
    return Figure(
        span=numeral.span,
        surface=numeral.surface,
        value=numeral.signed_value,
        scale=numeral.scale,
        unit=unit,
        measure=measure,
        metric=(metric or UNLABELLED).lower(),
        region=region,
        sector=sector,
        entity=_clean(label.entity) if label else None,
        period_start=period_start,
        period_end=period_end,
        status=Status(label.status) if label else Status.ACTUAL,
        bound=numeral.bound,
        compared_to=_compared_to(label, figure_fields, metric, where) if label else None,
        refers_to=refers_to,
    )


def code_measure(numeral: Numeral) -> Measure | None:
    """The measure when the unit settles it, else None (percent and times are the model's to read)."""
    if numeral.unit == "percentage_point":
        return Measure.DIFFERENCE
    if numeral.unit == "rank":
        return Measure.RANK
    if numeral.unit == "fraction":
        return Measure.SHARE
    if numeral.unit not in (None, "percent", "times"):
        return Measure.LEVEL  # an amount of money, a mass, an area or a count
    return None


def sentence_period(numeral: Numeral, where: Where, context: ReleaseContext) -> tuple[str | None, str | None]:
    """The period the figure's sentence names, else the release's period.

    The last time phrase before the figure in its sentence wins, else the first one after it; its
    year comes from the phrase or the release.
    """
    phrases = find_period_phrases(where.sentence)
    offset = numeral.span[0] - where.start
    before = [p for p in phrases if p.start < offset]
    chosen = before[-1] if before else (phrases[0] if phrases else None)
    if chosen is not None:
        resolved = chosen.resolve(context.year)
        return resolved if resolved else (None, None)
    return context.period_start, context.period_end


def _named_region(region: str | None, where: Where) -> str | None:
    """The model's region if it is a place named near the figure, else None."""
    cleaned = _clean_region(region or "")
    if not cleaned:
        return None
    if cleaned.lower() in ("china", "national", "the country", "nationwide"):
        return "China" if NATIONAL_WORDS.search(where.sentence) or "China" in where.sentence else None
    parts = [p.strip() for p in re.split(r",|\band\b", cleaned) if p.strip()]
    text = f"{where.previous}\n{where.sentence}"
    if all(p[0].isupper() and all(w[0].isupper() for w in p.split()) and p in text for p in parts):
        return ", ".join(parts)
    return None


def default_measure(numeral: Numeral) -> Measure:
    """A code-only guess when the model gave nothing usable."""
    return Measure.GROWTH if numeral.unit in ("percent", "times") else Measure.LEVEL


def _compared_to(
    label: FigureLabel, figure: dict[str, str | None], metric: str | None, where: Where
) -> ComparedTo | None:
    if label.compared_to is None:
        return None
    base = label.compared_to
    values = {
        "region": _named_region(base.region, where),
        "period_start": base.start,
        "period_end": base.end,
        "metric": _clean(base.metric),
        "sector": _clean(base.sector),
    }
    own = {**figure, "metric": metric}
    own_period = (figure["period_start"], figure["period_end"])
    kept = {key: value for key, value in values.items() if value is not None and value != own.get(key)}
    kept.pop("period_start", None), kept.pop("period_end", None)
    if base.start and base.end and base.start <= base.end and (base.start, base.end) != own_period:
        kept.update(period_start=base.start, period_end=base.end)  # a base period is whole or absent
    return ComparedTo(**kept) if kept else None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return None if not value or value.lower() in ("null", "none", "n/a") else value


def _clean_region(value: str) -> str:
    cleaned = _clean(value) or ""
    return _REGION_SUFFIX.sub("", cleaned) or cleaned


__all__ = ["UNLABELLED", "Bound", "assemble", "code_measure", "default_measure"]
