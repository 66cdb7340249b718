"""What every review page shares: the templates, the app's settings, rendering and redirecting.

Templates escape everything (autoescape on, no ``|safe``), so release text is always shown as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import jinja2
from fastapi import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from review.security import FLASH_COOKIE, LOOPBACK_NAMES, REVIEWER_COOKIE, Guard

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
)


@dataclass(frozen=True)
class ReviewSettings:
    """How the app runs: where gold samples go, the default reviewer, the hosts it answers, its guard."""

    gold_dir: Path
    default_reviewer: str = ""
    allowed_hosts: tuple[str, ...] = LOOPBACK_NAMES
    guard: Guard = field(default_factory=Guard)


def page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """Render a template with what every page needs: CSRF token, reviewer name, the flash message."""
    settings: ReviewSettings = request.app.state.settings
    flash = settings.guard.read_flash(request.cookies.get(FLASH_COOKIE))
    common: dict[str, Any] = {
        "csrf_token": settings.guard.csrf_token(request.state.session_id),
        "reviewer": unquote(request.cookies.get(REVIEWER_COOKIE) or "") or settings.default_reviewer,
        "flash": flash,
        "notice": None,
        "errors": [],
    }
    response = TEMPLATES.TemplateResponse(request, name, {**common, **context}, status_code=status_code)
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE)
    return response


def redirect(request: Request, url: str, flash: str | None = None, reviewer: str | None = None) -> Response:
    """A 303 to ``url``, with a signed message for the next page and the reviewer's name remembered."""
    settings: ReviewSettings = request.app.state.settings
    response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie(FLASH_COOKIE, settings.guard.sign_flash(flash), httponly=True, samesite="strict")
    if reviewer:
        response.set_cookie(
            REVIEWER_COOKIE, quote(reviewer), httponly=True, samesite="strict", max_age=60 * 60 * 24 * 365
        )
    return response
