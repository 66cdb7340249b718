"""A reviewer's decision on a flag: accept it as a false alarm, correct a figure, or reject a figure.

Every decision is one transaction: it claims the flag at the version the reviewer saw (and the
figure at its version), applies the change, appends the decision to the audit log and re-checks
the release. When another reviewer got there first, nothing is applied; the attempt is still
appended to the log as a conflict, so that what the reviewer meant is not lost, and they are told.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, cast

from pydantic import ValidationError
from sqlalchemy import CursorResult, Update, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from review.db import take_writer_lock
from review.flag_sync import SyncResult, recheck
from review.forms import describe_errors
from review.models import DecisionRow, FigureRow, FigureState, FlagRow, FlagStatus, ReleaseRow, now
from review.records import assemble, figure_of, figures_for_spans, figures_of
from schemas import Figure


class Action(StrEnum):
    """What a reviewer can do with a flag."""

    ACCEPT = "accept"
    CORRECT = "correct"
    REJECT = "reject"


_STATUS = {Action.ACCEPT: FlagStatus.ACCEPTED, Action.CORRECT: FlagStatus.CORRECTED, Action.REJECT: FlagStatus.REJECTED}


class UnknownFlagError(LookupError):
    """No flag with that id is stored."""


@dataclass(frozen=True)
class DecisionRequest:
    """A decision as the reviewer made it, with the versions of the flag and figure they saw."""

    flag_id: str
    flag_version: int
    action: Action
    reviewer: str
    figure_id: int | None = None
    figure_version: int | None = None
    corrected: dict[str, Any] | None = None
    note: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of a decision: applied (and what the re-check found), refused as stale, or invalid."""

    kind: Literal["applied", "conflict", "invalid"]
    message: str
    decision_id: int | None = None
    errors: tuple[str, ...] = ()
    sync: SyncResult | None = None


class _StaleError(Exception):
    """The flag or figure changed since the reviewer saw it."""


def decide(sessions: sessionmaker[Session], request: DecisionRequest) -> Outcome:
    """Apply ``request`` if the flag and figure are as the reviewer saw them; see the module docstring."""
    reviewer = request.reviewer.strip()
    if not reviewer:
        return Outcome("invalid", "say who you are: a decision is kept with the reviewer's name", errors=("reviewer",))
    try:
        with sessions.begin() as session:
            take_writer_lock(session)  # decisions on one release queue, as on SQLite, instead of deadlocking
            flag = session.get(FlagRow, request.flag_id)
            if flag is None:
                raise UnknownFlagError(request.flag_id)
            before = _snapshot(session, flag)
            problems = _apply(session, flag, request, reviewer)
            if problems:  # found before anything was written
                return Outcome("invalid", "the correction does not fit the contract", errors=tuple(problems))
            session.refresh(flag)
            row = _log(session, flag, request, reviewer, "applied", before, _snapshot(session, flag))
            sync = recheck(session, flag.release_id)
            still_open = session.scalar(
                select(func.count())
                .select_from(FlagRow)
                .where(FlagRow.release_id == flag.release_id, FlagRow.status == FlagStatus.OPEN)
            )
            message = _applied_message(request.action, sync, still_open or 0, flag.id in sync.reopened)
            return Outcome("applied", message, row.id, sync=sync)
    except _StaleError:
        return _record_conflict(sessions, request, reviewer)


def _apply(session: Session, flag: FlagRow, request: DecisionRequest, reviewer: str) -> list[str]:
    """Change the flag and its figures as decided; problems with a correction instead of a change."""
    figures = figures_for_spans(session, flag)
    target = next((f for f in figures if f.id == request.figure_id), None)
    if request.action is not Action.ACCEPT and target is None:
        return ["figure: choose one of the figures this flag names"]
    corrected: dict[str, Any] | None = None
    if request.action is Action.CORRECT and target is not None:
        corrected, problems = _validated(session, target, request.corrected or {})
        if problems:
            return problems
    claim = (
        update(FlagRow)
        .where(FlagRow.id == flag.id, FlagRow.version == request.flag_version, FlagRow.status == FlagStatus.OPEN)
        .values(status=_STATUS[request.action].value, version=FlagRow.version + 1)
        .execution_options(synchronize_session=False)
    )
    if _rows_changed(session, claim) != 1:
        raise _StaleError
    stamp = {"decided_by": reviewer, "decided_at": now()}
    if request.action is Action.ACCEPT:
        for figure in figures:
            if figure.state == FigureState.UNREVIEWED:
                _update_figure(session, figure.id, figure.version, state=FigureState.ACCEPTED.value, **stamp)
        return []
    if target is not None:
        seen = request.figure_version if request.figure_version is not None else target.version
        if request.action is Action.CORRECT:
            _update_figure(session, target.id, seen, state=FigureState.CORRECTED.value, data=corrected, **stamp)
        else:
            _update_figure(session, target.id, seen, state=FigureState.REJECTED.value, **stamp)
    return []


