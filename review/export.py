"""The reviewed figures as one tidy table (a row per figure) in CSV, JSON or Parquet, ready for pandas.

Every stored figure is a row, with its current record (corrections applied) and its decision
state: ``unreviewed``, ``accepted``, ``corrected`` or ``rejected``. Rejected figures stay in the
table so that the decision can be seen; drop them with ``decision != "rejected"``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from review.models import FigureRow, ReleaseRow
from review.queries import open_flag_spans, release_label

FORMATS = ("csv", "json", "parquet")
COLUMNS: tuple[tuple[str, str], ...] = (
    ("release_id", "string"), ("release", "string"), ("span_start", "int64"), ("span_end", "int64"),
    ("surface", "string"), ("metric", "string"), ("measure", "string"), ("value", "float64"),
    ("scale", "float64"), ("quantity", "float64"), ("unit", "string"), ("region", "string"),
    ("sector", "string"), ("entity", "string"), ("period_start", "string"), ("period_end", "string"),
    ("status", "string"), ("bound", "string"), ("decision", "string"), ("open_flag", "bool"),
    ("decided_by", "string"), ("decided_at", "string"),
)  # fmt: skip
"""Column names and types, in order."""


def export_rows(session: Session, release_ids: Sequence[str] = ()) -> list[dict[str, Any]]:
    """One dict per stored figure, in release and text order, optionally of some releases only."""
    query = select(ReleaseRow).order_by(ReleaseRow.id)
    if release_ids:
        query = query.where(ReleaseRow.id.in_(list(release_ids)))
    rows: list[dict[str, Any]] = []
    for release in session.scalars(query):
        flagged = open_flag_spans(session, release.id)
        figures = session.scalars(select(FigureRow).where(FigureRow.release_id == release.id)).all()
        for figure in sorted(figures, key=lambda f: tuple(f.data["span"])):
            record = figure.data
            rows.append(
                {
                    "release_id": release.id, "release": release_label(release),
                    "span_start": record["span"][0], "span_end": record["span"][1], "surface": record["surface"],
                    "metric": record["metric"], "measure": record["measure"], "value": float(record["value"]),
                    "scale": float(record["scale"]), "quantity": float(record["value"]) * float(record["scale"]),
                    "unit": record["unit"], "region": record["region"], "sector": record.get("sector"),
                    "entity": record.get("entity"), "period_start": record.get("period_start"),
                    "period_end": record.get("period_end"), "status": record.get("status", "actual"),
                    "bound": record.get("bound"), "decision": figure.state,
                    "open_flag": tuple(record["span"]) in flagged, "decided_by": figure.decided_by,
                    "decided_at": _utc(figure.decided_at),
                }
            )  # fmt: skip
    return rows


def _utc(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC; SQLite hands back the stored UTC time without its zone."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def render(rows: Sequence[dict[str, Any]], fmt: str) -> bytes:
    """The table in ``fmt`` (csv, json or parquet) as bytes."""
    names = [name for name, _type in COLUMNS]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue().encode("utf-8")
    if fmt == "json":
        return (json.dumps(list(rows), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt == "parquet":
        return _parquet(rows)
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _parquet(rows: Sequence[dict[str, Any]]) -> bytes:
    import pyarrow as pa  # only this format needs it
    import pyarrow.parquet as pq

    types = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}
    schema = pa.schema([(name, types[kind]) for name, kind in COLUMNS])
    table = pa.Table.from_pylist(list(rows), schema=schema)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
}
