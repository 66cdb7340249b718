"""The hook that writes what `relfig extract` and `relfig check` produced into the review store.

Optional by design: without the ``review`` extra, with ``--no-store``, or when the store cannot
be opened, the command still does its job and says on stderr why nothing was stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.markup import escape

from extractor.backends import BackendSettings
from extractor.checking.flags import CheckReport
from extractor.errors import RelfigError
from extractor.labelling import Usage
from schemas import Release


def run_of(
    kind: str, seconds: float, settings: BackendSettings | None = None, usage: Usage | None = None
) -> dict[str, Any]:
    """What a run was, as `store_results` takes it: command, backend, model, settings, time, tokens."""
    run: dict[str, Any] = {
        "kind": kind,
        "seconds": seconds,
        "started_at": datetime.now(UTC) - timedelta(seconds=seconds),
    }
    if settings is not None:
        run.update(
            backend=settings.name, model=settings.model,
            settings={"response_format": settings.response_format, "timeout_s": settings.timeout_s,
                      "max_retries": settings.max_retries},
        )  # fmt: skip
    if usage is not None:
        run.update(calls=usage.calls, prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens)
    return run


def store_results(
    items: Sequence[tuple[Release, str | None]],
    report: CheckReport | None,
    run: dict[str, Any],
    errors: Console,
    no_store: bool = False,
    source_names: dict[str, str] | None = None,
) -> int | None:
    """Store releases, figures, flags and the run (``review.ingest.RunInfo`` fields); the run's id."""
    if no_store or not items:
        return None
    try:
        from sqlalchemy.exc import SQLAlchemyError

        from review.db import open_store
        from review.ingest import RunInfo
        from review.ingest import store_results as ingest
    except ImportError:
        errors.print(
            "[yellow]note:[/yellow] not stored for review: install the review extra (pip install 'relfig[review]')",
            highlight=False,
        )
        return None
    try:
        with open_store() as store, store.sessions.begin() as session:
            run_id = ingest(session, items, report, RunInfo(**run), source_names)
            where = store.engine.url.render_as_string(hide_password=True)
    except (RelfigError, SQLAlchemyError) as exc:
        errors.print(f"[yellow]warning:[/yellow] not stored for review: {escape(str(exc))}", highlight=False)
        return None
    errors.print(
        f"stored for review as run {run_id} in {escape(where)}; `relfig serve` opens the review", highlight=False
    )
    return run_id
