"""Domain events: what a platform action did, in the shape callbacks will deliver.

Actions queue these in the callback outbox (`outbox.py`) in their own transaction and
never send anything themselves: delivery is the worker's job (`worker.py`).

Every event is made by one keyword-only builder below, used by the real emitters
(`core/platform.py`, `core/operators.py`) and by the test events (`samples.py`) alike, so
a payload's keys and value formats are written once and the two cannot drift. Money is
`Decimal`, rounded to cents and sent as a JSON number: whole amounts as integers (`100`),
others as floats (`24.5`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from predictu_console.core.callbacks.event_types import EventType
from predictu_console.core.fields import Timestamp, format_timestamp, json_number
from predictu_console.core.money import cents

PING_MESSAGE = "This is a test callback from Predictu. Respond with HTTP 200 to confirm receipt."


class DomainEvent(BaseModel):
    """One event for one operator."""

    event: EventType
    operator_id: str
    timestamp: Timestamp
    payload: dict[str, Any]


def _event(event: EventType, operator_id: str, at: datetime, **payload: Any) -> DomainEvent:
    return DomainEvent(event=event, operator_id=operator_id, timestamp=at, payload=payload)


def _money(amount: Decimal) -> int | float:
    return json_number(cents(amount))


def ping(*, operator_id: str, at: datetime) -> DomainEvent:
    """The test callback an operator's server must acknowledge."""
    return _event("PING", operator_id, at, message=PING_MESSAGE)


def user_registered(
    *, operator_id: str, at: datetime, user_id: str, external_player_id: str
) -> DomainEvent:
    """A player arrived through the operator's embed at `at`."""
    return _event(
        "USER_REGISTERED",
        operator_id,
        at,
        user_id=user_id,
        external_player_id=external_player_id,
        registered_at=format_timestamp(at),
    )


def trade_placed(
    *,
    operator_id: str,
    at: datetime,
    trade_id: str,
    user_id: str,
    market_id: str,
    side: str,
    amount: Decimal,
    price: Decimal,
) -> DomainEvent:
    """A trade was booked: `amount` spent on `side` at `price`."""
    return _event(
        "TRADE_PLACED",
        operator_id,
        at,
        trade_id=trade_id,
        user_id=user_id,
        market_id=market_id,
        side=side,
        amount=_money(amount),
        price=json_number(price),
    )


def position_resolved(
    *,
    operator_id: str,
    at: datetime,
    position_id: str,
    user_id: str,
    market_id: str,
    side: str,
    outcome: str,
    stake: Decimal,
    payout: Decimal,
) -> DomainEvent:
    """A market's resolution settled one position (`payout` 0 when its side lost)."""
    return _event(
        "POSITION_RESOLVED",
        operator_id,
        at,
        position_id=position_id,
        user_id=user_id,
        market_id=market_id,
        side=side,
        outcome=outcome,
        stake=_money(stake),
        payout=_money(payout),
    )


def user_restricted(
    *, operator_id: str, at: datetime, user_id: str, score: Decimal, classification: str
) -> DomainEvent:
    """Scoring restricted a player: no more trades."""
    return _event(
        "USER_RESTRICTED",
        operator_id,
        at,
        user_id=user_id,
        score=json_number(score),
        classification=classification,
    )


def balance_changed(
    *,
    operator_id: str,
    at: datetime,
    user_id: str,
    previous_balance: Decimal,
    new_balance: Decimal,
    reason: str,
) -> DomainEvent:
    """A deposit, withdrawal, trade or payout moved a player's balance."""
    return _event(
        "BALANCE_CHANGED",
        operator_id,
        at,
        user_id=user_id,
        previous_balance=_money(previous_balance),
        new_balance=_money(new_balance),
        reason=reason,
    )


def market_resolved(
    *, operator_id: str, at: datetime, market_id: str, outcome: str, affected_user_count: int
) -> DomainEvent:
    """A market resolved; one per operator, counting that operator's players in it."""
    return _event(
        "MARKET_RESOLVED",
        operator_id,
        at,
        market_id=market_id,
        outcome=outcome,
        affected_user_count=affected_user_count,
    )


def operator_status_changed(
    *, operator_id: str, at: datetime, previous_status: str, status: str
) -> DomainEvent:
    """The operator was activated, deactivated or reactivated; only `active` trades."""
    return _event(
        "OPERATOR_STATUS_CHANGED",
        operator_id,
        at,
        previous_status=previous_status,
        status=status,
        trading_enabled=status == "active",
    )