def _update_figure(session: Session, figure_id: int, seen_version: int, **values: Any) -> None:
    change = (
        update(FigureRow)
        .where(FigureRow.id == figure_id, FigureRow.version == seen_version)
        .values(version=FigureRow.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if _rows_changed(session, change) != 1:
        raise _StaleError


def _rows_changed(session: Session, statement: Update) -> int:
    """How many rows an UPDATE matched: 0 when the version it names is no longer the stored one."""
    return cast(CursorResult[Any], session.execute(statement)).rowcount


def _validated(session: Session, target: FigureRow, record: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The corrected record as stored JSON, once the contract accepts it in its release; else the problems."""
    release = session.get_one(ReleaseRow, target.release_id)
    others = [row for row in figures_of(session, release.id) if row.id != target.id]
    try:
        figure = Figure.model_validate(record, context={"text": release.text} if release.text is not None else {})
        if any(tuple(row.data["span"]) == figure.span for row in others):
            return {}, [f"span: another figure of this release already has span {list(figure.span)}"]
        kept = [figure_of(row) for row in others if row.state != FigureState.REJECTED]
        assemble(release, [*kept, figure], release.text)
    except ValidationError as exc:
        return {}, describe_errors(exc)
    return figure.model_dump(mode="json"), []


def _snapshot(session: Session, flag: FlagRow) -> dict[str, Any]:
    figures = figures_for_spans(session, flag)
    for figure in figures:
        session.refresh(figure)
    return {
        "flag": {"status": flag.status, "version": flag.version},
        "figures": [{"id": f.id, "state": f.state, "version": f.version, "record": f.data} for f in figures],
    }


def _log(
    session: Session, flag: FlagRow, request: DecisionRequest, reviewer: str, outcome: str,
    before: dict[str, Any], after: dict[str, Any],
) -> DecisionRow:  # fmt: skip
    row = DecisionRow(
        reviewer=reviewer, action=request.action.value, outcome=outcome, release_id=flag.release_id,
        flag_id=flag.id, figure_id=request.figure_id, seen_version=request.flag_version,
        before=before, after=after, note=request.note or None,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def _record_conflict(sessions: sessionmaker[Session], request: DecisionRequest, reviewer: str) -> Outcome:
    """Keep the refused attempt in the log and say who decided first."""
    with sessions.begin() as session:
        flag = session.get_one(FlagRow, request.flag_id)
        current = _snapshot(session, flag)
        attempt = {"action": request.action.value, "figure_id": request.figure_id, "record": request.corrected}
        row = _log(session, flag, request, reviewer, "conflict", current, attempt)
        first = session.scalars(
            select(DecisionRow)
            .where(DecisionRow.flag_id == flag.id, DecisionRow.outcome == "applied")
            .order_by(DecisionRow.id.desc())
        ).first()
        who = f"{first.reviewer} chose {first.action!r}" if first else "the checker changed it"
        message = (
            f"Not applied: this flag changed while you were looking ({who}; it is now {flag.status}). "
            f"Your {request.action.value} is kept in the audit log as decision #{row.id}; look again and decide anew."
        )
        return Outcome("conflict", message, row.id)


def _applied_message(action: Action, sync: SyncResult, still_open: int, raised_again: bool) -> str:
    done = {Action.ACCEPT: "Accepted as a false alarm", Action.CORRECT: "Corrected", Action.REJECT: "Rejected"}[action]
    changes = []
    if sync.resolved:
        changes.append(f"{len(sync.resolved)} flag(s) resolved")
    if sync.opened or sync.reopened:
        changes.append(f"{len(sync.opened) + len(sync.reopened)} flag(s) raised")
    summary = ", ".join(changes) or "no change in flags"
    if raised_again:
        summary = "the checker still raises this flag, so it is open again; " + summary
    return f"{done}. Re-checked the release: {summary}; {still_open} flag(s) open on it."
