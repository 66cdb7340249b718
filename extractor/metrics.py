"""Which metric the words around a figure name, read by code.

- the vocabulary term a sentence states (``industrial investment rose 8.9%``), or a common other
  name of one (``gross domestic product``, ``actual use of foreign capital``, ``foreign trade``);
- an industry's growth is its value added's (``the petrochemical industry grew 4.9%``);
- a metric that names no quantity (``growth rate``, ``month-on-month``);
- a share's whole (``46.8% of the province's fixed investment``) and a named rate (``the product
  repair rate is less than 5%``).
"""

from __future__ import annotations

import re

from extractor.cues import GROUP_METRICS
from schemas import METRIC_VOCABULARY, Measure

UNLABELLED = "unlabelled"
COUNTED_METRICS = frozenset({grew for _whole, grew in GROUP_METRICS.values()} | {"enterprises", "projects"})
"""Vocabulary metrics that count things: a sentence stating an amount's metric does not override them."""

_INDUSTRY_NAME = re.compile(r"\b(?:industry|industries|manufacturing|sector|sectors)$", re.I)
_MEASURED = re.compile(
    r"\b(?:investment|profit|revenue|output|exports?|imports?|sales|value|income|consumption|price|index|gdp|rate)",
    re.I,
)
_SECTORS_NAMED = re.compile(r"\b(?:industries|sectors)\s+(?:such as|including|like)\b", re.I)
_SECTOR_SUFFIX = re.compile(r"\s+(?:industry|industries|sector|sectors)$", re.I)


def industry_growth(
    metric: str | None, sector: str | None, measure: Measure, before: str
) -> tuple[str | None, str | None]:
    """An industry's growth rate is the growth of its value added: ``the petrochemical industry grew 4.9%``.

    When the model names an industry as the metric of a growth rate (``equipment manufacturing
    industry``, or any name after ``sectors such as``), the industry becomes the sector and the
    metric ``industrial value added``, as the contract labels high-tech manufacturing value added.
    """
    if measure is not Measure.GROWTH or not metric or metric.lower() in METRIC_VOCABULARY or _MEASURED.search(metric):
        return metric, sector
    if _INDUSTRY_NAME.search(metric) or _SECTORS_NAMED.search(before):
        return "industrial value added", _SECTOR_SUFFIX.sub("", metric)
    return metric, sector


_GENERIC = frozenset(
    "growth rate rates increase increased change gap percentage point points year-on-year month-on-month".split()
)


def is_generic(metric: str | None) -> bool:
    """Whether a metric names no quantity (``growth``, ``growth rate``, ``percentage points``)."""
    return not metric or metric.lower() == UNLABELLED or set(metric.lower().split()) <= _GENERIC


OTHER_NAMES: dict[str, tuple[str, ...]] = {
    "gdp": ("gross domestic product", "economic aggregate", "economic output", "economic growth"),
    "industrial value added": (
        "industrial added value", "industrial value-added", "industrial production",
        r"(?:added value|value added) of (?:the )?(?:[\w-]+ ){0,3}?(?:industr\w*|enterprises)",
    ),
    "foreign direct investment": (
        "actual use of foreign capital", r"actually (?:used|utili[sz]ed) foreign capital",
        r"utili[sz]ed foreign capital", "foreign capital actually used",
    ),
    "import and export value": (
        "foreign trade", r"(?:total )?value of imports and exports", "imports and exports", "total trade",
    ),
    "consumer price index": ("consumer prices", "cpi"),
    "retail sales of consumer goods": ("total retail sales", "retail sales"),
    "per capita disposable income": (r"(?:per capita )?disposable income", r"income of (?:urban|rural) residents"),
    "electricity consumption": ("power consumption", "electricity use"),
}  # fmt: skip
"""Other names releases give vocabulary metrics (patterns, lower case)."""


def _vocabulary_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in term.split()]
    others = [other.replace(" ", r"\s+") for other in OTHER_NAMES.get(term, ())]  # any white space between words
    pattern = "|".join([r"\s+".join([*words[:-1], words[-1] + "s?"]), *others])
    return re.compile(rf"\b(?:{pattern})\b", re.I)


def vocabulary_term(metric: str | None, clause: str = "") -> str | None:
    """``metric`` as the vocabulary names it.

    When it is another name of a term (``gross domestic product``), or the words of a term's name
    that ``clause`` states (``added value`` where the clause says ``the added value of industries``).
    """
    if not metric or metric.lower() in METRIC_VOCABULARY:
        return metric
    for term, pattern in _STATED.items():
        if pattern.fullmatch(metric.strip()):
            return term
        named = " ".join(metric.lower().split())
        if len(named.split()) > 1 and any(
            named in " ".join(m.group().lower().split()) for m in pattern.finditer(clause)
        ):
            return term
    return metric


