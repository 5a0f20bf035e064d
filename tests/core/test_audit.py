"""The audit chain: written with each change, and any later edit is detected."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update

from predictu_console.core import audit
from predictu_console.core.errors import NameExists
from predictu_console.db.session import session_scope
from predictu_console.db.tables import AuditEntry
from tests.factories import make_operator
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
        row.hash = audit.entry_hash(row)

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
