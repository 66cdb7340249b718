"""Put a figure together: code decides every field it can read, the model names what is measured.

From code: span, value, scale, unit, sign and bound (the numeral finder); the measure where the
unit settles it; the period from the time words of the figure's sentence, else the release's;
the region (the release's, or China for a national figure); the status; the figure a difference
refers to (the nearest rate before it in its sentence) and, when the text says, what it is compared
with. From the model: metric, sector, entity, and what the text leaves open (see ``questions.py``).
Without a valid answer a figure still comes out, grounded, with code-only labels.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from extractor.amounts import amount_metric, stated_noun
from extractor.counted import count_metric, counted_noun_phrase
from extractor.cues import (
    GROUP_METRICS,
    clause_before,
    compared_to_from_base,
    gap_base,
    group_metric,
    national_region,
    rate_measure,
    respective_items,
    status_of,
)
from extractor.gazetteer import PROVINCES, find_places
from extractor.metrics import (
    COUNTED_METRICS,
    UNLABELLED,
    industry_growth,
    is_generic,
    is_grounded,
    is_share_whole,
    named_rate,
    product_output,
    stated_metric,
    stated_term,
    vocabulary_term,
)
from extractor.numerals import Numeral
from extractor.periods import default_period, find_period_phrases, is_alone, is_comparison_base, is_event_date
from extractor.prompting import Label
from extractor.questions import level_before, rate_before
from extractor.regions import listed_cities, named_province, national_whole
from extractor.release_context import ReleaseContext
from extractor.words import AMOUNT_UNITS, MEASURE_UNITS, RATE_UNITS
from schemas import METRIC_VOCABULARY, Figure, Measure, Status

Span = tuple[int, int]


@dataclass(frozen=True)
class Where:
    """The text around a figure.

    Its sentence (and where it starts), the sentence before, and the metric of the last rate
    before it in the release (what a bare ``growth`` or gap refers to).
    """

    sentence: str = ""
    start: int = 0
    previous: str = ""
    last_rate_metric: str | None = None
    city: str | None = None
    """The city of the release's province the text places the sentence in (``regions.py``), if any."""
    earlier: Mapping[Span, Figure] = field(default_factory=dict)
    """The figures assembled before this one, by span (what a gap or a share of counts is about)."""


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
    if numeral.unit is None and (unit := _sibling_unit(numeral, siblings)):
        numeral = replace(numeral, unit=unit)  # "Of the 18 cities, 17 grew, and 11 grew faster"
    label = labels.get(numeral.span, Label())
    measure = figure_measure(numeral, label, where)
    offset = numeral.span[0] - where.start
    clause = clause_before(where.sentence, offset)
    status = status_of(clause, where.sentence[:offset])
    period = sentence_period(numeral, where, context, status)
    before, after = where.sentence[:offset], where.sentence[numeral.span[1] - where.start :]
    if national_region(where.sentence, offset) or national_whole(before, after):
        region = "China"
    else:
        region = listed_cities(before, context.region) or where.city or context.region
        region = named_province(clause, context.region) or region
    metric, sector = _clean(label.metric), _clean(label.sector)
    refers_to = rate_before(numeral, siblings) if measure is Measure.DIFFERENCE else None
    base = label.base
    if measure is Measure.DIFFERENCE:
        base = gap_base(where.sentence, offset, numeral.span[1] - where.start) or base
    if refers_to is not None and (rate := where.earlier.get(refers_to.span)):
        metric = _gap_metric(None if rate.metric == UNLABELLED else rate.metric, rate.measure) or metric
        sector = sector if label.metric else rate.sector  # unasked: the rate's sector
        region = rate.region if region == context.region else region  # "Jiangsu grew 7.0%, 2.9 points above"
    elif measure is Measure.DIFFERENCE and where.last_rate_metric:
        metric = _gap_metric(where.last_rate_metric, Measure.GROWTH)  # "the gap narrowed by 0.6 points"
    elif measure is Measure.GROWTH and where.last_rate_metric and (is_generic(metric) or _counts(metric)):
        metric = where.last_rate_metric  # "a growth rate of 3.4%": the growth of what the release was saying
    if measure is Measure.GROWTH and (level := level_before(numeral, siblings, where.sentence, where.start)):
        level_label = labels.get(level.span, Label())
        metric, sector = _clean(level_label.metric), _clean(level_label.sector)
        if (amount := where.earlier.get(level.span)) and amount.metric != UNLABELLED:
            metric, sector = amount.metric, amount.sector  # the amount as assembled, all rules applied
        label = Label(metric=metric, sector=sector, entity=level_label.entity)
    metric = stated_metric(vocabulary_term(metric, clause), before)
    near = where.sentence[max(0, offset - 80) : numeral.span[1] - where.start + 60]
    derived = measure in (Measure.DIFFERENCE, Measure.RANK)  # from the rate it is about
    unnamed = is_generic(metric) or not is_grounded(metric, near)
    if not derived and unnamed and (term := stated_term(clause)):
        metric = term  # the model's metric is not in the text around (or none): the clause names a term
    if numeral.unit in _PRODUCT_UNITS and measure in (Measure.LEVEL, Measure.GROWTH):
        metric, sector = product_output(metric, sector, before)
    if measure is Measure.LEVEL and (stated := amount_metric(numeral.unit, before)):
        metric = stated  # "signings worth 550 million yuan", "increase production by 790,000 tons"
    elif measure is Measure.LEVEL and (noun := stated_noun(numeral.unit, before, after)):
        metric = metric if metric and not is_generic(metric) and is_grounded(metric, near) else noun
    metric, sector = _counted_metric(numeral, metric, sector)
    if counted := count_metric(numeral.unit, where.sentence, offset, numeral.span[1] - where.start):
        metric = counted
    elif (noun := counted_noun_phrase(numeral.unit, after)) and not _names_noun(metric, noun):
        metric = noun  # "19 media outlets" the model called "cities"
    metric, sector = industry_growth(metric, sector, measure, before)
    if group := group_metric(numeral.unit, where.sentence, offset, numeral.span[1] - where.start):
        metric, sector = group, None
    if measure is not Measure.DIFFERENCE and (part := share_of_counts(numeral, siblings, where)):
        measure, metric, sector = Measure.SHARE, part.metric, part.sector  # "31 of 40 grew, a rate of 77.5%"
    if measure is Measure.RANK and (ranked := rank_of(numeral, siblings, where)):
        metric = ranked  # "grew 8.1%, ranking fourth nationwide": the rank of the growth rate
    item = respective_item(numeral, siblings, where)
    if measure is Measure.SHARE and (amount := amount_before(numeral, siblings, where)):
        metric, sector = amount.metric, amount.sector  # "trade reached 112.3 billion yuan, accounting for 14%"
    elif measure is Measure.SHARE and (named := named_rate(before, item)):
        metric, item = named, None  # "the product repair rate is less than 5%"; "A and B rates stand at x and y"
    if measure is Measure.SHARE and metric and is_share_whole(metric, after):
        metric = stated_metric(None, before, other_than=metric.lower()) or metric  # the part, not the whole
    if item:
        places = find_places(item)
        if len(places) == 1 and places[0].start == 0 and places[0].end >= len(item.rstrip("'’s")):
            region = places[0].name  # "Dalian, Anshan and Fushun grew 5.1%, 4.2% and 3.3% respectively"
        else:
            if measure is Measure.GROWTH and metric and metric.lower() == item.lower():
                metric = "industrial value added"  # the model named the industry: its growth is its value added's
            sector = item
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
        status=status,
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


