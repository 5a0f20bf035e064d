"""Telling, from the outbox alone, that no delivery worker is running."""

from __future__ import annotations

from datetime import timedelta

from predictu_console.core import platform
from predictu_console.core.callbacks import backlog, delivery
from predictu_console.core.callbacks.backlog import STALLED_AFTER
from predictu_console.db.session import session_scope
from tests.factories import BOX, keyed_operator


def _queue_events(session_factory, clock, operator_id, count):
    with session_scope(session_factory) as session:
        for number in range(count):
            platform.register_player(
                session=session,
                operator_id=operator_id,
                external_player_id=f"player-{number}",
                clock=clock,
            )


def _backlog(session_factory, clock, operator_id=None):
    with session_scope(session_factory, write=False) as session:
        return backlog.read_backlog(session, now=clock.now(), operator_id=operator_id)


def test_a_delivery_due_for_longer_than_a_worker_takes_means_no_worker_runs(
    session_factory, god, clock
):
    operator_id, _ = keyed_operator(session_factory, god, clock, callback_url="https://a.example")
    _queue_events(session_factory, clock, operator_id, 2)
    fresh = _backlog(session_factory, clock)
    assert (fresh.due, fresh.stalled) == (2, False)

    clock.advance(STALLED_AFTER + timedelta(seconds=1))
    waited = _backlog(session_factory, clock)
    assert (waited.due, waited.stalled) == (2, True)
    assert waited.oldest_due_at == clock.now() - STALLED_AFTER - timedelta(seconds=1)


def test_a_worker_that_is_behind_is_not_reported_as_missing(session_factory, god, clock):
    operator_id, _ = keyed_operator(session_factory, god, clock, callback_url="https://a.example")
    _queue_events(session_factory, clock, operator_id, 2)
    clock.advance(STALLED_AFTER * 2)
    with session_scope(session_factory) as session:
        [claim] = delivery.claim_due(
            session, box=BOX, now=clock.now(), limit=1, lease=timedelta(minutes=1)
        )
    behind = _backlog(session_factory, clock)
    assert (behind.due, behind.stalled) == (1, False)


def test_an_operators_backlog_counts_its_own_deliveries_but_any_stall_means_no_worker(
    session_factory, god, clock
):
    stuck, _ = keyed_operator(session_factory, god, clock, callback_url="https://a.example")
    _queue_events(session_factory, clock, stuck, 3)
    clock.advance(STALLED_AFTER + timedelta(seconds=1))
    quiet, _ = keyed_operator(session_factory, god, clock, callback_url="https://b.example")
    _queue_events(session_factory, clock, quiet, 1)
    idle, _ = keyed_operator(session_factory, god, clock, callback_url="https://c.example")

    everyone = _backlog(session_factory, clock)
    assert (everyone.due, everyone.stalled) == (4, True)
    own = _backlog(session_factory, clock, quiet)
    assert (own.due, own.oldest_due_at, own.stalled) == (1, clock.now(), True)
    assert _backlog(session_factory, clock, idle).model_dump() == {
        "due": 0,
        "oldest_due_at": None,
        "stalled": True,
    }


def test_nothing_due_is_nothing_to_report(session_factory, god, clock):
    assert _backlog(session_factory, clock).model_dump() == {
        "due": 0,
        "oldest_due_at": None,
        "stalled": False,
    }
