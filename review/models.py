"""The store's tables: releases, runs, figures, flags and the append-only log of decisions.

A figure is known by the span it was extracted at (``span_start``, ``span_end``); its current
record, corrections included, is the contract's Figure as JSON in ``data``. Flags keep the
checker's stable id. Figures and flags carry a ``version`` that every change raises, so that a
decision made on a stale page is refused instead of overwriting another reviewer's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


class FigureState(StrEnum):
    """What reviewers decided about a figure."""

    UNREVIEWED = "unreviewed"
    ACCEPTED = "accepted"
    CORRECTED = "corrected"
    REJECTED = "rejected"


class FlagStatus(StrEnum):
    """Where a flag stands: open until a reviewer decides or the checker stops raising it."""

    OPEN = "open"
    ACCEPTED = "accepted"
    CORRECTED = "corrected"
    REJECTED = "rejected"
    RESOLVED = "resolved"


class Base(DeclarativeBase):
    """Base of every table."""

    type_annotation_map = {dict[str, Any]: JSON, datetime: DateTime(timezone=True)}  # noqa: RUF012


class ReleaseRow(Base):
    """A release text, once per text (its id is the SHA-256 of the text), and its metadata."""

    __tablename__ = "releases"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    text: Mapped[str | None] = mapped_column(Text)
    source_name: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))
    region: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[str | None] = mapped_column(String(7))
    period_end: Mapped[str | None] = mapped_column(String(7))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class RunRow(Base):
    """One `relfig extract` or `relfig check` run that wrote to the store."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    backend: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(300))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[datetime] = mapped_column(default=now)
    finished_at: Mapped[datetime] = mapped_column(default=now)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    calls: Mapped[int] = mapped_column(default=0)
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    releases: Mapped[int] = mapped_column(default=0)
    figures: Mapped[int] = mapped_column(default=0)
    flags: Mapped[int] = mapped_column(default=0)


class FigureRow(Base):
    """A figure of a release: its current record and what reviewers decided about it."""

    __tablename__ = "figures"
    __table_args__ = (UniqueConstraint("release_id", "span_start", "span_end", name="uq_figures_release_span"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"), index=True)
    span_start: Mapped[int] = mapped_column()
    span_end: Mapped[int] = mapped_column()
    data: Mapped[dict[str, Any]] = mapped_column()
    state: Mapped[str] = mapped_column(String(20), default=FigureState.UNREVIEWED.value)
    version: Mapped[int] = mapped_column(default=1)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column()


class FlagRow(Base):
    """A flag the checker raised, with the checker's stable id, and where it stands."""

    __tablename__ = "flags"
    id: Mapped[str] = mapped_column(String(12), primary_key=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"), index=True)
    check: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    spans: Mapped[list[list[int]]] = mapped_column(JSON)
    surfaces: Mapped[list[str]] = mapped_column(JSON)
    formula: Mapped[str | None] = mapped_column(Text)
    expected: Mapped[float | None] = mapped_column(Float)
    found: Mapped[float | None] = mapped_column(Float)
    other_release_id: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(20), default=FlagStatus.OPEN.value, index=True)
    version: Mapped[int] = mapped_column(default=1)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    first_seen: Mapped[datetime] = mapped_column(default=now)
    last_seen: Mapped[datetime] = mapped_column(default=now)


class DecisionRow(Base):
    """One reviewer's decision, applied or refused, with the record before and after. Never changed."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=now)
    reviewer: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))
    release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"), index=True)
    flag_id: Mapped[str | None] = mapped_column(String(12), index=True)
    figure_id: Mapped[int | None] = mapped_column()
    seen_version: Mapped[int | None] = mapped_column()
    before: Mapped[dict[str, Any] | None] = mapped_column()
    after: Mapped[dict[str, Any] | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a recorded decision."""


def _refuse_change(_mapper: object, _connection: object, target: DecisionRow) -> None:
    raise AppendOnlyError(f"decision {target.id} is part of the audit log and cannot be changed or deleted")


# The database refuses it too (triggers in the first migration); this catches it before SQL is sent.
event.listen(DecisionRow, "before_update", _refuse_change)
event.listen(DecisionRow, "before_delete", _refuse_change)
