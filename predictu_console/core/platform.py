"""The slice of the Predictu platform the console reports on: players, markets, trades.

Every action updates the rollups in the same transaction as the rows they summarise, so
statistics are exact without scanning trades, and queues the domain events it caused in the
callback outbox in that transaction too (core/callbacks/outbox.py), then returns them.

Fees, shares and payouts are core/economics.py's, the one place they are written.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from predictu_console.core import economics, scoring
from predictu_console.core.callbacks import events as build
from predictu_console.core.callbacks import outbox
from predictu_console.core.callbacks.events import DomainEvent
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.errors import (
    CategoryNotAllowed,
    InsufficientBalance,
    MarketClosed,
    NotFound,
    OperatorInactive,
    OperatorOnboarding,
    PlayerExists,
    PlayerRestricted,
)
from predictu_console.core.fields import Category, SearchTerm
from predictu_console.core.ids import new_id
from predictu_console.core.models import InputModel
from predictu_console.core.money import month_of
from predictu_console.db.rollups import add_daily, add_revenue, add_to_stats, day_of
from predictu_console.db.tables import Market, Operator, Player, Position, Trade

Side = Literal["yes", "no"]


def _trimmed(value: str) -> str:
    value = value.strip()
    if len(value) < 3:
        raise ValueError("must be 3–200 characters after trimming spaces")
    return value


Text = Annotated[SearchTerm, AfterValidator(_trimmed)]
"""A title or reason: 3–200 characters after trimming, no control characters."""


class TradeCreate(BaseModel):
    """A player's order: buy `side` of `market_id` for `amount` at `price`."""

    player_id: str
    market_id: str
    side: Side
    amount: Decimal = Field(gt=0, le=1_000_000, decimal_places=2)
    price: Decimal = Field(ge=Decimal("0.01"), le=Decimal("0.99"), decimal_places=4)


class MarketCreate(InputModel):
    """A new open market."""

    title: Text
    category: Category


def _change_balance(player: Player, delta: Decimal, reason: str, at: datetime) -> DomainEvent:
    """Move the player's balance and describe the move as a BALANCE_CHANGED event."""
    previous = player.balance
    player.balance = previous + delta
    return build.balance_changed(
        operator_id=player.operator_id,
        at=at,
        user_id=player.id,
        previous_balance=previous,
        new_balance=player.balance,
        reason=reason,
    )


def _player(session: Session, player_id: str) -> Player:
    player = session.get(Player, player_id, with_for_update=True)
    if player is None:
        raise NotFound(f"No player with id {player_id!r}")
    return player


def create_market(*, session: Session, data: MarketCreate, clock: Clock = SYSTEM_CLOCK) -> str:
    """Open a market; returns its id."""
    market = Market(
        id=new_id("mkt"), title=data.title, category=data.category, created_at=clock.now()
    )
    session.add(market)
    session.flush()
    return market.id


def register_player(
    *, session: Session, operator_id: str, external_player_id: str, clock: Clock = SYSTEM_CLOCK
) -> DomainEvent:
    """A player arrives through the operator's embed. Raises NotFound, PlayerExists."""
    if session.get(Operator, operator_id) is None:
        raise NotFound(f"No operator found with id {operator_id!r}")
    now = clock.now()
    player = Player(
        id=new_id("plr"),
        operator_id=operator_id,
        external_player_id=external_player_id,
        balance=Decimal(0),
        created_at=now,
        last_active_at=now,
    )
    taken = select(Player.id).where(
        Player.operator_id == operator_id, Player.external_player_id == external_player_id
    )
    if session.scalar(taken) is not None:
        raise PlayerExists(f"Player {external_player_id!r} is already registered")
    session.add(player)
    try:
        session.flush()
    except IntegrityError:
        raise PlayerExists(f"Player {external_player_id!r} is already registered") from None
    add_to_stats(session, operator_id, users=1)
    add_daily(session, operator_id, new_players={day_of(now): 1})
    event = build.user_registered(
        operator_id=operator_id, at=now, user_id=player.id, external_player_id=external_player_id
    )
    outbox.emit(session, [event])
    return event


def adjust_balance(
    *,
    session: Session,
    player_id: str,
    amount: Decimal,
    reason: Literal["deposit", "withdrawal"],
    clock: Clock = SYSTEM_CLOCK,
) -> DomainEvent:
    """Deposit (amount > 0) or withdraw (amount < 0). Raises NotFound, InsufficientBalance."""
    player = _player(session, player_id)
    if player.balance + amount < 0:
        raise InsufficientBalance(
            f"Balance {player.balance} cannot cover a withdrawal of {-amount}"
        )
    event = _change_balance(player, amount, reason, clock.now())
    outbox.emit(session, [event])
    return event


