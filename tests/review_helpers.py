"""Review test data: the gold samples, one of them with two figures broken so that the checker flags them.

The full-year 2023 release (``000_2b4cc7baf94ce3dc``) with 9.1% read as 9.6 and 3,356 enterprises
read as 33,560 gives two error flags (value_matches_text); its gold labels add one warning (0.4%
read as points) and one note. A review corrects the first, rejects the second and accepts the warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from extractor.checking.checker import check_releases
from review.db import Store
from review.ingest import RunInfo, store_results
from review.models import FigureRow, FlagRow
from schemas import Release

from .conftest import SAMPLE_NAMES, gold_release, sample_text

FULL_YEAR = "000_2b4cc7baf94ce3dc"
FULL_YEAR_ID = "3811fe2bbe3cc10f"


@dataclass(frozen=True)
class Broken:
    """Where the broken figures of the full-year release are, and what the text says."""

    wrong_value_span: tuple[int, int] = (912, 915)  # '9.1', stored as 9.6
    wrong_scale_span: tuple[int, int] = (2304, 2309)  # '3,356', stored as 33560
    points_span: tuple[int, int] = (667, 670)  # '0.4%', a warning on the gold labels


BROKEN = Broken()


def mutated(name: str, changes: dict[tuple[int, int], dict[str, Any]]) -> Release:
    """The gold release of sample ``name`` with the figures at the given spans changed."""
    gold = gold_release(name)
    figures = tuple(f.model_copy(update=changes[f.span]) if f.span in changes else f for f in gold.figures)
    return gold.model_copy(update={"figures": figures})


def broken_full_year() -> Release:
    """The full-year release with 9.1 read as 9.6 and 3,356 as 33,560."""
    return mutated(FULL_YEAR, {BROKEN.wrong_value_span: {"value": 9.6}, BROKEN.wrong_scale_span: {"value": 33560.0}})


def seed(store: Store, items: list[tuple[Release, str | None]], run: RunInfo | None = None) -> int:
    """Check ``items`` and store releases, figures and flags as `relfig check` does; the run id."""
    report = check_releases(items)
    with store.sessions.begin() as session:
        return store_results(session, items, report, run or RunInfo("check"))


def seed_review(store: Store, everything: bool = False) -> None:
    """The broken full-year release (and, with ``everything``, the other four gold samples)."""
    items: list[tuple[Release, str | None]] = [(broken_full_year(), sample_text(FULL_YEAR))]
    if everything:
        items += [(gold_release(name), sample_text(name)) for name in SAMPLE_NAMES if name != FULL_YEAR]
    seed(store, items)


def flag_at(store: Store, check: str, span: tuple[int, int]) -> FlagRow:
    """The stored flag of ``check`` that names ``span`` first."""
    with store.session() as session:
        rows = session.scalars(select(FlagRow).where(FlagRow.check == check)).all()
        return next(row for row in rows if tuple(row.spans[0]) == span)


def figure_at(store: Store, release_id: str, span: tuple[int, int]) -> FigureRow:
    """The stored figure of a release whose identity (extracted span) is ``span``."""
    with store.session() as session:
        return session.scalars(
            select(FigureRow).where(
                FigureRow.release_id == release_id, FigureRow.span_start == span[0], FigureRow.span_end == span[1]
            )
        ).one()
