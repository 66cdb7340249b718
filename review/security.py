"""The review server's guards: loopback by default, a token elsewhere, and no cross-site form posts.

Every browser gets a random session cookie; each form carries an HMAC of it (the CSRF token),
which another site can neither read nor forge. With a token configured (required off loopback)
every request must present it once, as ``?token=``, after which a cookie stands for it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field

from starlette.requests import Request

SESSION_COOKIE = "relfig_session"
TOKEN_COOKIE = "relfig_token"
FLASH_COOKIE = "relfig_flash"
REVIEWER_COOKIE = "relfig_reviewer"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make browsers send "Origin: null" with forms
    "Cache-Control": "no-store",
}


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) only listens on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Guard:
    """The server's secrets: the review token (if any) and the key that signs CSRF tokens and flashes."""

    token: str | None = None
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def _sign(self, purpose: str, value: str) -> str:
        return hmac.new(self.key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def csrf_token(self, session_id: str) -> str:
        """The token a form of this browser session must send back."""
        return self._sign("csrf", session_id)

    def csrf_ok(self, session_id: str | None, submitted: object) -> bool:
        """Whether a posted form carries this browser session's token."""
        if not session_id or not isinstance(submitted, str):
            return False
        return hmac.compare_digest(self.csrf_token(session_id), submitted)

    def token_ok(self, presented: str | None) -> bool:
        """Whether ``presented`` is the review token."""
        return self.token is not None and presented is not None and hmac.compare_digest(presented, self.token)

    def token_cookie(self) -> str:
        """The cookie value that stands for the token once presented (not the token itself)."""
        return self._sign("token", self.token or "")

    def authorised(self, request: Request) -> bool:
        """Whether a request may see the review: no token needed, or it presents one."""
        if self.token is None:
            return True
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer ") and self.token_ok(header[7:].strip()):
            return True
        cookie = request.cookies.get(TOKEN_COOKIE)
        return cookie is not None and hmac.compare_digest(cookie, self.token_cookie())

    def sign_flash(self, message: str) -> str:
        """A message for the next page, signed so that no one else can put words on it."""
        encoded = base64.urlsafe_b64encode(message.encode()).decode()
        return f"{encoded}.{self._sign('flash', encoded)}"

    def read_flash(self, cookie: str | None) -> str | None:
        """The message of a signed flash cookie, or ``None`` when absent or forged."""
        if not cookie or "." not in cookie:
            return None
        encoded, signature = cookie.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign("flash", encoded)):
            return None
        return base64.urlsafe_b64decode(encoded.encode()).decode(errors="replace")


def host_allowed(host_header: str, allowed: tuple[str, ...]) -> bool:
    """Whether the Host header names this server (``*`` allows any); refuses DNS-rebinding names."""
    if "*" in allowed:
        return True
    host = host_header.strip().lower()
    name = host[1 : host.index("]")] if host.startswith("[") and "]" in host else host.rsplit(":", 1)[0]
    return name in allowed


def cross_site(request: Request) -> bool:
    """Whether the browser says a request comes from another site (Origin or Sec-Fetch-Site)."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return True
    origin = request.headers.get("origin")
    return origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}"


def new_session_id() -> str:
    """A fresh random browser-session id."""
    return secrets.token_urlsafe(32)
