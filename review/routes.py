"""The review pages and forms: queue, release, flag, decide, save as gold, export."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import Response

from extractor.errors import UsageError
from review.db import Store
from review.decisions import Action, DecisionRequest, Outcome, UnknownFlagError, decide
from review.export import FORMATS, MEDIA_TYPES, export_rows, render
from review.forms import FIELDS, from_fields, to_fields
from review.gold import save_gold
from review.models import FlagRow, ReleaseRow
from review.pages import ReviewSettings, page, redirect
from review.queries import (
    QueueFilters,
    blocking_flags,
    figure_display_state,
    filter_choices,
    flag_page,
    highlighted,
    open_flag_spans,
    open_flags,
    release_flags,
    release_history,
    release_label,
)
from review.records import figures_of
from review.security import cross_site

router = APIRouter()
_FILTERS = ("release", "check", "severity")


def _db(request: Request) -> Iterator[Session]:
    store: Store = request.app.state.store
    with store.session() as session:
        yield session


Db = Annotated[Session, Depends(_db)]


async def _read_page(store: Store, render: Callable[[Session], Response]) -> Response:
    """Render a page from its own session in a worker thread, never on the event loop.

    A blocking database call on the loop stalls every request: on SQLite it waits for the write
    lock, which another request's session holds until its clean-up, and that clean-up needs the
    loop, so both wait until the busy timeout ends in "database is locked" (HTTP 500).
    """

    def read() -> Response:
        with store.session() as session:
            return render(session)

    return await run_in_threadpool(read)


async def _form(request: Request) -> FormData:
    """The posted form, once it is shown to come from this site and this browser session."""
    form = await request.form()
    if cross_site(request) or not request.app.state.settings.guard.csrf_ok(
        request.state.session_id, form.get("csrf_token")
    ):
        raise HTTPException(403, "cross-site request refused: reload the page and submit its form again")
    return form


Form = Annotated[FormData, Depends(_form)]


def _filters(values: dict[str, str]) -> QueueFilters:
    return QueueFilters(*(values.get(name) or None for name in _FILTERS))


def _clean_back(back: str) -> str:
    """Only the queue's own filters from a query string (a form's ``back`` field is never trusted)."""
    return urlencode([(k, v) for k, v in parse_qsl(back) if k in _FILTERS and v])


def _queue_url(back: str) -> str:
    kept = _clean_back(back)
    return "/" + (f"?{kept}" if kept else "")


@router.get("/")
def queue(request: Request, session: Db) -> Response:
    """The open flags, errors first, filtered by release, check and severity."""
    filters = _filters(dict(request.query_params))
    flags = open_flags(session, filters)
    labels = {row.id: release_label(row) for row in session.scalars(select(ReleaseRow))}
    back = _clean_back(request.url.query)
    counts = {name: sum(flag.severity == name for flag in flags) for name in ("error", "warning", "info")}
    return page(
        request, "queue.html",
        {"flags": flags, "labels": labels, "filters": filters, "choices": filter_choices(session),
         "counts": counts, "back": back, "formats": FORMATS},
    )  # fmt: skip


@router.get("/releases/{release_id}")
def release(request: Request, release_id: str, session: Db) -> Response:
    """A release's text with every figure highlighted by state, its figures, flags and decisions."""
    return _release_page(request, session, release_id)


def _release_page(request: Request, session: Session, release_id: str, **extra: Any) -> Response:
    row = session.get(ReleaseRow, release_id)
    if row is None:
        raise HTTPException(404, f"no release {release_id} in the store")
    figures = figures_of(session, release_id)
    spans = open_flag_spans(session, release_id)
    context = {
        "release": row, "label": release_label(row),
        "segments": highlighted(row.text, figures, spans) if row.text else [],
        "figures": [(f, figure_display_state(f, spans), spans.get(tuple(f.data["span"]))) for f in figures],
        "flags": release_flags(session, release_id), "history": release_history(session, release_id),
        "blocking": len(blocking_flags(session, release_id)), **extra,
    }  # fmt: skip
    return page(request, "release.html", context, status_code=409 if extra.get("errors") else 200)


@router.get("/flags/{flag_id}")
def flag(request: Request, flag_id: str, session: Db) -> Response:
    """One flag: its explanation, formula and spans, the figures it names, and the actions."""
    return _flag_page(request, session, flag_id, back=request.url.query)


