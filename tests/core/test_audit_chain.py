"""The keyed audit chain: forging it needs the key, a page verifies only the rows appended
since the last check, and a database from before the chain was keyed keeps its rows."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable

import pytest
from alembic import command
from sqlalchemy import delete, select, update
from sqlalchemy.orm import sessionmaker

from predictu_console.core import audit
from predictu_console.core.audit import AuditQuery
from predictu_console.core.crypto import MasterKeyError
from predictu_console.core.fields import format_timestamp
from predictu_console.db.migrate import alembic_config, upgrade
from predictu_console.db.session import engine_of, make_session_factory, session_scope
from predictu_console.db.tables import AuditCheckpoint, AuditEntry
from predictu_console.settings import Settings
from tests.factories import actor_for_new_admin, make_operator
from tests.factories import update as patch


def _plain_sha256(entry: AuditEntry) -> str:
    """The attacker's tool: the unkeyed hash the chain used to be made of."""
    content = {
        "seq": entry.seq,
        "at": format_timestamp(entry.at),
        "actor_id": entry.actor_id,
        "actor_email": entry.actor_email,
        "os_user": entry.os_user,
        "operator_id": entry.operator_id,
        "action": entry.action,
        "changes": entry.changes,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _forge(session_factory, seq: int, rehash: Callable[[AuditEntry], str]) -> None:
    """The attack of issue 16: edit row `seq`, then re-hash it and every row after it."""
    with session_scope(session_factory) as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.seq >= seq).order_by(AuditEntry.seq)
        ).all()
        rows[0].changes = {"forged": True}
        prev = rows[0].prev_hash
        for row in rows:
            row.prev_hash = prev
            row.hash = rehash(row)
            prev = row.hash


def _verify(session_factory):
    with session_scope(session_factory, write=False) as session:
        return audit.verify_chain(session)


def _page(session_factory, operator_id):
    with session_scope(session_factory) as session:
        return audit.page(session, operator_id=operator_id, query=AuditQuery()).chain


@pytest.fixture
def operator_id(session_factory, god, clock):
    """Seven audit rows: the admin, then three creations and three updates of one operator."""
    made = make_operator(session_factory, god, clock, name="Chained")
    for n in range(3):
        patch(session_factory, god, clock, made.id, contact_email=f"c{n}@chained.example.com")
    for n in range(2):
        make_operator(session_factory, god, clock, name=f"Other {n}")
    return made.id


@pytest.fixture
def hashed(monkeypatch):
    """The seq of every row hashed, in order."""
    seen: list[int] = []
    real = audit.entry_hash

    def counting(entry, **kwargs):
        seen.append(entry.seq)
        return real(entry, **kwargs)

    monkeypatch.setattr(audit, "entry_hash", counting)
    return seen


def test_the_genuine_chain_verifies(session_factory, operator_id):
    check = _verify(session_factory)
    assert (check.ok, check.checked, check.unkeyed) == (True, 7, 0)


def test_rehashing_with_plain_sha256_after_an_edit_fails_verification(session_factory, operator_id):
    _forge(session_factory, 3, _plain_sha256)

    check = _verify(session_factory)
    assert (check.ok, check.broken_seq, check.checked) == (False, 3, 2)
    assert "content" in check.reason


def test_rehashing_with_the_chains_own_hash_under_a_wrong_key_fails_verification(
    session_factory, operator_id
):
    _forge(session_factory, 5, lambda row: audit.entry_hash(row, key=bytes(32)))

    check = _verify(session_factory)
    assert (check.ok, check.broken_seq) == (False, 5)


def test_another_master_key_is_named_as_the_problem_and_cannot_write(
    settings, session_factory, operator_id, god, clock, tmp_path
):
    other_key = base64.b64encode(bytes(32)).decode()
    other = make_session_factory(
        Settings(home=tmp_path / "other", database_url=settings.database_url, master_key=other_key)
    )
    try:
        check = _verify(other)
        with pytest.raises(MasterKeyError, match="the audit key does not match"):
            patch(other, god, clock, operator_id, contact_email="late@chained.example.com")
    finally:
        engine_of(other).dispose()

    assert (check.ok, check.broken_seq) == (False, None)
    assert check.reason.startswith("the audit key does not match")
    assert _verify(session_factory).ok


