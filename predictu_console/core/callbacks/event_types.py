"""The names of the callback events, in a module that imports nothing.

The command line lists them in its help; keeping them apart from the builders in
`events.py` (which need pydantic) lets `predictu-console --help` start without loading the
core.
"""

from __future__ import annotations

from typing import Literal, get_args

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

EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
"""Every event type, PING (the default of a test) first."""
