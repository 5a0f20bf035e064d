"""`/markets`: God Mode opens, lists and resolves markets (operator-side spec §2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response, status

from predictu_console.api.deps import ClockDep, Db, GodMode
from predictu_console.api.errors import responses
from predictu_console.api.payloads import model_response
from predictu_console.core import markets
from predictu_console.core.database import transaction
from predictu_console.core.markets import (
    MarketCreated,
    MarketListQuery,
    MarketPage,
    MarketResolve,
    Resolution,
)
from predictu_console.core.platform import MarketCreate

router = APIRouter(prefix="/markets", tags=["markets"])


@router.post("", status_code=status.HTTP_201_CREATED, responses=responses(400, 401, 403, 429))
def create_market(
    actor: GodMode,
    db: Db,
    clock: ClockDep,
    data: Annotated[
        MarketCreate,
        Body(
            openapi_examples={
                "spec": {"value": {"title": "Final: A beats B?", "category": "sports"}}
            }
        ),
    ],
) -> MarketCreated:
    """Open a market; every operator whose `allowed_categories` include its category offers it."""
    with transaction(db) as session:
        market = markets.create_market(session=session, actor=actor, data=data, clock=clock)
    return MarketCreated(market=market)


@router.get("", responses=responses(400, 401, 403, 429), response_model=MarketPage)
def list_markets(
    actor: GodMode, db: Db, query: Annotated[MarketListQuery, Query()], response: Response
) -> Response:
    """Markets with the given status (default `all`), newest first, paged."""
    with transaction(db, write=False) as session:
        page = markets.list_markets(session=session, query=query)
    return model_response(page, response)


@router.post("/{market_id}/resolve", responses=responses(400, 401, 403, 404, 409, 429))
def resolve_market(
    actor: GodMode, db: Db, clock: ClockDep, market_id: str, data: MarketResolve
) -> Resolution:
    """Resolve the market: settle and pay every open position, whatever its operator's status.

    Emits POSITION_RESOLVED per position, BALANCE_CHANGED per payout, MARKET_RESOLVED per
    affected operator, and USER_RESTRICTED for each player the scoring rule then flags.
    A resolved market answers 409 `MARKET_CLOSED`.
    """
    with transaction(db) as session:
        return markets.resolve_market(
            session=session, actor=actor, market_id=market_id, data=data, clock=clock
        )
