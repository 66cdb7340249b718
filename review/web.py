"""The review web app: a FastAPI app with server-rendered pages, guarded as `review.security` says.

`create_app` takes an open store and the settings `relfig serve` resolved; the pages and forms
are in `review.routes`, what they share in `review.pages`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from review.db import Store
from review.pages import HERE, ReviewSettings, page
from review.routes import router
from review.security import HEADERS, SESSION_COOKIE, TOKEN_COOKIE, host_allowed, new_session_id

__all__ = ["ReviewSettings", "create_app"]


def create_app(store: Store, settings: ReviewSettings) -> FastAPI:
    """The review app on ``store``; the caller keeps the store open while the app serves."""
    app = FastAPI(title="relfig review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    app.state.settings = settings
    app.middleware("http")(_guard)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(router)
    app.add_exception_handler(HTTPException, _error_page)
    return app


async def _guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    settings: ReviewSettings = request.app.state.settings
    if not host_allowed(request.headers.get("host", ""), settings.allowed_hosts):
        # another host name that resolves here (DNS rebinding) must not reach the review
        return PlainTextResponse("Invalid host header", status_code=400)
    guard = settings.guard
    session_id = request.cookies.get(SESSION_COOKIE)
    fresh = not session_id or len(session_id) < 32
    request.state.session_id = new_session_id() if fresh else session_id
    response: Response
    if guard.authorised(request):
        response = await call_next(request)
    elif guard.token_ok(request.query_params.get("token")):
        rest = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
        response = RedirectResponse(request.url.path + (f"?{rest}" if rest else ""), status_code=303)
        response.set_cookie(TOKEN_COOKIE, guard.token_cookie(), httponly=True, samesite="strict")
    else:
        response = HTMLResponse(
            "<!doctype html><title>relfig review: token needed</title><h1>This review needs its token</h1>"
            "<p>Open the address <code>relfig serve</code> printed (it ends in <code>?token=...</code>), "
            "or send <code>Authorization: Bearer</code> with the value of RELFIG_REVIEW_TOKEN.</p>",
            status_code=401,
        )
    if fresh:
        response.set_cookie(SESSION_COOKIE, request.state.session_id, httponly=True, samesite="strict")
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


async def _error_page(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "unexpected error"
    return page(request, "message.html", {"status": status, "message": detail}, status_code=status)
