"""Run every check on a set of releases and gather one report; the order of figures does not matter."""

from __future__ import annotations

from collections.abc import Sequence

from extractor.checking.against_text import check_against_text
from extractor.checking.arithmetic import (
    check_conversions,
    check_derived,
    check_part_whole,
    check_restated,
    derive_from_differences,
)
from extractor.checking.coverage import check_coverage
from extractor.checking.evidence import gather
from extractor.checking.flags import CheckReport, Flag
from extractor.checking.plausibility import check_plausibility
from schemas import Release


def check_releases(items: Sequence[tuple[Release, str | None]], known: Sequence[Release] = ()) -> CheckReport:
    """Check each release (with its source text when known) and all of them against each other.

    ``known`` are releases extracted earlier (not re-checked) whose figures count as stated
    for the cross-release checks.
    """
    flags: list[Flag] = []
    derived = []
    releases = [release for release, _text in items]
    for release, text in items:
        evidence = gather(release, text)
        flags += check_against_text(evidence)
        flags += check_plausibility(release)
        flags += check_part_whole(evidence)
        flags += check_conversions(evidence)
        flags += check_coverage(evidence)
        derived += derive_from_differences(release)
    everything = [*releases, *(r for r in known if r.release_id not in {x.release_id for x in releases})]
    flags += check_derived(derived, everything)
    flags += check_restated(everything)
    unique = {flag.id: flag for flag in flags}
    ordered = sorted(unique.values(), key=lambda f: (_rank(f), f.release_id, f.spans, f.check))
    return CheckReport(
        flags=tuple(ordered), derived=tuple(sorted(derived, key=lambda d: (d.release_id, d.derived_from)))
    )


def _rank(flag: Flag) -> int:
    return {"error": 0, "warning": 1, "info": 2}[flag.severity.value]
