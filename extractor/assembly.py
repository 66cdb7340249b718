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
from extractor.gazetteer import PROVINCES
from extractor.numerals import Numeral
from extractor.periods import default_period, find_period_phrases
from extractor.prompting import FigureLabel, GapLabel, RateLabel
from extractor.release_context import ReleaseContext
from schemas import METRIC_VOCABULARY, Figure, Measure

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
    sector = _clean(label.sector) if label else None
    refers_to = _rate_before(numeral, tags) if measure is Measure.DIFFERENCE else None
    growth_gap = refers_to is not None and refers_to.unit == "percent"
    if refers_to is not None:
        metric = _gap_metric(refers_to, labels, tags) or metric
    metric, sector = _counted_metric(numeral, metric, sector)
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
        sector=sector,
        entity=_named_entity(label.entity, where, context) if label else None,
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

    The last time phrase before the figure in its sentence wins, else the first one after it, else
    the last one of the sentence before; its year comes from the phrase or the release.
    """
    phrases = find_period_phrases(where.sentence)
    offset = numeral.span[0] - where.start
    before = [p for p in phrases if p.start < offset]
    chosen = before[-1] if before else (phrases[0] if phrases else None)
    if chosen is None and (carried := find_period_phrases(where.previous)):
        chosen = carried[-1]  # "From January to February, profit rose 24.0%. Of 40 industries, 25 grew."
    if chosen is not None:
        resolved = chosen.resolve(context.year)
        return resolved if resolved else (None, None)
    return default_period(context.period_start, context.period_end, context.published)


def _gap_metric(rate: Numeral, labels: Mapping[int, FigureLabel], tags: Mapping[int, Numeral]) -> str | None:
    """A difference between two rates measures the rate's metric: ``industrial value added growth``."""
    tag = next((t for t, n in tags.items() if n.span == rate.span), None)
    label = labels.get(tag) if tag is not None else None
    rate_metric = _clean(label.metric) if label else None
    if not rate_metric:
        return None
    kind = "share" if isinstance(label, RateLabel) and label.measure == "share" else "growth"
    return rate_metric if rate_metric.endswith(kind) else f"{rate_metric} {kind}"


def _counted_metric(numeral: Numeral, metric: str | None, sector: str | None) -> tuple[str | None, str | None]:
    """Counts of enterprises or projects take the vocabulary's metric; the group counted is the sector."""
    plural = f"{numeral.unit}s" if numeral.unit else None
    if plural not in METRIC_VOCABULARY or metric is None or metric.lower() == plural:
        return metric, sector
    return plural, sector or metric


def _named_entity(entity: str | None, where: Where, context: ReleaseContext) -> str | None:
    """The model's entity if it is a proper name the text around the figure has, and no place."""
    cleaned = _clean(entity)
    if not cleaned or not cleaned[0].isupper() or cleaned.lower() == context.region.lower():
        return None
    if cleaned in PROVINCES or cleaned == "China" or cleaned not in f"{where.previous}\n{where.sentence}":
        return None
    return cleaned


def _rate_before(numeral: Numeral, tags: Mapping[int, Numeral]) -> Numeral | None:
    """The nearest percent figure before a difference in its sentence: what the difference is from."""
    rates = [n for n in tags.values() if n.unit == "percent" and n.span[0] < numeral.span[0]]
    return max(rates, key=lambda n: n.span[0]) if rates else None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return None if not value or value.lower() in ("null", "none", "n/a") else value