def stated_term(before: str, other_than: str = "") -> str | None:
    """The last vocabulary metric (by any of its names) stated in ``before``, ``other_than`` aside."""
    stated = [
        (match.end(), term)
        for term, pattern in _STATED.items()
        if term != other_than
        for match in pattern.finditer(before)
    ]
    return max(stated)[1] if stated else None


_STATED = {term: _vocabulary_pattern(term) for term in METRIC_VOCABULARY if term not in COUNTED_METRICS}


def stated_metric(metric: str | None, before: str, other_than: str = "") -> str | None:
    """The vocabulary metric the sentence states before the figure, over another one the model chose.

    ``industrial investment rose 8.9%`` is industrial investment even when the model answers fixed
    asset investment; a model's term that the sentence does state, or one outside the vocabulary,
    is kept.
    """
    if metric and (metric.lower() not in _STATED or _STATED[metric.lower()].search(before)):
        return metric
    if not metric and not other_than:
        return metric
    return stated_term(before, other_than) or metric


_WHOLE_AFTER = re.compile(
    r"^\s*(?:%|percent|per cent)?\s+of\s+(?:the\s+)?(?:[\w’']+['’]s\s+)?(?:total\s+|overall\s+|whole\s+)?"
    r"(?P<whole>[a-z][a-z -]{2,60}?)\s*(?:[,;.]|\band\b|$)",
    re.I,
)
_WORDS = re.compile(r"[a-z]+")


def is_share_whole(metric: str, after: str) -> bool:
    """Whether ``metric`` names the whole a share is of: ``46.8% of the province's fixed investment``."""
    match = _WHOLE_AFTER.match(after)
    if not match:
        return False
    whole = {w.rstrip("s") for w in _WORDS.findall(match.group("whole").lower())}
    named = {w.rstrip("s") for w in _WORDS.findall(metric.lower())}
    return bool(whole and named) and (whole <= named or named <= whole)


_NAMED_RATE = re.compile(
    r"(?P<rate>(?:[A-Za-z][\w&-]*\s+){0,3}?(?:[a-z]+\s+)?rate)s?\s+(?:is|was|are|were|stands?\s+at|stood\s+at|of|"
    r"reached|hit|at)\s+(?:(?:about|around|nearly|over|more than|less than|under|below|above)\s+)?$",
    re.I,
)
_RATE_HEAD = re.compile(r"\b(?P<head>(?:[a-z]+\s+)?rate)s?\s+(?:is|was|are|were|stands?|stood|reached)\b", re.I)
_LEADING = re.compile(r"^(?:(?:and|or|the|a|an|its|their|our|while|with|whose)\s+)+", re.I)


def named_rate(before: str, item: str | None) -> str | None:
    """A named rate a share states (``the product repair rate is less than 5%``), not a growth rate.

    With a ``respectively`` list item (``A and B penetration rates stand at x% and y%``) the rate is
    the item's: ``A penetration rate``.
    """
    if item:
        match = _RATE_HEAD.search(before)
        head = match.group("head") if match else ""
        own = re.sub(rf"\s*{re.escape(head)}s?$", "", item, flags=re.I)  # "B penetration rates": the head once
        rate = f"{own} {head}" if head else None
    else:
        match = _NAMED_RATE.search(before)
        rate = _LEADING.sub("", match.group("rate")) if match else None
    if not rate or re.search(r"\bgrowth\b", rate, re.I) or len(rate.split()) < 2:
        return None
    return rate.lower()


_PRODUCED = re.compile(r"\b(?:output|production|produced|generation|generated)\b", re.I)
_MADE_WORD = re.compile(r"\s+(?:output|production|generation)$", re.I)


def product_output(metric: str | None, sector: str | None, before: str) -> tuple[str | None, str | None]:
    """A product's amount or growth where the sentence speaks of output: ``product output``, the product its sector.

    ``The output of crude steel stood at 79.09 million tonnes``, ``cement output fell by 1.4%``,
    ``power generation was 692.1 billion kWh``: the model names the product, the contract's metric is
    ``product output`` with the product as sector.
    """
    if not metric or metric.lower() in METRIC_VOCABULARY or not _PRODUCED.search(before):
        return metric, sector
    product = _MADE_WORD.sub("", metric)
    if product.lower() not in before.lower():
        return metric, sector  # the product must be named before the figure
    if _MEASURED.search(product) or _PRODUCED.search(product) or is_generic(metric):
        return metric, sector  # "overall production capacity" measures something else
    return "product output", sector or metric


def is_grounded(metric: str | None, text: str) -> bool:
    """Whether every content word of ``metric`` (its first six letters) is in ``text``."""
    if not metric:
        return False
    text = text.lower()
    words = [w for w in re.findall(r"[a-z]+", metric.lower()) if len(w) > 3]
    return all(w.rstrip("s")[:6] in text for w in words)
