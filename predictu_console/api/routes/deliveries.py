"""The delivery log: `GET /operators/{id}/deliveries`, `GET /deliveries/{id}`, redeliver."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from predictu_console.api.deps import ClockDep, Db, GodMode
from predictu_console.api.errors import responses
from predictu_console.core.callbacks import delivery_log
from predictu_console.core.callbacks.delivery_log import (
    DeliveryDetail,
    DeliveryListQuery,
    DeliveryPage,
    Redelivered,
)
from predictu_console.core.database import transaction

router = APIRouter(tags=["deliveries"])


@router.get("/operators/{operator_id}/deliveries", responses=responses(400, 401, 403, 404, 429))
def list_deliveries(
    actor: GodMode, db: Db, operator_id: str, query: Annotated[DeliveryListQuery, Query()]
) -> DeliveryPage:
    """The operator's callback deliveries, newest first, with every attempt."""
    with transaction(db, write=False) as session:
        return delivery_log.list_deliveries(session=session, operator_id=operator_id, query=query)


@router.get("/deliveries/{delivery_id}", responses=responses(401, 403, 404, 429))
def get_delivery(actor: GodMode, db: Db, delivery_id: str) -> DeliveryDetail:
    """One delivery: the exact body sent, and each attempt with its response."""
    with transaction(db, write=False) as session:
        return delivery_log.get_delivery(session=session, delivery_id=delivery_id)


@router.post("/deliveries/{delivery_id}/redeliver", responses=responses(401, 403, 404, 429))
def redeliver(actor: GodMode, db: Db, clock: ClockDep, delivery_id: str) -> Redelivered:
    """Queue the delivery again now, same id and body, with a fresh retry schedule. Audited."""
    with transaction(db) as session:
        delivered = delivery_log.redeliver(
            session=session, actor=actor, delivery_id=delivery_id, now=clock.now()
        )
    return Redelivered(delivery=delivered)
