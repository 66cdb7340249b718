"""Numbers in the text that look like statistics but were not extracted: reported, not errors."""

from __future__ import annotations

from collections.abc import Iterator

from extractor.checking.evidence import ReleaseEvidence
from extractor.checking.flags import Flag, Severity, make_flag
from extractor.numerals import find_figures


def check_coverage(evidence: ReleaseEvidence) -> Iterator[Flag]:
    """One info flag per numeral the finder takes for a figure that no extracted figure covers."""
    if evidence.text is None:
        return
    taken = [figure.span for figure in evidence.release.figures]
    for numeral in find_figures(evidence.text):
        start, end = numeral.span
        if not any(s < end and start < e for s, e in taken):
            context = evidence.text[max(0, start - 30) : end + 30].replace("\n", " ")
            yield make_flag(
                "not_extracted",
                Severity.INFO,
                f"{numeral.surface!r} looks like a figure but was not extracted: ...{context}...",
                evidence.release.release_id,
                (numeral.span,),
                (numeral.surface,),
            )
