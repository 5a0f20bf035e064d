"""Test events (spec §4): a sample of every type has the shape the real action emits."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, get_args

import pytest
from sqlalchemy import select

from predictu_console.core import platform
from predictu_console.core.callbacks import events, samples
from predictu_console.core.callbacks.events import EventType
from predictu_console.core.callbacks.outbox import body_of
from predictu_console.core.callbacks.ping import PingRequest, prepare_ping
from predictu_console.core.errors import ValidationFailed
from predictu_console.core.platform import MarketCreate, TradeCreate
from predictu_console.db.session import session_scope
from predictu_console.db.tables import Delivery
from tests.factories import BOX, active_operator, generate_keys, update

ID = re.compile(r"([a-z]+)_[0-9A-Za-z]{16}")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
SAMPLE_TYPES: tuple[EventType, ...] = get_args(EventType)


def _shape(value: Any) -> str:
    """A JSON value's type, and for strings the format a receiver may rely on."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        if match := ID.fullmatch(value):
            return f"{match[1]} id"
        return "timestamp" if TIMESTAMP.fullmatch(value) else "string"
    return type(value).__name__


def _shapes(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(key, _shape(value)) for key, value in payload.items()]


@pytest.fixture
def keyed_active(session_factory, god, clock):
    """An active operator with a callback URL and a key pair, so its events are queued."""
    operator = active_operator(session_factory, god, clock)
    generate_keys(session_factory, god, clock, operator.id)
    return operator


def _real_payloads(session_factory, god, clock, operator_id) -> dict[str, list[dict[str, Any]]]:
    """Every payload the real actions emit, read back from the bodies they queued: a player
    registers, deposits, trades, wins a resolved market, is restricted, and the operator is
    deactivated; the PING is the one `prepare_ping` signs."""
    with session_scope(session_factory) as session:
        market = platform.create_market(
            session=session, data=MarketCreate(title="Final: A beats B?", category="sports")
        )
        player = platform.register_player(
            session=session, operator_id=operator_id, external_player_id="p-1", clock=clock
        ).payload["user_id"]
        platform.adjust_balance(
            session=session, player_id=player, amount=Decimal(500), reason="deposit", clock=clock
        )
        order = TradeCreate(
            player_id=player, market_id=market, side="yes", amount=Decimal(50), price=Decimal("0.4")
        )
        platform.place_trade(session=session, data=order, clock=clock)
        platform.resolve_market(session=session, market_id=market, outcome="yes", clock=clock)
        platform.restrict_player(
            session=session,
            player_id=player,
            score=Decimal("0.87"),
            classification="sharp",
            clock=clock,
        )
    update(session_factory, god, clock, operator_id, status="inactive")
    with session_scope(session_factory, write=False) as session:
        rows = session.scalars(select(Delivery).where(Delivery.operator_id == operator_id))
        bodies = [json.loads(row.body) for row in rows]
        pinged = prepare_ping(
            session=session, operator_id=operator_id, data=PingRequest(), box=BOX, clock=clock
        )
    bodies.append(json.loads(pinged.body))
    real: dict[str, list[dict[str, Any]]] = {}
    for body in bodies:
        real.setdefault(body["event"], []).append(body["payload"])
    return real


def test_every_sample_has_the_keys_and_formats_of_the_real_event(
    session_factory, god, clock, keyed_active
):
    real = _real_payloads(session_factory, god, clock, keyed_active.id)
    assert set(real) == set(SAMPLE_TYPES)

    drifted = {}
    for event in SAMPLE_TYPES:
        sample = _shapes(samples.sample_event(event, operator_id="op_x", at=clock.now()).payload)
        differing = [_shapes(payload) for payload in real[event] if _shapes(payload) != sample]
        if differing:
            drifted[event] = {"sample": sample, "real": differing}
    assert drifted == {}


def test_samples_cover_every_type_ping_first_each_of_its_own_type_and_fixed(clock):
    assert samples.SAMPLE_EVENTS[0] == "PING"
    assert sorted(samples.SAMPLE_EVENTS) == sorted(SAMPLE_TYPES)
    for event in samples.SAMPLE_EVENTS:
        sample = samples.sample_event(event, operator_id="op_x", at=clock.now())
        assert (sample.event, sample.operator_id, sample.timestamp) == (event, "op_x", clock.now())
        # Fixed sample ids: the same test event every time, for the operator's logs and ours.
        assert samples.sample_event(event, operator_id="op_x", at=clock.now()) == sample


def test_samples_carry_the_documented_values(clock):
    def payload(event: EventType) -> dict[str, Any]:
        return samples.sample_event(event, operator_id="op_x", at=clock.now()).payload

    assert payload("PING") == {"message": events.PING_MESSAGE}
    assert payload("USER_REGISTERED") == {
        "user_id": samples.SAMPLE_USER_ID,
        "external_player_id": "player-1234",
        "registered_at": "2025-03-18T14:30:00.000Z",
    }
    assert payload("TRADE_PLACED") == {
        "trade_id": samples.SAMPLE_TRADE_ID,
        "user_id": samples.SAMPLE_USER_ID,
        "market_id": samples.SAMPLE_MARKET_ID,
        "side": "yes",
        "amount": 100,
        "price": 0.4,
    }
    assert payload("USER_RESTRICTED")["score"] == 0.93
    assert payload("OPERATOR_STATUS_CHANGED")["trading_enabled"] is False


def test_an_unknown_type_is_refused_as_invalid_input(clock):
    with pytest.raises(ValidationFailed) as refused:
        samples.sample_event("DEPOSIT", operator_id="op_x", at=clock.now())  # type: ignore[arg-type]
    assert refused.value.code == "VALIDATION_ERROR"
    assert refused.value.fields == {"event": f"must be one of {', '.join(SAMPLE_TYPES)}"}


def test_a_test_body_is_the_real_body_marked_test_with_its_delivery_id(
    session_factory, god, clock, keyed_active
):
    update(session_factory, god, clock, keyed_active.id, status="inactive")
    with session_scope(session_factory, write=False) as session:
        [real] = [
            row
            for row in session.scalars(select(Delivery).where(Delivery.status == "pending"))
            if row.event == "OPERATOR_STATUS_CHANGED"
        ]
    sample = samples.sample_event(
        "OPERATOR_STATUS_CHANGED", operator_id=keyed_active.id, at=clock.now()
    )

    body = samples.test_body(sample, delivery_id=real.id)

    # The sample (active → inactive, now) is the very change made above: only the flag differs.
    assert body == real.body.replace(',"payload":', ',"test":true,"payload":', 1).encode()
    assert list(json.loads(body)) == [
        "event",
        "operator_id",
        "delivery_id",
        "timestamp",
        "test",
        "payload",
    ]
    assert body_of(sample, real.id) == real.body.encode()


def test_builders_send_money_rounded_to_cents_whole_amounts_as_integers(clock):
    event = events.balance_changed(
        operator_id="op_x",
        at=clock.now(),
        user_id="plr_x",
        previous_balance=Decimal("400.00"),
        new_balance=Decimal("82.505"),
        reason="payout",
    )
    assert json.loads(body_of(event, "dlv_x"))["payload"] == {
        "user_id": "plr_x",
        "previous_balance": 400,
        "new_balance": 82.5,
        "reason": "payout",
    }