def _flag_page(
    request: Request,
    session: Session,
    flag_id: str,
    outcome: Outcome | None = None,
    submitted: dict[str, str] | None = None,
    back: str = "",
) -> Response:
    row = session.get(FlagRow, flag_id)
    if row is None:
        raise HTTPException(404, f"no flag {flag_id} in the store")
    details = flag_page(session, row)
    forms = {f.id: to_fields(f.data) for f in details.figures}
    if submitted and submitted.get("action") == Action.CORRECT and submitted.get("figure_id", "").isdigit():
        # keep what the reviewer typed, whatever became of it
        forms[int(submitted["figure_id"])] = {name: submitted.get(name, "") for name in FIELDS}
    status = {None: 200, "invalid": 422, "conflict": 409}[outcome.kind if outcome else None]
    return page(
        request, "flag.html",
        {"page": details, "forms": forms, "fields": FIELDS,
         "back": _clean_back(back or (submitted or {}).get("back", "")),
         "label": release_label(details.release), "notice": outcome.message if outcome else None,
         "outcome": outcome.kind if outcome else None, "errors": list(outcome.errors) if outcome else []},
        status_code=status,
    )  # fmt: skip


@router.post("/flags/{flag_id}/decide")
async def decide_flag(request: Request, flag_id: str, form: Form) -> Response:
    """Apply a decision; back to the queue when applied, else the flag again with what went wrong."""
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    try:
        action = Action(fields.get("action", ""))
        flag_version = int(fields.get("flag_version", ""))
        figure_id = int(fields["figure_id"]) if fields.get("figure_id") else None
        figure_version = int(fields["figure_version"]) if fields.get("figure_version") else None
    except ValueError as exc:
        raise HTTPException(400, "the form is incomplete: reload the page") from exc
    reviewer = fields.get("reviewer", "").strip()
    corrected, problems = from_fields(fields) if action is Action.CORRECT else (None, [])
    request_ = DecisionRequest(
        flag_id, flag_version, action, reviewer, figure_id, figure_version, corrected, fields.get("note") or None
    )
    store: Store = request.app.state.store
    try:
        outcome = (
            Outcome("invalid", "the correction cannot be read", errors=tuple(problems))
            if problems
            else await run_in_threadpool(decide, store.sessions, request_)
        )
    except UnknownFlagError as exc:
        raise HTTPException(404, f"no flag {flag_id} in the store") from exc
    if outcome.kind == "applied":
        return redirect(request, _queue_url(fields.get("back", "")), outcome.message, reviewer)
    return await _read_page(store, lambda session: _flag_page(request, session, flag_id, outcome, fields))


@router.post("/releases/{release_id}/gold")
async def gold(request: Request, release_id: str, form: Form) -> Response:
    """Save a fully reviewed release as a gold sample pair in the gold folder."""
    settings: ReviewSettings = request.app.state.settings
    reviewer = str(form.get("reviewer") or "").strip() or settings.default_reviewer or "unknown"
    name = str(form.get("name") or "").strip() or None
    store: Store = request.app.state.store

    def save() -> str:
        with store.sessions.begin() as session:
            return str(save_gold(session, release_id, settings.gold_dir, reviewer, name))

    try:
        path = await run_in_threadpool(save)
    except UsageError as exc:
        errors = [str(exc)]
        return await _read_page(store, lambda session: _release_page(request, session, release_id, errors=errors))
    return redirect(request, f"/releases/{release_id}", f"Saved the gold sample {path} (and its .txt beside it).")


@router.post("/reviewer")
async def reviewer(request: Request, form: Form) -> Response:
    """Remember the reviewer's name in this browser; every decision is kept with it."""
    name = str(form.get("reviewer") or "").strip()[:200]
    target = str(form.get("next") or "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    return redirect(request, target, f"Reviewing as {name}." if name else None, reviewer=name or None)


@router.get("/export.{fmt}")
def export(fmt: str, session: Db, release: str | None = None) -> Response:
    """The tidy table of every stored figure with its decision state, as a download."""
    if fmt not in FORMATS:
        raise HTTPException(404, f"no export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    content = render(export_rows(session, [release] if release else []), fmt)
    headers = {"Content-Disposition": f'attachment; filename="relfig-figures.{fmt}"'}
    return Response(content, media_type=MEDIA_TYPES[fmt], headers=headers)
