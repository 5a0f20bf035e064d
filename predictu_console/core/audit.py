"""The tamper-evident audit log: every committed change, in a chain keyed by HMAC-SHA256.

Each row's hash is an HMAC over its own content and the previous row's hash, under a key
derived from the master key (`core/derived_keys.py`) and never stored. Editing, deleting or
reordering a row breaks every link after it, and re-hashing the rows after an edit needs the
key, not just write access to the database. Rows are appended in the same transaction as the
change they record: an audit row exists if and only if the change committed. Every session
that writes comes from `make_session_factory(settings)`, whose `Session.info` carries the
settings the key is derived from.

The one row of `audit_checkpoint` seals the chain; the first write (or audit page) creates it:
- `key_check` identifies the key, so a different master key is reported as such, and a write
  under it is refused instead of breaking the chain;
- `keyed_from` is the first keyed row. Rows before it were written, before the chain was keyed,
  with plain SHA-256 and stay as they are: the first keyed row's HMAC covers their last hash;
- `verified_seq`/`verified_hash` is how far the chain is verified. An audit page verifies only
  the rows appended since and moves it on; `audit verify` walks the whole chain.
A MAC under the key covers those fields, so neither the boundary nor the checkpoint moves
without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from predictu_console.core import derived_keys
from predictu_console.core.crypto import MASTER_KEY_VARIABLE, MasterKeyError
from predictu_console.core.fields import Timestamp, format_timestamp
from predictu_console.core.models import Actor
from predictu_console.db.session import lock_audit_chain
from predictu_console.db.tables import AuditCheckpoint, AuditEntry

GENESIS_HASH = "0" * 64
CHECKPOINT_ID = 1
KEY_MISMATCH = (
    f"the audit key does not match the one this audit log was sealed with: {MASTER_KEY_VARIABLE} "
    "(or master.key in the data directory) is not the master key this database was written with"
)
_CHECKPOINT_INFO = "predictu.audit_checkpoint"


class AuditRecord(BaseModel):
    """One audit row as front ends show it."""

    seq: int
    at: Timestamp
    actor_id: str | None
    actor_email: str | None
    os_user: str | None
    operator_id: str | None
    action: str
    changes: dict[str, Any]


class ChainCheck(BaseModel):
    """Result of checking the chain: `ok`, or the first broken link (if a row) and why."""

    ok: bool
    checked: int
    """Rows from the first one known intact, verified now or (for a page) by an earlier check."""
    broken_seq: int | None = None
    reason: str | None = None
    unkeyed: int = 0
    """Rows among those checked that were written before the chain was keyed (plain SHA-256)."""


def chain_key(session: Session) -> bytes:
    """The audit key, derived once per session from the settings its factory carries."""
    return derived_keys.session_key(session, derived_keys.AUDIT_CHAIN)


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def key_check(key: bytes) -> str:
    """Identifies the audit key in the checkpoint without revealing it."""
    return _mac(key, "predictu audit key check")


def _checkpoint_mac(key: bytes, keyed_from: int, seq: int, hash_: str) -> str:
    return _mac(key, f"checkpoint:{keyed_from}:{seq}:{hash_}")


def entry_hash(entry: AuditEntry, *, key: bytes | None) -> str:
    """HMAC-SHA256 under `key` over the row's canonical JSON, which includes the previous row's
    hash; with no key, the plain SHA-256 of rows written before the chain was keyed."""
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
    if key is None:
        return hashlib.sha256(canonical.encode()).hexdigest()
    return _mac(key, canonical)


@dataclass(frozen=True)
class Pending:
    """One row to append to the chain: what `record` takes."""

    actor: Actor | None
    action: str
    at: datetime
    operator_id: str | None = None
    changes: Mapping[str, Any] | None = None


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    at: datetime,
    operator_id: str | None = None,
    changes: Mapping[str, Any] | None = None,
) -> None:
    """Append one row to the chain inside the caller's transaction.

    Raises MasterKeyError when the chain was sealed under another master key.
    """
    record_many(session, [Pending(actor, action, at, operator_id, changes)])


def record_many(session: Session, rows: Sequence[Pending]) -> None:
    """Append `rows` in order inside the caller's transaction, reading the chain's head once
    and flushing once: the demo's bulk seeding appends thousands at a time.

    Raises MasterKeyError when the chain was sealed under another master key.
    """
    lock_audit_chain(session)
    key = chain_key(session)
    head_seq, head_hash = _head(session)
    # The identity map holds rows weakly: keeping the checkpoint referenced for the session's
    # life lets the next append in this transaction skip its query.
    session.info[_CHECKPOINT_INFO] = _sealed(
        session, key, session.get(AuditCheckpoint, CHECKPOINT_ID), head_seq=head_seq
    )
    for row in rows:
        actor = row.actor
        entry = AuditEntry(
            seq=head_seq + 1,
            at=row.at,
            actor_id=actor.admin_id if actor else None,
            actor_email=actor.email if actor else None,
            os_user=actor.os_user if actor else None,
            operator_id=row.operator_id,
            action=row.action,
            changes=dict(row.changes or {}),
            prev_hash=head_hash,
        )
        entry.hash = entry_hash(entry, key=key)
        session.add(entry)
        head_seq, head_hash = entry.seq, entry.hash
    session.flush()


def _head(session: Session) -> tuple[int, str]:
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return (last.seq, last.hash) if last else (0, GENESIS_HASH)


def _sealed(
    session: Session, key: bytes, checkpoint: AuditCheckpoint | None, *, head_seq: int
) -> AuditCheckpoint:
    """The checkpoint, created on the chain's first keyed write; the caller holds the chain's
    lock. Raises MasterKeyError when the chain was sealed under another key."""
    if checkpoint is None:
        checkpoint = AuditCheckpoint(
            id=CHECKPOINT_ID,
            keyed_from=head_seq + 1,
            verified_seq=0,
            verified_hash=GENESIS_HASH,
            key_check=key_check(key),
            mac=_checkpoint_mac(key, head_seq + 1, 0, GENESIS_HASH),
        )
        session.add(checkpoint)
    elif not hmac.compare_digest(checkpoint.key_check, key_check(key)):
        raise MasterKeyError(f"Cannot add to the audit log: {KEY_MISMATCH}")
    return checkpoint


def history(session: Session, *, operator_id: str, limit: int = 100) -> list[AuditRecord]:
    """An operator's audit rows, newest first."""
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.operator_id == operator_id)
        .order_by(AuditEntry.seq.desc())
        .limit(limit)
    )
    return [AuditRecord.model_validate(row, from_attributes=True) for row in rows]


