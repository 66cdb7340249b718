"""Which figures the model is asked about, and which keys each still needs, after code has read the text.

- A difference after a rate in its sentence measures that rate's metric; what it is compared with
  is read from the text (``higher than the national level``), else it is the one key asked.
- A growth rate right after the amount it is the change of (``481.5 billion yuan, up 27.8%``)
  measures the same thing: it is not asked about.
- A rate's measure is read from its words (``year-on-year``, ``accounting for``) when they settle
  it; only a rate they leave open is asked ``measure``. A share is asked its ``base``.
- A count of cities or industries takes its metric from its clause (``13 cities grew``): not asked.
- ``entity`` is asked only when the sentence has a word that could be a name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.cues import gap_base, group_metric, may_name_an_entity, rate_measure
from extractor.numerals import Numeral
from extractor.prompting import Key, Question
from extractor.words import RATE_UNITS
from schemas import Measure


def rate_before(numeral: Numeral, siblings: Sequence[Numeral]) -> Numeral | None:
    """The nearest percent figure before a difference in its sentence: what the difference is from."""
    rates = [n for n in siblings if n.unit == "percent" and n.span[0] < numeral.span[0]]
    return max(rates, key=lambda n: n.span[0]) if rates else None


_SAME_FIGURE_GROWTH = re.compile(
    r"^[^,;:.()]{0,40}(?:\([^()]{0,60}\)|\))?\s*,\s*(?:(?:which|with|and|representing|marking)\s+)?(?:(?:is|was)\s+)?"
    r"(?:an?\s+)?(?:(?:year[- ]on[- ]year|annual|yoy)\s+)?"
    r"(?:up|down|increas(?:e|ed|ing)|grow(?:th|ing)?(?: rate)?|grew|ris(?:e|ing)|rose|"
    r"decreas(?:e|ed|ing)|declin(?:e|ed|ing))"
    r"(?:\s+(?:of|by))?\s*$",
    re.I,
)


def level_before(numeral: Numeral, siblings: Sequence[Numeral], sentence: str, start: int) -> Numeral | None:
    """The amount a growth rate is the change of, when the text says so: ``481.5 billion yuan, up 27.8%``.

    The rate must follow the amount in its sentence with nothing between but the amount's unit and a
    comma-led ``up``, ``an increase of``, ``with a year-on-year increase of``; it then measures the
    same thing and is not asked about.
    """
    if numeral.unit != "percent":
        return None
    before = [n for n in siblings if n.span[1] <= numeral.span[0]]
    if not before or before[-1].unit in RATE_UNITS:
        return None
    level = before[-1]
    between = sentence[level.span[1] - start : numeral.span[0] - start]
    return level if _SAME_FIGURE_GROWTH.match(between) else None


def question_for(numeral: Numeral, siblings: Sequence[Numeral], sentence: str, start: int) -> Question:
    """The keys the model must give for ``numeral`` (none: code knows enough) in its sentence."""
    offsets = (numeral.span[0] - start, numeral.span[1] - start)
    named: tuple[Key, ...] = ("entity",) if may_name_an_entity(sentence) else ()
    keys: tuple[Key, ...] = ("metric", "sector", *named)
    if numeral.unit == "percentage_point":
        known_base = gap_base(sentence, *offsets) is not None
        if rate_before(numeral, siblings) is not None:
            return Question(numeral, () if known_base else ("base",))
        return Question(numeral, keys if known_base else (*keys, "base"))
    if group_metric(numeral.unit, sentence, *offsets):
        return Question(numeral, ())
    if numeral.unit in ("percent", "times"):
        measure = rate_measure(sentence, *offsets)
        if measure is Measure.GROWTH and level_before(numeral, siblings, sentence, start) is not None:
            return Question(numeral, ())
        if measure is Measure.GROWTH:
            return Question(numeral, keys)
        if measure is Measure.SHARE:
            return Question(numeral, (*keys, "base"))
        return Question(numeral, (*keys, "measure", "base"))
    return Question(numeral, keys)
