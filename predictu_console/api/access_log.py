"""Request ids and the access log: every response names its request, every request is one line.

A caller's `X-Request-ID` is kept when it is a sane token, so a script can follow its own
request through the logs; otherwise the server makes one. Lines are text for people, or JSON
for log pipelines (`serve --access-log json`).
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import secrets
import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from predictu_console.core.clock import SYSTEM_CLOCK
from predictu_console.core.fields import format_timestamp

REQUEST_ID = "X-Request-ID"
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
log = logging.getLogger("predictu_console.access")
_PROCESS = secrets.token_hex(8)
_SEQUENCE = itertools.count()


def new_request_id() -> str:
    """32 hex digits unique to this request: the process's random half, then a count.

    `uuid4` asked the kernel for randomness on every request, letting go of the interpreter
    lock each time, and waiting for it again behind the other request threads.
    """
    return f"{_PROCESS}{next(_SEQUENCE):016x}"


class AccessLog:
    """Plain ASGI middleware: Starlette's `BaseHTTPMiddleware` cost a tenth of a list request.

    The id goes into the request's state before the app runs, so error handlers can name it,
    and onto the response's headers as they are sent.
    """

    def __init__(self, app: ASGIApp, *, json_lines: bool) -> None:
        self.app, self.json_lines = app, json_lines

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = Headers(scope=scope).get(REQUEST_ID, "")
        request_id = offered if _SAFE_ID.fullmatch(offered) else new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if log.isEnabledFor(logging.INFO):
                self._log(scope, request_id, status, time.perf_counter() - started)

    def _log(self, scope: Scope, request_id: str, status: int, seconds: float) -> None:
        client = scope.get("client")
        line = {
            "time": format_timestamp(SYSTEM_CLOCK.now()),
            "request_id": request_id,
            "method": escaped(scope["method"]),
            "path": escaped(scope["path"]),
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "client": escaped(client[0]) if client else None,
        }
        if self.json_lines:
            log.info(json.dumps(line))
            return
        text = {
            key: value.replace(" ", "\\x20") if isinstance(value, str) else value
            for key, value in line.items()
        }
        log.info(
            "{time} {request_id} {client} {method} {path} {status} {duration_ms} ms".format(**text)
        )


def escaped(value: str) -> str:
    """`value` with unprintable characters escaped (`\\n`, `\\x1b`): no forged lines or colours."""
    if value.isprintable() and "\\" not in value:
        return value
    return "".join(
        "\\\\" if char == "\\" else char if char.isprintable() else ascii(char)[1:-1]
        for char in value
    )
