"""Markets, funded players and trades made through core, for tests of settlement and scoring."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from sqlalchemy import select

from predictu_console.core import markets, platform
from predictu_console.core.clock import Clock
from predictu_console.core.markets import MarketResolve, Resolution
from predictu_console.core.models import Actor
from predictu_console.core.platform import MarketCreate, TradeCreate
from predictu_console.db.session import SessionFactory, session_scope
from predictu_console.db.tables import Delivery


def open_market(
    factory: SessionFactory, actor: Actor, clock: Clock, *, category: str = "sports"
) -> str:
    """A new open market's id."""
    data = MarketCreate(title=f"Will {category} surprise us?", category=category)
    with session_scope(factory) as session:
        return markets.create_market(session=session, actor=actor, data=data, clock=clock).id


def funded_player(
    factory: SessionFactory, clock: Clock, operator_id: str, external_id: str, amount: int = 1000
) -> str:
    """A registered player holding `amount`; returns the player's id."""
    with session_scope(factory) as session:
        player_id: str = platform.register_player(
            session=session, operator_id=operator_id, external_player_id=external_id, clock=clock
        ).payload["user_id"]
        platform.adjust_balance(
            session=session,
            player_id=player_id,
            amount=Decimal(amount),
            reason="deposit",
            clock=clock,
        )
    return player_id


def buy(
    factory: SessionFactory,
    clock: Clock,
    player_id: str,
    market_id: str,
    *,
    side: str = "yes",
    amount: str = "10",
    price: str = "0.10",
) -> None:
    """The player buys `side` of the market."""
    data = TradeCreate(
        player_id=player_id,
        market_id=market_id,
        side=side,
        amount=Decimal(amount),
        price=Decimal(price),
    )
    with session_scope(factory) as session:
        platform.place_trade(session=session, data=data, clock=clock)


def resolve(
    factory: SessionFactory, actor: Actor, clock: Clock, market_id: str, outcome: str = "yes"
) -> Resolution:
    """Resolve the market as God Mode does."""
    data = MarketResolve(outcome=outcome)
    with session_scope(factory) as session:
        return markets.resolve_market(
            session=session, actor=actor, market_id=market_id, data=data, clock=clock
        )


def outbox_events(factory: SessionFactory) -> Counter[tuple[str, str]]:
    """How many outbox rows each (operator id, event type) has."""
    with session_scope(factory, write=False) as session:
        rows = session.execute(select(Delivery.operator_id, Delivery.event)).all()
    return Counter((operator_id, event) for operator_id, event in rows)
