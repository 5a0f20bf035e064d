"""The audit chain: written with each change, and any later edit is detected."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, select, update

from predictu_console.core import audit, notifications, operators
from predictu_console.core.callbacks import ping
from predictu_console.core.callbacks.ping import PingRequest
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.errors import NameExists
from predictu_console.db.session import session_scope
from predictu_console.db.tables import AuditEntry
from tests.factories import BOX, keyed_operator, make_operator
from tests.factories import update as patch


def _verify(session_factory):
    with session_scope(session_factory, write=False) as session:
        return audit.verify_chain(session)


@pytest.fixture
def history(session_factory, god, clock):
    """Seven audit rows: the admin, three creations, three updates."""
    for n in range(3):
        made = make_operator(session_factory, god, clock, name=f"Chained {n}")
        patch(session_factory, god, clock, made.id, contact_email=f"c{n}@chained.example.com")
    return 7


def test_an_untouched_chain_verifies(session_factory, history):
    check = _verify(session_factory)
    assert check.ok and check.checked == history


def test_an_empty_log_verifies(session_factory):
    assert _verify(session_factory).ok


def test_an_edited_row_is_reported_as_the_first_broken_link(session_factory, history):
    with session_scope(session_factory) as session:
        session.execute(
            update(AuditEntry).where(AuditEntry.seq == 4).values(changes={"forged": True})
        )

    check = _verify(session_factory)
    assert not check.ok
    assert (check.broken_seq, check.checked) == (4, 3)
    assert "content" in check.reason


def test_a_deleted_row_is_detected(session_factory, history):
    with session_scope(session_factory) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq == 3))

    check = _verify(session_factory)
    assert (check.ok, check.broken_seq) == (False, 4)
    assert "missing" in check.reason


def test_a_rehashed_row_still_breaks_the_next_link(session_factory, history):
    with session_scope(session_factory) as session:
        row = session.get(AuditEntry, 2)
        row.actor_email = "someone-else@predictu.com"
        row.hash = audit.entry_hash(row, key=audit.chain_key(session))

    check = _verify(session_factory)
    assert (check.ok, check.broken_seq) == (False, 3)
    assert "link" in check.reason


def test_a_rolled_back_change_leaves_no_audit_row(session_factory, god, clock):
    make_operator(session_factory, god, clock, name="Taken")
    with pytest.raises(NameExists):
        make_operator(session_factory, god, clock, name="TAKEN")

    with session_scope(session_factory, write=False) as session:
        actions = [row.action for row in session.query(AuditEntry).order_by(AuditEntry.seq)]
    assert actions == ["admin.created", "operator.created"]


def _rows(session_factory, action):
    with session_scope(session_factory, write=False) as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == action))
        return [audit.AuditRecord.model_validate(row, from_attributes=True) for row in rows]


@pytest.mark.parametrize(("path", "outcome"), [("/ok?new", "success"), ("/error", "HTTP_ERROR")])
def test_a_ping_to_an_unsaved_url_is_audited_with_the_url_and_outcome_but_no_secret(
    session_factory, god, clock, receiver, path, outcome
):
    operator_id, secret = keyed_operator(
        session_factory, god, clock, callback_url=f"{receiver.url}/ok"
    )
    url = receiver.url + path
    ping.test_callback(
        factory=session_factory,
        actor=god,
        operator_id=operator_id,
        data=PingRequest(callback_url=url),
        box=BOX,
        sender=CallbackSender(ca_bundle=receiver.ca_file, allow_private=True),
        clock=clock,
    )

    [row] = _rows(session_factory, "callback.url_tested")
    assert (row.operator_id, row.actor_email) == (operator_id, god.email)
    assert row.changes == {
        "test_callback.url": {"from": None, "to": url},
        "test_callback.event": {"from": None, "to": "PING"},
        "test_callback.outcome": {"from": None, "to": outcome},
    }
    assert secret not in json.dumps(row.changes)
    with session_scope(session_factory, write=False) as session:
        detail = operators.get_operator(session=session, operator_id=operator_id)
    assert (detail.callback_status, detail.onboarding_checklist["test_ping"].complete) == (
        "unknown",
        False,
    )
    assert _verify(session_factory).ok


def test_marking_notifications_read_is_audited_and_a_no_op_is_not(session_factory, god, clock):
    made = make_operator(session_factory, god, clock)
    patch(session_factory, god, clock, made.id, revenue_share_predictu=35)
    patch(session_factory, god, clock, made.id, revenue_share_predictu=40)

    for expected in (2, 0):
        with session_scope(session_factory) as session:
            assert notifications.mark_read(session, actor=god, at=clock.now()) == expected

    [row] = _rows(session_factory, "notifications.read")
    assert (row.actor_id, row.operator_id) == (god.admin_id, None)
    assert row.changes == {"notifications.unread": {"from": 2, "to": 0}}
