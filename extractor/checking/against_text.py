"""Checks of each figure against its own text: value, scale, sign, unit, bound, places, sector, entity, period."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from extractor.checking.evidence import FigureEvidence, ReleaseEvidence
from extractor.checking.flags import Flag, Severity, make_flag
from extractor.gazetteer import NATIONAL_WORDS
from extractor.numerals import singular
from extractor.periods import default_period
from schemas import is_currency

_CONTENT = re.compile(r"[a-z0-9]+")
_STOP = frozenset("the of and in for with a an to by its from on at as other new key".split())
_PERCENT_UNITS = ("percent", "percentage_point")


def check_against_text(evidence: ReleaseEvidence) -> Iterator[Flag]:
    """Every against-the-text flag of a release (nothing when its text is unknown)."""
    if evidence.text is None:
        return
    for item in evidence.figures:
        yield from _value_and_scale(evidence, item)
        yield from _sign(evidence, item)
        yield from _unit(evidence, item)
        yield from _bound(evidence, item)
        yield from _named(evidence, item)
        yield from _period(evidence, item)


def _flag(
    evidence: ReleaseEvidence, item: FigureEvidence, check: str, severity: Severity, message: str, **more: object
) -> Flag:
    figure = item.figure
    return make_flag(check, severity, message, evidence.release.release_id, (figure.span,), (figure.surface,), **more)


def _value_and_scale(evidence: ReleaseEvidence, item: FigureEvidence) -> Iterator[Flag]:
    figure, numeral = item.figure, item.numeral
    if numeral is None:
        yield _flag(
            evidence,
            item,
            "span_is_numeral",
            Severity.ERROR,
            f"the text at {list(figure.span)} is {figure.surface!r}, which code does not read as a number",
        )
        return
    if not math.isclose(abs(figure.value), numeral.value, rel_tol=1e-9):
        yield _flag(
            evidence,
            item,
            "value_matches_text",
            Severity.ERROR,
            f"the text says {figure.surface!r} = {numeral.value:g}, the figure says {figure.value:g}",
            formula="abs(value) == number at span",
            expected=numeral.value,
            found=abs(figure.value),
        )
    if figure.scale != numeral.scale:
        applied_twice = math.isclose(abs(figure.value), numeral.value * numeral.scale, rel_tol=1e-9)
        message = (
            f"the scale word was applied twice: value {figure.value:g} already includes x{numeral.scale:g}"
            if applied_twice
            else f"the scale word after {figure.surface!r} means x{numeral.scale:g}, the figure says x{figure.scale:g}"
        )
        yield _flag(
            evidence,
            item,
            "scale_matches_text",
            Severity.ERROR,
            message,
            formula="scale == scale word after the numeral",
            expected=numeral.scale,
            found=figure.scale,
        )


def _sign(evidence: ReleaseEvidence, item: FigureEvidence) -> Iterator[Flag]:
    figure, numeral = item.figure, item.numeral
    if numeral is None or figure.value == 0:
        return
    if numeral.negative and figure.value > 0:
        yield _flag(
            evidence,
            item,
            "sign_matches_direction",
            Severity.ERROR,
            f"the words around {figure.surface!r} say a decrease or 'lower', but the value is positive",
        )
    elif not numeral.negative and figure.value < 0:
        yield _flag(
            evidence,
            item,
            "sign_matches_direction",
            Severity.WARNING,
            f"{figure.value:g} is negative, but no direction word (fell, lower, narrowed by) stands next to it",
        )


def _unit(evidence: ReleaseEvidence, item: FigureEvidence) -> Iterator[Flag]:
    figure, numeral = item.figure, item.numeral
    if numeral is None or numeral.unit in (None, figure.unit):
        yield from _percent_for_points(evidence, item)
        return
    said = numeral.unit
    if {said, figure.unit} & set(_PERCENT_UNITS) or is_currency(said) or is_currency(figure.unit):
        message = f"the text reads {figure.surface!r} as {said}, the figure says {figure.unit}"
        yield _flag(evidence, item, "unit_matches_text", Severity.ERROR, message)
    elif singular(figure.unit) != singular(said) and figure.unit.split()[-1] != said:
        message = f"the text counts {said!r} after {figure.surface!r}, the figure's unit is {figure.unit!r}"
        yield _flag(evidence, item, "unit_matches_text", Severity.INFO, message)


def _percent_for_points(evidence: ReleaseEvidence, item: FigureEvidence) -> Iterator[Flag]:
    """A difference of rates written with % ("by 0.4%"): read, rightly, as points, and said so."""
    figure = item.figure
    if item.numeral is not None and figure.unit == "percentage_point" and evidence.text is not None:
        if evidence.text[figure.span[1] : figure.span[1] + 1] == "%":
            message = f"'{figure.surface}%' compares two rates, so it is read as percentage points"
            yield _flag(evidence, item, "percent_written_for_points", Severity.WARNING, message)


def _bound(evidence: ReleaseEvidence, item: FigureEvidence) -> Iterator[Flag]:
    figure, numeral = item.figure, item.numeral
    if numeral is not None and numeral.bound != figure.bound:
        said = numeral.bound.value if numeral.bound else "no bound word"
        yield _flag(
            evidence,
            item,
            "bound_matches_text",
            Severity.WARNING,
            f"the text has {said} before {figure.surface!r}, the figure's bound is {figure.bound}",
        )


def _named(evidence: ReleaseEvidence, item: FigureEvidence) -> Iterator[Flag]:
    figure, window = item.figure, item.window
    release = evidence.release
    if not _region_named(figure.region, release.region, window) and figure.region == item.placed:
        yield _flag(
            evidence,
            item,
            "region_named",
            Severity.INFO,
            f"region {figure.region!r} is not named near {figure.surface!r}: the text before places it there "
            "(an organisation based there, referred back to)",
        )
    elif not _region_named(figure.region, release.region, window):
        yield _flag(
            evidence,
            item,
            "region_named",
            Severity.WARNING,
            f"region {figure.region!r} is not named near {figure.surface!r} and is not the release's region",
        )
    if figure.sector and not _tokens_named(figure.sector, window):
        yield _flag(
            evidence,
            item,
            "sector_named",
            Severity.WARNING,
            f"no word of sector {figure.sector!r} stands near {figure.surface!r}",
        )
    if figure.entity and not _tokens_named(figure.entity, evidence.text or ""):
        yield _flag(
            evidence, item, "entity_named", Severity.WARNING, f"entity {figure.entity!r} is not named in the release"
        )


def _period(evidence: ReleaseEvidence, item: FigureEvidence) -> Iterator[Flag]:
    figure = item.figure
    if figure.period_start is None:
        return
    release = evidence.release
    own = (figure.period_start, figure.period_end)
    allowed = set(item.periods)
    start, end = default_period(release.period_start, release.period_end, release.published)
    if start and end:
        allowed.add((start, end))  # the period extraction gives a figure whose sentence names none
    if own in allowed:
        return
    said = ", ".join(f"{a}..{b}" for a, b in sorted(allowed)) or "none"
    yield _flag(
        evidence,
        item,
        "period_matches_text",
        Severity.WARNING,
        f"period {own[0]}..{own[1]} is neither the release's period nor one its sentence names ({said})",
    )


def _region_named(region: str, release_region: str, window: str) -> bool:
    if region.lower() == release_region.lower() or region.lower() in window.lower():
        return True
    if region == "China":
        return bool(NATIONAL_WORDS.search(window)) or "china" in window.lower()
    return all(part.strip().lower() in window.lower() for part in region.split(","))


def _tokens_named(phrase: str, text: str) -> bool:
    wanted = {_stem(t) for t in _CONTENT.findall(phrase.lower())} - _STOP
    present = {_stem(t) for t in _CONTENT.findall(text.lower())}
    return not wanted or bool(wanted & present)


def _stem(token: str) -> str:
    return singular(token) if token.endswith("s") and len(token) > 3 else token
