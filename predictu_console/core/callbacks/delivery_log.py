"""What was sent to an operator and how it went; and redelivery, the one control.

A delivery's state, as shown everywhere: `pending` (queued, retrying, or in flight),
`delivered`, `failed` (every retry used), `skipped` (no callback URL or no active key).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from predictu_console.core import audit
from predictu_console.core.callbacks.event_types import EventType
from predictu_console.core.errors import NotFound
from predictu_console.core.fields import Timestamp, format_timestamp, is_id
from predictu_console.core.lookup import load_operator
from predictu_console.core.models import Actor
from predictu_console.db.tables import Delivery, DeliveryAttempt

DeliveryStatus = Literal["pending", "delivered", "failed", "skipped"]


class DeliveryListQuery(BaseModel):
    """Query of `GET /operators/{id}/deliveries`."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["pending", "delivered", "failed", "skipped", "all"] = "all"
    event: EventType | None = None
    limit: int = Field(default=25, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10_000_000)


class AttemptOut(BaseModel):
    """One try: when, where to, and what came of it."""

    model_config = ConfigDict(from_attributes=True)

    number: int
    started_at: Timestamp
    url: str
    worker: str
    http_status: int | None
    latency_ms: int
    error: str | None
    error_message: str | None
    ip_resolved: str | None
    tls_version: str | None


class AttemptDetail(AttemptOut):
    """An attempt with the signature sent and the start of the body received."""

    signature: str | None
    response_body: str | None


class DeliveryOut(BaseModel):
    """One event for one operator and every attempt at delivering it, oldest first."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    operator_id: str
    event: EventType
    status: DeliveryStatus
    status_reason: str | None
    attempt_count: int
    created_at: Timestamp
    next_attempt_at: Timestamp | None
    last_attempt_at: Timestamp | None
    delivered_at: Timestamp | None
    attempts: list[AttemptOut]


class DeliveryDetail(DeliveryOut):
    """A delivery with the exact request body and each attempt's response."""

    request_body: Any
    attempts: list[AttemptDetail]  # type: ignore[assignment]


class DeliveryPage(BaseModel):
    """Response of `GET /operators/{id}/deliveries`, newest first."""

    success: Literal[True] = True
    deliveries: list[DeliveryOut]
    total: int
    limit: int
    offset: int


class Redelivered(BaseModel):
    """Response of `POST /deliveries/{id}/redeliver`."""

    success: Literal[True] = True
    delivery: DeliveryOut


def _filtered(stmt: Select[Any], operator_id: str, query: DeliveryListQuery) -> Select[Any]:
    stmt = stmt.where(Delivery.operator_id == operator_id)
    if query.status != "all":
        stmt = stmt.where(Delivery.status == query.status)
    if query.event is not None:
        stmt = stmt.where(Delivery.event == query.event)
    return stmt


def _attempts(session: Session, delivery_ids: list[str]) -> dict[str, list[DeliveryAttempt]]:
    by_delivery: dict[str, list[DeliveryAttempt]] = {key: [] for key in delivery_ids}
    rows = session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id.in_(delivery_ids))
        .order_by(DeliveryAttempt.delivery_id, DeliveryAttempt.number)
    )
    for attempt in rows:
        by_delivery[attempt.delivery_id].append(attempt)
    return by_delivery


def _out(row: Delivery, attempts: list[DeliveryAttempt]) -> DeliveryOut:
    return DeliveryOut.model_validate(
        {**_columns(row), "attempts": [AttemptOut.model_validate(a) for a in attempts]}
    )


def _columns(row: Delivery) -> dict[str, Any]:
    return {name: getattr(row, name) for name in DeliveryOut.model_fields if name != "attempts"}


def list_deliveries(
    *, session: Session, operator_id: str, query: DeliveryListQuery
) -> DeliveryPage:
    """One page of an operator's deliveries, newest first. Raises NotFound."""
    load_operator(session, operator_id)
    total = session.scalar(
        _filtered(select(func.count()).select_from(Delivery), operator_id, query)
    )
    rows = session.scalars(
        _filtered(select(Delivery), operator_id, query)
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .limit(query.limit)
        .offset(query.offset)
    ).all()
    attempts = _attempts(session, [row.id for row in rows])
    return DeliveryPage(
        deliveries=[_out(row, attempts[row.id]) for row in rows],
        total=total or 0,
        limit=query.limit,
        offset=query.offset,
    )


def _load(session: Session, delivery_id: str, *, for_update: bool = False) -> Delivery:
    row = (
        session.get(Delivery, delivery_id, with_for_update=for_update)
        if is_id(delivery_id, "dlv")
        else None
    )
    if row is None:
        raise NotFound(f"No delivery found with id {delivery_id!r}")
    return row


def get_delivery(*, session: Session, delivery_id: str) -> DeliveryDetail:
    """One delivery with its request body and responses. Raises NotFound."""
    row = _load(session, delivery_id)
    attempts = _attempts(session, [row.id])[row.id]
    return DeliveryDetail.model_validate(
        {
            **_columns(row),
            "request_body": json.loads(row.body),
            "attempts": [AttemptDetail.model_validate(a) for a in attempts],
        }
    )


def redeliver(*, session: Session, actor: Actor, delivery_id: str, now: datetime) -> DeliveryOut:
    """Queue the delivery again, due now, with a fresh retry schedule. Raises NotFound.

    The body and id stay the same, so the receiver can tell it is a repeat. A delivery
    already pending is only brought forward; one in flight keeps its lease.
    """
    row = _load(session, delivery_id, for_update=True)
    before = row.status, row.next_attempt_at
    row.status, row.status_reason, row.failures = "pending", None, 0
    if row.lease_token is None:
        row.next_attempt_at = now
    audit.record(
        session,
        actor=actor,
        action="delivery.redelivered",
        at=now,
        operator_id=row.operator_id,
        changes={
            f"deliveries.{row.id}.status": {"from": before[0], "to": row.status},
            f"deliveries.{row.id}.next_attempt_at": {
                "from": before[1] and format_timestamp(before[1]),
                "to": row.next_attempt_at and format_timestamp(row.next_attempt_at),
            },
        },
    )
    return _out(row, _attempts(session, [row.id])[row.id])
