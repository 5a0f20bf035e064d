"""Health: answers without auth for load balancers and scripts, and says what is down."""

from __future__ import annotations

from typing import Any, Literal

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from predictu_console.api.errors import ErrorDetail
from predictu_console.core.database import database_answers
from predictu_console.db.session import SessionFactory

router = APIRouter(tags=["health"])

DATABASE_TIMEOUT_SECONDS = 2.0
"""How long the database has to answer `SELECT 1` before the service counts as down."""

HEALTH_THREADS = 2
"""Threads for database checks: a hung database holds these, not the API's."""


class Health(BaseModel):
    """What the service depends on, and how it is."""

    status: Literal["ok", "unavailable"] = "ok"
    database: Literal["ok", "down"] = "ok"
    rate_limits: str
    """`redis`, `memory`, `memory (redis unreachable)` when each process counts alone, or `off`."""


class Unhealthy(Health):
    """503: the service cannot serve requests; `error` says what is down."""

    success: Literal[False] = False
    error: ErrorDetail


@router.get(
    "/healthz",
    response_model=Health,
    responses={503: {"model": Unhealthy, "description": "Unavailable"}},
)
async def healthz(request: Request) -> Any:
    """200 while the process serves requests and its database answers; 503 otherwise."""
    rate_limits = request.app.state.rate_limiter.state
    factory: SessionFactory = request.app.state.session_factory
    with anyio.move_on_after(DATABASE_TIMEOUT_SECONDS):
        if await anyio.to_thread.run_sync(
            database_answers,
            factory,
            abandon_on_cancel=True,
            limiter=request.app.state.health_threads,
        ):
            return Health(rate_limits=rate_limits)
    down = Unhealthy(
        status="unavailable",
        database="down",
        rate_limits=rate_limits,
        error=ErrorDetail(code="SERVICE_UNAVAILABLE", message="The database does not answer"),
    )
    return JSONResponse(down.model_dump(), status_code=503)
