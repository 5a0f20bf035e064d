"""Delivery attempts in three steps, so no transaction is open while a callback is in flight.

`claim_due` leases a batch of due rows to a worker and reads what each send needs; `send`
talks to the operator with nothing open; `record_attempts` (for any number of ended sends)
stores the attempts, schedules retries and moves callback health. The worker records the
sends that ended and claims the next batch in one short transaction.

Claims are exclusive: on PostgreSQL `FOR UPDATE SKIP LOCKED` lets workers claim side by side
without waiting on each other's rows; SQLite's `BEGIN IMMEDIATE` serialises claims outright.
Either way the lease (a token, and `next_attempt_at` pushed to the lease's end) keeps every
other worker off the row until this one records its attempt or the lease runs out.

Nothing about one delivery may stop the others: a secret that cannot be opened, a URL the
sender cannot use, or any other failure to sign or send is that delivery's failed attempt
(`SIGNING_FAILED`, `INVALID_URL`, `SEND_FAILED`, …), retried on the schedule and counted in
its operator's callback health like any other failure.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from uuid import uuid4

from sqlalchemy import Connection, Row, Select, Table, bindparam, insert, select, true, update
from sqlalchemy.orm import Session

from predictu_console.core import audit
from predictu_console.core.callbacks import delivered_pg, health
from predictu_console.core.callbacks.outbox import (
    SIGNING_KEYS,
    open_secrets,
    sendable,
    signing_keys,
    target_of,
)
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.callbacks.signing import signed_headers
from predictu_console.core.clock import truncate_to_ms
from predictu_console.core.crypto import SecretBox
from predictu_console.db.tables import ApiKey, Delivery, DeliveryAttempt, Operator

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
RESPONSE_BODY_KEPT = 4096
SIGNING_FAILED = "SIGNING_FAILED"
SIGNING_FAILED_MESSAGE = (
    "The callback could not be signed: the operator's stored secret key cannot be decrypted "
    "(was the master key changed?); generate a new key pair"
)

log = logging.getLogger(__name__)


_deliveries, _operators = cast(Table, Delivery.__table__), cast(Table, Operator.__table__)
_CLAIMED = (_deliveries.c.id, _deliveries.c.operator_id, _deliveries.c.event, _deliveries.c.body)


@dataclass(frozen=True)
class Claim:
    """A leased delivery and everything its send needs."""

    delivery_id: str
    operator_id: str
    event: str
    lease_token: str
    url: str
    secrets: tuple[str, ...]
    """The signing secrets, newest first; empty when a stored secret could not be opened,
    and then the attempt fails as SIGNING_FAILED."""
    body: bytes


@dataclass(frozen=True)
class Outcome:
    """What one attempt did; `error` is None on success (any 2xx)."""

    started_at: datetime
    url: str
    latency_ms: int
    signature: str | None
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


_DUE = (
    select(*_CLAIMED, _deliveries.c.next_attempt_at.label("due_at"))
    .where(_deliveries.c.status == "pending", _deliveries.c.next_attempt_at <= bindparam("now"))
    .order_by(_deliveries.c.next_attempt_at, _deliveries.c.id)
    .limit(bindparam("limit"))
)
_LEASE: dict[str, Any] = {
    "lease_token": bindparam("token"),
    "next_attempt_at": bindparam("lease_ends"),
}


def _leased_with_keys() -> Select[Any]:
    """PostgreSQL's claim in one statement: the due rows locked (skipping those another
    claim holds), leased, and each returned with its operator's signing keys, in due order."""
    due = _DUE.with_for_update(skip_locked=True).cte("due")
    leased = (
        update(_deliveries)
        .where(_deliveries.c.id == due.c.id)
        .values(_LEASE)
        .returning(*_CLAIMED, due.c.due_at)
        .cte("leased")
    )
    keys = signing_keys(leased.c.operator_id).add_columns(ApiKey.created_at).lateral("keys")
    return (
        select(leased, keys.c.name, keys.c.callback_url, keys.c.key_id)
        .add_columns(keys.c.sealed_secret, keys.c.expires_at)
        .select_from(leased.outerjoin(keys, true()))
        .order_by(leased.c.due_at, leased.c.id, keys.c.expires_at.is_(None).desc())
        .order_by(keys.c.created_at.desc())
    )


_LEASED_WITH_KEYS = _leased_with_keys()


