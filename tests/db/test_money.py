"""Money stays exact in the database, where SQLite's floats would round it."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from predictu_console.db.rollups import add_to_stats
from predictu_console.db.session import session_scope
from predictu_console.db.tables import OperatorStats
from tests.factories import make_operator


def test_in_place_increments_of_cents_on_a_huge_total_are_exact(session_factory, god, clock):
    operator_id = make_operator(session_factory, god, clock).id
    with session_scope(session_factory) as session:
        session.get(OperatorStats, operator_id).total_volume = Decimal("100000000000000.00")
    for _ in range(3):
        with session_scope(session_factory) as session:
            add_to_stats(session, operator_id, volume=Decimal("0.01"))

    with session_scope(session_factory, write=False) as session:
        stored = session.get(OperatorStats, operator_id).total_volume
        summed = session.scalar(select(func.sum(OperatorStats.total_volume)))
    assert stored == summed == Decimal("100000000000000.03")
