"""Write what `relfig extract` and `relfig check` produced into the store, once per release text.

A release is stored once per text (its id is the text's SHA-256); storing it again updates its
metadata and the figures no reviewer has decided yet, and leaves decided figures alone. Each
call records a run with its backend, model, settings, timing and tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from extractor.checking.flags import CheckReport
from review.db import take_writer_lock
from review.flag_sync import recheck, sync_flags
from review.models import FigureRow, FigureState, ReleaseRow, RunRow, now
from review.records import figure_json, figures_of
from schemas import Release


@dataclass(frozen=True)
class RunInfo:
    """What a run was: which command, which model and settings, how long, how many tokens."""

    kind: str
    backend: str | None = None
    model: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    started_at: datetime = field(default_factory=now)
    seconds: float = 0.0
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


def store_results(
    session: Session,
    items: Sequence[tuple[Release, str | None]],
    report: CheckReport | None,
    run: RunInfo,
    source_names: dict[str, str] | None = None,
) -> int:
    """Store releases (with their texts when known), their figures and the report's flags; the run's id.

    Releases that already carry reviewers' decisions are checked again as they now stand, so
    that their flags describe the reviewed figures rather than the fresh extraction.
    """
    take_writer_lock(session)  # a run stored while reviewers decide queues behind them, instead of deadlocking
    row = RunRow(
        kind=run.kind, backend=run.backend, model=run.model, settings=run.settings, started_at=run.started_at,
        finished_at=now(), seconds=run.seconds, calls=run.calls, prompt_tokens=run.prompt_tokens,
        completion_tokens=run.completion_tokens, releases=len(items),
        figures=sum(len(release.figures) for release, _text in items),
        flags=len(report.flags) if report else 0,
    )  # fmt: skip
    session.add(row)
    session.flush()
    decided: list[str] = []
    for release, text in items:
        _store_release(session, release, text, (source_names or {}).get(release.release_id))
        if _store_figures(session, release, row.id):
            decided.append(release.release_id)
    session.flush()
    if report is not None:
        ids = {release.release_id for release, _text in items}
        sync_flags(session, ids, [flag for flag in report.flags if flag.release_id in ids], row.id)
    for release_id in decided:
        recheck(session, release_id)
    return row.id


def _store_release(session: Session, release: Release, text: str | None, source_name: str | None) -> None:
    row = session.get(ReleaseRow, release.release_id)
    if row is None:
        row = ReleaseRow(id=release.release_id, region=release.region)
        session.add(row)
    if text is not None:
        row.text = text
    row.source_name = source_name or row.source_name
    row.title, row.published, row.region = release.title, release.published, release.region
    row.period_start, row.period_end = release.period_start, release.period_end
    row.updated_at = now()


def _store_figures(session: Session, release: Release, run_id: int) -> bool:
    """Insert new figures, refresh undecided ones, drop undecided ones the run no longer found.

    Returns whether any figure of the release carries a reviewer's decision.
    """
    stored = {(row.span_start, row.span_end): row for row in figures_of(session, release.release_id)}
    incoming = {figure.span: figure for figure in release.figures}
    for span, figure in incoming.items():
        row = stored.get(span)
        if row is None:
            session.add(
                FigureRow(
                    release_id=release.release_id, span_start=span[0], span_end=span[1],
                    data=figure_json(figure), run_id=run_id,
                )
            )  # fmt: skip
        elif row.state == FigureState.UNREVIEWED and row.data != figure_json(figure):
            row.data, row.run_id, row.version = figure_json(figure), run_id, row.version + 1
    for span, row in stored.items():
        if span not in incoming and row.state == FigureState.UNREVIEWED:
            session.delete(row)
    return any(row.state != FigureState.UNREVIEWED for row in stored.values())
