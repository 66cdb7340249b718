"""Fields code reads from the words around a figure: status, a national region, and what a base phrase means."""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.gazetteer import NATIONAL_WORDS, PROVINCES, find_places
from extractor.periods import find_period_phrases, year_before
from extractor.words import NUMBER_WORD_PATTERN
from schemas import ComparedTo, Measure, Status

_TARGET = re.compile(
    r"\b(?:target(?:s|ed)?|goals?|aims? (?:to|at)|plans? to|strive to|striving to|by the end of|"
    r"agree(?:s|d|ments?)? to|pledged? to|commit(?:s|ted)? to|will|shall)\b",
    re.I,
)
_FORECAST = re.compile(
    r"\b(?:expected to|is expected|are expected|forecast|projected|estimated to|will likely)\b", re.I
)
_COMPARING = re.compile(
    r"\b(?:than|with|outperform\w*|outpac\w*|exceed\w*|surpass\w*|above|below|behind|ahead of|gap with|compared to)\s+"
    r"(?:that of\s+)?(?:the\s+)?(?:national|country|nationwide|china)",
    re.I,
)
_CLAUSE = re.compile(r"[,;:.!?()]|\band\b")
_YEAR_ON_YEAR = re.compile(r"\b(?:year-on-year|same period|a year (?:ago|earlier))\b", re.I)
_BASE_NOISE = re.compile(
    r"^(?:the\s+)?(?:province's\s+|provincial\s+|its\s+|our\s+|province’s\s+)?|\s+(?:level|rate|growth rate)$", re.I
)


_PLANS = re.compile(r"(?<!that )(?<!which )(?<!who )\b(?:plans? to|aims? to|strives? to|is striving to)\b", re.I)


def status_of(clause: str, sentence: str = "") -> Status:
    """``target`` or ``forecast`` when the clause before the figure says so, else ``actual``.

    A plan its sentence states before the figure governs the whole list it opens (``The province
    plans to build 2,000 ..., cultivate over 500 ...``), unless the plan is a thing's (``projects
    that aim to ...``).
    """
    if _FORECAST.search(clause):
        return Status.FORECAST
    if _TARGET.search(clause) or _PLANS.search(sentence):
        return Status.TARGET
    return Status.ACTUAL


def clause_before(sentence: str, offset: int) -> str:
    """The words of the sentence from the last clause break up to ``offset``."""
    head = sentence[:offset]
    breaks = [m.end() for m in _CLAUSE.finditer(head)]
    return head[breaks[-1] :] if breaks else head


def national_region(sentence: str, offset: int) -> bool:
    """Whether the figure is a national one: a national word in its own clause, not in a comparison."""
    clause = clause_before(sentence, offset)
    return bool(NATIONAL_WORDS.search(clause)) and not _COMPARING.search(clause)


def compared_to_from_base(
    base: str | None,
    region: str,
    period: tuple[str | None, str | None],
    year: int | None,
    growth: bool,
) -> ComparedTo | None:
    """What a base phrase the model gave (``national level``, ``2023``, ``fixed asset investment``) means."""
    if not base or not base.strip():
        return None
    text = " ".join(base.split())
    if NATIONAL_WORDS.search(text) or re.search(r"\b(?:china|country)\b", text, re.I):
        return ComparedTo(region="China") if region != "China" else None
    for name, pattern in PROVINCES.items():
        if pattern.search(text) and name != region:
            return ComparedTo(region=name)
    if _YEAR_ON_YEAR.search(text) and period[0] and period[1]:
        shifted = (year_before(period[0]), year_before(period[1]))
        return ComparedTo(period_start=shifted[0], period_end=shifted[1])
    phrases = find_period_phrases(f"in {text}" if re.fullmatch(r"(?:19|20)\d\d", text) else text)
    if phrases and (resolved := phrases[0].resolve(year)) and resolved != period:
        return ComparedTo(period_start=resolved[0], period_end=resolved[1])
    metric = _BASE_NOISE.sub("", text.lower()).strip()
    if not metric:
        return None
    if growth and not metric.endswith("growth"):
        metric = f"{metric} growth"
    return ComparedTo(metric=metric)


