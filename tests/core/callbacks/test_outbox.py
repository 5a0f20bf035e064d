"""The outbox: events are queued in the causing transaction, or recorded as skipped."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import select

from predictu_console.core import operators, platform
from predictu_console.core.callbacks import outbox
from predictu_console.core.models import OperatorUpdate
from predictu_console.core.platform import MarketCreate, TradeCreate
from predictu_console.db.session import session_scope
from predictu_console.db.tables import Delivery
from tests.factories import active_operator, generate_keys, make_operator, update


def _deliveries(session_factory, operator_id):
    with session_scope(session_factory, write=False) as session:
        return session.scalars(
            select(Delivery).where(Delivery.operator_id == operator_id).order_by(Delivery.id)
        ).all()


@pytest.fixture
def keyed_active(session_factory, god, clock):
    """An active operator with a callback URL and a key pair."""
    operator = active_operator(session_factory, god, clock)
    generate_keys(session_factory, god, clock, operator.id)
    return operator


def test_a_status_change_queues_operator_status_changed_with_the_exact_body(
    session_factory, god, clock, keyed_active
):
    before = {row.id for row in _deliveries(session_factory, keyed_active.id)}
    update(session_factory, god, clock, keyed_active.id, status="inactive")

    [queued] = [
        row for row in _deliveries(session_factory, keyed_active.id) if row.id not in before
    ]
    assert (queued.event, queued.status, queued.attempt_count) == (
        "OPERATOR_STATUS_CHANGED",
        "pending",
        0,
    )
    assert queued.next_attempt_at == clock.now()
    assert json.loads(queued.body) == {
        "event": "OPERATOR_STATUS_CHANGED",
        "operator_id": keyed_active.id,
        "delivery_id": queued.id,
        "timestamp": "2025-03-18T14:30:00.000Z",
        "payload": {"previous_status": "active", "status": "inactive", "trading_enabled": False},
    }


def test_every_status_change_is_queued_and_a_no_op_is_not(
    session_factory, god, clock, keyed_active
):
    update(session_factory, god, clock, keyed_active.id, status="inactive")
    update(session_factory, god, clock, keyed_active.id, status="inactive")
    update(session_factory, god, clock, keyed_active.id, status="active")

    changes = [
        json.loads(row.body)["payload"]
        for row in _deliveries(session_factory, keyed_active.id)
        if row.event == "OPERATOR_STATUS_CHANGED"
    ]
    pairs = sorted((change["previous_status"], change["status"]) for change in changes)
    # Activation came first, before the operator had keys: it is queued too, as skipped.
    assert pairs == [("active", "inactive"), ("inactive", "active"), ("onboarding", "active")]


def test_a_rolled_back_change_queues_nothing(session_factory, god, clock, keyed_active):
    before = len(_deliveries(session_factory, keyed_active.id))
    with pytest.raises(RuntimeError), session_scope(session_factory) as session:
        operators.update_operator(
            session=session,
            actor=god,
            operator_id=keyed_active.id,
            data=OperatorUpdate.model_validate({"status": "inactive"}),
            clock=clock,
        )
        assert session.scalar(select(Delivery).where(Delivery.status == "pending")) is not None
        raise RuntimeError("the change fails after the event was queued")

    assert len(_deliveries(session_factory, keyed_active.id)) == before
    with session_scope(session_factory, write=False) as session:
        assert operators.get_operator(session=session, operator_id=keyed_active.id).status == (
            "active"
        )


def test_events_for_an_operator_that_cannot_receive_them_are_skipped_with_the_reason(
    session_factory, god, clock
):
    no_url = active_operator(session_factory, god, clock)
    update(session_factory, god, clock, no_url.id, callback_url=None)
    generate_keys(session_factory, god, clock, no_url.id)
    no_key = active_operator(session_factory, god, clock)

    for operator in (no_url, no_key):
        update(session_factory, god, clock, operator.id, status="inactive")

    [skipped_url] = [
        row
        for row in _deliveries(session_factory, no_url.id)
        if json.loads(row.body)["payload"]["status"] == "inactive"
    ]
    assert (skipped_url.status, skipped_url.status_reason, skipped_url.next_attempt_at) == (
        "skipped",
        outbox.NO_CALLBACK_URL,
        None,
    )
    reasons = {row.status_reason for row in _deliveries(session_factory, no_key.id)}
    assert reasons == {outbox.NO_ACTIVE_KEY}


def test_every_platform_action_queues_exactly_the_events_it_returns(
    session_factory, god, clock, keyed_active
):
    operator_id = keyed_active.id
    before = {row.id for row in _deliveries(session_factory, operator_id)}
    returned = []
    with session_scope(session_factory) as session:
        market = platform.create_market(
            session=session,
            data=MarketCreate(title="Derby: home win?", category="sports"),
            clock=clock,
        )
        registered = platform.register_player(
            session=session, operator_id=operator_id, external_player_id="p-1", clock=clock
        )
        player = registered.payload["user_id"]
        returned += [
            registered,
            platform.adjust_balance(
                session=session,
                player_id=player,
                amount=Decimal(200),
                reason="deposit",
                clock=clock,
            ),
            *platform.place_trade(
                session=session,
                clock=clock,
                data=TradeCreate(
                    player_id=player,
                    market_id=market,
                    side="yes",
                    amount=Decimal(50),
                    price=Decimal("0.5"),
                ),
            ),
            platform.restrict_player(
                session=session,
                player_id=player,
                score=Decimal("0.93"),
                classification="bonus_abuse",
                clock=clock,
            ),
            *platform.resolve_market(session=session, market_id=market, outcome="yes", clock=clock),
        ]

    queued = [row for row in _deliveries(session_factory, operator_id) if row.id not in before]
    assert Counter(row.event for row in queued) == Counter(event.event for event in returned)
    assert {row.event for row in queued} == {
        "USER_REGISTERED",
        "BALANCE_CHANGED",
        "TRADE_PLACED",
        "USER_RESTRICTED",
        "POSITION_RESOLVED",
        "MARKET_RESOLVED",
    }
    assert all(row.status == "pending" for row in queued)
    payloads = sorted(
        (json.loads(row.body)["payload"] for row in queued), key=lambda payload: str(payload)
    )
    assert payloads == sorted(
        (event.model_dump(mode="json")["payload"] for event in returned),
        key=lambda payload: str(payload),
    )


def test_an_operator_without_any_callback_setup_gets_skipped_events(session_factory, god, clock):
    operator = make_operator(session_factory, god, clock)
    with session_scope(session_factory) as session:
        platform.register_player(
            session=session, operator_id=operator.id, external_player_id="x", clock=clock
        )
    [row] = _deliveries(session_factory, operator.id)
    assert (row.event, row.status, row.status_reason) == (
        "USER_REGISTERED",
        "skipped",
        outbox.NO_CALLBACK_URL,
    )
