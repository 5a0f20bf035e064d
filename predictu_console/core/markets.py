"""Markets as God Mode sees them: open one, list them, resolve one, each audited as the admin.

The platform rules (settlement, payouts, events, the scoring rule) live in core/platform.py;
this module gives front ends models to show and the counts a resolution produced.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from predictu_console.core import audit, platform
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.errors import MarketClosed, NotFound
from predictu_console.core.fields import Category, Money, Timestamp
from predictu_console.core.models import Actor, InputModel
from predictu_console.core.platform import MarketCreate, Side
from predictu_console.db.tables import Market, Position

MarketStatus = Literal["open", "resolved"]


class MarketOut(BaseModel):
    """A market as every front end shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    category: Category
    status: MarketStatus
    outcome: Side | None
    created_at: Timestamp
    resolved_at: Timestamp | None


class MarketCreated(BaseModel):
    """Response of `POST /markets`."""

    success: Literal[True] = True
    market: MarketOut


class MarketListQuery(BaseModel):
    """Query of `GET /markets`; any other value of these parameters is an error."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["open", "resolved", "all"] = "all"
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10_000_000)


class MarketPage(BaseModel):
    """One page of markets, newest first."""

    markets: list[MarketOut]
    total: int
    limit: int
    offset: int


class MarketResolve(InputModel):
    """Body of `POST /markets/{id}/resolve`: the side that won."""

    outcome: Side


class Resolution(BaseModel):
    """What resolving a market did: the market now, and how many positions and operators."""

    success: Literal[True] = True
    market: MarketOut
    positions_settled: int
    operators_affected: int


class MarketActivity(BaseModel):
    """What is riding on a market now: its open positions and their stakes."""

    open_positions: int = 0
    at_stake: Money = Decimal(0)


class ResolutionPreview(BaseModel):
    """What resolving the market now would settle, for the admin to read before confirming."""

    market: MarketOut
    positions: int
    players: int
    operators: int


def create_market(
    *, session: Session, actor: Actor, data: MarketCreate, clock: Clock = SYSTEM_CLOCK
) -> MarketOut:
    """Open a market in `data.category`, for every operator that offers that category."""
    market_id = platform.create_market(session=session, data=data, clock=clock)
    market = _market(session, market_id)
    audit.record(
        session,
        actor=actor,
        action="market.created",
        at=market.created_at,
        changes={
            "market_id": {"from": None, "to": market.id},
            "title": {"from": None, "to": market.title},
            "category": {"from": None, "to": market.category},
        },
    )
    return MarketOut.model_validate(market)


def list_markets(*, session: Session, query: MarketListQuery) -> MarketPage:
    """One page of markets with the given status, newest first."""
    matching = select(Market)
    if query.status != "all":
        matching = matching.where(Market.status == query.status)
    total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    rows = session.scalars(
        matching.order_by(Market.created_at.desc(), Market.id.desc())
        .limit(query.limit)
        .offset(query.offset)
    ).all()
    return MarketPage(
        markets=[MarketOut.model_validate(row) for row in rows],
        total=total,
        limit=query.limit,
        offset=query.offset,
    )


def market_activity(*, session: Session, market_ids: list[str]) -> dict[str, MarketActivity]:
    """Open positions and their stakes per market, for one page of markets; a market with
    none is left out. Reads only open positions, by the index resolution also uses."""
    if not market_ids:
        return {}
    rows = session.execute(
        select(Position.market_id, func.count(), func.sum(Position.stake))
        .where(Position.market_id.in_(market_ids), Position.status == "open")
        .group_by(Position.market_id)
    ).all()
    return {
        market_id: MarketActivity(open_positions=count, at_stake=Decimal(stake))
        for market_id, count, stake in rows
    }


def preview_resolution(*, session: Session, market_id: str) -> ResolutionPreview:
    """How many positions, players and operators resolving the market now would settle.

    Raises NotFound, MarketClosed (resolved already), as resolving it would.
    """
    market = _market(session, market_id)
    if market.status != "open":
        raise MarketClosed(f"Market {market.id} is already resolved")
    positions, players, operators = session.execute(
        select(
            func.count(),
            func.count(Position.player_id.distinct()),
            func.count(Position.operator_id.distinct()),
        ).where(Position.market_id == market_id, Position.status == "open")
    ).one()
    return ResolutionPreview(
        market=MarketOut.model_validate(market),
        positions=positions,
        players=players,
        operators=operators,
    )


def resolve_market(
    *,
    session: Session,
    actor: Actor,
    market_id: str,
    data: MarketResolve,
    clock: Clock = SYSTEM_CLOCK,
) -> Resolution:
    """Resolve the market and settle it (see `platform.resolve_market`).

    Raises NotFound, MarketClosed (resolved already).
    """
    events = platform.resolve_market(
        session=session, market_id=market_id, outcome=data.outcome, clock=clock
    )
    market = _market(session, market_id)
    resolution = Resolution(
        market=MarketOut.model_validate(market),
        positions_settled=sum(event.event == "POSITION_RESOLVED" for event in events),
        operators_affected=sum(event.event == "MARKET_RESOLVED" for event in events),
    )
    audit.record(
        session,
        actor=actor,
        action="market.resolved",
        at=clock.now(),
        changes={
            "market_id": {"from": market.id, "to": market.id},
            "status": {"from": "open", "to": "resolved"},
            "outcome": {"from": None, "to": data.outcome},
        },
    )
    return resolution


def _market(session: Session, market_id: str) -> Market:
    market = session.get(Market, market_id)
    if market is None:
        raise NotFound(f"No market with id {market_id!r}")
    return market
