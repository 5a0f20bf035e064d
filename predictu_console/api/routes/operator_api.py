"""`/api/operator` (operator-side spec §1): what an operator's server calls with its secret key."""

from __future__ import annotations

from fastapi import APIRouter, status

from predictu_console.api.deps import ClockDep, Db, OperatorKey
from predictu_console.api.errors import responses
from predictu_console.api.paths import OPERATOR_API_PREFIX
from predictu_console.core import operator_api
from predictu_console.core.database import transaction
from predictu_console.core.operator_api import (
    BalanceChange,
    MarketsOut,
    MeOut,
    PlayerCreate,
    PlayerResponse,
    TradeOrder,
    TradeResponse,
)

router = APIRouter(prefix=OPERATOR_API_PREFIX, tags=["operator API"])


@router.get("/me", responses=responses(401, 429))
def me(caller: OperatorKey, db: Db, clock: ClockDep) -> MeOut:
    """The operator the key belongs to, and the key's status (`expiring` during its grace)."""
    with transaction(db, write=False) as session:
        return operator_api.me(session=session, caller=caller, clock=clock)


@router.get("/markets", responses=responses(401, 429))
def markets(caller: OperatorKey, db: Db) -> MarketsOut:
    """The open markets in the operator's allowed categories."""
    with transaction(db, write=False) as session:
        return operator_api.open_markets(session=session, caller=caller)


@router.post(
    "/players", status_code=status.HTTP_201_CREATED, responses=responses(400, 401, 409, 429)
)
def register_player(
    caller: OperatorKey, db: Db, clock: ClockDep, data: PlayerCreate
) -> PlayerResponse:
    """Register a player by the operator's own id for them (USER_REGISTERED)."""
    with transaction(db) as session:
        return operator_api.register_player(session=session, caller=caller, data=data, clock=clock)


@router.post("/players/{external_player_id}/balance", responses=responses(400, 401, 404, 409, 429))
def change_balance(
    caller: OperatorKey, db: Db, clock: ClockDep, external_player_id: str, data: BalanceChange
) -> PlayerResponse:
    """Deposit to or withdraw from a player's balance (BALANCE_CHANGED)."""
    with transaction(db) as session:
        return operator_api.change_balance(
            session=session,
            caller=caller,
            external_player_id=external_player_id,
            data=data,
            clock=clock,
        )


@router.post(
    "/trades",
    status_code=status.HTTP_201_CREATED,
    responses=responses(400, 401, 403, 404, 409, 429),
)
def place_trade(caller: OperatorKey, db: Db, clock: ClockDep, data: TradeOrder) -> TradeResponse:
    """Book a player's trade (TRADE_PLACED, BALANCE_CHANGED); refused trades write nothing."""
    with transaction(db) as session:
        return operator_api.place_trade(session=session, caller=caller, data=data, clock=clock)
