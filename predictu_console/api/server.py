"""The HTTP server `serve` runs: uvicorn, with limits on slow and numerous clients.

uvicorn times out idle keep-alive connections but not a client that sends half a request
and stops; `DeadlineProtocol` closes a connection whose headers do not arrive in time.
The body's deadline is the gate's (`api/gate.py`), once the headers are in.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from predictu_console.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServerLimits:
    """How many clients the server holds at once, and for how long."""

    limit_concurrency: int
    """Connections and requests at once; past it new requests are answered 503 at once."""

    timeout_keep_alive: int
    """Seconds an idle kept-alive connection stays open."""


class DeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with a deadline for each request's headers."""

    header_timeout: float = 10.0

    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()  # a client that connects and says nothing is slow too

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_header_deadline()

    def on_headers_complete(self) -> None:
        self._disarm_header_deadline()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_late)

    def _disarm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_late(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
            log.info("closing the connection of %s: no complete headers in time", client)
            self.transport.close()


def server_config(
    app: Any, *, settings: Settings, host: str, port: int, limits: ServerLimits
) -> uvicorn.Config:
    """uvicorn's configuration for `app`: our protocol, limits and trusted proxies."""
    protocol = type(
        "DeadlineProtocol", (DeadlineProtocol,), {"header_timeout": settings.http_header_timeout}
    )
    proxies = settings.trusted_proxies.strip()
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol,
        access_log=False,
        limit_concurrency=limits.limit_concurrency,
        timeout_keep_alive=limits.timeout_keep_alive,
        # Forwarded headers rewrite the client address rate limits count by: only a proxy's.
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
    )
