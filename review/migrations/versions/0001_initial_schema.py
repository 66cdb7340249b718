"""The first schema: releases, runs, figures, flags, and decisions that the database keeps append-only.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_REFUSAL = "decisions are append-only: the audit log is never changed or deleted"
_RUN_COUNTS = ("calls", "prompt_tokens", "completion_tokens", "releases", "figures", "flags")


def upgrade() -> None:
    """Create the tables, their indexes, and the triggers that keep decisions append-only."""
    when = sa.DateTime(timezone=True)
    op.create_table(
        "releases",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("source_name", sa.String(300), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published", sa.String(10), nullable=True),
        sa.Column("region", sa.String(200), nullable=False),
        sa.Column("period_start", sa.String(7), nullable=True),
        sa.Column("period_end", sa.String(7), nullable=True),
        sa.Column("created_at", when, nullable=False),
        sa.Column("updated_at", when, nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("backend", sa.String(100), nullable=True),
        sa.Column("model", sa.String(300), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("started_at", when, nullable=False),
        sa.Column("finished_at", when, nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _RUN_COUNTS),
    )
    op.create_table(
        "figures",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("release_id", sa.String(16), sa.ForeignKey("releases.id"), nullable=False, index=True),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id"), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", when, nullable=True),
        sa.UniqueConstraint("release_id", "span_start", "span_end", name="uq_figures_release_span"),
    )
    op.create_table(
        "flags",
        sa.Column("id", sa.String(12), primary_key=True),
        sa.Column("release_id", sa.String(16), sa.ForeignKey("releases.id"), nullable=False, index=True),
        sa.Column("check", sa.String(100), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("spans", sa.JSON(), nullable=False),
        sa.Column("surfaces", sa.JSON(), nullable=False),
        sa.Column("formula", sa.Text(), nullable=True),
        sa.Column("expected", sa.Float(), nullable=True),
        sa.Column("found", sa.Float(), nullable=True),
        sa.Column("other_release_id", sa.String(16), nullable=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id"), nullable=True),
        sa.Column("first_seen", when, nullable=False),
        sa.Column("last_seen", when, nullable=False),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", when, nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("release_id", sa.String(16), sa.ForeignKey("releases.id"), nullable=False, index=True),
        sa.Column("flag_id", sa.String(12), nullable=True, index=True),
        sa.Column("figure_id", sa.Integer(), nullable=True),
        sa.Column("seen_version", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_REFUSAL}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions "
            "FOR EACH ROW EXECUTE FUNCTION decisions_append_only()"
        )
        op.execute(
            "CREATE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON decisions "
            "FOR EACH STATEMENT EXECUTE FUNCTION decisions_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER decisions_no_{event.lower()} BEFORE {event} ON decisions "
                f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END"
            )


def downgrade() -> None:
    """Drop everything (the audit log with it: only for throwaway databases)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER decisions_no_truncate ON decisions")
        op.execute("DROP TRIGGER decisions_append_only ON decisions")
        op.execute("DROP FUNCTION decisions_append_only()")
    for table in ("decisions", "flags", "figures", "runs", "releases"):
        op.drop_table(table)