class AuditQuery(BaseModel):
    """Query of `GET /operators/{id}/audit`."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=10_000_000)


class AuditPage(BaseModel):
    """Response of `GET /operators/{id}/audit`: rows newest first, and the chain's check."""

    success: Literal[True] = True
    entries: list[AuditRecord]
    total: int
    limit: int
    offset: int
    chain: ChainCheck


def page(session: Session, *, operator_id: str, query: AuditQuery) -> AuditPage:
    """One page of an operator's audit rows, with the rows appended since the last check
    verified (`check_new_rows`); the caller's transaction must be one that may write."""
    stmt = select(AuditEntry).where(AuditEntry.operator_id == operator_id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(AuditEntry.seq.desc()).limit(query.limit).offset(query.offset)
    )
    return AuditPage(
        entries=[AuditRecord.model_validate(row, from_attributes=True) for row in rows],
        total=total,
        limit=query.limit,
        offset=query.offset,
        chain=check_new_rows(session),
    )


def _checkpoint(session: Session) -> AuditCheckpoint | None:
    return session.scalars(
        select(AuditCheckpoint)
        .where(AuditCheckpoint.id == CHECKPOINT_ID)
        .execution_options(populate_existing=True)
    ).one_or_none()


def _checkpoint_problem(checkpoint: AuditCheckpoint, key: bytes) -> str | None:
    if not hmac.compare_digest(checkpoint.key_check, key_check(key)):
        return KEY_MISMATCH
    expected = _checkpoint_mac(
        key, checkpoint.keyed_from, checkpoint.verified_seq, checkpoint.verified_hash
    )
    if not hmac.compare_digest(checkpoint.mac, expected):
        return "the audit checkpoint was altered: its seal does not match its contents"
    return None


