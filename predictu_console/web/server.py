"""`ConsoleServer`: textual-serve's server behind the gate, one console process per tab.

Each browser tab's websocket starts `predictu-console --as EMAIL` as a process of its own,
for the admin its credential opened the console as, so every action is audited exactly as in
the terminal (that admin, and the OS user running the server). Stopping the server closes
every websocket, which quits every console process it started, before it exits.
"""

from __future__ import annotations

import asyncio
import ipaddress
import shlex
import socket
import sys

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from predictu_console.web.gate import ADMIN, Gate

TITLE = "Predictu console"


def console_command(email: str) -> str:
    """The shell command of one tab's console, acting as `email`.

    `exec`, so the console is the process textual-serve started and stops, not a shell's child.
    """
    python = shlex.quote(sys.executable)
    return f"exec {python} -m predictu_console --as {shlex.quote(email)}"


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def public_url(host: str, port: int) -> str:
    """The URL a browser reaches the server at: for an all-interfaces bind, this machine's name."""
    if host in ("0.0.0.0", "::", ""):
        host = socket.getfqdn()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


class ConsoleServer(Server):
    """textual-serve's `Server`, every route of which is behind `gate`."""

    def __init__(self, *, gate: Gate, host: str, port: int) -> None:
        super().__init__(
            console_command(gate.admin_email),
            host=host,
            port=port,
            title=TITLE,
            public_url=public_url(host, port),
        )
        self.gate = gate
        self.websockets: set[web.WebSocketResponse] = set()

    def initialize_logging(self) -> None:
        """Keep textual-serve's own logging off the terminal: the start-up lines are ours."""

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.gate.middleware)
        return app

    async def on_startup(self, app: web.Application) -> None:
        """Say where to open the console, with the start-up token."""
        print(
            f"Serving the Predictu console as {self.gate.admin_email} on {self.public_url}\n"
            "Open this URL in a browser (its token works once; Ctrl+C stops the server):\n"
            f"    {self.public_url}/?token={self.gate.start_up_token}",
            flush=True,
        )

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every tab's websocket: each one's console process quits before we exit."""
        await asyncio.gather(
            *(ws.close(code=1001, message=b"server stopped") for ws in list(self.websockets))
        )

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """Start a console process for this tab as the gate's admin, relay it until closed."""
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        self.websockets.add(websocket)

        async def close() -> None:
            await websocket.close()

        service = AppService(
            console_command(request[ADMIN]),
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.download_manager,
        )
        try:
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        finally:
            await service.stop()
            self.websockets.discard(websocket)
        return websocket
