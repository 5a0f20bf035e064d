"""Platform actions: trades, settlement, balances, and the events they return."""

from __future__ import annotations

from decimal import Decimal

import pytest

from predictu_console.core import platform
from predictu_console.core.errors import (
    CategoryNotAllowed,
    InsufficientBalance,
    MarketClosed,
    OperatorInactive,
    OperatorOnboarding,
    PlayerExists,
    PlayerRestricted,
)
from predictu_console.core.platform import MarketCreate, TradeCreate
from predictu_console.db.session import session_scope
from predictu_console.db.tables import Player, Position
from tests.factories import active_operator, make_operator, update


@pytest.fixture
def world(session_factory, god, clock):
    """An active sports-and-politics operator, a funded player, and two open markets."""
    operator = active_operator(
        session_factory, god, clock, allowed_categories=["sports", "politics"]
    )
    with session_scope(session_factory) as session:
        sports = platform.create_market(
            session=session,
            data=MarketCreate(title="Final: A beats B?", category="sports"),
            clock=clock,
        )
        crypto = platform.create_market(
            session=session,
            data=MarketCreate(title="BTC over 100k?", category="crypto"),
            clock=clock,
        )
        player_id = platform.register_player(
            session=session, operator_id=operator.id, external_player_id="p-1", clock=clock
        ).payload["user_id"]
        platform.adjust_balance(
            session=session, player_id=player_id, amount=Decimal(500), reason="deposit", clock=clock
        )
    return {"operator": operator, "sports": sports, "crypto": crypto, "player": player_id}


def trade(
    session_factory, clock, world, *, amount="100", price="0.40", side="yes", market="sports"
):
    data = TradeCreate(
        player_id=world["player"],
        market_id=world[market],
        side=side,
        amount=Decimal(amount),
        price=Decimal(price),
    )
    with session_scope(session_factory) as session:
        return platform.place_trade(session=session, data=data, clock=clock)


def _player(session_factory, player_id):
    with session_scope(session_factory, write=False) as session:
        return session.get(Player, player_id)


def test_registering_returns_user_registered_and_refuses_duplicates(session_factory, clock, world):
    with session_scope(session_factory) as session:
        event = platform.register_player(
            session=session, operator_id=world["operator"].id, external_player_id="p-2", clock=clock
        )
    assert event.event == "USER_REGISTERED"
    assert event.payload["external_player_id"] == "p-2"
    assert event.model_dump(mode="json")["timestamp"] == "2025-03-18T14:30:00.000Z"
    with session_scope(session_factory) as session, pytest.raises(PlayerExists):
        platform.register_player(
            session=session, operator_id=world["operator"].id, external_player_id="p-2", clock=clock
        )


def test_a_trade_charges_the_player_books_the_fee_and_opens_a_position(
    session_factory, clock, world
):
    events = trade(session_factory, clock, world, amount="100", price="0.40")

    assert [event.event for event in events] == ["TRADE_PLACED", "BALANCE_CHANGED"]
    assert events[0].payload | {"trade_id": None} == {
        "trade_id": None,
        "user_id": world["player"],
        "market_id": world["sports"],
        "side": "yes",
        "amount": 100,
        "price": 0.4,
    }
    assert (events[1].payload["previous_balance"], events[1].payload["new_balance"]) == (500, 400)
    with session_scope(session_factory, write=False) as session:
        position = session.query(Position).one()
    assert position.stake == Decimal("98.00")  # 2% fee
    assert position.shares == Decimal("245")  # 98 / 0.40


def test_trades_on_one_side_accumulate_in_one_position(session_factory, clock, world):
    trade(session_factory, clock, world, amount="50", price="0.50")
    trade(session_factory, clock, world, amount="50", price="0.25")

    with session_scope(session_factory, write=False) as session:
        position = session.query(Position).one()
    assert position.stake == Decimal("98.00")
    assert position.shares == Decimal("294")  # 49/0.5 + 49/0.25


