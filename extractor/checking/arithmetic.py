"""Checks between figures: "N of M", differences, restatements, currency conversions.

"N of M" against a share stated beside it, a difference against the figure it implies, the same
figure stated twice, and currency conversions stated side by side.

Tolerances come from the printed precision: ``77.5`` may hide ±0.05, ``13`` ±0.5.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence

from extractor.checking.evidence import ReleaseEvidence, half_unit
from extractor.checking.flags import DerivedFigure, Flag, Severity, make_flag
from extractor.checking.plausibility import is_count
from schemas import Figure, Measure, Release

# Whole before part: "out of Liaoning's 14 cities, 11 grew", "Among the 40 major industries, 31 grew".
_WHOLE_FIRST = re.compile(r"\b(?:out of|among|of the|of all)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,2}$", re.IGNORECASE)
_PART_OF = re.compile(r"^\s+(?:out\s+)?of\s+(?:the|its|all|their)?\s*(?:[\w’'-]+\s+){0,2}$", re.IGNORECASE)
# Units per unit of the other currency: a generous band around every rate since 2005.
_RATES = {
    ("CNY", "USD"): (5.5, 8.8),
    ("CNY", "EUR"): (6.0, 11.0),
    ("JPY", "CNY"): (11.0, 24.0),
    ("CNY", "JPY"): (0.04, 0.09),
}


def check_part_whole(evidence: ReleaseEvidence) -> Iterator[Flag]:
    """A part larger than its whole, and "N of M" against a share stated in the same sentence."""
    text = evidence.text
    if text is None:
        return
    release_id = evidence.release.release_id
    for part, whole, sentence in _part_whole_pairs(evidence):
        if part.quantity > whole.quantity:
            yield make_flag(
                "part_within_whole",
                Severity.ERROR,
                f"{part.surface} of {whole.surface}: the part is larger than the whole",
                release_id,
                (part.span, whole.span),
                (part.surface, whole.surface),
                formula="N <= M",
                expected=whole.quantity,
                found=part.quantity,
            )
            continue
        for share in _shares_after(evidence, part, sentence):
            expected = 100.0 * part.quantity / whole.quantity
            tolerance = half_unit(share.surface) + 1e-9
            if abs(expected - share.quantity) > tolerance:
                yield make_flag(
                    "share_matches_counts",
                    Severity.ERROR,
                    f"{part.surface} of {whole.surface} is {expected:.2f}%, but the share stated is {share.surface}%",
                    release_id,
                    (part.span, whole.span, share.span),
                    (part.surface, whole.surface, share.surface),
                    formula=f"{part.surface} / {whole.surface} x 100 = {expected:.2f} (±{tolerance:g})",
                    expected=expected,
                    found=share.quantity,
                )


def derive_from_differences(release: Release) -> list[DerivedFigure]:
    """The figures each difference implies: ``r - d`` with the base's region, period, metric, sector."""
    by_span = {f.span: f for f in release.figures}
    derived = []
    for figure in release.figures:
        if figure.measure is not Measure.DIFFERENCE or figure.refers_to is None or figure.compared_to is None:
            continue  # without compared_to the base would be the figure itself: nothing to derive
        base = by_span.get(figure.refers_to)
        if base is None or (base.unit not in ("percent", "percentage_point") and base.unit != figure.unit):
            continue
        compared = figure.compared_to
        metric = base.metric
        if compared and compared.metric:
            metric = compared.metric.removesuffix(" growth") if base.measure is Measure.GROWTH else compared.metric
        fields = compared.model_fields_set if compared else set()
        derived.append(
            DerivedFigure(
                release_id=release.release_id,
                derived_from=(base.span, figure.span),
                formula=f"{base.surface} - ({figure.value:g}) = {base.value - figure.value:g}",
                value=base.value - figure.value,
                tolerance=half_unit(base.surface) + half_unit(figure.surface),
                unit=base.unit,
                measure=base.measure.value,
                metric=metric,
                region=(compared.region if compared and compared.region else base.region),
                sector=(compared.sector if "sector" in fields and compared else base.sector),
                period_start=(compared.period_start if compared and compared.period_start else base.period_start),
                period_end=(compared.period_end if compared and compared.period_end else base.period_end),
            )
        )
    return derived


def check_derived(derived: Sequence[DerivedFigure], releases: Sequence[Release]) -> Iterator[Flag]:
    """Each implied figure against any figure stated for the same metric, region, sector and period."""
    stated = _index(releases)
    for item in derived:
        key = (
            _norm(item.metric),
            _norm(item.region),
            _norm(item.sector),
            item.period_start,
            item.period_end,
            item.measure,
            item.unit,
        )
        for release_id, figure in stated.get(key, []):
            if figure.span in item.derived_from and release_id == item.release_id:
                continue
            gap = abs(figure.value - item.value)
            tolerance = item.tolerance + half_unit(figure.surface) + 1e-9
            consistent = gap <= tolerance
            where = "" if release_id == item.release_id else f" in release {release_id}"
            yield make_flag(
                "difference_matches_stated",
                Severity.INFO if consistent else Severity.ERROR,
                (
                    f"consistent: the difference implies {item.value:g} for {item.metric} "
                    f"({item.period_start}..{item.period_end}), stated as {figure.surface}{where}"
                )
                if consistent
                else (
                    f"the difference implies {item.value:g} for {item.metric} ({item.region}, {item.period_start}.."
                    f"{item.period_end}), but {figure.surface} is stated{where}"
                ),
                item.release_id,
                item.derived_from,
                (),
                formula=f"{item.formula} vs {figure.surface} (±{tolerance:.3g})",
                expected=item.value,
                found=figure.value,
                other_release_id=None if release_id == item.release_id else release_id,
            )


