"""Delivering the outbox: signed, retried on schedule, leased, observable, redeliverable."""

from __future__ import annotations

import itertools
import json
import random
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text

from predictu_console.core import audit, notifications, platform
from predictu_console.core.callbacks import delivery, delivery_log, transport
from predictu_console.core.callbacks.delivery import RETRY_DELAYS
from predictu_console.core.callbacks.delivery_log import DeliveryListQuery
from predictu_console.core.callbacks.outbox import NO_CALLBACK_URL
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.callbacks.worker import DeliveryWorker, WorkerConfig
from predictu_console.core.lookup import load_operator
from predictu_console.db.session import engine_of, session_scope
from predictu_console.db.tables import ApiKey, Delivery, Operator
from tests.factories import BOX, actor_for_new_admin, keyed_operator, update

_players = itertools.count(1)


@pytest.fixture
def worker(session_factory, clock, receiver):
    return DeliveryWorker(
        factory=session_factory,
        box=BOX,
        sender=CallbackSender(ca_bundle=receiver.ca_file, allow_private=True),
        clock=clock,
        config=WorkerConfig(concurrency=4, timeout_ms=2000),
        name="test-worker",
        rng=random.Random(7),
    )


@pytest.fixture
def queued(session_factory, god, clock, receiver):
    """An operator whose receiver knows its secret, and one event queued for it."""
    operator_id = _operator(session_factory, god, clock, receiver)
    return operator_id, _queue_event(session_factory, clock, operator_id)


def _operator(session_factory, god, clock, receiver, path="/ok"):
    operator_id, secret = keyed_operator(
        session_factory, god, clock, callback_url=f"{receiver.url}{path}"
    )
    receiver.secrets.append(secret)
    return operator_id


def _queue_event(session_factory, clock, operator_id):
    """Queue one USER_REGISTERED event for the operator; returns its delivery id."""
    with session_scope(session_factory) as session:
        before = set(session.scalars(select(Delivery.id)))
        platform.register_player(
            session=session,
            operator_id=operator_id,
            external_player_id=f"player-{next(_players)}",
            clock=clock,
        )
        [queued] = set(session.scalars(select(Delivery.id))) - before
    return queued


def _log(session_factory, operator_id, **query):
    with session_scope(session_factory, write=False) as session:
        return delivery_log.list_deliveries(
            session=session, operator_id=operator_id, query=DeliveryListQuery(**query)
        ).deliveries


def _row(session_factory, delivery_id):
    with session_scope(session_factory, write=False) as session:
        return session.get(Delivery, delivery_id)


def _operator_row(session_factory, operator_id):
    with session_scope(session_factory, write=False) as session:
        return load_operator(session, operator_id)


def test_a_delivery_is_signed_verified_by_the_receiver_and_logged(
    session_factory, god, clock, receiver, worker, queued
):
    operator_id, delivery_id = queued

    [outcome] = worker.run_once()

    assert outcome.success
    [request] = receiver.delivered()
    headers = request["headers"]
    assert headers["X-Predictu-Delivery"] == delivery_id
    assert headers["X-Predictu-Event"] == "USER_REGISTERED"
    assert request["body"] == _row(session_factory, delivery_id).body.encode()
    [logged] = _log(session_factory, operator_id)
    assert (logged.status, logged.attempt_count, logged.delivered_at) == (
        "delivered",
        1,
        clock.now(),
    )
    [attempt] = logged.attempts
    assert (attempt.http_status, attempt.ip_resolved, attempt.worker) == (
        200,
        "127.0.0.1",
        "test-worker",
    )
    assert attempt.tls_version in ("TLSv1.2", "TLSv1.3")
    operator = _operator_row(session_factory, operator_id)
    assert (operator.callback_status, operator.callback_last_success) == ("healthy", clock.now())
    assert worker.run_once() == []  # nothing is sent twice


def test_a_wrong_secret_is_rejected_by_the_receiver_and_counts_as_a_failure(
    session_factory, god, clock, receiver, worker
):
    operator_id = _operator(session_factory, god, clock, receiver)
    receiver.secrets[:] = ["sk_live_not_the_operators_secret"]
    _queue_event(session_factory, clock, operator_id)

    [outcome] = worker.run_once()

    assert (outcome.success, outcome.http_status, outcome.error) == (False, 401, "HTTP_ERROR")
    assert receiver.delivered() == []