_UNIT_AFTER = r"\s*(?:%|percent(?:age points?)?|per cent|points?|pp|times|-?fold)?"
_GROWTH_AFTER = re.compile(
    _UNIT_AFTER + r"\s*(?:year[- ]on[- ]year|yoy|month[- ]on[- ]month|over the (?:same|previous) period)", re.I
)
_YEAR_ON_YEAR_AFTER = re.compile(_UNIT_AFTER + r"\s*year[- ]on[- ]year", re.I)
_SHARE_AFTER = re.compile(_UNIT_AFTER + r"\s*(?:of (?:the|all|total|its|their)\b|of [a-z' ]*total\b)", re.I)
_GROWTH_RATE = re.compile(r"\b(?:growth rate|rate of (?:increase|growth|decrease|decline))\b", re.I)
_SHARE_WORDS = re.compile(
    r"\b(?:account(?:s|ed|ing)? for|share|proportion|ratio|rates?|percentage|utili[sz]ation|coverage|penetration|"
    r"efficiency)\b",
    re.I,
)
_GROWTH_WORDS = re.compile(
    r"\b(?:increas\w*|grow\w*|grew|growth|rise|rises|rising|rose|up|down|declin\w*|decreas\w*|fell|fall\w*|"
    r"drop\w*|expand\w*|expansion|contract\w*|surg\w*|jump\w*|climb\w*)\b",
    re.I,
)
_GAP_BASE_AFTER = re.compile(
    _UNIT_AFTER + r"\s*(?:higher|lower|more|less|faster|slower|above|below|ahead|behind|up|down)?\s*"
    r"(?:than|over|from|of|compared (?:with|to))\s+(?:that (?:of|in)\s+)?(?P<base>[^,;:.()]{2,80})",
    re.I,
)
_GAP_BASE_BEFORE = re.compile(
    r"(?:surpass\w*|exceed\w*|outpac\w*|outperform\w*|higher than|lower than|faster than|slower than|above|below|"
    r"ahead of|compared (?:with|to))\s+(?:that of\s+)?(?P<base>[^,;:.()]{2,80}?)\s+by\s*$",
    re.I,
)


def rate_measure(sentence: str, start: int, end: int) -> Measure | None:
    """``growth`` or ``share`` when the words around a percent say which, else None (the model decides).

    After the number: ``year-on-year`` means a change, ``of the total`` a part of a whole. Before it, in
    its clause: a growth rate is a change; ``accounting for``, ``share``, ``rate`` a share; ``increased by``,
    or a bare ``by`` (``the petrochemical industry by 4.9%``), a change. Both or neither: None.
    """
    after = sentence[end : end + 80]
    if _GROWTH_AFTER.match(after):
        return Measure.GROWTH
    if _SHARE_AFTER.match(after):
        return Measure.SHARE
    clause = clause_before(sentence, start)
    if _GROWTH_RATE.search(clause):
        return Measure.GROWTH
    share = bool(_SHARE_WORDS.search(clause))
    growth = bool(_GROWTH_WORDS.search(clause) or re.search(r"\bby\s*$", clause))
    if not share and not growth:  # "rates stand at 55.2% and 73.8%": the words before the first one
        clause = re.split(r"[,;:!?()]|\.(?!\d)", sentence[:start])[-1]
        share = bool(_SHARE_WORDS.search(clause))
        growth = bool(_GROWTH_WORDS.search(clause))
    if share != growth:
        return Measure.SHARE if share else Measure.GROWTH
    return None


def gap_base(sentence: str, start: int, end: int) -> str | None:
    """What a difference is measured against, when the text says (``higher than the national level``)."""
    after = sentence[end : end + 120]
    if match := _GAP_BASE_AFTER.match(after):
        return match.group("base").strip()
    if _YEAR_ON_YEAR_AFTER.match(after):
        return "year-on-year"
    if match := _GAP_BASE_BEFORE.search(sentence[max(0, start - 120) : start]):
        return match.group("base").strip()
    return None


_CAPITALISED = re.compile(r"(?<![\w'’&-])[A-Z][\w&'’-]*")
_NOT_NAMES = frozenset(
    (
        "The A An In On Of For From With By At As To And Or But If This These That Those It Its Their Our We "
        "They There Here Among Since During After Before Over Under Between Through Meanwhile Moreover Also "
        "Overall Including In Besides Furthermore However Currently Now Last Next First Second Third "
        "China Chinese Province Provincial City Municipal National GDP CPI PPI PMI SME SMEs R&D 5G Q1 Q2 Q3 Q4 "
        "January February March April May June July August September October November December"
    ).split()
)


def may_name_an_entity(text: str) -> bool:
    """Whether ``text`` has a capitalised word that could name an organisation.

    Places (provinces and cities), months and sentence openers do not count; without such a word the model is not asked
    for an entity.
    """
    places = [(place.start, place.end) for place in find_places(text)]
    for match in _CAPITALISED.finditer(text):
        word = match.group().rstrip("'’s").rstrip("'’")
        opener = not text[: match.start()].strip(" \"“'‘")
        if opener or word in _NOT_NAMES or NATIONAL_WORDS.fullmatch(word):
            continue
        if any(start <= match.start() < end for start, end in places):
            continue
        return True
    return False


