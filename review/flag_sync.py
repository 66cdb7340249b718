"""Keep the stored flags in line with the checker, and run it again on a release after a decision.

A flag keeps the checker's stable id, so raising it again finds the same row. A new flag opens;
an open flag the checker no longer raises is resolved; a flag a reviewer accepted as a false
alarm or rejected stays decided; a flag that was corrected or resolved but is raised again
reopens, since the correction did not settle it.

A re-check takes the release with the releases it is linked to by a cross-release flag, against
every other stored release as already known, and syncs the flags of that group. A new
cross-release flag that belongs to a release outside the group appears when that release is
checked again (``relfig check``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from extractor.checking.checker import check_releases
from extractor.checking.flags import Flag
from review.models import FlagRow, FlagStatus, ReleaseRow, now
from review.records import current_release

_REOPENED_BY_CHECKER = (FlagStatus.CORRECTED, FlagStatus.RESOLVED)


@dataclass(frozen=True)
class SyncResult:
    """What changed: flags opened for the first time, reopened, and resolved; how many are open now."""

    opened: tuple[str, ...] = ()
    reopened: tuple[str, ...] = ()
    resolved: tuple[str, ...] = ()
    still_open: int = 0


def sync_flags(session: Session, release_ids: Collection[str], flags: Sequence[Flag], run_id: int | None) -> SyncResult:
    """Open, update, reopen or resolve the stored flags of ``release_ids`` to match ``flags``."""
    stored = {row.id: row for row in session.scalars(select(FlagRow).where(FlagRow.release_id.in_(list(release_ids))))}
    raised = {flag.id: flag for flag in flags}
    opened, reopened, resolved = [], [], []
    new_rows: list[FlagRow] = []
    moment = now()
    for flag_id, flag in raised.items():
        row = stored.get(flag_id)
        if row is None:
            row = FlagRow(id=flag_id, release_id=flag.release_id, status=FlagStatus.OPEN.value, first_seen=moment)
            session.add(row)
            new_rows.append(row)
            opened.append(flag_id)
        elif row.status in _REOPENED_BY_CHECKER:
            row.status, row.version = FlagStatus.OPEN.value, row.version + 1
            reopened.append(flag_id)
        _describe(row, flag)
        row.last_seen, row.run_id = moment, run_id if run_id is not None else row.run_id
    for flag_id, row in stored.items():
        if flag_id not in raised and row.status == FlagStatus.OPEN:
            row.status, row.version = FlagStatus.RESOLVED.value, row.version + 1
            resolved.append(flag_id)
    session.flush()
    still_open = sum(row.status == FlagStatus.OPEN for row in [*stored.values(), *new_rows])
    return SyncResult(tuple(opened), tuple(reopened), tuple(resolved), still_open)


def _describe(row: FlagRow, flag: Flag) -> None:
    row.check, row.severity, row.message = flag.check, flag.severity.value, flag.message
    row.spans = [list(span) for span in flag.spans]
    row.surfaces = list(flag.surfaces)
    row.formula, row.expected, row.found = flag.formula, flag.expected, flag.found
    row.other_release_id = flag.other_release_id


def linked_releases(session: Session, release_id: str) -> set[str]:
    """``release_id`` and the releases that share a stored flag with it."""
    rows = session.execute(
        select(FlagRow.release_id, FlagRow.other_release_id).where(
            or_(FlagRow.release_id == release_id, FlagRow.other_release_id == release_id)
        )
    ).all()
    linked = {release_id}
    for own, other in rows:
        linked.update(r for r in (own, other) if r is not None)
    return linked


def recheck(session: Session, release_id: str) -> SyncResult:
    """Check ``release_id`` (and its linked releases) as they stand now and sync their flags."""
    group = sorted(linked_releases(session, release_id))
    all_ids = session.scalars(select(ReleaseRow.id)).all()
    rows = session.execute(select(ReleaseRow.id, ReleaseRow.text).where(ReleaseRow.id.in_(group))).all()
    texts: dict[str, str | None] = {rid: text for rid, text in rows}
    items = [(current_release(session, rid), texts.get(rid)) for rid in group]
    known = [current_release(session, rid) for rid in all_ids if rid not in group]
    report = check_releases(items, known=known)
    return sync_flags(session, group, [flag for flag in report.flags if flag.release_id in group], run_id=None)