def test_a_page_verifies_only_the_rows_appended_since_the_last_check(
    session_factory, god, clock, operator_id, hashed
):
    first = _page(session_factory, operator_id)
    assert (first.ok, first.checked, hashed) == (True, 7, [1, 2, 3, 4, 5, 6, 7])

    hashed.clear()
    assert (_page(session_factory, operator_id).checked, hashed) == (7, [])

    patch(session_factory, god, clock, operator_id, contact_email="new@chained.example.com")
    hashed.clear()
    latest = _page(session_factory, operator_id)
    assert (latest.ok, latest.checked, hashed) == (True, 8, [8])
    with session_scope(session_factory, write=False) as session:
        checkpoint = session.get(AuditCheckpoint, audit.CHECKPOINT_ID)
        head = session.get(AuditEntry, 8)
        assert (checkpoint.verified_seq, checkpoint.verified_hash) == (8, head.hash)


def test_an_edit_after_the_checkpoint_breaks_the_page_and_one_before_it_the_full_walk(
    session_factory, god, clock, operator_id
):
    assert _page(session_factory, operator_id).ok
    with session_scope(session_factory) as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(action="forged"))

    assert _page(session_factory, operator_id).ok  # row 2 was verified before the edit
    full = _verify(session_factory)
    assert (full.ok, full.broken_seq) == (False, 2)

    patch(session_factory, god, clock, operator_id, contact_email="new@chained.example.com")
    with session_scope(session_factory) as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 8).values(action="forged"))
    check = _page(session_factory, operator_id)
    assert (check.ok, check.broken_seq, check.checked) == (False, 8, 7)
    assert "content" in check.reason


def test_rows_removed_after_the_checkpoint_vouched_for_them_are_reported(
    session_factory, operator_id
):
    assert _page(session_factory, operator_id).ok
    with session_scope(session_factory) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq >= 6))

    page = _page(session_factory, operator_id)
    assert (page.ok, page.broken_seq, page.reason) == (
        False,
        7,
        "row 7, verified by an earlier check, is gone",
    )
    full = _verify(session_factory)
    assert (full.ok, full.broken_seq) == (False, 6)
    assert "gone from the end" in full.reason


def test_a_checkpoint_moved_past_a_forged_row_without_the_key_is_reported(
    session_factory, god, clock, operator_id
):
    assert _page(session_factory, operator_id).ok
    patch(session_factory, god, clock, operator_id, contact_email="new@chained.example.com")
    _forge(session_factory, 8, _plain_sha256)
    with session_scope(session_factory) as session:
        forged = session.get(AuditEntry, 8)
        session.execute(update(AuditCheckpoint).values(verified_seq=8, verified_hash=forged.hash))

    for check in (_page(session_factory, operator_id), _verify(session_factory)):
        assert (check.ok, check.broken_seq) == (False, None)
        assert "checkpoint was altered" in check.reason


def test_a_database_from_before_the_keyed_chain_keeps_its_rows_and_they_stay_protected(
    session_factory, clock
):
    engine = engine_of(session_factory)
    command.downgrade(alembic_config(engine), "0005")
    try:
        with session_scope(session_factory) as session:
            prev = audit.GENESIS_HASH
            for seq in (1, 2, 3):
                row = AuditEntry(
                    seq=seq, at=clock.now(), action="legacy.row", changes={}, prev_hash=prev
                )
                row.hash = prev = _plain_sha256(row)
                session.add(row)
    finally:
        upgrade(engine)

    unsealed = _verify(session_factory)
    assert (unsealed.ok, unsealed.checked, unsealed.unkeyed) == (True, 3, 3)

    actor_for_new_admin(session_factory, clock)  # the first write seals the chain: row 4 keyed
    sealed = _verify(session_factory)
    assert (sealed.ok, sealed.checked, sealed.unkeyed) == (True, 4, 3)

    _forge(session_factory, 2, _plain_sha256)
    forged = _verify(session_factory)
    assert (forged.ok, forged.broken_seq) == (False, 4)

    with session_scope(session_factory) as session:
        session.execute(update(AuditCheckpoint).values(keyed_from=5))
    assert "checkpoint was altered" in _verify(session_factory).reason


def test_a_session_without_the_settings_is_refused_before_it_writes_a_row(session_factory, clock):
    bare = sessionmaker(engine_of(session_factory))
    with pytest.raises(RuntimeError, match="make_session_factory"):
        with session_scope(bare) as session:
            audit.record(session, actor=None, action="unkeyed.write", at=clock.now())

    assert _verify(session_factory).checked == 0
