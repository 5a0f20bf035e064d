"""Domain events: what a platform action did, in the shape callbacks will deliver.

Actions queue these in the callback outbox (`outbox.py`) in their own transaction and
never send anything themselves: delivery is the worker's job (`worker.py`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from predictu_console.core.fields import Timestamp

EventType = Literal[
    "PING",
    "USER_REGISTERED",
    "TRADE_PLACED",
    "POSITION_RESOLVED",
    "USER_RESTRICTED",
    "BALANCE_CHANGED",
    "MARKET_RESOLVED",
    "OPERATOR_STATUS_CHANGED",
]


class DomainEvent(BaseModel):
    """One event for one operator."""

    event: EventType
    operator_id: str
    timestamp: Timestamp
    payload: dict[str, Any]
