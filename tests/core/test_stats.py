"""Statistics: exact against recomputation, correct at the 24 h and month boundaries."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select, update

from predictu_console.core import operators, platform, stats
from predictu_console.core.models import OperatorListQuery
from predictu_console.core.platform import MarketCreate, TradeCreate
from predictu_console.db.session import session_scope
from predictu_console.db.tables import OperatorStats, Player, Trade
from tests.factories import BOX, active_operator
from tests.factories import update as patch


def _register(session_factory, clock, operator_id, external_id, deposit=Decimal(1000)):
    with session_scope(session_factory) as session:
        player = platform.register_player(
            session=session, operator_id=operator_id, external_player_id=external_id, clock=clock
        ).payload["user_id"]
        platform.adjust_balance(session=session, player_id=player, amount=deposit, reason="deposit")
    return player


def _trade(session_factory, clock, player, market, amount):
    data = TradeCreate(
        player_id=player, market_id=market, side="yes", amount=Decimal(amount), price=Decimal("0.5")
    )
    with session_scope(session_factory) as session:
        platform.place_trade(session=session, data=data, clock=clock)


def _market(session_factory, clock):
    with session_scope(session_factory) as session:
        return platform.create_market(
            session=session,
            data=MarketCreate(title="Will it rain?", category="sports"),
            clock=clock,
        )


def _stats(session_factory, clock, operator_id):
    with session_scope(session_factory, write=False) as session:
        return operators.get_operator(session=session, operator_id=operator_id, clock=clock)


def test_random_activity_keeps_every_stat_equal_to_a_recomputation(session_factory, god, clock):
    rng = random.Random(7)
    ops = [active_operator(session_factory, god, clock) for _ in range(3)]
    market = _market(session_factory, clock)
    players = [
        (op.id, _register(session_factory, clock, op.id, f"p{n}"))
        for op in ops
        for n in range(rng.randint(1, 4))
    ]
    for _ in range(40):
        clock.advance(timedelta(hours=rng.randint(1, 30)))
        _, player = rng.choice(players)
        _trade(session_factory, clock, player, market, f"{rng.randint(1, 2000) / 100:.2f}")

    with session_scope(session_factory, write=False) as session:
        assert stats.verify_rollups(session) == []
        for op in ops:
            detail = operators.get_operator(session=session, operator_id=op.id, clock=clock)
            trades = select(Trade).where(Trade.operator_id == op.id)
            volume = session.scalar(
                select(func.sum(Trade.amount)).where(Trade.operator_id == op.id)
            )
            month_fees = sum(
                (
                    t.fee
                    for t in session.scalars(trades)
                    if t.created_at.month == clock.now().month
                    and t.created_at.year == clock.now().year
                ),
                Decimal(0),
            )
            assert detail.user_count == sum(1 for o, _ in players if o == op.id)
            assert detail.total_volume == (volume or 0)
            assert detail.mtd_revenue == month_fees


def test_active_users_count_only_the_last_24_hours(session_factory, god, clock):
    op = active_operator(session_factory, god, clock)
    market = _market(session_factory, clock)
    early, late = (_register(session_factory, clock, op.id, name) for name in ("early", "late"))
    _trade(session_factory, clock, early, market, "10")
    clock.advance(timedelta(hours=12))
    _trade(session_factory, clock, late, market, "10")

    assert _stats(session_factory, clock, op.id).active_user_count_24h == 2
    clock.advance(timedelta(hours=12))  # `early` was active exactly 24 h ago
    assert _stats(session_factory, clock, op.id).active_user_count_24h == 1
    clock.advance(timedelta(hours=12, milliseconds=1))
    assert _stats(session_factory, clock, op.id).active_user_count_24h == 0
    assert _stats(session_factory, clock, op.id).user_count == 2


def test_month_to_date_revenue_resets_at_the_utc_month_boundary(session_factory, god, clock):
    clock.set(datetime(2025, 3, 31, 23, 59, 59, 999000, tzinfo=UTC))
    op = active_operator(session_factory, god, clock)
    market = _market(session_factory, clock)
    player = _register(session_factory, clock, op.id, "night-owl")
    _trade(session_factory, clock, player, market, "100")  # fee 2.00 in March

    assert _stats(session_factory, clock, op.id).mtd_revenue == Decimal("2.00")
    clock.advance(timedelta(milliseconds=1))  # 2025-04-01T00:00:00.000Z
    assert _stats(session_factory, clock, op.id).mtd_revenue == 0
    _trade(session_factory, clock, player, market, "50")
    after = _stats(session_factory, clock, op.id)
    assert (after.mtd_revenue, after.total_volume) == (Decimal("1.00"), Decimal("150.00"))


def test_the_list_sorts_by_real_volume_and_users(session_factory, god, clock):
    market = _market(session_factory, clock)
    small, big = (active_operator(session_factory, god, clock, name=n) for n in ("Small", "Big"))
    for n in range(3):
        _register(session_factory, clock, small.id, f"s{n}")
    whale = _register(session_factory, clock, big.id, "whale", deposit=Decimal(10_000))
    _trade(session_factory, clock, whale, market, "5000")

    with session_scope(session_factory, write=False) as session:
        by_volume = operators.list_operators(
            session=session, query=OperatorListQuery(sort="volume"), clock=clock
        )
        by_users = operators.list_operators(
            session=session, query=OperatorListQuery(sort="users"), clock=clock
        )
    assert [row.name for row in by_volume.operators] == ["Big", "Small"]
    assert [row.name for row in by_users.operators] == ["Small", "Big"]
    assert by_volume.operators[0].mtd_revenue == Decimal("100.00")


def test_verify_reports_injected_drift(session_factory, god, clock):
    op = active_operator(session_factory, god, clock)
    player = _register(session_factory, clock, op.id, "p")
    _trade(session_factory, clock, player, _market(session_factory, clock), "10")
    with session_scope(session_factory) as session:
        session.execute(
            update(OperatorStats)
            .where(OperatorStats.operator_id == op.id)
            .values(total_volume=OperatorStats.total_volume + 1)
        )

    with session_scope(session_factory, write=False) as session:
        drift = stats.verify_rollups(session)
    assert [(d.operator_id, d.field, d.stored, d.actual) for d in drift] == [
        (op.id, "total_volume", "11.00", "10.00")
    ]


def test_a_revenue_share_change_books_later_revenue_under_the_new_share(
    session_factory, god, clock
):
    op = active_operator(session_factory, god, clock, revenue_share_predictu=30)
    market = _market(session_factory, clock)
    player = _register(session_factory, clock, op.id, "p")
    _trade(session_factory, clock, player, market, "100")
    patch(session_factory, god, clock, op.id, revenue_share_predictu=40)
    _trade(session_factory, clock, player, market, "100")

    with session_scope(session_factory, write=False) as session:
        shares = session.scalars(select(Trade.share_predictu).order_by(Trade.created_at, Trade.id))
        assert sorted(shares) == [Decimal(30), Decimal(40)]
        assert stats.verify_rollups(session) == []
        assert session.scalar(select(func.count()).select_from(Player)) == 1


def test_listing_and_reading_never_query_the_trades_table(session_factory, god, clock):
    from sqlalchemy import event

    from predictu_console.core.demo.seed import seed
    from predictu_console.db.session import engine_of

    seed(factory=session_factory, clock=clock, box=BOX)
    statements: list[str] = []
    engine = engine_of(session_factory)

    def remember(conn, cursor, statement, *args):
        statements.append(statement.lower())

    event.listen(engine, "before_cursor_execute", remember)
    try:
        with session_scope(session_factory, write=False) as session:
            page = operators.list_operators(
                session=session, query=OperatorListQuery(sort="volume", limit=25), clock=clock
            )
            operators.get_operator(session=session, operator_id=page.operators[0].id, clock=clock)
    finally:
        event.remove(engine, "before_cursor_execute", remember)

    assert page.operators[0].total_volume > 0
    assert not [s for s in statements if " trades" in s], statements
    # BEGIN, 5 for the page, 7 for the detail: a fixed number, whatever the data's size.
    assert len(statements) <= 13
