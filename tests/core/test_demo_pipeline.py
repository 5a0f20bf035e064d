"""The demo's planner process: its batches come back in order and whole, and a failure in it
reaches the seeding as the error it was, with the planner stopped."""

from __future__ import annotations

import multiprocessing
import os
from datetime import UTC, datetime

import pytest
from sqlalchemy.dialects import sqlite

from predictu_console.core.demo.activity import MarketInfo
from predictu_console.core.demo.catalogue import CAST_SIZE, cast
from predictu_console.core.demo.pipeline import planned_batches
from predictu_console.core.demo.seed import MARKETS
from predictu_console.core.errors import PlannerStopped
from predictu_console.db.base import table_of
from predictu_console.db.tables import Operator, Trade

NOW = datetime(2025, 3, 18, 14, 30, tzinfo=UTC)
GENERATED = cast(CAST_SIZE + 9)[CAST_SIZE:]
BATCHES = [GENERATED[0:3], GENERATED[3:6], GENERATED[6:9]]


def _markets():
    return [
        MarketInfo(f"mkt_{number}", category, NOW.replace(year=2024), None, None)
        for number, (_, category, *_rest) in enumerate(MARKETS)
    ]


def test_batches_planned_in_another_process_come_back_in_order_ready_for_sqlite():
    with planned_batches(BATCHES, markets=_markets(), now=NOW, dialect=sqlite.dialect()) as planned:
        batches = list(planned)

    assert multiprocessing.active_children() == []
    assert len(batches) == 3
    for batch, specs in zip(batches, BATCHES, strict=True):
        operators = next(rows for rows in batch.setup if rows.table == table_of(Operator).name)
        names = [
            dict(zip(operators.names, values, strict=True))["name"] for values in operators.values
        ]
        assert names == [spec.name for spec in specs]
        trades = next(rows for rows in batch.activity if rows.table == table_of(Trade).name)
        assert trades.stored  # as SQLite's driver takes them: numbers and text
        assert len(trades.values) == batch.trades > 0
        assert {type(value) for value in trades.values[0]} <= {str, int, float}


def test_a_failure_in_the_planner_reaches_the_seeding_and_stops_the_planner():
    with (
        pytest.raises(TypeError, match="unsupported operand"),
        planned_batches(BATCHES, markets=_markets(), now=None, dialect=sqlite.dialect()) as planned,
    ):
        next(planned)

    assert multiprocessing.active_children() == []


class _DiesWhenUnpickled:
    """Stands for a market; the planner dies as it receives it, as if the system killed it."""

    def __reduce__(self):
        return (os._exit, (9,))


def test_a_planner_that_dies_is_a_clear_error_and_leaves_nothing_running():
    with (
        pytest.raises(PlannerStopped) as stopped,
        planned_batches(
            BATCHES, markets=[_DiesWhenUnpickled()], now=NOW, dialect=sqlite.dialect()
        ) as planned,
    ):
        next(planned)

    assert stopped.value.code == "DEMO_PLANNER_STOPPED"
    assert "running demo again seeds the rest" in stopped.value.message
    assert multiprocessing.active_children() == []