def claim_due(
    session: Session, *, box: SecretBox, now: datetime, limit: int, lease: timedelta
) -> list[Claim]:
    """Lease up to `limit` due deliveries; rows that cannot be sent now become `skipped`.

    One lease token covers the batch: a worker records each delivery under the token it
    claimed it with, and any later claim replaces the token.
    """
    token = uuid4().hex
    bound = {"now": now, "limit": limit, "token": token, "lease_ends": now + lease}
    keys: dict[str, list[Row[Any]]] = {}
    session.flush()  # events queued in this session are due too
    if session.get_bind().dialect.name == "postgresql":
        # Selected, leased and read with the signing keys in one round trip.
        rows = session.connection().execute(_LEASED_WITH_KEYS, bound).all()
        for row in rows:
            keys.setdefault(row.operator_id, []).append(row)
        rows = list({row.id: row for row in rows}.values())
    else:
        rows = list(session.connection().execute(_DUE, bound))
        if rows:
            session.execute(
                update(_deliveries)
                .where(_deliveries.c.id.in_([row.id for row in rows]))
                .values(_LEASE),
                bound,
            )
        for operator_id in {row.operator_id for row in rows}:
            keys[operator_id] = list(
                session.execute(SIGNING_KEYS, {"operator_id": operator_id, "now": now})
            )
    targets = {
        operator_id: _target(operator_id, key_rows, box) for operator_id, key_rows in keys.items()
    }
    skipped: dict[str, list[str]] = {}
    for row in rows:
        reason = targets[row.operator_id]
        if isinstance(reason, str):
            skipped.setdefault(reason, []).append(row.id)
    for reason, ids in skipped.items():
        session.execute(
            update(_deliveries)
            .where(_deliveries.c.id.in_(ids))
            .values(status="skipped", status_reason=reason, next_attempt_at=None, lease_token=None)
        )
    return [
        Claim(row.id, row.operator_id, row.event, token, *target, row.body.encode())
        for row in rows
        if not isinstance(target := targets[row.operator_id], str)
    ]


def _target(
    operator_id: str, key_rows: Sequence[Row[Any]], box: SecretBox
) -> tuple[str, tuple[str, ...]] | str:
    """(callback URL, signing secrets, empty if one cannot be opened) of the operator, from
    its rows of `signing_keys`, or why it cannot be sent to now."""
    target = sendable(target_of(key_rows))
    if isinstance(target, str):
        return target
    assert target.callback_url is not None  # `sendable` says why when there is none
    try:
        secrets = open_secrets(target, box)
    except Exception:
        # Whatever the cause (a changed master key, a damaged row), one operator's secret
        # must not roll back the whole batch's claim: its deliveries fail, the others go.
        log.exception("cannot open the signing secrets of %s", operator_id)
        secrets = ()
    return target.callback_url, secrets


def send(claim: Claim, sender: CallbackSender, *, timeout_ms: int, now: datetime) -> Outcome:
    """POST the claimed delivery; never raises: every failure is the attempt's outcome."""
    if not claim.secrets:
        return Outcome(
            now, claim.url, 0, None, error=SIGNING_FAILED, error_message=SIGNING_FAILED_MESSAGE
        )
    headers = signed_headers(
        secrets=claim.secrets,
        body=claim.body,
        event=claim.event,
        delivery_id=claim.delivery_id,
        now=now,
    )
    signature = headers["X-Predictu-Signature"]
    sent = sender.exchange(claim.url, claim.body, headers, timeout_ms=timeout_ms)
    if sent.response is None:
        assert sent.failure is not None
        return Outcome(
            now,
            claim.url,
            sent.latency_ms,
            signature,
            error=sent.failure.code,
            error_message=sent.failure.message,
            ip_resolved=sent.failure.ip,
        )
    response = sent.response
    ok = 200 <= response.status < 300
    return Outcome(
        now,
        claim.url,
        sent.latency_ms,
        signature,
        http_status=response.status,
        error=None if ok else "HTTP_ERROR",
        error_message=None if ok else f"Server returned HTTP {response.status}",
        ip_resolved=response.ip,
        tls_version=response.tls_version,
        response_body=response.body[:RESPONSE_BODY_KEPT].decode(errors="replace"),
    )


# Built once and run on the session's connection, skipping the ORM, several rows per call:
# every attempt is recorded, and building and routing statements one by one would cost more
# than SQLite takes to run them.
_attempts = cast(Table, DeliveryAttempt.__table__)
_ATTEMPT_COLUMNS = (
    "worker",
    "started_at",
    "url",
    "http_status",
    "latency_ms",
    "error",
    "error_message",
    "ip_resolved",
    "tls_version",
    "signature",
    "response_body",
)
_ADD_ATTEMPT = insert(_attempts).from_select(
    ["delivery_id", "number", *_ATTEMPT_COLUMNS],
    select(
        _deliveries.c.id,
        _deliveries.c.attempt_count + 1,
        *(bindparam(name, type_=_attempts.c[name].type) for name in _ATTEMPT_COLUMNS),
    ).where(_deliveries.c.id == bindparam("delivery_id")),
)
_ATTEMPTED = (
    update(_deliveries)
    .where(_deliveries.c.id == bindparam("delivery_id"))
    .values(attempt_count=_deliveries.c.attempt_count + 1, last_attempt_at=bindparam("at"))
)
_DELIVERED = _ATTEMPTED.values(**delivered_pg.DELIVERED)
_FAILED = _ATTEMPTED.returning(
    _deliveries.c.lease_token, _deliveries.c.status, _deliveries.c.failures
)
_RESCHEDULED = update(_deliveries).where(_deliveries.c.id == bindparam("delivery_id"))
_STILL_HEALTHY = (
    update(_operators)
    .where(
        _operators.c.id == bindparam("operator_id"),
        _operators.c.callback_status == "healthy",
        _operators.c.callback_failure_count == 0,
    )
    .values(callback_last_success=bindparam("at"))
)