def test_operators_not_active_cannot_take_trades_but_positions_still_settle(
    session_factory, god, clock, world
):
    trade(session_factory, clock, world, side="yes", price="0.50", amount="100")
    update(session_factory, god, clock, world["operator"].id, status="inactive")

    with pytest.raises(OperatorInactive) as raised:
        trade(session_factory, clock, world)
    assert raised.value.code == "OPERATOR_INACTIVE"

    with session_scope(session_factory) as session:
        events = platform.resolve_market(
            session=session, market_id=world["sports"], outcome="yes", clock=clock
        )
    assert [event.event for event in events] == [
        "POSITION_RESOLVED",
        "BALANCE_CHANGED",
        "MARKET_RESOLVED",
    ]
    assert events[0].payload["payout"] == 196  # 98 / 0.5 shares × 1.00
    assert events[2].payload == {
        "market_id": world["sports"],
        "outcome": "yes",
        "affected_user_count": 1,
    }
    assert _player(session_factory, world["player"]).balance == Decimal("596.00")


def test_an_operator_still_onboarding_cannot_take_trades(session_factory, god, clock, world):
    pending = make_operator(session_factory, god, clock)
    with session_scope(session_factory) as session:
        player = platform.register_player(
            session=session, operator_id=pending.id, external_player_id="x", clock=clock
        ).payload["user_id"]
        platform.adjust_balance(
            session=session, player_id=player, amount=Decimal(10), reason="deposit"
        )
    with pytest.raises(OperatorOnboarding) as raised:
        trade(session_factory, clock, {**world, "player": player}, amount="5")
    assert raised.value.code == "OPERATOR_ONBOARDING"
    assert "onboarding" in raised.value.message


def test_losing_positions_settle_at_zero_without_a_balance_event(session_factory, clock, world):
    trade(session_factory, clock, world, side="no")
    with session_scope(session_factory) as session:
        events = platform.resolve_market(
            session=session, market_id=world["sports"], outcome="yes", clock=clock
        )
    assert [event.event for event in events] == ["POSITION_RESOLVED", "MARKET_RESOLVED"]
    assert events[0].payload["payout"] == 0
    assert _player(session_factory, world["player"]).balance == Decimal("400.00")


@pytest.mark.parametrize(
    ("setup", "trade_args", "error"),
    [
        (None, {"market": "crypto"}, CategoryNotAllowed),
        (None, {"amount": "500.01"}, InsufficientBalance),
        ("restrict", {}, PlayerRestricted),
        ("resolve", {}, MarketClosed),
    ],
)
def test_refused_trades_change_nothing(session_factory, clock, world, setup, trade_args, error):
    with session_scope(session_factory) as session:
        if setup == "restrict":
            event = platform.restrict_player(
                session=session,
                player_id=world["player"],
                score=Decimal("87.5"),
                classification="sharp",
                clock=clock,
            )
            assert event.payload == {
                "user_id": world["player"],
                "score": 87.5,
                "classification": "sharp",
            }
        if setup == "resolve":
            platform.resolve_market(session=session, market_id=world["sports"], outcome="no")

    with pytest.raises(error):
        trade(session_factory, clock, world, **trade_args)
    assert _player(session_factory, world["player"]).balance == Decimal(500)


def test_withdrawals_cannot_overdraw(session_factory, clock, world):
    with session_scope(session_factory) as session, pytest.raises(InsufficientBalance):
        platform.adjust_balance(
            session=session, player_id=world["player"], amount=Decimal(-501), reason="withdrawal"
        )
    with session_scope(session_factory) as session:
        event = platform.adjust_balance(
            session=session, player_id=world["player"], amount=Decimal(-500), reason="withdrawal"
        )
    assert event.payload["new_balance"] == 0


def test_a_market_resolves_once(session_factory, clock, world):
    with session_scope(session_factory) as session:
        platform.resolve_market(session=session, market_id=world["sports"], outcome="no")
    with session_scope(session_factory) as session, pytest.raises(MarketClosed):
        platform.resolve_market(session=session, market_id=world["sports"], outcome="yes")


@pytest.mark.parametrize(
    "bad",
    [
        {"price": "1.00"},
        {"price": "0"},
        {"amount": "0"},
        {"amount": "-5"},
        {"amount": "1.001"},
        {"side": "maybe"},
    ],
)
def test_malformed_orders_are_rejected_before_anything_happens(bad):
    with pytest.raises(ValueError):
        TradeCreate.model_validate(
            {
                "player_id": "plr_x",
                "market_id": "mkt_x",
                "side": "yes",
                "amount": "10",
                "price": "0.5",
            }
            | bad
        )