def test_failures_retry_on_the_documented_schedule_then_fail(
    session_factory, god, clock, receiver, worker
):
    operator_id = _operator(session_factory, god, clock, receiver, path="/error")
    delivery_id = _queue_event(session_factory, clock, operator_id)

    waits = []
    for _ in RETRY_DELAYS:
        [outcome] = worker.run_once()
        assert outcome.error == "HTTP_ERROR"
        due = _row(session_factory, delivery_id).next_attempt_at
        waits.append(due - clock.now())
        if due > clock.now():
            clock.advance(due - clock.now() - timedelta(milliseconds=1))
            assert worker.run_once() == [], "sent before its retry was due"
            clock.advance(timedelta(milliseconds=1))

    for wait, delay in zip(waits, RETRY_DELAYS, strict=True):
        assert delay * 0.9 <= wait <= delay * 1.1
    assert waits[2] != RETRY_DELAYS[2]  # jittered

    [last] = worker.run_once()
    assert last.error == "HTTP_ERROR"
    row = _row(session_factory, delivery_id)
    assert (row.status, row.attempt_count, row.next_attempt_at) == ("failed", 9, None)
    assert row.status_reason == "HTTP_ERROR: Server returned HTTP 500"
    clock.advance(timedelta(days=7))
    assert worker.run_once() == []
    # Nine tries of one delivery: the same id and the same bytes every time.
    sent = [request for request in receiver.requests if request["path"] == "/error"]
    assert len(sent) == 9
    assert {request["headers"]["X-Predictu-Delivery"] for request in sent} == {delivery_id}
    assert len({request["body"] for request in sent}) == 1


def test_health_degrades_then_fails_notifying_admins_once_and_recovers(
    session_factory, god, clock, receiver, worker
):
    second_admin = actor_for_new_admin(session_factory, clock, "ops@predictu.com")
    operator_id = _operator(session_factory, god, clock, receiver, path="/error")
    for _ in range(7):
        _queue_event(session_factory, clock, operator_id)
        clock.advance(timedelta(seconds=1))
    worker.config = WorkerConfig(concurrency=1, timeout_ms=2000)
    seen = []
    while len(seen) < 6:
        [outcome] = worker.run_once()
        operator = _operator_row(session_factory, operator_id)
        seen.append((operator.callback_status, operator.callback_failure_count))
    assert seen == [
        ("degraded", 1),
        ("degraded", 2),
        ("degraded", 3),
        ("degraded", 4),
        ("failing", 5),
        ("failing", 6),
    ]
    with session_scope(session_factory, write=False) as session:
        for admin in (god, second_admin):
            failing = [
                n
                for n in notifications.list_notifications(session, admin_id=admin.admin_id)
                if n.kind == "callback.failing"
            ]
            assert [n.operator_id for n in failing] == [operator_id]
        actions = [row.action for row in audit.history(session, operator_id=operator_id)]
    assert actions.count("callback.health_changed") == 2  # unknown→degraded→failing

    update(session_factory, god, clock, operator_id, callback_url=f"{receiver.url}/ok")
    worker.config = WorkerConfig(concurrency=8, timeout_ms=2000)
    assert all(outcome.success for outcome in worker.run_once())
    operator = _operator_row(session_factory, operator_id)
    assert (operator.callback_status, operator.callback_failure_count) == ("healthy", 0)


def test_a_claimed_delivery_is_invisible_to_other_workers_until_its_lease_expires(
    session_factory, god, clock, receiver, worker, queued
):
    operator_id, delivery_id = queued

    [dead_workers_claim] = worker.claim(10)  # and then the worker is killed
    assert worker.claim(10) == []
    clock.advance(timedelta(seconds=worker.config.lease_seconds - 1))
    assert worker.claim(10) == []
    clock.advance(timedelta(seconds=1))

    [outcome] = worker.run_once()
    assert outcome.success
    row = _row(session_factory, delivery_id)
    assert (row.status, row.attempt_count) == ("delivered", 1)
    # The dead worker's attempt, if it ever lands, is logged but changes no plan.
    late = delivery.Outcome(
        clock.now(), dead_workers_claim.url, 5, "sha256=x", error="TIMEOUT", error_message="late"
    )
    with session_scope(session_factory) as session:
        delivery.record_attempts(
            session,
            [(dead_workers_claim, late)],
            worker="dead",
            now=clock.now(),
            rng=random.Random(1),
        )
    row = _row(session_factory, delivery_id)
    assert (row.status, row.attempt_count) == ("delivered", 2)


