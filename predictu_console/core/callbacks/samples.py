"""Test events of every type (spec §4): a realistic sample of each event, for an operator to
try its callback handler on before real events arrive.

Samples are made by the same builders as the real events (`events.py`), so a test event
has exactly the keys and value formats of the real one, and travel in the same envelope
(`outbox.body_of`) marked `"test": true`.

The ids are fixed, not drawn: `plr_`, `trd_`, `mkt_`, `pos_` plus 16 base62 characters
like real ids (so a handler that checks their shape accepts them), starting with `test` so
a person reading a log sees what they are, and the same in every sample, so the eight
events tell one story (player-1234 registers, trades 100 at 0.40 on a market that
resolves yes, and is restricted). A fixed id never names a real row: real ids are random,
and a receiver de-duplicates on the delivery id, which is fresh for every test.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from functools import partial

from predictu_console.core.callbacks import events
from predictu_console.core.callbacks.event_types import EVENT_TYPES, EventType
from predictu_console.core.callbacks.events import DomainEvent
from predictu_console.core.callbacks.outbox import body_of
from predictu_console.core.validation import invalid

SAMPLE_USER_ID = "plr_testUser00000001"
SAMPLE_TRADE_ID = "trd_testTrade0000001"
SAMPLE_MARKET_ID = "mkt_testMarket000001"
SAMPLE_POSITION_ID = "pos_testPosition0001"

# The numbers of the callbacks guide's table: 100 at 0.40 pays a 2.00 fee, leaving a 98.00
# stake for 245 shares, each paying 1.00 when "yes" wins.
_SAMPLES: Mapping[EventType, Callable[..., DomainEvent]] = {
    "PING": events.ping,
    "USER_REGISTERED": partial(
        events.user_registered, user_id=SAMPLE_USER_ID, external_player_id="player-1234"
    ),
    "TRADE_PLACED": partial(
        events.trade_placed,
        trade_id=SAMPLE_TRADE_ID,
        user_id=SAMPLE_USER_ID,
        market_id=SAMPLE_MARKET_ID,
        side="yes",
        amount=Decimal("100.00"),
        price=Decimal("0.40"),
    ),
    "POSITION_RESOLVED": partial(
        events.position_resolved,
        position_id=SAMPLE_POSITION_ID,
        user_id=SAMPLE_USER_ID,
        market_id=SAMPLE_MARKET_ID,
        side="yes",
        outcome="yes",
        stake=Decimal("98.00"),
        payout=Decimal("245.00"),
    ),
    "USER_RESTRICTED": partial(
        events.user_restricted,
        user_id=SAMPLE_USER_ID,
        score=Decimal("0.93"),
        classification="bonus_abuse",
    ),
    "BALANCE_CHANGED": partial(
        events.balance_changed,
        user_id=SAMPLE_USER_ID,
        previous_balance=Decimal("500.00"),
        new_balance=Decimal("400.00"),
        reason="trade",
    ),
    "MARKET_RESOLVED": partial(
        events.market_resolved, market_id=SAMPLE_MARKET_ID, outcome="yes", affected_user_count=12
    ),
    "OPERATOR_STATUS_CHANGED": partial(
        events.operator_status_changed, previous_status="active", status="inactive"
    ),
}

SAMPLE_EVENTS: tuple[EventType, ...] = EVENT_TYPES
"""Every event type a test can send (each has a sample above), PING (the default) first."""


def sample_event(event: EventType, *, operator_id: str, at: datetime) -> DomainEvent:
    """A realistic `event` for the operator at `at`. Raises ValidationFailed (field `event`)
    for a type that does not exist, so a front end passing one through answers 400."""
    if event not in _SAMPLES:
        raise invalid({"event": f"must be one of {', '.join(SAMPLE_EVENTS)}"})
    return _SAMPLES[event](operator_id=operator_id, at=at)


def test_body(event: DomainEvent, *, delivery_id: str) -> bytes:
    """The body a test event is signed and sent with: a real event's, plus `"test": true`."""
    return body_of(event, delivery_id, test=True)
