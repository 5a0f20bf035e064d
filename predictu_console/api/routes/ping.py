"""`POST /operators/{id}/test`: the signed test PING (spec §7)."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Body

from predictu_console.api.deps import (
    CallbackThreads,
    ClockDep,
    Db,
    GodMode,
    SecretBoxDep,
    SenderDep,
)
from predictu_console.api.errors import responses
from predictu_console.core.callbacks import ping
from predictu_console.core.callbacks.ping import PingRequest, PingResult

router = APIRouter(prefix="/operators/{operator_id}", tags=["callbacks"])


@router.post(
    "/test", responses=responses(400, 401, 403, 404, 409, 429), response_model_exclude_none=True
)
async def test_callback(
    actor: GodMode,
    db: Db,
    clock: ClockDep,
    box: SecretBoxDep,
    sender: SenderDep,
    threads: CallbackThreads,
    operator_id: str,
    data: Annotated[
        PingRequest | None,
        Body(
            openapi_examples={
                "spec": {
                    "value": {
                        "callback_url": "https://api.example-casino.com/callbacks/predictu",
                        "timeout_ms": 10000,
                    }
                },
                "event": {"summary": "A sample TRADE_PLACED", "value": {"event": "TRADE_PLACED"}},
            }
        ),
    ] = None,
) -> PingResult:
    """Send a signed PING, or a sample of any event type, and report the result; a failed
    test is still a 200."""
    # On the callback threads: a slow operator's server holds one of those for up to its
    # timeout, never a thread that serves requests.
    send = partial(
        ping.test_callback,
        factory=db,
        actor=actor,
        operator_id=operator_id,
        data=data or PingRequest(),
        box=box,
        sender=sender,
        clock=clock,
    )
    return await to_thread.run_sync(send, limiter=threads)