def test_a_delivery_whose_operator_lost_its_callback_url_is_skipped_at_send_time(
    session_factory, god, clock, receiver, worker, queued
):
    operator_id, delivery_id = queued
    update(session_factory, god, clock, operator_id, callback_url=None)

    assert worker.run_once() == []
    row = _row(session_factory, delivery_id)
    assert (row.status, row.status_reason) == ("skipped", NO_CALLBACK_URL)
    assert receiver.requests == []


def test_redeliver_requeues_with_a_fresh_schedule_and_is_audited(
    session_factory, god, clock, receiver, worker
):
    operator_id = _operator(session_factory, god, clock, receiver, path="/error")
    delivery_id = _queue_event(session_factory, clock, operator_id)
    with session_scope(session_factory) as session:
        session.get(Delivery, delivery_id).failures = 8  # its last retry
    worker.run_once()
    assert _row(session_factory, delivery_id).status == "failed"

    update(session_factory, god, clock, operator_id, callback_url=f"{receiver.url}/ok")
    with session_scope(session_factory) as session:
        again = delivery_log.redeliver(
            session=session, actor=god, delivery_id=delivery_id, now=clock.now()
        )
    assert (again.status, again.next_attempt_at) == ("pending", clock.now())
    [outcome] = worker.run_once()

    assert outcome.success
    [logged] = _log(session_factory, operator_id, status="delivered")
    assert [a.http_status for a in logged.attempts] == [500, 200]
    assert {r["headers"]["X-Predictu-Delivery"] for r in receiver.requests} == {delivery_id}
    with session_scope(session_factory, write=False) as session:
        [entry] = [
            row
            for row in audit.history(session, operator_id=operator_id)
            if row.action == "delivery.redelivered"
        ]
    assert entry.changes[f"deliveries.{delivery_id}.status"] == {"from": "failed", "to": "pending"}
    assert entry.actor_email == god.email


def test_the_log_filters_pages_and_shows_bodies(session_factory, god, clock, receiver, worker):
    operator_id = _operator(session_factory, god, clock, receiver)
    ids = [_queue_event(session_factory, clock, operator_id) for _ in range(3)]
    clock.advance(timedelta(seconds=1))
    worker.run_once()

    with session_scope(session_factory, write=False) as session:
        page = delivery_log.list_deliveries(
            session=session,
            operator_id=operator_id,
            query=DeliveryListQuery(event="USER_REGISTERED", limit=2, offset=0),
        )
        detail = delivery_log.get_delivery(session=session, delivery_id=ids[0])
    assert (page.total, len(page.deliveries)) == (3, 2)
    assert _log(session_factory, operator_id, status="pending") == []
    assert _log(session_factory, operator_id, event="TRADE_PLACED") == []
    assert detail.request_body["delivery_id"] == ids[0]
    assert json.loads(detail.attempts[0].response_body) == {
        "status": "ok",
        "received_event": "USER_REGISTERED",
    }
    assert detail.attempts[0].signature.startswith("sha256=")


def test_concurrent_claims_never_share_a_delivery(session_factory, god, clock, receiver):
    """PostgreSQL skips rows another worker has locked; SQLite makes the claim wait its turn."""
    operator_id = _operator(session_factory, god, clock, receiver)
    ids = {_queue_event(session_factory, clock, operator_id) for _ in range(4)}
    lease = timedelta(minutes=1)
    held, release = threading.Event(), threading.Event()
    first: list[delivery.Claim] = []

    def worker_a():
        with session_scope(session_factory) as session:
            first.extend(
                delivery.claim_due(session, box=BOX, now=clock.now(), limit=2, lease=lease)
            )
            held.set()
            release.wait(10)

    holder = threading.Thread(target=worker_a)
    holder.start()
    assert held.wait(10)
    threading.Timer(0.5, release.set).start()
    with session_scope(session_factory) as session:
        if session.get_bind().dialect.name == "postgresql":
            # Waiting for worker A's row locks would be the bug: make it an error, fast.
            session.execute(text("SET LOCAL lock_timeout = '200ms'"))
        second = delivery.claim_due(session, box=BOX, now=clock.now(), limit=10, lease=lease)
        claimed_while_a_was_open = not release.is_set()
    holder.join()

    assert {c.delivery_id for c in first}.isdisjoint(c.delivery_id for c in second)
    assert {c.delivery_id for c in first + second} == ids
    postgres = session_factory.kw["bind"].dialect.name == "postgresql"
    assert claimed_while_a_was_open is postgres