def restrict_player(
    *,
    session: Session,
    player_id: str,
    score: Decimal,
    classification: str,
    reason: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> DomainEvent | None:
    """Stop the player's trades; None, and no event, if they were restricted already.

    Raises NotFound.
    """
    player = _player(session, player_id)
    if player.restricted:
        return None
    event = _restrict(player, score, classification, reason, clock.now())
    outbox.emit(session, [event])
    return event


def _restrict(
    player: Player, score: Decimal, classification: str, reason: str | None, at: datetime
) -> DomainEvent:
    player.restricted = True
    player.restriction_score = score
    player.classification = classification
    player.restricted_reason = reason
    player.restricted_at = at
    return build.user_restricted(
        operator_id=player.operator_id,
        at=at,
        user_id=player.id,
        score=score,
        classification=classification,
    )


def place_trade(
    *, session: Session, data: TradeCreate, clock: Clock = SYSTEM_CLOCK
) -> list[DomainEvent]:
    """Buy shares; books volume and revenue in the rollups in the same transaction.

    Raises NotFound, OperatorInactive, OperatorOnboarding, CategoryNotAllowed, MarketClosed,
    PlayerRestricted, InsufficientBalance.
    """
    player = _player(session, data.player_id)
    operator = session.get(Operator, player.operator_id)
    market = session.get(Market, data.market_id)
    if operator is None or market is None:
        raise NotFound(f"No market with id {data.market_id!r}")
    if operator.status == "onboarding":
        raise OperatorOnboarding(f"{operator.name} is still onboarding: it cannot trade yet")
    if operator.status != "active":
        raise OperatorInactive(f"{operator.name} is inactive: new trades are blocked")
    if market.category not in operator.allowed_categories:
        raise CategoryNotAllowed(f"{operator.name} does not offer {market.category} markets")
    if market.status != "open":
        raise MarketClosed(f"Market {market.id} is resolved")
    if player.restricted:
        raise PlayerRestricted(f"Player {player.id} is restricted")
    if player.balance < data.amount:
        raise InsufficientBalance(f"Balance {player.balance} cannot cover {data.amount}")

    now = clock.now()
    bought = economics.purchase(data.amount, data.price)
    balance_changed = _change_balance(player, -data.amount, "trade", now)
    player.last_active_at = now
    trade = Trade(
        id=new_id("trd"),
        operator_id=operator.id,
        player_id=player.id,
        market_id=market.id,
        side=data.side,
        amount=data.amount,
        price=data.price,
        fee=bought.fee,
        share_predictu=operator.revenue_share_predictu,
        month=month_of(now),
        created_at=now,
    )
    session.add(trade)
    _add_to_position(session, trade, stake=bought.stake, shares=bought.shares)
    add_to_stats(session, operator.id, volume=data.amount)
    add_daily(session, operator.id, volume={day_of(now): data.amount})
    add_revenue(
        session,
        operator.id,
        month=trade.month,
        share_predictu=trade.share_predictu,
        revenue=bought.fee,
    )
    events = [
        build.trade_placed(
            operator_id=operator.id,
            at=now,
            trade_id=trade.id,
            user_id=player.id,
            market_id=market.id,
            side=data.side,
            amount=data.amount,
            price=data.price,
        ),
        balance_changed,
    ]
    outbox.emit(session, events)
    return events


def trade_shares(trade: Trade) -> Decimal:
    """The shares a trade bought: its amount less the fee, at its price."""
    return economics.shares(amount=trade.amount, fee=trade.fee, price=trade.price)


def _add_to_position(session: Session, trade: Trade, *, stake: Decimal, shares: Decimal) -> None:
    position = session.scalar(
        select(Position)
        .where(
            Position.player_id == trade.player_id,
            Position.market_id == trade.market_id,
            Position.side == trade.side,
        )
        .with_for_update()
    )
    if position is None:
        session.add(
            Position(
                id=new_id("pos"),
                operator_id=trade.operator_id,
                player_id=trade.player_id,
                market_id=trade.market_id,
                side=trade.side,
                stake=stake,
                shares=shares,
                status="open",
            )
        )
    else:
        position.stake += stake
        position.shares += shares


def resolve_market(
    *, session: Session, market_id: str, outcome: Side, clock: Clock = SYSTEM_CLOCK
) -> list[DomainEvent]:
    """Settle every open position, whatever its operator's status, and pay the winners.

    Then applies the scoring rule (core/scoring.py) to every player it settled, restricting
    those it flags in this same transaction. Raises NotFound, MarketClosed.
    """
    market = session.get(Market, market_id, with_for_update=True)
    if market is None:
        raise NotFound(f"No market with id {market_id!r}")
    if market.status != "open":
        raise MarketClosed(f"Market {market.id} is already resolved")
    now = clock.now()
    market.status, market.outcome, market.resolved_at = "resolved", outcome, now
    events: list[DomainEvent] = []
    affected: dict[str, set[str]] = {}
    positions = session.scalars(
        select(Position)
        .where(Position.market_id == market_id, Position.status == "open")
        .order_by(Position.id)
    ).all()
    for position in positions:
        payout = economics.payout(shares=position.shares, side=position.side, outcome=outcome)
        position.status, position.payout, position.settled_at = "settled", payout, now
        affected.setdefault(position.operator_id, set()).add(position.player_id)
        events.append(
            build.position_resolved(
                operator_id=position.operator_id,
                at=now,
                position_id=position.id,
                user_id=position.player_id,
                market_id=market_id,
                side=position.side,
                outcome=outcome,
                stake=position.stake,
                payout=payout,
            )
        )
        if payout:
            events.append(
                _change_balance(_player(session, position.player_id), payout, "payout", now)
            )
    events += [
        build.market_resolved(
            operator_id=operator_id,
            at=now,
            market_id=market_id,
            outcome=outcome,
            affected_user_count=len(players),
        )
        for operator_id, players in sorted(affected.items())
    ]
    settled_players = sorted({position.player_id for position in positions})
    events += _restrict_suspects(session, settled_players, now)
    outbox.emit(session, events)
    return events


def _restrict_suspects(session: Session, player_ids: list[str], at: datetime) -> list[DomainEvent]:
    """USER_RESTRICTED for each unrestricted player the scoring rule flags now."""
    session.flush()  # the score reads the positions this resolution just settled
    events = []
    for player_id in player_ids:
        player = _player(session, player_id)
        if player.restricted:
            continue
        score = scoring.score(session, player_id=player_id)
        if score >= scoring.RESTRICT_AT:
            reason = scoring.reason(score)
            events.append(_restrict(player, score, scoring.CLASSIFICATION, reason, at))
    return events
