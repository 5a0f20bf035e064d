"""Whether a delivery worker is at work, read from the outbox itself: no heartbeat table.

A running worker claims due deliveries oldest first within a poll (a second by default), and
a claim pushes the row's `next_attempt_at` to the end of its lease. So a delivery that has
been due for longer than `STALLED_AFTER` while nothing is in flight means no worker is
running: the console says so instead of showing `pending … now` forever. A worker that is
merely behind has deliveries in flight, and is not reported.

Whether a worker runs is a fact about the whole platform; how many deliveries wait for one
is counted for the operator on screen when there is one, so an operator's page never shows
the whole platform's backlog as its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from predictu_console.core.fields import Timestamp
from predictu_console.db.tables import Delivery

STALLED_AFTER = timedelta(seconds=30)
"""Thirty polls of an idle worker: long enough for a busy machine, short enough to notice."""


class DeliveryBacklog(BaseModel):
    """Deliveries due now, of one operator or of every operator, and whether a worker is
    taking them."""

    due: int
    """Pending deliveries whose time has come and that no worker holds (of the operator
    asked about, or of every operator)."""
    oldest_due_at: Timestamp | None
    """When the oldest of those fell due."""
    stalled: bool
    """True when some operator's delivery has waited longer than `STALLED_AFTER` with
    nothing in flight: no delivery worker is running."""


def read_backlog(
    session: Session, *, now: datetime, operator_id: str | None = None
) -> DeliveryBacklog:
    """The due deliveries, of `operator_id` or of every operator, and whether any is
    stalled; two index range reads."""
    due = (Delivery.status == "pending") & (Delivery.next_attempt_at <= now)
    counted = true() if operator_id is None else Delivery.operator_id == operator_id
    oldest_anywhere, count, oldest = session.execute(
        select(
            func.min(Delivery.next_attempt_at),
            func.count().filter(counted),
            func.min(Delivery.next_attempt_at).filter(counted),
        ).where(due)
    ).one()
    stalled = oldest_anywhere is not None and oldest_anywhere <= now - STALLED_AFTER
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
