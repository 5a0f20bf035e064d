"""The transactional outbox: events are written in the transaction of the change that caused
them, so a rolled-back change sends nothing and a committed one is never lost.

An operator with no callback URL, or no active key to sign with, gets the event recorded as
`skipped` with the reason, so the delivery log still shows what happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from predictu_console.core.callbacks.events import DomainEvent
from predictu_console.core.callbacks.signing import encode_body
from predictu_console.core.fields import format_timestamp
from predictu_console.core.ids import new_id
from predictu_console.core.keys import IS_CURRENT, NEWEST_FIRST
from predictu_console.core.lookup import Columns
from predictu_console.db.tables import ApiKey, Delivery, Operator

NO_CALLBACK_URL = "no callback URL is configured"
NO_ACTIVE_KEY = "no active API key to sign with"


CALLBACK_TARGET = (
    select(Operator.name, Operator.callback_url, ApiKey.id.label("key_id"), ApiKey.sealed_secret)
    .outerjoin(ApiKey, and_(ApiKey.operator_id == Operator.id, IS_CURRENT))
    .where(Operator.id == bindparam("operator_id"))
    .order_by(NEWEST_FIRST)
    .limit(1)
)
"""An operator's name and callback URL with its signing key (NULL without one), in one
statement, built once: every event, every claim of deliveries and every PING reads it."""


def callback_target(session: Session, operator_id: str) -> Columns | str:
    """The operator's `CALLBACK_TARGET` row, or why no callback can go to it now."""
    target: Columns | None = session.execute(CALLBACK_TARGET, {"operator_id": operator_id}).first()
    if target is None or not target.callback_url:
        return NO_CALLBACK_URL
    return NO_ACTIVE_KEY if target.key_id is None else target


def body_of(event: DomainEvent, delivery_id: str, *, test: bool = False) -> bytes:
    """The signed body: the spec's envelope, plus the delivery id so it is signed too.

    The one envelope of every callback, real or test: a test event (`samples.test_body`)
    carries `"test": true` after the timestamp and before the payload, where the PING has
    always carried it, so a receiver sees the flag before it reads the payload.
    """
    envelope: dict[str, Any] = {
        "event": event.event,
        "operator_id": event.operator_id,
        "delivery_id": delivery_id,
        "timestamp": format_timestamp(event.timestamp),
    }
    if test:
        envelope["test"] = True
    envelope["payload"] = event.payload
    return encode_body(envelope)


def emit(session: Session, events: Sequence[DomainEvent]) -> list[str]:
    """Queue `events` in the caller's transaction; returns their delivery ids."""
    targets: dict[str, Columns | str] = {}
    ids = []
    for event in events:
        if event.operator_id not in targets:
            targets[event.operator_id] = callback_target(session, event.operator_id)
        target = targets[event.operator_id]
        reason = target if isinstance(target, str) else None
        delivery_id = new_id("dlv")
        session.add(
            Delivery(
                id=delivery_id,
                operator_id=event.operator_id,
                event=event.event,
                body=body_of(event, delivery_id).decode(),
                status="skipped" if reason else "pending",
                status_reason=reason,
                attempt_count=0,
                failures=0,
                created_at=event.timestamp,
                next_attempt_at=None if reason else event.timestamp,
            )
        )
        ids.append(delivery_id)
    return ids