def test_a_claim_takes_events_queued_earlier_in_its_own_transaction(
    session_factory, god, clock, receiver
):
    """As the demo's seeding does: register a player, then claim, in one transaction."""
    operator_id = _operator(session_factory, god, clock, receiver)
    with session_scope(session_factory) as session:
        platform.register_player(
            session=session, operator_id=operator_id, external_player_id="same-tx", clock=clock
        )
        claims = delivery.claim_due(
            session, box=BOX, now=clock.now(), limit=10, lease=timedelta(minutes=1)
        )
    assert [(claim.operator_id, claim.event) for claim in claims] == [
        (operator_id, "USER_REGISTERED")
    ]
    assert claims[0].url == f"{receiver.url}/ok"


def _tampered(sealed: str) -> str:
    middle = len(sealed) // 2
    return sealed[:middle] + ("B" if sealed[middle] == "A" else "A") + sealed[middle + 1 :]


CORRUPTIONS = {
    "one character changed": _tampered,
    "too short": lambda sealed: sealed[:8],
    "not base64": lambda sealed: "abc",
}


def _corrupt_secret(session_factory, operator_id, corrupt):
    with session_scope(session_factory) as session:
        key = session.scalars(select(ApiKey).where(ApiKey.operator_id == operator_id)).one()
        key.sealed_secret = corrupt(key.sealed_secret)
        return key.id


def _drain(worker):
    """Run the worker until nothing is due; returns every outcome."""
    outcomes = []
    while batch := worker.run_once():
        outcomes += batch
    return outcomes


