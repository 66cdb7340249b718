"""The checker inside extraction: a figure the checks flag is asked about once more, with the flag.

After the first pass, the release is checked (``extractor.checking``). For each figure that a
check of what the model decides flags (the same metric stated with two values, a sector or
entity the text does not name, a part larger than its whole, a share its counts contradict), the
model is asked again about that figure alone, with the flag's message. The new answer is kept
only when the figure then draws fewer of those flags; what is still flagged stays for review.
At most ``MAX_REPAIRS`` figures a release are asked again, so a bad release cannot double its cost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from extractor.assembly import Span
from extractor.checking.checker import check_releases
from extractor.checking.flags import CheckReport, Severity
from extractor.labelling import AnswerError, Labeller
from extractor.prompting import Label, LabelRequest, Question
from extractor.release_context import ReleaseContext
from extractor.sentences import Sentence
from schemas import Release

MAX_REPAIRS = 8
MODEL_CHECKS = frozenset(
    {"restated_consistently", "sector_named", "entity_named", "part_within_whole", "share_matches_counts"}
)
"""Checks whose flags an answer of the model can cause, so a second answer can clear them."""


@dataclass(frozen=True)
class Asked:
    """Where a figure was asked about: its sentence and its question."""

    sentence: Sentence
    question: Question


def model_flags(report: CheckReport) -> dict[Span, list[str]]:
    """The messages of the model-caused warnings and errors, by the span of each figure they name."""
    flagged: dict[Span, list[str]] = {}
    for flag in report.flags:
        if flag.check in MODEL_CHECKS and flag.severity is not Severity.INFO and flag.other_release_id is None:
            for span in flag.spans:
                flagged.setdefault(span, []).append(flag.message)
    return dict(sorted(flagged.items()))


def repair(
    release: Release,
    text: str,
    context: ReleaseContext,
    asked: Mapping[Span, Asked],
    labels: dict[Span, Label],
    labeller: Labeller,
    assemble_all: Callable[[Mapping[Span, Label]], Release],
) -> Release:
    """``release`` with flagged figures asked again where the new answer draws fewer flags."""
    report = check_releases([(release, text)])
    flagged = model_flags(report)
    for span in [s for s in flagged if s in asked and asked[s].question.keys][:MAX_REPAIRS]:
        before = len(model_flags(report).get(span, []))
        if not before:
            continue  # cleared by an earlier repair
        where = asked[span]
        note = " ".join(dict.fromkeys(flagged[span]))
        request = LabelRequest(context, (where.sentence,), (where.question,), note=note)
        labeller.usage.count(repairs_asked=1)
        try:
            answer = labeller.label(request)
        except AnswerError:
            continue
        trial_labels = {**labels, **answer}
        trial = assemble_all(trial_labels)
        trial_report = check_releases([(trial, text)])
        if len(model_flags(trial_report).get(span, [])) < before:
            labels.update(answer)
            release, report = trial, trial_report
            labeller.usage.count(repairs_kept=1)
    return release
