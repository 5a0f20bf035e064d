"""What every request passes before the app sees it: a body cap, a body deadline, and the token.

`Gate` authenticates `/api/s2s` requests (a God Mode session token) and `/api/operator`
requests (an operator's secret key) from their headers alone, then reads the body
(at most `MAX_BODY_BYTES`, within the body timeout) and hands it to the app: an anonymous
client can neither make the server hold a large body nor make it parse one. `Outermost`
turns any exception still escaping into the 500 envelope, so no failure reaches the server,
which would drop the kept-alive connection without telling the client.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from predictu_console.api.errors import domain_error_response, error_response
from predictu_console.api.hot_reads import HotRead, answer, hot_read
from predictu_console.api.paths import API_PREFIX, OPERATOR_API_PREFIX
from predictu_console.api.rate_limits import RateLimiter
from predictu_console.core import admins, operator_api
from predictu_console.core.database import transaction
from predictu_console.core.errors import PredictuError, Unauthorized

if TYPE_CHECKING:
    from fastapi import FastAPI, Response

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
"""The largest request body accepted (1 MiB); larger ones are 413 before being read."""

_PUBLIC = re.compile(rf"{re.escape(API_PREFIX)}/operators/[^/]+/public-key")
NO_TOKEN = "Send a God Mode session token as `Authorization: Bearer <token>`"
_CLOSE = {"Connection": "close"}  # a body left unread is not worth reading to keep the connection


class _BodyTooLarge(Exception):
    """The body went past MAX_BODY_BYTES while it arrived."""


class Gate:
    """Pure ASGI: authenticate, then read a bounded body within a deadline, then the app."""

    def __init__(self, app: ASGIApp, *, owner: FastAPI) -> None:
        self.app, self.owner = app, owner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            await _too_large(scope, receive, send)
            return
        door = _door(scope)
        unread = declared not in ("", "0") or "transfer-encoding" in headers
        hot_reads = door is _GOD_MODE and not unread and self.owner.state.hot_reads
        hot = hot_read(scope) if hot_reads else None
        if hot is not None:
            response = await anyio.to_thread.run_sync(
                self._hot_read, hot, _client(scope), headers.get("authorization", "")
            )
            await response(scope, receive, send)
            return
        if door is not None:
            refusal = await self._authenticate(scope, headers, door)
            if refusal is not None:
                await refusal.as_response(scope, receive, send, close=unread)
                return
        try:
            with anyio.fail_after(self.owner.state.settings.http_body_timeout):
                body = await _read_body(receive)
        except _BodyTooLarge:
            await _too_large(scope, receive, send)
            return
        except TimeoutError:
            seconds = self.owner.state.settings.http_body_timeout
            response = error_response(
                "REQUEST_TIMEOUT",
                f"The request body did not arrive within {seconds:g} s",
                headers=_CLOSE,
            )
            await response(scope, receive, send)
            return
        if body is None:
            return  # the client went away
        await self.app(scope, _replay(body, receive), send)

    async def _authenticate(self, scope: Scope, headers: Headers, door: _Door) -> _Refusal | None:
        """Store the caller in the request's state, or say why the request is refused."""
        # One hop to a thread: the token is looked up in the database, and the failure
        # counts may live in Redis.
        found = await anyio.to_thread.run_sync(
            _caller_or_refusal,
            self.owner.state,
            _client(scope),
            headers.get("authorization", ""),
            door,
        )
        if isinstance(found, PredictuError):
            return _Refusal(found)
        scope.setdefault("state", {})[door.state_name] = found
        return None

    def _hot_read(self, request: HotRead, client: str, authorization: str) -> Response:
        state = self.owner.state

        def authenticated(session: Any) -> Any:
            def in_session(state: Any, token: str) -> object:
                return admins.authenticate(session=session, token=token, clock=state.clock)

            return _caller_or_refusal(state, client, authorization, _GOD_MODE, in_session)

        return answer(request, state, authenticated)


def _client(scope: Scope) -> str:
    return scope["client"][0] if scope.get("client") else "unknown"


class _Refusal:
    """A domain error answered before the app runs, in the usual envelope."""

    def __init__(self, error: PredictuError) -> None:
        self.error = error

    async def as_response(self, scope: Scope, receive: Receive, send: Send, *, close: bool) -> None:
        response = domain_error_response(self.error, headers=_CLOSE if close else None)
        await response(scope, receive, send)


@dataclass(frozen=True)
class _Door:
    """How one API authenticates: the credential it wants, and where the caller is kept."""

    state_name: str
    no_token: str
    authenticate: Callable[[Any, str], object]
    """(app state, bearer token) → the caller; raises Unauthorized when refused."""


def _admin(state: Any, token: str) -> object:
    with transaction(state.session_factory, write=False) as session:
        return admins.authenticate(session=session, token=token, clock=state.clock)


def _operator_key(state: Any, token: str) -> object:
    return operator_api.authenticate(
        factory=state.session_factory, secret=token, box=state.secret_box, clock=state.clock
    )


_GOD_MODE = _Door("admin", NO_TOKEN, _admin)
_OPERATOR = _Door("operator", operator_api.NO_KEY, _operator_key)


def _caller_or_refusal(
    state: Any,
    client: str,
    authorization: str,
    door: _Door,
    authenticate: Callable[[Any, str], object] | None = None,
) -> object:
    """The caller `door.authenticate` (or `authenticate`) finds, or the error to refuse with."""
    limiter: RateLimiter = state.rate_limiter
    refused = limiter.refuse_failed_authentication(client)
    if refused is not None:
        return refused
    scheme, _, token = authorization.partition(" ")
    try:
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(door.no_token)
        return (authenticate or door.authenticate)(state, token.strip())
    except Unauthorized as error:
        limiter.count_failed_authentication(client)
        return error
    except PredictuError as error:
        return error


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def _door(scope: Scope) -> _Door | None:
    """Which credential the path needs, if any."""
    path: str = scope["path"]
    if _under(path, OPERATOR_API_PREFIX):
        return _OPERATOR
    if not _under(path, API_PREFIX):
        return None
    return None if scope["method"] == "GET" and _PUBLIC.fullmatch(path) else _GOD_MODE


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body, or None if the client disconnected; raises _BodyTooLarge past the cap."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the app the body already read, then waits for a disconnect."""
    pending = True

    async def replayed() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    response = error_response(
        "PAYLOAD_TOO_LARGE",
        f"Request bodies are limited to {MAX_BODY_BYTES // 1024 // 1024} MiB",
        headers=_CLOSE,
    )
    await response(scope, receive, send)


class Outermost:
    """The last line: an exception that escaped every handler becomes the 500 envelope here."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if started:
                # Already answered: Starlette re-raises after its 500 handler has logged it.
                return
            request_id = scope.get("state", {}).get("request_id", "-")
            log.exception("unhandled error in request %s", request_id)
            response = error_response(
                "INTERNAL_ERROR", f"Internal error; it has been logged as request {request_id}"
            )
            await response(scope, receive, send)
