"""Fields code reads from the words around a figure: status, a national region, and what a base phrase means."""

from __future__ import annotations

import re

from extractor.gazetteer import NATIONAL_WORDS, PROVINCES
from extractor.periods import find_period_phrases, year_before
from schemas import ComparedTo, Status

_TARGET = re.compile(
    r"\b(?:target(?:s|ed)?|goals?|aims? (?:to|at)|plans? to|strive to|striving to|by the end of)\b", re.I
)
_FORECAST = re.compile(
    r"\b(?:expected to|is expected|are expected|forecast|projected|estimated to|will likely)\b", re.I
)
_COMPARING = re.compile(
    r"\b(?:than|with|outperform\w*|exceed\w*|surpass\w*|above|below|behind|ahead of|gap with|compared to)\s+"
    r"(?:that of\s+)?(?:the\s+)?(?:national|country|nationwide|china)",
    re.I,
)
_CLAUSE = re.compile(r"[,;:.!?()]|\band\b")
_YEAR_ON_YEAR = re.compile(r"\b(?:year-on-year|same period|a year (?:ago|earlier))\b", re.I)
_BASE_NOISE = re.compile(
    r"^(?:the\s+)?(?:province's\s+|provincial\s+|its\s+|our\s+|province’s\s+)?|\s+(?:level|rate|growth rate)$", re.I
)


def status_of(clause: str) -> Status:
    """``target`` or ``forecast`` when the clause before the figure says so, else ``actual``."""
    if _FORECAST.search(clause):
        return Status.FORECAST
    if _TARGET.search(clause):
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
