"""`create_app(settings)`: the FastAPI application, built on demand, never at import time."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.types import ASGIApp

from predictu_console import __version__
from predictu_console.api.access_log import AccessLog
from predictu_console.api.errors import install_error_handlers
from predictu_console.api.gate import Gate, Outermost
from predictu_console.api.paths import API_PREFIX
from predictu_console.api.rate_limits import RateLimiter
from predictu_console.api.routes import (
    audit,
    deliveries,
    health,
    keys,
    markets,
    notifications,
    operator_api,
    operators,
    ping,
    players,
)
from predictu_console.core.callbacks.sender import sender_for
from predictu_console.core.callbacks.worker import DeliveryWorker
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.crypto import secret_box
from predictu_console.db.session import SessionFactory, make_session_factory
from predictu_console.settings import Settings

CALLBACK_THREADS = 16
"""PINGs sent at once, on threads of their own: a slow operator's server holds one of these
for up to its timeout, never one of the threads that serve requests."""


def create_app(
    settings: Settings,
    *,
    session_factory: SessionFactory | None = None,
    clock: Clock = SYSTEM_CLOCK,
    worker: DeliveryWorker | None = None,
    json_access_log: bool = False,
    hot_reads: bool = True,
) -> FastAPI:
    """The S2S Operator API on the configured database (migrations are the caller's job).

    With `worker`, callbacks are delivered in a background thread for the app's lifetime;
    shutdown lets in-flight deliveries finish. With `hot_reads` off, the operators' list and
    detail go through their FastAPI routes like every other request (`api/hot_reads.py`).
    """
    app = _App(
        lifespan=_running(worker, threads=settings.api_threads),
        title="Predictu S2S Operator API",
        version=__version__,
        description=(
            "Manage Predictu's casino operators under /api/s2s (God Mode session token), and "
            "act for one operator under /api/operator (that operator's secret key)."
        ),
    )
    app.state.settings = settings
    app.state.session_factory = session_factory or make_session_factory(settings)
    app.state.clock = clock
    app.state.secret_box = secret_box(settings)
    app.state.callback_sender = sender_for(settings)
    app.state.callback_threads = anyio.CapacityLimiter(CALLBACK_THREADS)
    app.state.rate_limiter = RateLimiter.from_settings(settings)
    app.state.health_threads = anyio.CapacityLimiter(health.HEALTH_THREADS)
    install_error_handlers(app)
    app.state.json_access_log = json_access_log
    app.state.hot_reads = hot_reads
    app.include_router(health.router)
    app.include_router(operators.router, prefix=API_PREFIX)
    app.include_router(keys.router, prefix=API_PREFIX)
    app.include_router(ping.router, prefix=API_PREFIX)
    app.include_router(deliveries.router, prefix=API_PREFIX)
    app.include_router(audit.router, prefix=API_PREFIX)
    app.include_router(notifications.router, prefix=API_PREFIX)
    app.include_router(operator_api.router)
    app.include_router(markets.router, prefix=API_PREFIX)
    app.include_router(players.router, prefix=API_PREFIX)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


class _App(FastAPI):
    """FastAPI with our own layers outside Starlette's, the last of them catching everything."""

    def build_middleware_stack(self) -> ASGIApp:
        starlette = super().build_middleware_stack()
        gated = AccessLog(Gate(starlette, owner=self), json_lines=self.state.json_access_log)
        return Outermost(gated)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document without its 422 responses: this API answers 400 instead, and a
    client generated from a 422 would handle an error that never comes."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation.get("responses", {}).pop("422", None)
        for unused in ("HTTPValidationError", "ValidationError"):
            schema.get("components", {}).get("schemas", {}).pop(unused, None)
        app.openapi_schema = schema
    return app.openapi_schema


def _running(
    worker: DeliveryWorker | None, *, threads: int
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Plain `def` routes and dependencies run on AnyIO's default thread pool.
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        if worker is None:
            yield
            return
        stop = threading.Event()
        thread = threading.Thread(target=worker.run, args=(stop,), name="delivery-worker")
        thread.start()
        try:
            yield
        finally:
            stop.set()
            await asyncio.to_thread(thread.join)

    return lifespan
