"""Find every numeral in a release deterministically, with its exact span, and tell figures apart.

Each numeral is returned with what code can know of it (value as written, scale word, unit,
sign from direction words, bound words) and, when it is not a statistical figure (a year, a
date, an ordinal, a name like ``5G``, a phone number, page furniture), the reason why.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from extractor import words as w
from extractor.furniture import furniture_start
from schemas import Bound

_DIGITS = re.compile(r"(?<!\d)(?<!\d\.)(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?")
_NUMBER_WORD = w.NUMBER_WORD_PATTERN
_FRACTION = "|".join(sorted(w.FRACTION_WORDS, key=len, reverse=True))
_WORDS = re.compile(
    rf"\b(?:(?:{_NUMBER_WORD})-(?:{_FRACTION})|(?:{_NUMBER_WORD})(?:-(?:{_NUMBER_WORD}))?)\b",
    re.IGNORECASE,
)
_RANK = re.compile(
    r"\b(?:rank(?:s|ed|ing)?|placed|placing)\s+(?:(?:the|at|in)\s+)?"
    rf"({'|'.join(w.ORDINAL_WORDS)})\b",
    re.IGNORECASE,
)
_SCALE = re.compile(
    r"\s*("
    + "|".join(sorted((re.escape(k) for k in w.SCALE_WORDS if k.isascii()), key=len, reverse=True))
    + r")(?![\w-])|("
    + "|".join(sorted((k for k in w.SCALE_WORDS if not k.isascii()), key=len, reverse=True))
    + ")",
    re.IGNORECASE,
)
_SCALE_LEVEL = re.compile(
    r"^\s*(?:" + "|".join(k for k in w.SCALE_WORDS if k.isascii()) + r")-(?:level|yuan|class|scale)\b",
    re.IGNORECASE,
)
_TIME_UNITS = r"(?:days?|weeks?|months?|quarters?|years?|decades?)"
_PERIOD_WORDS = re.compile(r"\b(?:first|last|past|previous|next|recent|coming|following|initial)\s*$", re.IGNORECASE)
_PLAN_AFTER = re.compile(r"^-\w+\s+(?:plan|action|programme|program|campaign|initiative|strategy)\b", re.I)
_CLAUSE_END = re.compile(
    r"[.;:()\n]|\b(?:with|which|that|to|in|for|from|by|at|on|as|were|was|is|are|has|have|had|will|such)\b"
)
_MONTH_BEFORE = re.compile(rf"\b(?:{w.MONTHS})\.?\s*$", re.IGNORECASE)
_MONTH_AFTER = re.compile(rf"^\s*(?:{w.MONTHS})\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


@dataclass(frozen=True)
class Numeral:
    """A number in the text, what code reads of it, and why it is not a figure if it is not."""

    span: tuple[int, int]
    surface: str
    value: float
    scale: float = 1.0
    unit: str | None = None
    negative: bool = False
    bound: Bound | None = None
    excluded: str | None = None

    @property
    def signed_value(self) -> float:
        """The value signed by the direction words around it."""
        return -self.value if self.negative else self.value

    @property
    def is_figure(self) -> bool:
        """Whether this numeral is a statistical figure to be labelled."""
        return self.excluded is None


def find_numerals(text: str) -> list[Numeral]:
    """Every numeral in ``text`` in order, figures and excluded ones alike."""
    return list(_numerals(text))


@functools.lru_cache(maxsize=32)
def _numerals(text: str) -> tuple[Numeral, ...]:
    # A release is read by extraction, the checker and its coverage check, and by every mutation
    # of the mutation test: the same text, the same (frozen) numerals, found once.
    body_end = furniture_start(text)
    found: list[Numeral] = []
    taken: list[tuple[int, int]] = []
    for match in _RANK.finditer(text):
        start, end = match.span(1)
        found.append(_read(text, start, end, float(w.ORDINAL_WORDS[match.group(1).lower()]), body_end, rank=True))
        taken.append((start, end))
    for match in _DIGITS.finditer(text):
        value = float(match.group().replace(",", ""))
        found.append(_read(text, match.start(), match.end(), value, body_end))
    for match in _WORDS.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        found.append(_read(text, match.start(), match.end(), _word_value(match.group()), body_end))
    return tuple(sorted(found, key=lambda n: n.span))


def find_figures(text: str) -> list[Numeral]:
    """The numerals of ``text`` that are statistical figures."""
    return [n for n in find_numerals(text) if n.is_figure]


def _word_value(surface: str) -> float:
    parts = surface.lower().split("-")
    if len(parts) == 2 and parts[1] in w.FRACTION_WORDS and parts[0] in w.UNITS_WORDS:
        return w.UNITS_WORDS[parts[0]] / w.FRACTION_WORDS[parts[1]]
    return float(sum(w.UNITS_WORDS[p] for p in parts))


def _read(text: str, start: int, end: int, value: float, body_end: int, rank: bool = False) -> Numeral:
    surface = text[start:end]
    before, after = text[max(0, start - 80) : start], text[end : end + 160]
    scale, after_scale = 1.0, after
    if not rank and (scale_match := _SCALE.match(after)) and not after[scale_match.end() :].startswith("-"):
        scale = w.SCALE_WORDS[(scale_match.group(1) or scale_match.group(2)).lower()]
        after_scale = after[scale_match.end() :]
    currency, before_sign = _currency_before(before)
    unit = "rank" if rank else currency or _unit_after(after_scale, surface, text[max(0, start - 300) : start])
    if unit == "percent" and w.RATE_COMPARISON_BEFORE.search(before_sign):
        unit = "percentage_point"  # a difference of two rates written with "%"
    rest = after_scale
    if unit and (unit_match := _unit_match(after_scale)):
        rest = after_scale[unit_match.end() :]
    negative = bool(w.NEGATIVE_AFTER.match(rest)) or (
        bool(w.NEGATIVE_BEFORE.search(before_sign)) and not w.FROM_TO.search(before_sign)
    )
    if unit == "percentage_point" and w.NARROWED_GAP.search(before_sign):
        negative = True  # a gap being narrowed is a shortfall: "the gap narrowed from 2.2 points to 0.8 points"
    bound = next((Bound(b) for pattern, b in w.BOUND_BEFORE if pattern.search(before_sign)), None)
    excluded = None if start < body_end else "page furniture after the article body"
    if excluded is None and _repeated_in_body(text, start, end):
        excluded = "a headline's number that the body states again"
    if excluded is None and not rank:
        excluded = _exclusion(text, start, end, before, after, scale, unit)
    return Numeral(
        span=(start, end), surface=surface, value=value, scale=scale, unit=unit,
        negative=negative, bound=bound, excluded=excluded,
    )  # fmt: skip


def _repeated_in_body(text: str, start: int, end: int) -> bool:
    """Whether the numeral sits in a headline line and the same numeral stands again in the body."""
    if not _is_heading(text, start):
        return False
    surface = text[start:end]
    pattern = re.compile(rf"(?<![\w.,]){re.escape(surface)}(?![\w]|[.,]\d)")
    return any(not _is_heading(text, m.start()) for m in pattern.finditer(text) if m.start() != start)


def _is_heading(text: str, offset: int) -> bool:
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line = text[line_start : line_end if line_end != -1 else len(text)].strip()
    return bool(line) and len(line.split()) <= 25 and not re.search(r"[.!?。！？;:,”\"')]$", line)


def _currency_before(before: str) -> tuple[str | None, str]:
    for sign, unit in w.CURRENCY_BEFORE:
        if before.endswith(sign):
            return unit, before[: -len(sign)]
    return None, before


def _unit_match(after: str) -> re.Match[str] | None:
    for pattern, _unit in w.UNIT_AFTER:
        if match := pattern.match(after):
            return match
    return None


def _unit_after(after: str, surface: str, before: str) -> str | None:
    for pattern, unit in w.UNIT_AFTER:
        if pattern.match(after):
            return unit
    if "-" in surface and surface.split("-")[1].lower() in w.FRACTION_WORDS:
        return "fraction"
    if duration := re.match(rf"^-({_TIME_UNITS})\b", after, re.IGNORECASE):
        return singular(duration.group(1)) if duration.group(1).endswith("s") else duration.group(1).lower()
    return counted_noun(after, before)


def counted_noun(after: str, before: str = "") -> str | None:
    """The singular noun a count counts: ``cities`` in `` key cities grew`` gives ``city``.

    When nothing is counted after the numeral (``out of its 14 cities, 11 grew``), the nearest
    plural noun before it in the same sentence is taken.
    """
    if re.match(r"^\s*of\s+(?:them|these|those)\b", after):  # "28 projects were signed. Nine of them ..."
        counted = list(_COUNTED_BEFORE.finditer(before))
        return _first_plural(counted[-1].group("words").split()[::-1][:1]) if counted else _nearest_plural(before, 12)
    clause = _CLAUSE_END.split(after, maxsplit=1)[0]
    words = _WORD.findall(clause)[:12]
    noun = _with_compound(words, _first_plural(words))
    sentence = re.split(r"[.;:!?\n]", before)[-1]
    if noun in _MEASURE_WORDS:  # "new energy vehicles exceeded 580,000 units": the vehicles are counted
        product = _nearest_plural(re.split(r"[,;]", sentence)[-1], words=8)
        noun = product if product and product not in _AMOUNTS else noun
    if noun is None and re.match(r"^\s*(?:[^\w\s]|\w+ed\b|saw\b|grew\b|rose\b|by\b|$)", after):
        noun = _nearest_plural(sentence, words=8)
    return noun


_MEASURE_WORDS = frozenset({"unit", "set", "piece", "item"})
_COUNTED_BEFORE = re.compile(
    rf"(?:\d[\d,]*|\b(?:{_NUMBER_WORD}))\s+(?P<words>(?:[A-Za-z][\w-]*\s+){{0,3}}?[A-Za-z][\w-]*s)\b", re.I
)
_AMOUNTS = frozenset("sale export import profit revenue earning investment fund loan price".split())
"""Plural nouns of amounts, not of things counted in units (``sales reached 3.2 ten thousand units``)."""


def _nearest_plural(before: str, words: int) -> str | None:
    """The counted noun nearest before, within ``words`` words (``5G base stations ... to 250,000``)."""
    tokens = list(reversed(_WORD.findall(before)))[:words]
    noun = _first_plural(tokens)
    if noun is None:
        return None
    index = next(i for i, token in enumerate(tokens) if _first_plural([token]) == noun)
    return _with_compound(list(reversed(tokens[index : index + 2])), noun)


def _with_compound(words: list[str], noun: str | None) -> str | None:
    """``noun`` with the word before it when the two name the counted thing (``base station``)."""
    if noun is None:
        return None
    index = next((i for i, token in enumerate(words) if _first_plural([token]) == noun), None)
    compound = f"{words[index - 1].lower()} {noun}" if index else None
    return compound if compound in w.COMPOUND_UNITS else noun


def _first_plural(tokens: list[str]) -> str | None:
    for token in tokens:
        lower = token.lower()
        if lower in w.IRREGULAR_SINGULAR:
            return w.IRREGULAR_SINGULAR[lower]
        if len(token) > 2 and token.endswith("s") and lower not in w.NOT_PLURAL and not token.endswith("'s"):
            noun = singular(token)
            return w.SINGULAR_ALIASES.get(noun, noun)
    return None


def singular(noun: str) -> str:
    """A plural English noun in the singular, lower-cased except for acronyms (``SMEs`` -> ``SME``)."""
    if noun[:-1].isupper():
        return noun[:-1]
    noun = noun.lower()
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith(("sses", "ches", "shes", "xes", "zes", "nesses")):
        return noun[:-2]
    if noun.endswith("ses") and noun[:-3].endswith(("ss", "us")):
        return noun[:-2]
    return noun[:-1]


def _exclusion(text: str, start: int, end: int, before: str, after: str, scale: float, unit: str | None) -> str | None:
    """Why the numeral at ``start:end`` is not a figure, or None when it is one."""
    surface = text[start:end]
    prev_char, next_char = text[start - 1 : start], text[end : end + 1]
    if surface[0].isalpha():
        return _word_exclusion(text, start, end, before, after)
    if _is_latin(prev_char) or (_is_latin(next_char) and not _SCALE.match(after) and not _unit_match(after)):
        return "part of a name or code (like 5G, 18th, B2)"
    if (re.match(r"^\s*[-–]\s*\d", after) and not re.match(r"^\s*[-–]\s*\d+(\.\d+)?\s*%", after)) or re.search(
        r"\d\s*[-–]\s*$", before
    ):
        if not _is_year(surface):
            return "part of a phone, licence or registration number"
    if _is_period_reference(before, after):
        return "a period reference (the past 23 years, the first 10 months)"
    if re.match(r"^:\d", after) or re.search(r"\d:$", before):
        return "a time of day"
    if _is_year(surface) and scale == 1.0 and unit not in ("percent", "CNY", "USD", "EUR", "JPY", "tonne"):
        return "a year"
    if _MONTH_BEFORE.search(before) or (_MONTH_AFTER.match(after) and "." not in surface):
        return "a day of a date"
    if re.fullmatch(r"\d{6,}", surface):
        return "a code, postal or registration number"
    if _SCALE_LEVEL.match(after):
        return "a count in a programme's name (4 trillion-level industrial bases)"
    if w.NAME_BEFORE.search(before):
        return "a number in a name, address or list (No. 4, Project 66, top 500)"
    if re.search(r"(?:^|\n)\s*$", before) and re.match(r"^[.)、]\s", after):
        return "list numbering"
    if re.match(r"^(?:st|nd|rd|th)\b", after):
        return "an ordinal"
    return None


def _word_exclusion(text: str, start: int, end: int, before: str, after: str) -> str | None:
    surface = text[start:end]
    lower = surface.lower()
    if "-" in lower and lower.split("-")[1] in w.FRACTION_WORDS:
        return None
    if _inside_quotes(text, start):
        return "part of a quoted name"
    if surface[0].isupper() and not _sentence_start(before):
        return "part of a name (capitalised mid-sentence)"
    if _is_period_reference(before, after):
        return "a period reference (the first three quarters, the previous two months)"
    if _SCALE_LEVEL.match(after):
        return "a count in a programme's name (four trillion-yuan industrial bases)"
    if re.match(rf"^-{_TIME_UNITS}\b", after, re.IGNORECASE) and not _PLAN_AFTER.match(after):
        return None  # a duration: "the four-day trip"
    if re.match(r"^-\w", after):
        return "part of a compound word (four-seat, the three-year action)"
    if lower == "one" or lower == "hundred" or lower == "dozen":
        return "'one' as a pronoun or article"
    if re.search(r"\b(?:the|these|those|its|their|our|all)\s+$", before, re.IGNORECASE) and not _stated_before(
        text, start, end
    ):
        return "a reference to a group named elsewhere (the three industries)"
    if re.match(r"^\s+(?:major|main|big|great|leading)\b", after, re.IGNORECASE):
        return "a category name (five major industries)"
    if re.match(r"^\s+(?:of\s+(?:the|them|these|its|our)\b|times\b)", after, re.IGNORECASE) and lower in ("one", "two"):
        return "a pronoun use (one of the)"
    return None


def _stated_before(text: str, start: int, end: int) -> bool:
    """Whether "N nouns" (this numeral and the word after it) was already stated earlier in the text."""
    noun = re.match(r"\s+[\w-]+", text[end : end + 40])
    if noun is None:
        return False
    phrase = re.escape(text[start:end]) + r"(?:\s+[\w-]+){0,2}?" + re.escape(noun.group())
    return re.search(phrase, text[:start], re.IGNORECASE) is not None


def _is_period_reference(before: str, after: str) -> bool:
    return bool(_PERIOD_WORDS.search(before)) and bool(re.match(rf"^\s+{_TIME_UNITS}\b", after, re.IGNORECASE))


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _is_year(surface: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d\d", surface))


def _sentence_start(before: str) -> bool:
    return not before.strip() or bool(re.search(r"(?:[.!?:;\n]|^)\s*[“\"']?\s*$", before))


def _inside_quotes(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    head = text[line_start:start]
    return head.count("“") > head.count("”") or head.count('"') % 2 == 1
