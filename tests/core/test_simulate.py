"""`simulate`: live operator traffic, its outbox rows and their real deliveries."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from predictu_console.core import audit, stats
from predictu_console.core.demo.seed import seed
from predictu_console.core.demo.simulate import SimulationConfig, prepare, simulate
from predictu_console.core.errors import NotFound
from predictu_console.db.session import session_scope
from predictu_console.db.tables import Delivery, DeliveryAttempt
from tests.factories import BOX


@pytest.mark.slow
def test_two_seconds_of_traffic_book_several_event_types_and_deliver_them(session_factory, clock):
    seed(factory=session_factory, clock=clock, box=BOX)
    since = datetime.now(UTC)
    lines: list[str] = []

    tally = simulate(
        prepare(factory=session_factory, box=BOX),
        config=SimulationConfig(seconds=2, rate=20),
        stop=threading.Event(),
        report=lines.append,
    )

    assert sum(tally.actions.values()) >= 5 and len(tally.actions) >= 2
    with session_scope(session_factory, write=False) as session:
        events = dict(
            session.execute(
                select(Delivery.event, func.count())
                .where(Delivery.created_at >= since)
                .group_by(Delivery.event)
            ).all()
        )
        attempted = session.scalar(
            select(func.count())
            .select_from(DeliveryAttempt)
            .where(DeliveryAttempt.started_at >= since, DeliveryAttempt.error.is_(None))
        )
        assert stats.verify_rollups(session) == []
        assert audit.verify_chain(session).ok
    assert {"BALANCE_CHANGED", "TRADE_PLACED"} <= set(events), events  # trades are most actions
    assert attempted and attempted > 0
    assert lines and "actions" in lines[-1] and "delivered" in lines[-1]


def test_an_empty_database_has_no_traffic_to_simulate(session_factory):
    with pytest.raises(NotFound, match="predictu-console demo"):
        prepare(factory=session_factory, box=BOX)
