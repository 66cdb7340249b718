"""Save a fully reviewed release as a gold sample: ``NAME.txt`` + ``NAME.json``, the pair `relfig eval` scores.

A release is fully reviewed when no error or warning flag is open on it. The gold record is the
release as reviewed (corrections applied, rejected figures left out), validated against its
text; the text is written exactly as stored, so that its SHA-256 is the release id again.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.orm import Session

from extractor.errors import UsageError
from review.models import DecisionRow, FigureState, ReleaseRow
from review.queries import blocking_flags
from review.records import assemble, figure_of, figures_of

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def save_gold(session: Session, release_id: str, directory: Path, reviewer: str, name: str | None = None) -> Path:
    """Write the release's gold pair into ``directory``; the path of the ``.json``. Logged as a decision."""
    release = session.get(ReleaseRow, release_id)
    if release is None:
        raise UsageError(f"no release {release_id!r} in the review store")
    if release.text is None:
        raise UsageError(f"release {release_id} has no stored text; run `relfig check --source DIR` to add it")
    blocking = blocking_flags(session, release_id)
    if blocking:
        raise UsageError(
            f"release {release_id} is not fully reviewed: {len(blocking)} error or warning flag(s) are still open"
        )
    stem = name or f"{release_id}"
    if not _NAME.match(stem):
        raise UsageError(f"{stem!r} is not a sample name: use letters, digits, '_', '-' and '.'")
    kept = [figure_of(row) for row in figures_of(session, release_id) if row.state != FigureState.REJECTED]
    gold = assemble(release, kept, release.text)
    directory.mkdir(parents=True, exist_ok=True)
    text_path, gold_path = directory / f"{stem}.txt", directory / f"{stem}.json"
    # newline="" keeps the text byte for byte, so that the release id of the file is the stored one.
    with text_path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(release.text)
    gold_path.write_text(gold.to_json() + "\n", encoding="utf-8")
    session.add(
        DecisionRow(
            reviewer=reviewer, action="save_gold", outcome="applied", release_id=release_id,
            after={"text": str(text_path), "gold": str(gold_path), "figures": len(gold.figures)},
        )
    )  # fmt: skip
    return gold_path