@pytest.mark.parametrize("corrupt", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_a_secret_that_cannot_be_opened_fails_its_own_deliveries_and_blocks_no_other(
    session_factory, god, clock, receiver, worker, corrupt, caplog
):
    broken = _operator(session_factory, god, clock, receiver)
    key_id = _corrupt_secret(session_factory, broken, corrupt)
    stuck = _queue_event(session_factory, clock, broken)  # first in line at every claim
    clock.advance(timedelta(seconds=1))
    healthy = [_operator(session_factory, god, clock, receiver) for _ in range(4)]
    for operator_id in healthy:
        for _ in range(5):
            _queue_event(session_factory, clock, operator_id)

    _drain(worker)

    assert len(receiver.delivered()) == 20
    for operator_id in healthy:
        assert {d.status for d in _log(session_factory, operator_id)} == {"delivered"}
    [logged] = _log(session_factory, broken)
    assert logged.status == "pending" and logged.next_attempt_at > clock.now()
    assert {(a.error, a.error_message) for a in logged.attempts} == {
        ("SIGNING_FAILED", delivery.SIGNING_FAILED_MESSAGE)
    }
    assert {a.http_status for a in logged.attempts} == {None}
    operator = _operator_row(session_factory, broken)
    assert (operator.callback_status, operator.callback_failure_count) == (
        "degraded",
        len(logged.attempts),
    )
    assert key_id in caplog.text  # the detail is in the server log, not the attempt

    while (row := _row(session_factory, stuck)).status == "pending":
        clock.advance(row.next_attempt_at - clock.now())
        _drain(worker)
    assert (row.status, row.attempt_count) == ("failed", len(RETRY_DELAYS) + 1)
    assert row.status_reason == f"SIGNING_FAILED: {delivery.SIGNING_FAILED_MESSAGE}"
    assert _operator_row(session_factory, broken).callback_status == "failing"
    assert len(receiver.delivered()) == 20  # nothing unsigned ever left


@pytest.mark.parametrize(
    "stored_url", ["https://bücher.example/cb", "https://a..b.com/cb", "https://[::1/cb"]
)
def test_a_stored_url_the_sender_cannot_use_is_a_failed_attempt_not_a_worker_crash(
    session_factory, god, clock, receiver, worker, stored_url
):
    broken = _operator(session_factory, god, clock, receiver)
    with session_scope(session_factory) as session:
        # Written before validation refused such URLs.
        session.get(Operator, broken).callback_url = stored_url
    stuck = _queue_event(session_factory, clock, broken)
    healthy = _operator(session_factory, god, clock, receiver)
    sent = _queue_event(session_factory, clock, healthy)

    outcomes = worker.run_once()

    assert {o.error for o in outcomes} == {None, "INVALID_URL"}
    assert _row(session_factory, sent).status == "delivered"
    [logged] = _log(session_factory, broken)
    assert (logged.status, logged.attempt_count) == ("pending", 1)
    assert logged.attempts[0].error == "INVALID_URL"
    assert _row(session_factory, stuck).next_attempt_at is not None
    operator = _operator_row(session_factory, broken)
    assert (operator.callback_status, operator.callback_failure_count) == ("degraded", 1)


def test_an_unexpected_sender_error_is_a_logged_send_failure(
    session_factory, god, clock, receiver, worker, queued, monkeypatch, caplog
):
    operator_id, delivery_id = queued

    def broken_exchange(*_args, **_kwargs):
        raise RuntimeError("internal detail 0xdeadbeef")

    monkeypatch.setattr(transport, "exchange", broken_exchange)
    [outcome] = worker.run_once()

    assert outcome.error == "SEND_FAILED"
    assert "0xdeadbeef" not in outcome.error_message
    assert "0xdeadbeef" in caplog.text
    [logged] = _log(session_factory, operator_id)
    assert (logged.status, logged.attempt_count) == ("pending", 1)
    assert _operator_row(session_factory, operator_id).callback_status == "degraded"


def _cut_once(engine, marker):
    """Close the database connection under the first statement naming `marker`, from outside:
    a restarted server, or a connection dropped by the network."""
    cut = threading.Event()

    def before(connection, _cursor, statement, *_args):
        if cut.is_set() or marker not in statement:
            return
        cut.set()
        dbapi_connection = connection.connection.dbapi_connection
        if engine.dialect.name == "postgresql":
            with engine.connect() as other:
                pid = dbapi_connection.info.backend_pid
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        else:
            dbapi_connection.close()

    event.listen(engine, "before_cursor_execute", before)
    return cut


def test_a_running_worker_rides_out_a_lost_database_connection(
    session_factory, god, clock, receiver, caplog
):
    """The worker keeps its connection while busy. Lost as it records a batch, the batch's
    transaction fails and is logged; the next one reconnects, the unrecorded sends go again
    once their lease ends, and every delivery ends delivered."""
    operator_id = _operator(session_factory, god, clock, receiver)
    ids = {_queue_event(session_factory, clock, operator_id) for _ in range(6)}
    cut = _cut_once(engine_of(session_factory), "delivery_attempts")
    worker = DeliveryWorker(
        factory=session_factory,
        box=BOX,
        sender=CallbackSender(ca_bundle=receiver.ca_file, allow_private=True),
        clock=clock,
        config=WorkerConfig(concurrency=2, poll_seconds=0.05, timeout_ms=2000),
    )
    stop = threading.Event()
    running = threading.Thread(target=worker.run, args=(stop,))
    running.start()
    try:
        assert cut.wait(10)
        delivered: set[str] = set()
        for _ in range(200):
            clock.advance(timedelta(seconds=worker.config.lease_seconds))
            with session_scope(session_factory, write=False) as session:
                done = select(Delivery.id).where(Delivery.status == "delivered")
                delivered = set(session.scalars(done))
            if delivered == ids:
                break
            stop.wait(0.05)
    finally:
        stop.set()
        running.join(10)
    assert delivered == ids
    assert "recording" in caplog.text and "claiming deliveries failed" in caplog.text
    sent = {request["headers"]["X-Predictu-Delivery"] for request in receiver.requests}
    assert sent == ids