def check_restated(releases: Sequence[Release]) -> Iterator[Flag]:
    """The same figure (metric, region, sector, entity, period, measure, unit, bound) stated with two values."""
    groups: dict[tuple[object, ...], list[tuple[str, Figure]]] = defaultdict(list)
    for release in releases:
        for figure in release.figures:
            if figure.period_start is None:
                continue  # without a period, two statements need not be about the same thing
            groups[_identity(figure)].append((release.release_id, figure))
    for group in groups.values():
        members = sorted(group, key=lambda member: (member[0], member[1].span))
        first_id, first = members[0]
        for release_id, other in members[1:]:
            tolerance = half_unit(first.surface) * first.scale + half_unit(other.surface) * other.scale + 1e-9
            if abs(first.quantity - other.quantity) <= tolerance:
                continue
            across = release_id != first_id
            yield make_flag(
                "restated_consistently",
                Severity.ERROR if across else Severity.WARNING,
                f"{first.metric} ({first.region}, {first.period_start}..{first.period_end}) is stated as "
                f"{first.surface} and as {other.surface}" + (f" in release {release_id}" if across else ""),
                first_id,
                (first.span, other.span),
                (first.surface, other.surface),
                formula=f"{first.quantity:g} == {other.quantity:g}",
                expected=first.quantity,
                found=other.quantity,
                other_release_id=release_id if across else None,
            )


def check_conversions(evidence: ReleaseEvidence) -> Iterator[Flag]:
    """``481.5 billion yuan (approximately $66 billion)``: the rate between the two within a plausible band."""
    text = evidence.text
    if text is None:
        return
    figures = [item.figure for item in evidence.figures]
    for first, second in itertools.pairwise(figures):
        between = text[first.span[1] : second.span[0]]
        band = _RATES.get((first.unit, second.unit))
        if band is None or "(" not in between or len(between) > 40 or second.quantity == 0:
            continue
        rate = first.quantity / second.quantity
        if not band[0] <= rate <= band[1]:
            yield make_flag(
                "conversion_plausible",
                Severity.ERROR,
                f"{first.surface} {first.unit} against {second.surface} {second.unit} is a rate of {rate:.3g}, "
                f"outside {band[0]}-{band[1]}",
                evidence.release.release_id,
                (first.span, second.span),
                (first.surface, second.surface),
                formula=f"{first.quantity:g} / {second.quantity:g} = {rate:.3g}",
                expected=sum(band) / 2,
                found=rate,
            )


def _part_whole_pairs(evidence: ReleaseEvidence) -> Iterator[tuple[Figure, Figure, str]]:
    text = evidence.text or ""
    counts = [item for item in evidence.figures if is_count(item.figure)]
    for a, b in itertools.pairwise(counts):
        if a.sentence != b.sentence:
            continue
        between = text[a.figure.span[1] : b.figure.span[0]]
        before_a = text[max(0, a.figure.span[0] - 40) : a.figure.span[0]]
        if _PART_OF.match(between):
            yield a.figure, b.figure, a.sentence
        elif _WHOLE_FIRST.search(before_a) and re.fullmatch(r"[^.;]{0,60},\s*", between):
            yield b.figure, a.figure, a.sentence


def _shares_after(evidence: ReleaseEvidence, part: Figure, sentence: str) -> list[Figure]:
    return [
        item.figure
        for item in evidence.figures
        if item.sentence == sentence and item.figure.measure is Measure.SHARE and item.figure.unit == "percent"
        and item.figure.span[0] > part.span[0]
    ]  # fmt: skip


def _identity(figure: Figure) -> tuple[object, ...]:
    compared = figure.compared_to.model_dump_json() if figure.compared_to else None
    return (
        _norm(figure.metric),
        _norm(figure.region),
        _norm(figure.sector),
        _norm(figure.entity),
        figure.period_start,
        figure.period_end,
        figure.measure,
        figure.unit,
        figure.status,
        figure.bound,
        compared,
    )


def _index(releases: Sequence[Release]) -> dict[tuple[object, ...], list[tuple[str, Figure]]]:
    index: dict[tuple[object, ...], list[tuple[str, Figure]]] = defaultdict(list)
    for release in releases:
        for figure in release.figures:
            if figure.compared_to is None and figure.bound is None:
                key = (
                    _norm(figure.metric),
                    _norm(figure.region),
                    _norm(figure.sector),
                    figure.period_start,
                    figure.period_end,
                    figure.measure.value,
                    figure.unit,
                )
                index[key].append((release.release_id, figure))
    return index


def _norm(text: str | None) -> str | None:
    return " ".join(text.lower().split()) if text else None
