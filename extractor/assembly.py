"""Put a figure together: code decides every field it can read, the model names what is measured.

From code: span, value, scale, unit, sign and bound (the numeral finder); the measure where the
unit settles it; the period from the time words of the figure's sentence, else the release's;
the region (the release's, or China for a national figure); the status; the figure a difference
refers to (the nearest rate before it in its sentence) and, when the text says, what it is compared
with. From the model: metric, sector, entity, and what the text leaves open (see ``questions.py``).
Without a valid answer a figure still comes out, grounded, with code-only labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from extractor.cues import clause_before, compared_to_from_base, gap_base, national_region, rate_measure, status_of
from extractor.gazetteer import PROVINCES
from extractor.numerals import Numeral
from extractor.periods import default_period, find_period_phrases
from extractor.prompting import Label
from extractor.questions import level_before, rate_before
from extractor.release_context import ReleaseContext
from schemas import METRIC_VOCABULARY, Figure, Measure

UNLABELLED = "unlabelled"
Span = tuple[int, int]


@dataclass(frozen=True)
class Where:
    """The text around a figure: its sentence (and where it starts) and the sentence before."""

    sentence: str = ""
    start: int = 0
    previous: str = ""


def assemble(
    numeral: Numeral,
    labels: Mapping[Span, Label],
    siblings: Sequence[Numeral],
    context: ReleaseContext,
    where: Where | None = None,
) -> Figure:
    """The contract's Figure for ``numeral``.

    ``siblings`` are the figures of its sentence, ``labels`` the model's answers by span (a figure
    code knows enough about has none).
    """
    where = where or Where()
    label = labels.get(numeral.span, Label())
    measure = figure_measure(numeral, label, where)
    period = sentence_period(numeral, where, context)
    offset = numeral.span[0] - where.start
    region = "China" if national_region(where.sentence, offset) else context.region
    metric, sector = _clean(label.metric), _clean(label.sector)
    refers_to = rate_before(numeral, siblings) if measure is Measure.DIFFERENCE else None
    base = label.base
    if measure is Measure.DIFFERENCE:
        base = gap_base(where.sentence, offset, numeral.span[1] - where.start) or base
    if refers_to is not None:
        rate_label = labels.get(refers_to.span, Label())
        rate_measure = figure_measure(refers_to, rate_label, where)
        metric = _gap_metric(_clean(rate_label.metric), rate_measure) or metric
        sector = sector if label.metric else _clean(rate_label.sector)  # unasked: the rate's sector
    if measure is Measure.GROWTH and (level := level_before(numeral, siblings, where.sentence, where.start)):
        level_label = labels.get(level.span, Label())
        metric, sector = _clean(level_label.metric), _clean(level_label.sector)
        label = Label(metric=metric, sector=sector, entity=level_label.entity)
    metric, sector = _counted_metric(numeral, metric, sector)
    compared = None
    if measure in (Measure.DIFFERENCE, Measure.SHARE):
        growth_gap = refers_to is not None and refers_to.unit == "percent"
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
        entity=_named_entity(label.entity, where, context),
        period_start=period[0],
        period_end=period[1],
        status=status_of(clause_before(where.sentence, offset)),
        bound=numeral.bound,
        compared_to=compared,
        refers_to=refers_to.span if refers_to else None,
    )


def figure_measure(numeral: Numeral, label: Label, where: Where) -> Measure:
    """The unit's measure where it settles it; for a rate, its words, else the model's reading, else growth."""
    if numeral.unit == "percentage_point":
        return Measure.DIFFERENCE
    if numeral.unit == "rank":
        return Measure.RANK
    if numeral.unit == "fraction":
        return Measure.SHARE
    if numeral.unit in ("percent", "times"):
        start = numeral.span[0] - where.start
        read = rate_measure(where.sentence, start, numeral.span[1] - where.start) if where.sentence else None
        return read or (Measure(label.measure) if label.measure else Measure.GROWTH)
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


def _gap_metric(rate_metric: str | None, rate_measure: Measure) -> str | None:
    """A difference between two rates measures the rate's metric: ``industrial value added growth``."""
    if not rate_metric:
        return None
    kind = "share" if rate_measure is Measure.SHARE else "growth"
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


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return None if not value or value.lower() in ("null", "none", "n/a") else value