def record_attempts(
    session: Session,
    results: Sequence[tuple[Claim, Outcome]],
    *,
    worker: str,
    now: datetime,
    rng: random.Random,
) -> None:
    """Store the attempts, settle or reschedule their deliveries, and move callback health."""
    if not results:
        return
    connection = session.connection()
    if _all_delivered_once(results) and connection.dialect.name == "postgresql":
        _record_delivered(session, results, worker=worker, now=now)
        return
    connection.execute(
        _ADD_ATTEMPT,
        [
            {
                "delivery_id": claim.delivery_id,
                "worker": worker,
                **{name: getattr(outcome, name) for name in _ATTEMPT_COLUMNS if name != "worker"},
            }
            for claim, outcome in results
        ],
    )
    delivered = [
        {"delivery_id": claim.delivery_id, "at": outcome.started_at, "now": now}
        for claim, outcome in results
        if outcome.success
    ]
    if delivered:
        connection.execute(_DELIVERED, delivered)
    for claim, outcome in results:
        if not outcome.success:
            _record_failure(connection, claim, outcome, now, rng)
    for operator_id, outcome in _health_moves(results):
        _move_health(session, operator_id, outcome, now)


def _all_delivered_once(results: Sequence[tuple[Claim, Outcome]]) -> bool:
    """Whether every attempt succeeded, each of a different delivery: the common batch."""
    ids = {claim.delivery_id for claim, outcome in results if outcome.success}
    return len(ids) == len(results)


def _record_delivered(
    session: Session, results: Sequence[tuple[Claim, Outcome]], *, worker: str, now: datetime
) -> None:
    """PostgreSQL's record of a batch of successes: one statement in the common case, the
    healthy staying healthy."""
    operator_ids = list(dict.fromkeys(claim.operator_id for claim, _ in results))
    sent = [
        {
            "delivery_id": claim.delivery_id,
            **{n: getattr(outcome, n) for n in delivered_pg.SENT[1:]},
        }
        for claim, outcome in results
    ]
    healthy = delivered_pg.record_delivered(
        session.connection(), sent, worker=worker, now=now, operator_ids=operator_ids
    )
    for operator_id in operator_ids:
        if operator_id not in healthy:
            _change_health(session, operator_id, success=True, now=now)


def _record_failure(
    connection: Connection, claim: Claim, outcome: Outcome, now: datetime, rng: random.Random
) -> None:
    key = {"delivery_id": claim.delivery_id, "at": outcome.started_at}
    counted = connection.execute(_FAILED, key).one_or_none()
    # Only the lease holder reschedules: a redeliver since the claim has its own plan.
    if counted is not None and (counted.lease_token, counted.status) == (
        claim.lease_token,
        "pending",
    ):
        connection.execute(
            _RESCHEDULED.values(_rescheduled(outcome, counted.failures, now, rng)), key
        )


def _health_moves(results: Sequence[tuple[Claim, Outcome]]) -> list[tuple[str, Outcome]]:
    """The outcomes that move health, in order: a run of successes for one operator ends
    where one success would, so only its last one is kept."""
    moves: list[tuple[str, Outcome]] = []
    for claim, outcome in results:
        previous = next((m for m in reversed(moves) if m[0] == claim.operator_id), None)
        if outcome.success and previous is not None and previous[1].success:
            moves.remove(previous)
        moves.append((claim.operator_id, outcome))
    return moves


def _rescheduled(
    outcome: Outcome, failures: int, now: datetime, rng: random.Random
) -> dict[str, object]:
    """A failed delivery's next retry, or `failed` once the schedule is used up."""
    delay = retry_delay(failures + 1, rng)
    return {
        "failures": failures + 1,
        "status_reason": f"{outcome.error}: {outcome.error_message}",
        "lease_token": None,
        "status": "failed" if delay is None else "pending",
        "next_attempt_at": None if delay is None else truncate_to_ms(now + delay),
    }


def _move_health(session: Session, operator_id: str, outcome: Outcome, now: datetime) -> None:
    if outcome.success:
        # The common case, healthy staying healthy, is one UPDATE and needs no audit row.
        still_healthy = session.connection().execute(
            _STILL_HEALTHY, {"operator_id": operator_id, "at": now}
        )
        if still_healthy.rowcount:
            return
    _change_health(session, operator_id, success=outcome.success, now=now)


def _change_health(session: Session, operator_id: str, *, success: bool, now: datetime) -> None:
    """Apply one outcome to an operator's health, audited when its status changes."""
    # FOR NO KEY UPDATE: outbox inserts hold KEY SHARE locks on the operator and must not wait.
    operator = session.get(Operator, operator_id, with_for_update={"key_share": True})
    if operator is None:
        return
    changes = health.record_outcome(session, operator, success=success, at=now)
    if "callback_status" in changes:
        audit.record(
            session,
            actor=None,
            action="callback.health_changed",
            at=now,
            operator_id=operator_id,
            changes=changes,
        )