FLOW_UNITS = AMOUNT_UNITS | {"percent", "times"}
"""Units of amounts that add up over time: ``since 2010`` is their period; a count is a stock at a date."""


def sentence_period(
    numeral: Numeral, where: Where, context: ReleaseContext, status: Status = Status.ACTUAL
) -> tuple[str | None, str | None]:
    """The period the figure's sentence names, else the release's period.

    The last time phrase before the figure in its sentence wins, else the first one after it, else
    the last one of the sentence before; its year comes from the phrase or the release. An event's
    date (``approved in December 2015``) is no figure's period, and a day (``On June 23``) dates only
    its own sentence. ``since 2010`` runs to the time of writing for an amount that adds up; ``this
    year`` is the whole year for a target and the year so far for what happened.
    """
    phrases = [
        p
        for p in find_period_phrases(where.sentence)
        if not is_event_date(where.sentence, p) and not is_comparison_base(where.sentence, p)
    ]
    offset = numeral.span[0] - where.start
    before = [p for p in phrases if p.start < offset]
    chosen = before[-1] if before else (phrases[0] if phrases else None)
    if chosen is None:  # "From January to February, profit rose 24.0%. Of 40 industries, 25 grew."
        carried = [p for p in find_period_phrases(where.previous) if p.kind != "day"]
        carried = [p for p in carried if not is_event_date(where.previous, p) and not is_alone(where.previous, p)]
        carried = [p for p in carried if not is_comparison_base(where.previous, p)]
        chosen = carried[-1] if carried else None
    default = default_period(context.period_start, context.period_end, context.published)
    if chosen is None or (chosen.kind == "this year" and status is Status.ACTUAL):
        return default
    if chosen.kind == "since" and numeral.unit not in FLOW_UNITS:
        return default
    written = int(context.published[:4]) if context.published else None
    resolved = chosen.resolve(context.year, now=default[1], written=written)
    return resolved if resolved else (None, None)


def _sibling_unit(numeral: Numeral, siblings: Sequence[Numeral]) -> str | None:
    """The counted noun of the last count before a bare whole number in its sentence."""
    if numeral.scale != 1.0 or numeral.value != int(numeral.value):
        return None
    counts = [n for n in siblings if n.span[1] <= numeral.span[0] and n.unit and n.unit not in MEASURE_UNITS]
    return counts[-1].unit if counts else None


