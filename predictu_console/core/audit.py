"""The tamper-evident audit log: every committed change, chained by SHA-256.

Each row's hash covers its own content and the previous row's hash, so editing, deleting or
reordering any row breaks every link after it. Rows are appended in the same transaction as
the change they record: an audit row exists if and only if the change committed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from predictu_console.core.fields import Timestamp, format_timestamp
from predictu_console.core.models import Actor
from predictu_console.db.session import lock_audit_chain
from predictu_console.db.tables import AuditEntry

GENESIS_HASH = "0" * 64


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
    """Result of walking the chain: `ok`, or the first broken link and why."""

    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str | None = None


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 over the row's canonical JSON, which includes the previous row's hash."""
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


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    at: datetime,
    operator_id: str | None = None,
    changes: Mapping[str, Any] | None = None,
) -> None:
    """Append one row to the chain inside the caller's transaction."""
    lock_audit_chain(session)
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    entry = AuditEntry(
        seq=last.seq + 1 if last else 1,
        at=at,
        actor_id=actor.admin_id if actor else None,
        actor_email=actor.email if actor else None,
        os_user=actor.os_user if actor else None,
        operator_id=operator_id,
        action=action,
        changes=dict(changes or {}),
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.flush()


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
    """Response of `GET /operators/{id}/audit`: rows newest first, and the whole log's check."""

    success: Literal[True] = True
    entries: list[AuditRecord]
    total: int
    limit: int
    offset: int
    chain: ChainCheck


def page(session: Session, *, operator_id: str, query: AuditQuery) -> AuditPage:
    """One page of an operator's audit rows, with the hash chain verified end to end."""
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
        chain=verify_chain(session),
    )


def verify_chain(session: Session) -> ChainCheck:
    """Recompute every link in order; report the first row whose hash or link is wrong."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).yield_per(1000):
        if entry.seq != expected_seq:
            return ChainCheck(
                ok=False,
                checked=checked,
                broken_seq=entry.seq,
                reason=f"row {expected_seq} is missing before row {entry.seq}",
            )
        if entry.prev_hash != expected_prev:
            reason = "its link to the previous row does not match"
            return ChainCheck(ok=False, checked=checked, broken_seq=entry.seq, reason=reason)
        if entry_hash(entry) != entry.hash:
            reason = "its content does not match its hash (edited after it was written)"
            return ChainCheck(ok=False, checked=checked, broken_seq=entry.seq, reason=reason)
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    return ChainCheck(ok=True, checked=checked)
