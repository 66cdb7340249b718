"""Between stored rows and the contract's records: a release as it stands after every decision so far."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from review.models import FigureRow, FigureState, FlagRow, ReleaseRow
from schemas import Figure, Release


def figure_json(figure: Figure) -> dict[str, Any]:
    """A figure as the JSON the store keeps (the contract's field names)."""
    return figure.model_dump(mode="json")


def figure_of(row: FigureRow) -> Figure:
    """The stored figure record as the contract's model."""
    return Figure.model_validate(row.data)


def figures_of(session: Session, release_id: str) -> list[FigureRow]:
    """Every stored figure of a release, rejected ones included, in text order."""
    rows = session.scalars(select(FigureRow).where(FigureRow.release_id == release_id)).all()
    return sorted(rows, key=lambda row: (row.data["span"][0], row.data["span"][1], row.id))


def assemble(row: ReleaseRow, figures: Iterable[Figure], text: str | None = None) -> Release:
    """A Release of ``row``'s metadata and ``figures`` in text order; ``text`` grounds every span.

    A ``refers_to`` whose figure is no longer there (rejected, or its span corrected) is dropped,
    since the contract allows only references to figures of the release.
    """
    ordered = sorted(figures, key=lambda figure: figure.span)
    spans = {figure.span for figure in ordered}
    kept = [
        f if f.refers_to is None or f.refers_to in spans else f.model_copy(update={"refers_to": None}) for f in ordered
    ]
    document = {
        "release_id": row.id,
        "title": row.title,
        "published": row.published,
        "region": row.region,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "figures": [figure_json(figure) for figure in kept],
    }
    return Release.model_validate(document, context={"text": text} if text is not None else {})


def current_release(session: Session, release_id: str) -> Release:
    """The release with its figures as reviewed so far: corrections applied, rejected figures left out."""
    row = session.get_one(ReleaseRow, release_id)
    kept = [figure_of(f) for f in figures_of(session, release_id) if f.state != FigureState.REJECTED]
    return assemble(row, kept)


def figures_for_spans(session: Session, flag: FlagRow, spans: Sequence[Sequence[int]] | None = None) -> list[FigureRow]:
    """The stored figures a flag names, in the order of its spans (cross-release flags: both releases)."""
    wanted = [tuple(span) for span in (spans if spans is not None else flag.spans)]
    candidates = figures_of(session, flag.release_id)
    if flag.other_release_id:
        candidates += figures_of(session, flag.other_release_id)
    found: list[FigureRow] = []
    for span in wanted:
        match = next((row for row in candidates if tuple(row.data["span"]) == span and row not in found), None)
        if match is not None:
            found.append(match)
    return found