_PRODUCT_UNITS = frozenset({"tonne", "kWh", "vehicle", "unit", "set", "piece", "percent"})
"""Units a product's output is stated in (and its growth): what ``product_output`` may read."""


def _gap_metric(rate_metric: str | None, rate_measure: Measure) -> str | None:
    """A difference between two rates measures the rate's metric: ``industrial value added growth``."""
    if not rate_metric:
        return None
    kind = "share" if rate_measure is Measure.SHARE else "growth"
    return rate_metric if rate_metric.endswith(kind) else f"{rate_metric} {kind}"


def _names_noun(metric: str | None, noun: str) -> bool:
    """Whether ``metric`` names the counted noun (``enterprises`` in ``new industrial enterprises``)."""
    head = noun.split()[-1].lower()
    return bool(metric) and any(word.startswith(head[:-1]) for word in str(metric).lower().split())


_GROUP_WHOLES = frozenset(whole for whole, _grew in GROUP_METRICS.values())


def _counts(metric: str | None) -> bool:
    """Whether a metric counts things (``cities``, ``cities with positive growth``): no growth rate measures that."""
    return bool(metric) and (str(metric).lower() in COUNTED_METRICS or str(metric).lower() in _GROUP_WHOLES)


def _counted_metric(numeral: Numeral, metric: str | None, sector: str | None) -> tuple[str | None, str | None]:
    """Counts of enterprises or projects take the vocabulary's metric; the group counted is the sector."""
    plural = f"{numeral.unit}s" if numeral.unit else None
    if plural not in METRIC_VOCABULARY or metric is None or metric.lower() == plural:
        return metric, sector
    return plural, sector or metric


_ACCOUNTING = re.compile(r"^[^,;.()]{0,40},\s*(?:accounting for|representing|making up|which is|or)\s+$", re.I)


def amount_before(numeral: Numeral, siblings: Sequence[Numeral], where: Where) -> Figure | None:
    """The amount a share right after it is a part of: ``112.3 billion yuan, accounting for 14% of the province``."""
    before = [n for n in siblings if n.span[1] <= numeral.span[0]]
    if not before or before[-1].unit in RATE_UNITS:
        return None
    between = where.sentence[before[-1].span[1] - where.start : numeral.span[0] - where.start]
    amount = where.earlier.get(before[-1].span)
    return amount if amount and amount.metric != UNLABELLED and _ACCOUNTING.match(between) else None


def rank_of(numeral: Numeral, siblings: Sequence[Numeral], where: Where) -> str | None:
    """What a rank ranks, when its sentence says.

    A vocabulary term named after it (``in terms of economic aggregate``), else the growth of the
    last rate before it in its sentence (``grew 8.1%, ranking fourth nationwide``).
    """
    after = where.sentence[numeral.span[1] - where.start :]
    terms = re.match(r"^[^,;.]{0,40}?\bin terms of\s+([^,;.]+)", after)
    if terms and (term := stated_term(terms.group(1))):
        return term
    rates = [n for n in siblings if n.unit == "percent" and n.span[1] <= numeral.span[0]]
    rate = where.earlier.get(rates[-1].span) if rates else None
    if rate is None or rate.metric == UNLABELLED:
        return None
    return _gap_metric(rate.metric, rate.measure)


def share_of_counts(numeral: Numeral, siblings: Sequence[Numeral], where: Where) -> Figure | None:
    """The count a percent is the share of, when it is one count over another in its sentence (31/40 = 77.5%)."""
    if numeral.unit != "percent" or numeral.negative:
        return None
    counts = [n for n in siblings if n.span[1] <= numeral.span[0] and n.unit and n.unit not in MEASURE_UNITS]
    for part in counts:
        for whole in counts:
            if part is whole or part.unit != whole.unit or not whole.value or part.value >= whole.value:
                continue
            ratio = 100 * part.value / whole.value
            decimals = len(numeral.surface.partition(".")[2])
            if abs(ratio - numeral.value) <= 0.5 * 10**-decimals + 1e-9:
                return where.earlier.get(part.span)
    return None


def respective_item(numeral: Numeral, siblings: Sequence[Numeral], where: Where) -> str | None:
    """The list item a figure pairs with in ``A, B and C grew by x%, y% and z% respectively``."""
    run: list[Numeral] = []
    for sibling in siblings:
        if sibling.unit == numeral.unit:
            run.append(sibling)
        elif numeral in run:
            break
        else:
            run = []
    for size in range(len(run), 1, -1):  # "X grew 5%, and A, B and C grew 4%, 3% and 2% respectively"
        tail = run[-size:]
        if numeral not in tail:
            break
        spans = [(n.span[0] - where.start, n.span[1] - where.start) for n in tail]
        if items := respective_items(where.sentence, spans):
            return items[tail.index(numeral)]
    return None


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
