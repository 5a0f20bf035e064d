"""Demo data: realistic, complete, exact, and idempotent."""

from __future__ import annotations

import gc
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from predictu_console.core import audit, invoices, keys, onboarding, operators, stats
from predictu_console.core.callbacks.signing import sign
from predictu_console.core.clock import FrozenClock
from predictu_console.core.demo import bulk
from predictu_console.core.demo import seed as demo_seed
from predictu_console.core.demo.catalogue import CALLBACK_TROUBLE, CAST_DOMAINS, CAST_SIZE
from predictu_console.core.demo.seed import BULK_BATCH, seed
from predictu_console.core.errors import NoActiveKey
from predictu_console.core.models import OperatorListQuery
from predictu_console.db.session import session_scope
from predictu_console.db.tables import (
    ApiKey,
    AuditEntry,
    Delivery,
    DeliveryAttempt,
    Invoice,
    Operator,
    Trade,
)
from tests.factories import BOX
from tests.recompute import raw_stats

NOW = datetime(2025, 3, 18, 14, 30, tzinfo=UTC)


@pytest.fixture
def seeded(session_factory):
    clock = FrozenClock(NOW)
    report = seed(factory=session_factory, clock=clock, box=BOX)
    return report, clock


def _page(session_factory, clock, **query):
    with session_scope(session_factory, write=False) as session:
        return operators.list_operators(
            session=session, query=OperatorListQuery(limit=100, **query), clock=clock
        )


def test_the_spec_operators_are_there_in_every_stage(session_factory, seeded):
    _, clock = seeded
    rows = {row.name: row for row in _page(session_factory, clock).operators}

    example, lucky = rows["Example Casino"], rows["LuckySpin"]
    assert (example.domain, example.status, example.onboarding_step) == (
        "example-casino.com",
        "active",
        8,
    )
    assert (lucky.domain, lucky.status, lucky.onboarding_step, lucky.user_count) == (
        "luckyspin.io",
        "onboarding",
        1,
        0,
    )
    assert {row.status for row in rows.values()} == {"active", "inactive", "onboarding"}
    assert {row.onboarding_step for row in rows.values()} >= {1, 3, 4, 6, 8}
    assert {row.callback_status for row in rows.values()} >= {"healthy", "degraded", "failing"}
    assert all(row.user_count > 0 for row in rows.values() if row.status != "onboarding")


def test_every_figure_equals_a_recomputation_from_raw_rows(session_factory, seeded):
    _, clock = seeded
    page = _page(session_factory, clock)
    with session_scope(session_factory, write=False) as session:
        raw = raw_stats(session, clock.now())
        assert stats.verify_rollups(session) == []
        assert audit.verify_chain(session).ok

    for row in page.operators:
        assert (row.user_count, row.active_user_count_24h, row.total_volume, row.mtd_revenue) == (
            raw[row.name]["users"],
            raw[row.name]["active_24h"],
            raw[row.name]["volume"],
            raw[row.name]["mtd"],
        ), row.name
    assert sum(r["active_24h"] for r in raw.values()) > 0
    assert sum(r["mtd"] for r in raw.values()) > 0


def test_activity_spans_about_four_months_and_stays_in_the_past(session_factory, seeded):
    _, clock = seeded
    with session_scope(session_factory, write=False) as session:
        first, last = session.execute(
            select(func.min(Trade.created_at), func.max(Trade.created_at))
        ).one()
    assert (clock.now() - first).days >= 100
    assert last <= clock.now()


def test_invoices_cover_closed_months_with_every_status(session_factory, seeded):
    _, clock = seeded
    with session_scope(session_factory, write=False) as session:
        rows = session.scalars(select(Invoice)).all()
        statuses = Counter(invoices.status_of(row, clock.now()) for row in rows)
        periods = {row.period for row in rows}
    assert set(statuses) == {"paid", "pending", "overdue"}
    assert max(periods) == "2025-02" and min(periods) <= "2024-12"
    assert all(row.predictu_share + row.operator_share == row.gross_revenue for row in rows)


def test_seeding_again_adds_nothing(session_factory, seeded):
    first, clock = seeded
    with session_scope(session_factory, write=False) as session:
        before = session.scalar(select(func.count()).select_from(AuditEntry))

    again = seed(factory=session_factory, clock=clock, box=BOX)

    assert (first.operators_created, first.trades_created > 0) == (12, True)
    assert (again.operators_created, again.trades_created, again.invoices_created) == (0, 0, 0)
    with session_scope(session_factory, write=False) as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_a_larger_count_adds_generated_operators_to_an_existing_demo(session_factory, seeded):
    _, clock = seeded
    grown = seed(factory=session_factory, clock=clock, box=BOX, count=40)

    assert (grown.operators_total, grown.operators_created) == (40, 28)
    page = _page(session_factory, clock)
    assert page.total == 40
    with session_scope(session_factory, write=False) as session:
        assert stats.verify_rollups(session) == []


