"""Put a figure together: code decides every field it can read, the model names what is measured.

From code: span, value, scale, unit, sign and bound (the numeral finder); the measure where the
unit settles it; the period from the time words of the figure's sentence, else the release's;
the region (the release's, or China for a national figure); the status; the figure a difference
refers to (the nearest rate before it in its sentence). From the model: metric, sector, entity,
and for a rate whether it is a change or a share and of what. Without a valid answer a figure
still comes out, grounded, with code-only labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from extractor.cues import clause_before, compared_to_from_base, national_region, status_of
from extractor.numerals import Numeral
from extractor.periods import find_period_phrases
from extractor.prompting import FigureLabel, GapLabel, RateLabel
from extractor.release_context import ReleaseContext
from schemas import Figure, Measure

UNLABELLED = "unlabelled"


@dataclass(frozen=True)
class Where:
    """The text around a figure: its sentence (and where it starts) and the sentence before."""

    sentence: str = ""
    start: int = 0
    previous: str = ""


def assemble(
    numeral: Numeral,
    labels: Mapping[int, FigureLabel],
    tags: Mapping[int, Numeral],
    context: ReleaseContext,
    where: Where | None = None,
) -> Figure:
    """The contract's Figure for ``numeral``; ``labels`` and ``tags`` are its sentence's, by tag number."""
    where = where or Where()
    tag = next((t for t, n in tags.items() if n.span == numeral.span), None)
    label = labels.get(tag) if tag is not None else None
    offset = numeral.span[0] - where.start
    measure = figure_measure(numeral, label)
    period = sentence_period(numeral, where, context)
    region = "China" if national_region(where.sentence, offset) else context.region
    metric = _clean(label.metric) if label else None
    refers_to = _rate_before(numeral, tags) if measure is Measure.DIFFERENCE else None
    growth_gap = refers_to is not None and refers_to.unit == "percent"
    if measure is Measure.DIFFERENCE and growth_gap and metric and not metric.endswith("growth"):
        metric = f"{metric} growth"
    base = label.base if isinstance(label, RateLabel | GapLabel) else None
    compared = None
    if measure in (Measure.DIFFERENCE, Measure.SHARE):
        compared = compared_to_from_base(base, region, period, context.year, growth=growth_gap)
    return Figure(
        span=numeral.span,
        surface=numeral.surface,
        value=numeral.signed_value,
        scale=numeral.scale,
        unit=numeral.unit or "count",
        measure=measure,
        metric=(metric or UNLABELLED).lower(),
        region=region,
        sector=_clean(label.sector) if label else None,
        entity=_clean(label.entity) if label else None,
        period_start=period[0],
        period_end=period[1],
        status=status_of(clause_before(where.sentence, offset)),
        bound=numeral.bound,
        compared_to=compared,
        refers_to=refers_to.span if refers_to else None,
    )


def figure_measure(numeral: Numeral, label: FigureLabel | None) -> Measure:
    """The unit's measure where it settles it, else the model's reading of a rate, else a guess."""
    if numeral.unit == "percentage_point":
        return Measure.DIFFERENCE
    if numeral.unit == "rank":
        return Measure.RANK
    if numeral.unit == "fraction":
        return Measure.SHARE
    if numeral.unit in ("percent", "times"):
        return Measure(label.measure) if isinstance(label, RateLabel) else Measure.GROWTH
    return Measure.LEVEL  # an amount of money, a mass, an area or a count


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


def _rate_before(numeral: Numeral, tags: Mapping[int, Numeral]) -> Numeral | None:
    """The nearest percent figure before a difference in its sentence: what the difference is from."""
    rates = [n for n in tags.values() if n.unit == "percent" and n.span[0] < numeral.span[0]]
    return max(rates, key=lambda n: n.span[0]) if rates else None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return None if not value or value.lower() in ("null", "none", "n/a") else value
