"""The transactional outbox: events are written in the transaction of the change that caused
them, so a rolled-back change sends nothing and a committed one is never lost.

An operator with no callback URL, or no active key to sign with, gets the event recorded as
`skipped` with the reason, so the delivery log still shows what happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from predictu_console.core.callbacks.events import DomainEvent
from predictu_console.core.callbacks.signing import encode_body
from predictu_console.core.crypto import SecretBox
from predictu_console.core.fields import format_timestamp
from predictu_console.core.ids import new_id
from predictu_console.core.keys import IS_CURRENT, NEWEST_FIRST
from predictu_console.db.tables import ApiKey, Delivery, Operator

NO_CALLBACK_URL = "no callback URL is configured"
NO_ACTIVE_KEY = "no active API key to sign with"
MAX_SIGNING_KEYS = 4
"""The current key and up to three still in their grace period: enough for keys rotated
several times within a grace period, and a bound on the headers each callback carries."""


def signing_keys(
    operator_id: ColumnElement[str],
) -> Select[str, str | None, str, str, datetime | None]:
    """An operator's name and callback URL with the keys that sign its callbacks at `:now`:
    the current one, then those still in their grace period, newest first (one row of NULL
    keys without any). `operator_id` is a bound parameter, or a column the select is laterally
    joined to (the PostgreSQL claim reads every claimed delivery's keys in its statement)."""
    return (
        select(
            Operator.name,
            Operator.callback_url,
            ApiKey.id.label("key_id"),
            ApiKey.sealed_secret,
            ApiKey.expires_at,
        )
        .outerjoin(
            ApiKey,
            and_(
                ApiKey.operator_id == Operator.id,
                or_(IS_CURRENT, ApiKey.expires_at > bindparam("now")),
            ),
        )
        .where(Operator.id == operator_id)
        .order_by(IS_CURRENT.desc(), NEWEST_FIRST)
        .limit(MAX_SIGNING_KEYS)
    )


SIGNING_KEYS = signing_keys(bindparam("operator_id"))
"""`signing_keys` of the operator `:operator_id`. Built once: every event, every SQLite claim of
deliveries and every PING reads it."""


@dataclass(frozen=True)
class CallbackTarget:
    """Where an operator's callbacks go, and the sealed keys that sign them, newest first."""

    name: str
    callback_url: str | None
    keys: tuple[tuple[str, str], ...]
    """(key id, sealed secret) of the current key, then of each key still in its grace."""


def target_of(rows: Sequence[Any]) -> CallbackTarget | None:
    """The target the rows of `signing_keys` describe; None for no rows (no such operator)."""
    if not rows:
        return None
    current = rows[0].key_id is not None and rows[0].expires_at is None
    keys = tuple((row.key_id, row.sealed_secret) for row in rows) if current else ()
    return CallbackTarget(rows[0].name, rows[0].callback_url, keys)


def signing_target(session: Session, operator_id: str, *, now: datetime) -> CallbackTarget | None:
    """The operator's URL and signing keys at `now`, or None if there is no such operator."""
    return target_of(session.execute(SIGNING_KEYS, {"operator_id": operator_id, "now": now}).all())


def callback_target(session: Session, operator_id: str, *, now: datetime) -> CallbackTarget | str:
    """The operator's target at `now`, or why no callback can go to it now."""
    return sendable(signing_target(session, operator_id, now=now))


def sendable(target: CallbackTarget | None) -> CallbackTarget | str:
    """The target, or why no callback can go to it now."""
    if target is None or not target.callback_url:
        return NO_CALLBACK_URL
    return target if target.keys else NO_ACTIVE_KEY


def open_secrets(target: CallbackTarget, box: SecretBox) -> tuple[str, ...]:
    """The target's signing secrets in plaintext, newest first.

    Raises whatever opening a sealed secret raises (MasterKeyError, SecretUnreadable).
    """
    return tuple(box.open(key_id, sealed) for key_id, sealed in target.keys)


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
    targets: dict[str, CallbackTarget | str] = {}
    ids = []
    for event in events:
        if event.operator_id not in targets:
            targets[event.operator_id] = callback_target(
                session, event.operator_id, now=event.timestamp
            )
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
