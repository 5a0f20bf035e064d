"""`POST /operators/{id}/test`: the signed test PING (spec §7)."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Body
from fastapi.concurrency import run_in_threadpool

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
from predictu_console.core.database import transaction

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
                }
            }
        ),
    ] = None,
) -> PingResult:
    """Send a signed PING and report the result; a failed PING is still a 200."""

    def prepare() -> ping.PreparedPing:
        with transaction(db, write=False) as session:
            return ping.prepare_ping(
                session=session,
                operator_id=operator_id,
                data=data or PingRequest(),
                box=box,
                clock=clock,
            )

    def record(prepared: ping.PreparedPing, result: PingResult) -> None:
        with transaction(db) as session:
            ping.record_ping(
                session=session, actor=actor, prepared=prepared, result=result, clock=clock
            )

    prepared = await run_in_threadpool(prepare)
    result = await to_thread.run_sync(ping.send_ping, prepared, sender, limiter=threads)
    await run_in_threadpool(record, prepared, result)
    return result
