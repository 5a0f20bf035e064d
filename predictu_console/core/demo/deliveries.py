"""A believable callback history for the demo's cast: delivered events, and the retries behind
the degraded and failing operators' health.

Synthesised like the rest of the demo's activity: no request leaves the machine. Demo
operators have no real keys, so events queued while seeding are `skipped`; this history
shows what the Deliveries tab looks like for an operator in production.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from predictu_console.core.callbacks.delivery import RETRY_DELAYS
from predictu_console.core.callbacks.events import DomainEvent
from predictu_console.core.callbacks.outbox import body_of
from predictu_console.core.callbacks.signing import sign
from predictu_console.core.ids import new_id
from predictu_console.db.tables import Delivery, DeliveryAttempt

DELIVERED = 6
FAILURES = {
    "TIMEOUT": "Callback did not respond within 10000ms",
    "CONNECTION_REFUSED": "TCP connection was refused",
}


def _event(rng: random.Random, operator_id: str, at: datetime, kind: str | None) -> DomainEvent:
    user = f"plr_demo{rng.randint(1000, 9999)}"
    kind = kind or rng.choice(("USER_REGISTERED", "TRADE_PLACED", "BALANCE_CHANGED"))
    player = f"player-{rng.randint(1, 99999)}"
    payloads: dict[str, dict[str, object]] = {
        "USER_REGISTERED": {"user_id": user, "external_player_id": player},
        "TRADE_PLACED": {
            "trade_id": f"trd_demo{rng.randint(1000, 9999)}",
            "user_id": user,
            "market_id": f"mkt_demo{rng.randint(0, 15):02d}",
            "side": rng.choice(("yes", "no")),
            "amount": rng.choice((5, 10, 25, 50, 100)),
            "price": rng.choice((0.31, 0.42, 0.57)),
        },
        "BALANCE_CHANGED": {
            "user_id": user,
            "previous_balance": 120,
            "new_balance": 95,
            "reason": "trade",
        },
        "PAYOUT": {
            "user_id": user,
            "previous_balance": 40,
            "new_balance": 82.5,
            "reason": "payout",
        },
    }
    event = "BALANCE_CHANGED" if kind == "PAYOUT" else kind
    return DomainEvent.model_validate(
        {"event": event, "operator_id": operator_id, "timestamp": at, "payload": payloads[kind]}
    )


def _add(
    session: Session,
    rng: random.Random,
    *,
    operator_id: str,
    url: str,
    at: datetime,
    tries: list[tuple[datetime, str | None]],
    kind: str | None = None,
) -> Delivery:
    """One delivery whose attempts started at the given times with the given errors."""
    delivery_id = new_id("dlv")
    event = _event(rng, operator_id, at, kind)
    body = body_of(event, delivery_id)
    ip = f"203.0.113.{rng.randint(2, 250)}"
    row = Delivery(
        id=delivery_id,
        operator_id=operator_id,
        event=event.event,
        body=body.decode(),
        status="pending",
        status_reason=None,
        attempt_count=len(tries),
        failures=0,
        created_at=at,
        next_attempt_at=None,
        last_attempt_at=tries[-1][0] if tries else None,
        delivered_at=None,
        lease_token=None,
    )
    session.add(row)
    for number, (started, error) in enumerate(tries, start=1):
        session.add(
            DeliveryAttempt(
                delivery_id=delivery_id,
                number=number,
                started_at=started,
                url=url,
                worker="demo",
                http_status=None if error else 200,
                latency_ms=10_000 if error == "TIMEOUT" else rng.randint(40, 320),
                error=error,
                error_message=FAILURES.get(error or ""),
                ip_resolved=ip,
                tls_version=None if error else "TLSv1.3",
                signature=sign(f"sk_demo_{operator_id}", body),
                response_body=None if error else '{"status":"ok"}',
            )
        )
    return row


def seed_deliveries(
    session: Session,
    rng: random.Random,
    *,
    operator_id: str,
    url: str,
    failures: int,
    active_until: datetime,
    now: datetime,
) -> None:
    """Deliveries from the operator's last active days, then, if `failures`, a payout's
    delivery that has failed that many times in a row and is waiting for its next retry
    (payouts reach inactive operators' players too)."""
    error = "TIMEOUT" if failures < 5 else "CONNECTION_REFUSED"
    waits = RETRY_DELAYS[: max(failures - 1, 0)]
    # The last failure is half a retry wait ago, so the next try is still ahead at `now`.
    first_failure = now - sum(waits, timedelta()) - RETRY_DELAYS[max(failures - 1, 0)] / 2
    last_success = min(active_until, first_failure) - timedelta(minutes=5)
    for _ in range(DELIVERED):
        at = last_success - timedelta(minutes=rng.randint(0, 2 * 24 * 60))
        row = _add(session, rng, operator_id=operator_id, url=url, at=at, tries=[(at, None)])
        row.status, row.delivered_at = "delivered", at
    if not failures:
        return
    starts = [first_failure + sum(waits[:n], timedelta()) for n in range(failures)]
    row = _add(
        session,
        rng,
        operator_id=operator_id,
        url=url,
        at=first_failure,
        tries=[(start, error) for start in starts],
        kind="PAYOUT",
    )
    row.failures = failures
    row.status_reason = f"{error}: {FAILURES[error]}"
    row.next_attempt_at = starts[-1] + RETRY_DELAYS[failures - 1]
