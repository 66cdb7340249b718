"""What an amount of money, mass or energy measures, when the words right around it say.

- ``on-site signings worth 550 million yuan`` -> ``on-site signing value`` (what it is the value of);
- ``increase production by 790,000 tons`` -> ``production increase`` (the change, not the production);
- ``910 million yuan in special loans`` -> ``special loans``, and ``an annual output of 1.6 million tons``
  -> ``annual output``: these two only stand in for a model's metric that names nothing in the sentence
  (``growth rate`` for an amount of money, ``output value`` where the text says output).
"""

from __future__ import annotations

import re

from extractor.counted import MAX_OBJECT_WORDS
from extractor.gazetteer import find_places
from extractor.numerals import singular
from extractor.words import AMOUNT_UNITS

_BOUND = r"(?:(?:about|around|nearly|over|more than|approximately|almost|a total of)\s+)?[$¥€]?\s*$"
_WORTH = re.compile(r"(?P<noun>(?:[\w-]+\s+){0,3}?[\w-]+)\s+(?:worth|valued at)\s+" + _BOUND, re.I)
_CHANGED_BY = re.compile(
    r"\b(?P<verb>increase|increased|raise|raised|boost|boosted|cut|reduce|reduced)\s+(?:the\s+|its\s+|their\s+)?"
    r"(?P<noun>[a-z][\w-]*)\s+by\s+" + _BOUND,
    re.I,
)
_OF = re.compile(r"\b(?:a|an|the|its|their)\s+(?P<noun>(?:[a-z][\w-]*\s+){0,3}?[a-z][\w-]*)\s+of\s+" + _BOUND, re.I)
_IN_AFTER = re.compile(
    r"^\s*(?:(?:ten |hundred )?(?:thousand|million|billion|trillion)\s+)?(?:yuan|dollars|us dollars|rmb|tons|tonnes)?"
    r"\s+in\s+(?P<noun>(?:[a-z][\w-]*\s+){0,4}?[a-z][\w-]*?)(?=\s*(?:[,;.]|\band\b|\bto\b|\bfor\b|$))",
    re.I,
)
_NOT_A_METRIC = frozenset("total sum amount value volume number scale figure".split())
_CHANGES = {"increase": "increase", "raise": "increase", "boost": "increase", "cut": "reduction", "reduce": "reduction"}


def amount_metric(unit: str | None, before: str) -> str | None:
    """The metric the words before an amount state outright (``worth``, ``increase X by``), else None."""
    if unit not in AMOUNT_UNITS:
        return None
    if match := _WORTH.search(before):
        noun = re.split(r"\b(?:with|of|the|a|an|in|on|for|and|to)\s+", match.group("noun").lower())[-1].split()
        return " ".join([*noun[:-1], singular(noun[-1]) if noun[-1].endswith("s") else noun[-1], "value"])
    if match := _CHANGED_BY.search(before):
        verb = match.group("verb").lower()
        change = next(name for stem, name in _CHANGES.items() if verb.startswith(stem))
        return f"{match.group('noun').lower()} {change}"
    return None


def stated_noun(unit: str | None, before: str, after: str) -> str | None:
    """The noun phrase an amount is of or in: ``an annual output of 1.6 million tons``, ``9 million yuan in loans``."""
    if unit not in AMOUNT_UNITS:
        return None
    match = _OF.search(before) or _IN_AFTER.match(after)
    if not match:
        return None
    if find_places(match.group("noun")):
        return None  # "invested 83 billion yuan in Shenyang": where, not what
    words = match.group("noun").lower().split()[-MAX_OBJECT_WORDS:]
    return None if not words or words[-1] in _NOT_A_METRIC else " ".join(words)