_TOTAL_BEFORE = re.compile(r"\b(?:of the|out of(?: [\w’']+['’]s)?|among the)\s+$", re.I)
_ABOVE_NATIONAL = re.compile(
    r"\b(?:outperform\w*|outpac\w*|exceed\w*|surpass\w*|above|higher than|faster than)\b.*?"
    r"\b(?:(?P<national>national|country|nationwide|china)|(?P<provincial>provincial|province['’]s))\b",
    re.I,
)
_NEXT_COUNT = re.compile(rf",(?=\s*(?:\w+\s+){{0,2}}(?:\d|(?:{NUMBER_WORD_PATTERN})\b))", re.I)
"""A comma before the next count: where a counted group's clause ends."""
_GREW = re.compile(r"\b(?:grow\w*|grew|growth|increas\w*|rose|rise|rising|(?<!-)up)\b", re.I)
GROUP_METRICS = {
    "city": ("cities", "cities with positive growth"),
    "industry": ("industries", "industries with growth"),
}
"""Counted groups whose members' growth the releases count: the whole, and those that grew."""


def group_metric(unit: str | None, sentence: str, start: int, end: int) -> str | None:
    """The metric of a count of cities or industries, read from its clause, else None.

    ``13 cities experiencing positive growth`` -> ``cities with positive growth``; ``8 cities
    outperformed the national average`` -> ``cities with growth above the national average``;
    ``13 of the 14 cities`` -> the 14 are ``cities``.
    """
    if unit not in GROUP_METRICS:
        return None
    whole, grew = GROUP_METRICS[unit]
    if _TOTAL_BEFORE.search(sentence[max(0, start - 30) : start]):
        return whole
    after = _NEXT_COUNT.split(re.split(r"[;.]\s", sentence[end:], maxsplit=1)[0], maxsplit=1)[0]
    if unit == "city" and (above := _ABOVE_NATIONAL.search(after)):
        return f"cities with growth above the {'national' if above.group('national') else 'provincial'} average"
    if not _GREW.search(after):
        return whole
    if kind := _KIND_OF_GROWTH.search(after):  # "3 cities achieved double-digit growth"
        grew = re.sub(r" with (?:positive )?growth", f" with {kind.group(1).lower()} growth", grew)
    if measured := _MEASURED_OF.search(sentence[max(0, start - 40) : start]):
        grew = grew.replace(
            " with ", f" with {measured.group(1).lower().rstrip('s')} "
        )  # "the profits of 25 industries grew"
    if (threshold := _THRESHOLD.search(after)) and not re.search(r"\d", after[: threshold.start()]):
        grew += f" over {threshold.group(1)}%"  # "15 industries grew by more than 20%"
    return grew


_KIND_OF_GROWTH = re.compile(r"\b(double-digit|double digit|negative|rapid|positive)\s+growth\b", re.I)
_MEASURED_OF = re.compile(r"\b(profits?|revenues?|output|exports|investment)\s+of\s+$", re.I)
_THRESHOLD = re.compile(
    r"\b(?:by\s+)?(?:more than|over|above|exceeding|at least)\s+(\d+(?:\.\d+)?)\s*(?:%|percent)", re.I
)


_LIST_VERB = (
    r"(?:grew|grow|increased|increase|rose|rise|recorded|saw|achieved|reached|registered|posted|"
    r"fell|declined|decreased|dropped|were|was|are|is|accounted|stood|stand|stands|went up|went down)"
)
_LIST_LEAD = re.compile(r"^.*\b(?:such as|including|namely|of|like)\s+|^(?:the|and)\s+", re.I)


def respective_items(sentence: str, numerals: Sequence[tuple[int, int]]) -> list[str] | None:
    """The items of ``A, B, C and D grew by w%, x%, y% and z% respectively``, one per figure, in order.

    ``numerals`` are the (sentence-relative) spans of the figures the list pairs with: as many as
    the items, with ``respectively`` after the last. Each item is cut to its name (``the four
    major industries of equipment manufacturing`` -> ``equipment manufacturing``).
    """
    count = len(numerals)
    if count < 2 or not re.match(r"[^.;]{0,60}\brespectively\b", sentence[numerals[-1][1] :], re.I):
        return None
    item = r"[A-Za-z][\w’'&-]*(?: [\w’'&-]+){0,6}?"
    pattern = rf"({item}(?:,\s+{item}){{{count - 2}}},?\s+and\s+{item})\s+{_LIST_VERB}\b"
    matches = list(re.finditer(pattern, sentence[: numerals[0][0]], re.I))
    if not matches:
        return None
    items = re.split(r",\s+(?:and\s+)?|\s+and\s+", matches[-1].group(1))
    names = [_LIST_LEAD.sub("", piece).strip() for piece in items]
    return names if len(names) == count and all(names) else None
