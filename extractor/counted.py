"""What a count counts, in the sentence's words: the counted noun and what the sentence says it did.

The contract's counted metrics say which things were counted (``cities with positive growth``), so
a count whose sentence says more than the noun gets it said:

- the noun followed by what the counted things did or had done: ``eight projects securing 910 million
  yuan in special loans`` -> ``projects securing special loans``; ``30 enterprises reached a loan
  intention of 701 million yuan`` -> ``enterprises reached loan intention``; ``two projects to be
  selected as pilot demonstrations`` -> ``projects selected as pilot demonstrations``;
- or the verb the count is the object of: ``completed over 800 research projects`` -> ``projects
  completed``.

A state (``700 enterprises are operating stably``), a verb that only states the number (``reached``,
``totalled``) and anything else leave the metric to the model. Enterprises and projects keep the
vocabulary's word (``3,356 innovative SMEs`` counts ``enterprises``); other nouns keep their
modifier (``19 international media outlets``).
"""

from __future__ import annotations

import re

from extractor.numerals import singular
from extractor.words import MEASURE_UNITS
from schemas import METRIC_VOCABULARY

_WORD = re.compile(r"\b[A-Za-z0-9][\w'’-]*")
_CLAUSE_END = re.compile(r"[,;:!?()]|\.(?!\d)|\band\s+(?=\d|the\b|an?\b)|\b(?:which|that|who|while|making|so as)\b")
_AMOUNT = re.compile(
    r"\b(?:a total of|totall?ing|worth)\s+|(?:about|over|more than|nearly|around)?\s*[$¥€]?\d[\d,.]*\s*%?"
    r"(?:\s*(?:billion|million|trillion|thousand|hundred million|ten thousand))?"
    r"(?:\s*(?:yuan|dollars|us dollars|rmb|tons|tonnes|kwh))?",
    re.I,
)
_EXAMPLES = r"(?:\s+(?:such as|including|like)\s+[A-Z][\w&'’-]*(?:(?:\s+|\s*,\s*|\s+and\s+)[A-Z][\w&'’-]*)*)?"
_ADVERB = r"(?:[a-z]+ly\s+)?"
_VERB_AFTER = re.compile(
    _EXAMPLES
    + r"\s*(?:(?:(?:have|has|had)\s+"
    + _ADVERB
    + r"(?:been\s+)?|(?:were|was|are|is|being)\s+|to\s+be\s+)"
    + _ADVERB
    + r"(?=[a-z]+ed\b))?(?P<verb>[a-z]+(?:ed|ing)|(?:have|has|had|with)(?=\s+(?:a|an|the)\b))\b(?P<object>.*)$",
    re.S,
)
_VERB_BEFORE = re.compile(
    r"\b(?P<verb>[a-z]+ed)\s+(?:(?:over|more than|about|nearly|around|some|another|a total of|up to)\s+)?$"
)
_STATES_A_NUMBER = frozenset(
    "reached totaled totalled exceeded surpassed increased decreased numbered amounted stood hit topped "
    "exceeding reaching totaling totalling".split()
)
_LISTS = frozenset({"included", "including"})
_OBJECT_STOP = frozenset(
    "to by for from of at on into across around worldwide were was are is have has been during within since over "
    "through last this".split()
)
_SKIP = frozenset("a an the in as with its their".split())
MAX_OBJECT_WORDS = 4


def count_metric(unit: str | None, sentence: str, start: int, end: int) -> str | None:
    """The metric of a count of ``unit`` at ``sentence[start:end]`` when its sentence says what was counted."""
    if not unit or unit in _MEASURE_UNITS:
        return None
    noun = _noun_after(unit, sentence[end:])
    if noun is None:
        return None
    head, noun_end = noun
    rest = _CLAUSE_END.split(sentence[end + noun_end :], maxsplit=1)[0]
    if (after := _VERB_AFTER.match(rest)) and not _states_a_number(after.group("verb"), after.group("object")):
        verb = after.group("verb").lower()
        verb = "with" if verb in ("have", "has", "had") else verb  # "264 enterprises have a growth rate over 10%"
        return " ".join([head, verb, *_object_words(after.group("object"))])
    before = _VERB_BEFORE.search(sentence[:start])
    if before and before.group("verb").lower() not in _STATES_A_NUMBER:
        return f"{head} {before.group('verb').lower()}"
    return None


_MEASURE_UNITS = MEASURE_UNITS | {"day", "year", "month"}  # durations are no things counted


def _states_a_number(verb: str, following: str) -> bool:
    """``reached 40``, ``totalled 1.2 billion``: the verb only states an amount."""
    amount = re.match(r"\s*(?:about|over|more than|nearly|around)?\s*[$¥€]?\d", following)
    return verb.lower() in _LISTS or (verb.lower() in _STATES_A_NUMBER and bool(amount))


def counted_noun_phrase(unit: str | None, after: str) -> str | None:
    """The counted noun right after a numeral, as a metric names it (``international media outlets``)."""
    if not unit or unit in _MEASURE_UNITS:
        return None
    noun = _noun_after(unit, after)
    return noun[0] if noun else None


def _noun_after(unit: str, after: str) -> tuple[str, int] | None:
    """The counted noun after the numeral (past ``of the 666``) as the metric names it, and where it ends."""
    last = unit.split()[-1]
    words = list(_WORD.finditer(after[:120]))[:10]
    for index, word in enumerate(words):
        if word.group().lower() == last or not word.group().lower().endswith("s"):
            continue
        if singular(word.group()).lower() != last and not (unit == "enterprise" and word.group() in ("SMEs", "firms")):
            continue
        plural = f"{unit}s"
        if plural in METRIC_VOCABULARY:
            return plural, word.end()
        modifier = words[index - len(unit.split())].group().lower() if index >= len(unit.split()) else ""
        written = " ".join(w.group().lower() for w in words[index - len(unit.split()) + 1 : index + 1])
        if modifier not in _SKIP and modifier not in ("and", "or", "of") and _is_word(modifier):
            written = f"{modifier} {written}"
        return written, word.end()
    return None


def _object_words(text: str) -> list[str]:
    """The content words of what follows the verb, amounts left out, up to a preposition that ends it.

    ``in`` ends it too, except right after an amount (``910 million yuan in special loans``).
    """
    words: list[str] = []
    previous = ""
    for word in _WORD.findall(_AMOUNT.sub(" AMOUNT ", text)):
        lower = word.lower()
        if lower in _OBJECT_STOP or (lower == "in" and previous != "amount"):
            break
        if lower not in _SKIP and lower != "amount" and _is_word(lower):
            words.append(lower)
        if len(words) == MAX_OBJECT_WORDS:
            break
        previous = lower
    return words


def _is_word(token: str) -> bool:
    """A word, not a bare number (``5G`` and ``national-level`` are words)."""
    return bool(token) and not token.replace(",", "").replace(".", "").isdigit() and token.replace("-", "").isalnum()
