"""Whether a delivery worker is at work, read from the outbox itself: no heartbeat table.

A running worker claims due deliveries oldest first within a poll (a second by default), and
a claim pushes the row's `next_attempt_at` to the end of its lease. So a delivery that has
been due for longer than `STALLED_AFTER` while nothing is in flight means no worker is
running: the console says so instead of showing `pending … now` forever. A worker that is
merely behind has deliveries in flight, and is not reported.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from predictu_console.core.fields import Timestamp
from predictu_console.db.tables import Delivery

STALLED_AFTER = timedelta(seconds=30)
"""Thirty polls of an idle worker: long enough for a busy machine, short enough to notice."""


class DeliveryBacklog(BaseModel):
    """Deliveries due now, for every operator, and whether a worker is taking them."""

    due: int
    """Pending deliveries whose time has come and that no worker holds."""
    oldest_due_at: Timestamp | None
    stalled: bool
    """True when the oldest has waited longer than `STALLED_AFTER` with nothing in flight:
    no delivery worker is running."""


def read_backlog(session: Session, *, now: datetime) -> DeliveryBacklog:
    """The due deliveries and whether they are stalled; two index range reads."""
    due = (Delivery.status == "pending") & (Delivery.next_attempt_at <= now)
    count, oldest = session.execute(
        select(func.count(), func.min(Delivery.next_attempt_at)).where(due)
    ).one()
    stalled = oldest is not None and oldest <= now - STALLED_AFTER
    if stalled:
        in_flight = session.scalar(
            select(Delivery.id)
            .where(
                Delivery.status == "pending",
                Delivery.next_attempt_at > now,
                Delivery.lease_token.is_not(None),
            )
            .limit(1)
        )
        stalled = in_flight is None
    return DeliveryBacklog(due=count, oldest_due_at=oldest, stalled=stalled)
