"""Demo data: realistic, complete, exact, and idempotent."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from predictu_console.core import audit, invoices, operators, stats
from predictu_console.core.clock import FrozenClock
from predictu_console.core.demo.seed import seed
from predictu_console.core.models import OperatorListQuery
from predictu_console.db.session import session_scope
from predictu_console.db.tables import AuditEntry, Invoice, Trade
from tests.factories import BOX
from tests.recompute import raw_stats

NOW = datetime(2025, 3, 18, 14, 30, tzinfo=UTC)


@pytest.fixture
def seeded(session_factory):
    clock = FrozenClock(NOW)
    report = seed(factory=session_factory, clock=clock, box=BOX)
    return report, clock


def _page(session_factory, clock, **query):
    with session_scope(session_factory, write=False) as session:
        return operators.list_operators(
            session=session, query=OperatorListQuery(limit=100, **query), clock=clock
        )


def test_the_spec_operators_are_there_in_every_stage(session_factory, seeded):
    _, clock = seeded
    rows = {row.name: row for row in _page(session_factory, clock).operators}

    example, lucky = rows["Example Casino"], rows["LuckySpin"]
    assert (example.domain, example.status, example.onboarding_step) == (
        "example-casino.com",
        "active",
        8,
    )
    assert (lucky.domain, lucky.status, lucky.onboarding_step, lucky.user_count) == (
        "luckyspin.io",
        "onboarding",
        1,
        0,
    )
    assert {row.status for row in rows.values()} == {"active", "inactive", "onboarding"}
    assert {row.onboarding_step for row in rows.values()} >= {1, 3, 4, 6, 8}
    assert {row.callback_status for row in rows.values()} >= {"healthy", "degraded", "failing"}
    assert all(row.user_count > 0 for row in rows.values() if row.status != "onboarding")


def test_every_figure_equals_a_recomputation_from_raw_rows(session_factory, seeded):
    _, clock = seeded
    page = _page(session_factory, clock)
    with session_scope(session_factory, write=False) as session:
        raw = raw_stats(session, clock.now())
        assert stats.verify_rollups(session) == []
        assert audit.verify_chain(session).ok

    for row in page.operators:
        assert (row.user_count, row.active_user_count_24h, row.total_volume, row.mtd_revenue) == (
            raw[row.name]["users"],
            raw[row.name]["active_24h"],
            raw[row.name]["volume"],
            raw[row.name]["mtd"],
        ), row.name
    assert sum(r["active_24h"] for r in raw.values()) > 0
    assert sum(r["mtd"] for r in raw.values()) > 0


def test_activity_spans_about_four_months_and_stays_in_the_past(session_factory, seeded):
    _, clock = seeded
    with session_scope(session_factory, write=False) as session:
        first, last = session.execute(
            select(func.min(Trade.created_at), func.max(Trade.created_at))
        ).one()
    assert (clock.now() - first).days >= 100
    assert last <= clock.now()


def test_invoices_cover_closed_months_with_every_status(session_factory, seeded):
    _, clock = seeded
    with session_scope(session_factory, write=False) as session:
        rows = session.scalars(select(Invoice)).all()
        statuses = Counter(invoices.status_of(row, clock.now()) for row in rows)
        periods = {row.period for row in rows}
    assert set(statuses) == {"paid", "pending", "overdue"}
    assert max(periods) == "2025-02" and min(periods) <= "2024-12"
    assert all(row.predictu_share + row.operator_share == row.gross_revenue for row in rows)


def test_seeding_again_adds_nothing(session_factory, seeded):
    first, clock = seeded
    with session_scope(session_factory, write=False) as session:
        before = session.scalar(select(func.count()).select_from(AuditEntry))

    again = seed(factory=session_factory, clock=clock, box=BOX)

    assert (first.operators_created, first.trades_created > 0) == (12, True)
    assert (again.operators_created, again.trades_created, again.invoices_created) == (0, 0, 0)
    with session_scope(session_factory, write=False) as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_a_larger_count_adds_generated_operators_to_an_existing_demo(session_factory, seeded):
    _, clock = seeded
    grown = seed(factory=session_factory, clock=clock, box=BOX, count=40)

    assert (grown.operators_total, grown.operators_created) == (40, 28)
    page = _page(session_factory, clock)
    assert page.total == 40
    with session_scope(session_factory, write=False) as session:
        assert stats.verify_rollups(session) == []