def check_new_rows(session: Session) -> ChainCheck:
    """Verify the rows appended since the last check and move the checkpoint past them.

    Rows before the checkpoint were verified by an earlier check and are not read again; a
    full walk is `verify_chain`.
    """
    key = chain_key(session)
    checkpoint = _checkpoint(session)
    if checkpoint is None:
        lock_audit_chain(session)
        checkpoint = _sealed(session, key, _checkpoint(session), head_seq=_head(session)[0])
    problem = _checkpoint_problem(checkpoint, key)
    if problem:
        return ChainCheck(ok=False, checked=0, reason=problem)
    start_seq, start_hash = checkpoint.verified_seq, checkpoint.verified_hash
    if start_seq:
        stored = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == start_seq))
        if stored != start_hash:
            gone = "is gone" if stored is None else "has changed"
            reason = f"row {start_seq}, verified by an earlier check, {gone}"
            return ChainCheck(ok=False, checked=start_seq - 1, broken_seq=start_seq, reason=reason)
    check, seq, hash_ = _walk(
        session, key=key, keyed_from=checkpoint.keyed_from, after=(start_seq, start_hash)
    )
    if check.ok and seq > start_seq:
        session.execute(
            update(AuditCheckpoint)
            .where(AuditCheckpoint.id == CHECKPOINT_ID, AuditCheckpoint.verified_seq < seq)
            .values(
                verified_seq=seq,
                verified_hash=hash_,
                mac=_checkpoint_mac(key, checkpoint.keyed_from, seq, hash_),
            )
            .execution_options(synchronize_session=False)
        )
    return check


def verify_chain(session: Session) -> ChainCheck:
    """Recompute every link from the first row (`audit verify`); the checkpoint is checked,
    never trusted, and nothing is written."""
    key = chain_key(session)
    checkpoint = _checkpoint(session)
    if checkpoint is None:  # not sealed yet: every row predates the keyed chain
        return _walk(session, key=key, keyed_from=None, after=(0, GENESIS_HASH))[0]
    problem = _checkpoint_problem(checkpoint, key)
    if problem:
        return ChainCheck(ok=False, checked=0, reason=problem)
    check, seq, _ = _walk(
        session, key=key, keyed_from=checkpoint.keyed_from, after=(0, GENESIS_HASH)
    )
    if check.ok and checkpoint.verified_seq > seq:
        reason = (
            f"rows {seq + 1}–{checkpoint.verified_seq}, verified by an earlier check, are gone "
            "from the end of the log"
        )
        return ChainCheck(ok=False, checked=seq, broken_seq=seq + 1, reason=reason)
    return check


def _walk(
    session: Session, *, key: bytes, keyed_from: int | None, after: tuple[int, str]
) -> tuple[ChainCheck, int, str]:
    """Check the rows after `after` (seq, hash) in order: the check, and the last good link.

    `keyed_from` None means the chain is not sealed yet, so every row is plain SHA-256.
    """
    expected_seq, expected_prev = after[0] + 1, after[1]
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.seq > after[0]).order_by(AuditEntry.seq)
    )
    for entry in rows.yield_per(1000):
        keyed = keyed_from is not None and entry.seq >= keyed_from
        reason = _link_problem(entry, expected_seq, expected_prev, key, keyed=keyed)
        if reason:
            check = ChainCheck(
                ok=False, checked=expected_seq - 1, broken_seq=entry.seq, reason=reason
            )
            return check, expected_seq - 1, expected_prev
        expected_prev = entry.hash
        expected_seq += 1
    checked = expected_seq - 1
    unkeyed = checked if keyed_from is None else min(checked, keyed_from - 1)
    return ChainCheck(ok=True, checked=checked, unkeyed=unkeyed), checked, expected_prev


def _link_problem(
    entry: AuditEntry, expected_seq: int, expected_prev: str, key: bytes, *, keyed: bool
) -> str | None:
    if entry.seq != expected_seq:
        return f"row {expected_seq} is missing before row {entry.seq}"
    if entry.prev_hash != expected_prev:
        return "its link to the previous row does not match"
    if hmac.compare_digest(entry_hash(entry, key=key if keyed else None), entry.hash):
        return None
    if not keyed and hmac.compare_digest(entry_hash(entry, key=key), entry.hash):
        return "it is keyed, but the audit checkpoint that marks where keyed rows begin is gone"
    return "its content does not match its hash (edited after it was written)"
