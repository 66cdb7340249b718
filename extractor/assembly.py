"""Put a figure together: value, scale, unit, sign, bound and span from code; meaning from the model.

Code wins wherever it knows (a ``percentage points`` unit makes a difference, an ordinal after
``ranking`` a rank); the model fills the rest. Without a valid answer a figure still comes out,
grounded, with code-only labels and the release's own region and period.
"""

from __future__ import annotations

import re

from extractor.numerals import Numeral
from extractor.prompting import FigureLabel
from extractor.release_context import ReleaseContext
from schemas import Bound, ComparedTo, Figure, Measure, Status

UNLABELLED = "unlabelled"
_REGION_SUFFIX = re.compile(r"\s+(?:province|city|municipality|region|autonomous region)$", re.IGNORECASE)


def assemble(
    numeral: Numeral, label: FigureLabel | None, context: ReleaseContext, tag_spans: dict[int, tuple[int, int]]
) -> Figure:
    """The contract's Figure for ``numeral``, with ``label`` (or code-only defaults when it is None)."""
    unit = numeral.unit or (label.metric.split()[-1] if label else "count")
    measure = code_measure(numeral) or (Measure(label.measure) if label else default_measure(numeral))
    period_start, period_end = context.period_start, context.period_end
    if label and label.period_start and label.period_end and label.period_start <= label.period_end:
        period_start, period_end = label.period_start, label.period_end
    region = _clean_region(label.region) if label and label.region.strip() else context.region
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
        compared_to=_compared_to(label, figure_fields, metric) if label else None,
        refers_to=refers_to,
    )


def code_measure(numeral: Numeral) -> Measure | None:
    """The measure when the unit settles it, else None."""
    if numeral.unit == "percentage_point":
        return Measure.DIFFERENCE
    if numeral.unit == "rank":
        return Measure.RANK
    if numeral.unit == "fraction":
        return Measure.SHARE
    return None


def default_measure(numeral: Numeral) -> Measure:
    """A code-only guess when the model gave nothing usable."""
    return Measure.GROWTH if numeral.unit in ("percent", "times") else Measure.LEVEL


def _compared_to(label: FigureLabel, figure: dict[str, str | None], metric: str | None) -> ComparedTo | None:
    if label.compared_to is None:
        return None
    base = label.compared_to
    values = {
        "region": _clean_region(base.region) if base.region else None,
        "period_start": base.period_start,
        "period_end": base.period_end,
        "metric": _clean(base.metric),
        "sector": _clean(base.sector),
    }
    own = {**figure, "metric": metric}
    kept = {key: value for key, value in values.items() if value is not None and value != own.get(key)}
    if ("period_start" in kept) != ("period_end" in kept):
        kept.setdefault("period_start", base.period_start)
        kept.setdefault("period_end", base.period_end)
    if kept.get("period_start") and kept.get("period_end") and kept["period_start"] > kept["period_end"]:
        kept.pop("period_start"), kept.pop("period_end")
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
