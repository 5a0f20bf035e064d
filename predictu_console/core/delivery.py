"""One delivery attempt in three steps, so no transaction is open while a callback is in flight.

`claim_due` (one short transaction) leases due rows to a worker and reads what each send
needs; `send` talks to the operator with nothing open; `record_attempt` (another short
transaction) stores the attempt, schedules the retry and moves callback health.

Claims are exclusive: on PostgreSQL `FOR UPDATE SKIP LOCKED` lets workers claim side by side
without waiting on each other's rows; SQLite's `BEGIN IMMEDIATE` serialises claims outright.
Either way the lease (a token, and `next_attempt_at` pushed to the lease's end) keeps every
other worker off the row until this one records its attempt or the lease runs out.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session

from predictu_console.core import audit, callback_health
from predictu_console.core.callback_sender import CallbackFailure, CallbackSender
from predictu_console.core.clock import truncate_to_ms
from predictu_console.core.crypto import SecretBox
from predictu_console.core.errors import NoActiveKey
from predictu_console.core.keys import current_secret
from predictu_console.core.outbox import NO_ACTIVE_KEY, NO_CALLBACK_URL
from predictu_console.core.signing import signed_headers
from predictu_console.db.tables import Delivery, DeliveryAttempt, Operator

RETRY_DELAYS = (
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
"""The wait after the 1st, 2nd, … consecutive failure; after one more failure, `failed`."""
JITTER = 0.1
"""Each wait is stretched or shrunk by up to this fraction, so retries do not stampede."""
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
RESPONSE_BODY_KEPT = 4096


@dataclass(frozen=True)
class Claim:
    """A leased delivery and everything its send needs."""

    delivery_id: str
    operator_id: str
    event: str
    lease_token: str
    url: str
    body: bytes
    secret: str


@dataclass(frozen=True)
class Outcome:
    """What one attempt did; `error` is None on success (any 2xx)."""

    started_at: datetime
    url: str
    latency_ms: int
    signature: str
    http_status: int | None = None
    error: str | None = None
    error_message: str | None = None
    ip_resolved: str | None = None
    tls_version: str | None = None
    response_body: str | None = None

    @property
    def success(self) -> bool:
        """True when the operator's server answered 2xx."""
        return self.error is None


def retry_delay(failures: int, rng: random.Random) -> timedelta | None:
    """The wait after the `failures`-th consecutive failure, jittered; None means give up."""
    if failures > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[failures - 1] * rng.uniform(1 - JITTER, 1 + JITTER)


def claim_due(
    session: Session, *, box: SecretBox, now: datetime, limit: int, lease: timedelta
) -> list[Claim]:
    """Lease up to `limit` due deliveries; rows that cannot be sent now become `skipped`."""
    stmt = (
        select(Delivery)
        .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    claims = []
    for row in session.scalars(stmt).all():
        url = session.scalar(select(Operator.callback_url).where(Operator.id == row.operator_id))
        if not url:
            _skip(row, NO_CALLBACK_URL)
            continue
        try:
            _, secret = current_secret(session, operator_id=row.operator_id, box=box)
        except NoActiveKey:
            _skip(row, NO_ACTIVE_KEY)
            continue
        row.lease_token = uuid4().hex
        row.next_attempt_at = now + lease
        claims.append(
            Claim(
                row.id, row.operator_id, row.event, row.lease_token, url, row.body.encode(), secret
            )
        )
    return claims


def _skip(row: Delivery, reason: str) -> None:
    row.status, row.status_reason = "skipped", reason
    row.next_attempt_at, row.lease_token = None, None


def send(claim: Claim, sender: CallbackSender, *, timeout_ms: int, now: datetime) -> Outcome:
    """POST the claimed delivery; never raises for the operator's server's failures."""
    headers = signed_headers(
        secret=claim.secret, body=claim.body, event=claim.event,
        delivery_id=claim.delivery_id, now=now,
    )  # fmt: skip
    signature = headers["X-Predictu-Signature"]
    started = time.monotonic()

    def elapsed() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        response = sender.post(claim.url, claim.body, headers, timeout_ms=timeout_ms)
    except CallbackFailure as failure:
        return Outcome(
            now, claim.url, elapsed(), signature, error=failure.code,
            error_message=failure.message, ip_resolved=failure.ip,
        )  # fmt: skip
    ok = 200 <= response.status < 300
    return Outcome(
        now, claim.url, elapsed(), signature,
        http_status=response.status,
        error=None if ok else "HTTP_ERROR",
        error_message=None if ok else f"Server returned HTTP {response.status}",
        ip_resolved=response.ip,
        tls_version=response.tls_version,
        response_body=response.body[:RESPONSE_BODY_KEPT].decode(errors="replace"),
    )  # fmt: skip


def record_attempt(
    session: Session, *, claim: Claim, outcome: Outcome, worker: str, now: datetime,
    rng: random.Random,
) -> None:  # fmt: skip
    """Store the attempt, settle or reschedule the delivery, and move callback health."""
    row = session.get(Delivery, claim.delivery_id, with_for_update=True)
    if row is None:
        return
    row.attempt_count += 1
    row.last_attempt_at = outcome.started_at
    session.add(
        DeliveryAttempt(
            delivery_id=row.id, number=row.attempt_count, worker=worker,
            started_at=outcome.started_at, url=outcome.url, http_status=outcome.http_status,
            latency_ms=outcome.latency_ms, error=outcome.error,
            error_message=outcome.error_message, ip_resolved=outcome.ip_resolved,
            tls_version=outcome.tls_version, signature=outcome.signature,
            response_body=outcome.response_body,
        )
    )  # fmt: skip
    if outcome.success:
        row.status, row.status_reason, row.delivered_at = "delivered", None, now
        row.next_attempt_at, row.lease_token, row.failures = None, None, 0
    elif row.lease_token == claim.lease_token and row.status == "pending":
        # Only the lease holder reschedules: a redeliver since the claim has its own plan.
        row.failures += 1
        row.status_reason = f"{outcome.error}: {outcome.error_message}"
        delay = retry_delay(row.failures, rng)
        row.lease_token = None
        if delay is None:
            row.status, row.next_attempt_at = "failed", None
        else:
            row.next_attempt_at = truncate_to_ms(now + delay)
    _move_health(session, row.operator_id, outcome, now)


def _move_health(session: Session, operator_id: str, outcome: Outcome, now: datetime) -> None:
    # FOR NO KEY UPDATE: outbox inserts hold KEY SHARE locks on the operator and must not wait.
    operator = session.get(Operator, operator_id, with_for_update={"key_share": True})
    if operator is None:
        return
    changes = callback_health.record_outcome(session, operator, success=outcome.success, at=now)
    if "callback_status" in changes:
        audit.record(
            session, actor=None, action="callback.health_changed", at=now,
            operator_id=operator_id, changes=changes,
        )  # fmt: skip