@pytest.mark.parametrize(
    "per_batch",
    [BULK_BATCH, 10],
    ids=["one batch, planned in this process", "three batches, planned in another process"],
)
def test_generated_operators_have_working_keys_and_say_they_were_seeded_in_bulk(
    session_factory, seeded, per_batch, monkeypatch
):
    _, clock = seeded
    monkeypatch.setattr(demo_seed, "BULK_BATCH", per_batch)
    report = seed(factory=session_factory, clock=clock, box=BOX, count=CAST_SIZE + 30)

    assert report.operators_created == 30

    with session_scope(session_factory, write=False) as session:
        generated = [
            row for row in session.scalars(select(Operator)) if row.domain not in CAST_DOMAINS
        ]
        assert {row.status for row in generated} == {"active", "inactive", "onboarding"}
        for row in generated:
            checklist = onboarding.checklist(row)
            key = session.scalar(select(ApiKey).where(ApiKey.operator_id == row.id))
            assert (key is not None) == checklist["generate_keys"].complete, row.domain
            if key is not None:
                secret = BOX.open(key.id, key.sealed_secret)
                assert secret.startswith("sk_live_")
                assert keys.find_by_secret(session, secret) is key  # the operator API's lookup
                current = keys.public_key(session=session, operator_id=row.id, clock=clock)
                assert current.key_id == key.id
            if row.status != "onboarding":
                assert all(step.complete for step in checklist.values()), row.domain
            history = session.scalars(select(AuditEntry).where(AuditEntry.operator_id == row.id))
            (entry,) = history.all()
            assert entry.action == "demo.bulk_seeded"
            assert entry.changes["status"] == {"from": None, "to": row.status}
            # No PING was sent for them, so nothing is known of their callback's health.
            assert (row.callback_status, row.callback_last_success) == ("unknown", None)
        assert (
            session.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.operator_id.in_([row.id for row in generated]))
            )
            == 0
        )
        assert audit.verify_chain(session).ok
        assert stats.verify_rollups(session) == []


def test_a_failed_bulk_batch_writes_nothing_and_leaves_the_collector_running(
    session_factory, seeded, monkeypatch
):
    """A bulk batch pauses Python's garbage collector while it works; the demo's console runs
    on in the same process, so the collector must run again however the batch ends."""
    _, clock = seeded
    seed(factory=session_factory, clock=clock, box=BOX, count=CAST_SIZE + 5)
    assert gc.isenabled()

    def disk_full(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(bulk.audit, "record_many", disk_full)  # after every row
    with pytest.raises(OSError, match="disk full"):
        seed(factory=session_factory, clock=clock, box=BOX, count=CAST_SIZE + 10)

    assert gc.isenabled()
    assert _page(session_factory, clock).total == CAST_SIZE + 5


def _operators_by_domain(session):
    return {row.domain: row for row in session.scalars(select(Operator))}


def test_onboarded_demo_operators_have_real_keys_and_a_ping_that_really_succeeded(
    session_factory, seeded
):
    _, clock = seeded
    with session_scope(session_factory, write=False) as session:
        rows = _operators_by_domain(session)
        checklists = {domain: onboarding.checklist(row) for domain, row in rows.items()}
        for domain, checklist in checklists.items():
            keyed = checklist["generate_keys"].complete
            if keyed:
                key = keys.public_key(session=session, operator_id=rows[domain].id, clock=clock)
                assert key.public_key.startswith("pk_live_") and key.status == "active"
            else:
                with pytest.raises(NoActiveKey):
                    keys.public_key(session=session, operator_id=rows[domain].id, clock=clock)
            pinged = {
                entry.action
                for entry in session.scalars(
                    select(AuditEntry).where(AuditEntry.operator_id == rows[domain].id)
                )
            } & {"callback.ping_succeeded", "callback.ping_failed"}
            assert pinged == (
                {"callback.ping_succeeded"} if checklist["test_ping"].complete else set()
            )
    assert checklists["example-casino.com"]["test_ping"].complete
    assert not checklists["neonnights.io"]["test_ping"].complete  # 4 steps: URL set, no PING


def test_every_demo_delivery_was_really_attempted_and_signed_with_the_operators_key(
    session_factory, seeded
):
    with session_scope(session_factory, write=False) as session:
        deliveries = session.scalars(select(Delivery)).all()
        attempts = session.scalars(select(DeliveryAttempt)).all()
        secrets = {
            key.operator_id: BOX.open(key.id, key.sealed_secret)
            for key in session.scalars(select(ApiKey))
        }
    by_delivery = Counter(attempt.delivery_id for attempt in attempts)

    assert len({row.event for row in deliveries}) >= 4
    for row in deliveries:
        assert by_delivery[row.id] == row.attempt_count >= 1, row.event
        assert row.status in ("delivered", "pending")
    bodies = {row.id: row.body.encode() for row in deliveries}
    owners = {row.id: row.operator_id for row in deliveries}
    for attempt in attempts:
        expected = sign(secrets[owners[attempt.delivery_id]], bodies[attempt.delivery_id])
        assert attempt.signature == expected
        assert attempt.http_status in (200, None)


def test_the_troubled_operators_health_comes_from_their_failed_attempts(session_factory, seeded):
    with session_scope(session_factory, write=False) as session:
        rows = _operators_by_domain(session)
        for domain, error, status in (
            ("vegasvault.com", "TIMEOUT", "degraded"),
            ("midnightmirage.casino", "CONNECTION_REFUSED", "failing"),
        ):
            operator = rows[domain]
            failed = session.scalars(
                select(DeliveryAttempt.error)
                .join(Delivery, Delivery.id == DeliveryAttempt.delivery_id)
                .where(Delivery.operator_id == operator.id, Delivery.status == "pending")
            ).all()
            assert failed == [error] * CALLBACK_TROUBLE[domain]
            assert (operator.callback_status, operator.callback_failure_count) == (
                status,
                CALLBACK_TROUBLE[domain],
            )
