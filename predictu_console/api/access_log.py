"""Request ids and the access log: every response names its request, every request is one line.

A caller's `X-Request-ID` is kept when it is a sane token, so a script can follow its own
request through the logs; otherwise the server makes one. Lines are text for people, or JSON
for log pipelines (`serve --access-log json`).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from uuid import uuid4

from fastapi import FastAPI, Request, Response

from predictu_console.core.clock import SYSTEM_CLOCK
from predictu_console.core.fields import format_timestamp

REQUEST_ID = "X-Request-ID"
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
log = logging.getLogger("predictu_console.access")


def request_id_of(request: Request) -> str:
    """The id of the request being served (set by the middleware)."""
    return str(getattr(request.state, "request_id", "-"))


def install_access_log(app: FastAPI, *, json_lines: bool) -> None:
    """Give every response an `X-Request-ID` and log every request once."""

    @app.middleware("http")
    async def _access(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        offered = request.headers.get(REQUEST_ID, "")
        request.state.request_id = offered if _SAFE_ID.fullmatch(offered) else uuid4().hex
        started = time.perf_counter()
        response = await call_next(request)
        response.headers[REQUEST_ID] = request.state.request_id
        line = {
            "time": format_timestamp(SYSTEM_CLOCK.now()),
            "request_id": request.state.request_id,
            "method": request.method,
            "path": request.url.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "client": request.client.host if request.client else None,
        }
        log.info(
            json.dumps(line)
            if json_lines
            else "{time} {request_id} {client} {method} {path} {status} {duration_ms} ms".format(
                **line
            )
        )
        return response
