"""Who may reach the console in a browser: the aiohttp middleware in front of every route.

Two credentials open it, given once as `?token=` on the page's URL:

- the start-up token `predictu-console web` prints, which works once (a URL seen on a shared
  screen or left in a browser's history opens nothing later), for the admin it serves as;
- a God Mode session token (`admin token EMAIL`), for the admin it belongs to.

Either is exchanged for a random session cookie (HttpOnly, SameSite=Strict) and the browser
is sent to the URL without the token. Every other request (the page, its static files, the
websocket that starts a console process, downloads) needs that cookie; without it the answer
is a plain 401 page and nothing of the app. The websocket also has to come from a page of this
server (its Origin), so another site cannot open a console with the admin's cookie.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

COOKIE = "predictu_console_session"
ADMIN = web.RequestKey("admin", str)
"""Where the gate leaves the email of the admin a request acts as."""

UNAUTHORIZED_PAGE = """<!DOCTYPE html>
<html><head><title>401 Unauthorized</title></head>
<body><h1>401 Unauthorized</h1>
<p>Open the URL that <code>predictu-console web</code> printed when it started (its token
works once), or add <code>?token=</code> with a God Mode session token
(<code>predictu-console admin token EMAIL</code>).</p></body></html>
"""

TokenCheck = Callable[[str], Awaitable[str | None]]
"""Resolves a God Mode session token to its admin's email, or None if it opens nothing."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Gate:
    """The start-up token, the sessions it and session tokens opened, and the middleware."""

    admin_email: str
    """Whom the start-up token opens the console for (`--as`, else the OS user's admin)."""
    check_session_token: TokenCheck
    start_up_token: str | None = field(default_factory=lambda: secrets.token_urlsafe(32))
    """None once used."""
    sessions: dict[str, str] = field(default_factory=dict)
    """Session cookie value → the email of the admin it acts as; lives as long as the server."""

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Pass a request with a live session; exchange a credential; refuse anything else."""
        email = self.sessions.get(request.cookies.get(COOKIE, ""))
        if email is not None and _same_origin(request):
            request[ADMIN] = email
            return await handler(request)
        token = request.query.get("token", "")
        if email is None and request.path == "/" and token:
            email = await self._redeem(token)
            if email is not None:
                raise self._open_session(request, email)
        return web.Response(status=401, text=UNAUTHORIZED_PAGE, content_type="text/html")

    async def _redeem(self, token: str) -> str | None:
        expected = self.start_up_token
        if expected is not None and hmac.compare_digest(token.encode(), expected.encode()):
            self.start_up_token = None
            return self.admin_email
        return await self.check_session_token(token)

    def _open_session(self, request: web.Request, email: str) -> web.HTTPSeeOther:
        session = secrets.token_urlsafe(32)
        self.sessions[session] = email
        # Without the token, so it is neither in the history nor sent again on reload.
        response = web.HTTPSeeOther(request.rel_url.without_query_params("token"))
        response.set_cookie(COOKIE, session, httponly=True, samesite="Strict", path="/")
        return response


def _same_origin(request: web.Request) -> bool:
    """A websocket may only be opened by this server's own page."""
    if request.headers.get("Upgrade", "").lower() != "websocket":
        return True
    origin = request.headers.get("Origin")
    return origin is not None and origin.split("://", 1)[-1] == request.host
