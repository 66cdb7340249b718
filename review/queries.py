"""What the review screens show: the queue of open flags, a release with its figures, one flag in context.

Read-only; the web app and the terminal review both use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from review.models import DecisionRow, FigureRow, FigureState, FlagRow, FlagStatus, ReleaseRow
from review.records import figures_for_spans

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
CONTEXT_CHARS = 120


@dataclass(frozen=True)
class QueueFilters:
    """Which open flags the queue shows; ``None`` shows all."""

    release: str | None = None
    check: str | None = None
    severity: str | None = None


def release_label(row: ReleaseRow) -> str:
    """A short name for a release: its title, else its source file's name, else its id."""
    return row.title or row.source_name or row.id


def open_flags(session: Session, filters: QueueFilters = QueueFilters()) -> list[FlagRow]:
    """Open flags, errors first, then by release and position in the text."""
    query = select(FlagRow).where(FlagRow.status == FlagStatus.OPEN)
    if filters.release:
        query = query.where(FlagRow.release_id == filters.release)
    if filters.check:
        query = query.where(FlagRow.check == filters.check)
    if filters.severity:
        query = query.where(FlagRow.severity == filters.severity)
    rows = session.scalars(query).all()
    return sorted(rows, key=lambda r: (SEVERITY_RANK.get(r.severity, 9), r.release_id, r.spans, r.check, r.id))


def filter_choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    """The values each queue filter offers, as (value, label) pairs, from every stored flag."""
    releases = session.scalars(select(ReleaseRow).order_by(ReleaseRow.id)).all()
    checks = sorted(set(session.scalars(select(FlagRow.check))))
    return {
        "release": [(row.id, release_label(row)) for row in releases],
        "check": [(name, name) for name in checks],
        "severity": [(name, name) for name in SEVERITY_RANK],
    }


@dataclass(frozen=True)
class Segment:
    """A piece of release text: plain, or one figure's numeral with the state it is shown in."""

    text: str
    figure: FigureRow | None = None
    state: str = ""
    flag_id: str | None = None


def figure_display_state(figure: FigureRow, open_spans: dict[tuple[int, int], str]) -> str:
    """``rejected``, ``accepted``, ``corrected`` (decided), ``flagged`` (an open flag names it) or ``ok``."""
    if figure.state != FigureState.UNREVIEWED:
        return str(figure.state)
    return "flagged" if tuple(figure.data["span"]) in open_spans else "ok"


def open_flag_spans(session: Session, release_id: str) -> dict[tuple[int, int], str]:
    """Span → id of the most severe open flag that names it, for one release."""
    spans: dict[tuple[int, int], str] = {}
    for flag in open_flags(session, QueueFilters(release=release_id)):
        for span in flag.spans:
            spans.setdefault((span[0], span[1]), flag.id)
    return spans


def highlighted(text: str, figures: list[FigureRow], open_spans: dict[tuple[int, int], str]) -> list[Segment]:
    """The release text cut into plain pieces and figures, each figure with its display state."""
    segments: list[Segment] = []
    cursor = 0
    for figure in sorted(figures, key=lambda row: tuple(row.data["span"])):
        start, end = figure.data["span"]
        if start < cursor or end > len(text):
            continue  # overlapping or out of the text: listed in the table below, not highlighted
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        span = (start, end)
        segments.append(
            Segment(text[start:end], figure, figure_display_state(figure, open_spans), open_spans.get(span))
        )
        cursor = end
    segments.append(Segment(text[cursor:]))
    return segments


@dataclass(frozen=True)
class Excerpt:
    """A flag's span in its sentence: the text before, the numeral, the text after."""

    release_id: str
    before: str
    surface: str
    after: str
    span: tuple[int, int]


@dataclass(frozen=True)
class FlagPage:
    """Everything the flag screen shows."""

    flag: FlagRow
    release: ReleaseRow
    excerpts: list[Excerpt]
    figures: list[FigureRow]
    history: list[DecisionRow]
    position: tuple[int, int] = (0, 0)
    neighbours: tuple[str | None, str | None] = (None, None)


def flag_page(session: Session, flag: FlagRow) -> FlagPage:
    """The flag with its spans in context, the figures it names, and the decisions taken on it."""
    release = session.get_one(ReleaseRow, flag.release_id)
    texts = {release.id: release.text}
    if flag.other_release_id and (other := session.get(ReleaseRow, flag.other_release_id)):
        texts[other.id] = other.text
    excerpts = []
    for index, (start, end) in enumerate(flag.spans):
        owner = flag.release_id if index == 0 or not flag.other_release_id else flag.other_release_id
        text = texts.get(owner) or ""
        if end <= len(text):
            before = text[max(0, start - CONTEXT_CHARS) : start]
            after = text[end : end + CONTEXT_CHARS]
            excerpts.append(Excerpt(owner, before, text[start:end], after, (start, end)))
    history = session.scalars(select(DecisionRow).where(DecisionRow.flag_id == flag.id).order_by(DecisionRow.id)).all()
    queue = [row.id for row in open_flags(session)]
    position = (0, len(queue))
    neighbours: tuple[str | None, str | None] = (queue[0] if queue else None, None)
    if flag.id in queue:
        at = queue.index(flag.id)
        position = (at + 1, len(queue))
        neighbours = (queue[at - 1] if at else None, queue[at + 1] if at + 1 < len(queue) else None)
    return FlagPage(flag, release, excerpts, figures_for_spans(session, flag), list(history), position, neighbours)


def release_history(session: Session, release_id: str) -> list[DecisionRow]:
    """Every decision on a release, newest first."""
    query = select(DecisionRow).where(DecisionRow.release_id == release_id).order_by(DecisionRow.id.desc())
    return list(session.scalars(query))


def release_flags(session: Session, release_id: str) -> list[FlagRow]:
    """Every flag of a release, open ones first."""
    rows = session.scalars(select(FlagRow).where(FlagRow.release_id == release_id)).all()
    return sorted(rows, key=lambda r: (r.status != FlagStatus.OPEN, SEVERITY_RANK.get(r.severity, 9), r.spans))


def blocking_flags(session: Session, release_id: str) -> list[FlagRow]:
    """Open errors and warnings: a release is fully reviewed when there are none."""
    return [flag for flag in open_flags(session, QueueFilters(release=release_id)) if flag.severity != "info"]
