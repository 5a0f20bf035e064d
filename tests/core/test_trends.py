"""The charts' series: from the rollups, equal to a recomputation from raw rows, by UTC day."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from alembic import command
from sqlalchemy import delete, select, update

from predictu_console.core import invoices, stats, trends
from predictu_console.core.clock import FrozenClock
from predictu_console.core.demo.seed import seed
from predictu_console.db.migrate import alembic_config
from predictu_console.db.session import engine_of, session_scope
from predictu_console.db.tables import Operator, OperatorDaily, OperatorRevenue, Player, Trade
from tests.factories import BOX, active_operator
from tests.trading import buy, funded_player, open_market

NOW = datetime(2025, 3, 18, 14, 30, tzinfo=UTC)


def _raw_series(session, operator_id, days):
    """What the charts must show, recomputed from the players and trades themselves."""
    volume, joined = defaultdict(Decimal), Counter()
    for trade in session.scalars(select(Trade).where(Trade.operator_id == operator_id)):
        volume[trade.created_at.date()] += trade.amount
    for player in session.scalars(select(Player).where(Player.operator_id == operator_id)):
        joined[player.created_at.date()] += 1
    return [(day, volume[day], joined[day]) for day in days]


def test_the_demo_s_series_equal_the_raw_rows_and_stats_verify(session_factory):
    clock = FrozenClock(NOW)
    seed(factory=session_factory, clock=clock, box=BOX)
    with session_scope(session_factory, write=False) as session:
        assert stats.verify_rollups(session) == []  # the daily buckets included
        operator_ids = list(session.scalars(select(Operator.id)))
        drawn = 0
        for operator_id in operator_ids:
            series = trends.read_trends(session=session, operator_id=operator_id, now=NOW)
            days = [point.day for point in series.days]
            assert len(days) == trends.TREND_DAYS and days[-1] == NOW.date()
            assert days == [NOW.date() - timedelta(days=n) for n in range(89, -1, -1)]
            points = [(point.day, point.volume, point.new_players) for point in series.days]
            assert points == _raw_series(session, operator_id, days)
            drawn += sum(point.volume > 0 for point in series.days)

            months = [month.month for month in series.months]
            assert len(months) == trends.REVENUE_MONTHS and months[-1] == "2025-03"
            for month in series.months:
                buckets = [
                    (trade.share_predictu, trade.fee)
                    for trade in session.scalars(
                        select(Trade).where(
                            Trade.operator_id == operator_id, Trade.month == month.month
                        )
                    )
                ]
                assert (month.revenue, month.predictu_share, month.operator_share) == (
                    invoices.split(buckets)
                )
        assert drawn > 0  # the demo trades within the window


def test_days_are_utc_days_and_the_list_gets_thirty_of_them_per_operator(session_factory, god):
    clock = FrozenClock(datetime(2025, 3, 17, 23, 59, 59, 999000, tzinfo=UTC))
    op = active_operator(session_factory, god, clock)
    quiet = active_operator(session_factory, god, clock, name="Quiet One", domain="quiet.io")
    market = open_market(session_factory, god, clock)
    player = funded_player(session_factory, clock, op.id, "p1")
    buy(session_factory, clock, player, market, amount="10")  # the last millisecond of the 17th
    clock.advance(timedelta(milliseconds=1))
    funded_player(session_factory, clock, op.id, "p2")  # the first of the 18th
    buy(session_factory, clock, player, market, amount="7.50")
    buy(session_factory, clock, player, market, amount="2.50")

    with session_scope(session_factory, write=False) as session:
        series = trends.read_trends(session=session, operator_id=op.id, now=clock.now())
        recent = trends.recent_volumes(
            session=session, operator_ids=[op.id, quiet.id], now=clock.now()
        )
    assert [(p.volume, p.new_players) for p in series.days[-2:]] == [
        (Decimal("10.00"), 1),
        (Decimal("10.00"), 1),
    ]
    assert recent[op.id][-2:] == [Decimal("10.00"), Decimal("10.00")]
    assert len(recent[op.id]) == trends.SPARK_DAYS
    assert recent[quiet.id] == [Decimal(0)] * trends.SPARK_DAYS
    assert series.months[-1].revenue > 0


def test_verify_reports_a_daily_bucket_that_drifted(session_factory, god, clock):
    op = active_operator(session_factory, god, clock)
    player = funded_player(session_factory, clock, op.id, "p")
    buy(session_factory, clock, player, open_market(session_factory, god, clock), amount="10")
    with session_scope(session_factory) as session:
        session.execute(
            update(OperatorDaily)
            .where(OperatorDaily.operator_id == op.id)
            .values(new_players=OperatorDaily.new_players + 2)
        )
    with session_scope(session_factory, write=False) as session:
        drift = stats.verify_rollups(session)
    assert [(d.field, d.stored, d.actual) for d in drift] == [("new_players[2025-03-18]", "3", "1")]


def test_the_migration_fills_the_daily_buckets_of_an_existing_database(session_factory):
    clock = FrozenClock(NOW)
    seed(factory=session_factory, clock=clock, box=BOX)
    engine = engine_of(session_factory)
    with session_scope(session_factory) as session:
        session.execute(delete(OperatorDaily))
    command.downgrade(alembic_config(engine), "0007")
    command.upgrade(alembic_config(engine), "head")
    with session_scope(session_factory, write=False) as session:
        assert session.scalar(select(OperatorDaily.day).limit(1)) is not None
        assert stats.verify_rollups(session) == []
        assert session.scalar(select(OperatorRevenue.month).limit(1)) is not None
