"""Notifications to God Mode admins about sensitive changes (spec §4, "Audit trail")."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from predictu_console.core import audit
from predictu_console.core.fields import Timestamp
from predictu_console.core.ids import new_id
from predictu_console.core.models import Actor
from predictu_console.db.tables import Admin, Notification

SENSITIVE_FIELDS = ("status", "revenue_share_predictu", "config")


class NotificationOut(BaseModel):
    """One notification as its admin reads it."""

    id: str
    created_at: Timestamp
    kind: str
    operator_id: str | None
    message: str
    changes: dict[str, Any]
    read_at: Timestamp | None


def sensitive_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a diff that touches status, revenue share or config."""
    return {
        path: change
        for path, change in changes.items()
        if path.split(".", 1)[0] in SENSITIVE_FIELDS
    }


def notify_god_mode_admins(
    session: Session,
    *,
    kind: str,
    message: str,
    at: datetime,
    operator_id: str | None,
    changes: Mapping[str, Any],
) -> int:
    """One notification per God Mode admin, in the caller's transaction; returns how many."""
    admin_ids = session.scalars(select(Admin.id).where(Admin.role == "god_mode")).all()
    session.add_all(
        Notification(
            id=new_id("ntf"),
            admin_id=admin_id,
            created_at=at,
            kind=kind,
            operator_id=operator_id,
            message=message,
            changes=dict(changes),
            read_at=None,
        )
        for admin_id in admin_ids
    )
    return len(admin_ids)


def list_notifications(
    session: Session, *, admin_id: str, unread_only: bool = False, limit: int = 50
) -> list[NotificationOut]:
    """An admin's notifications, newest first."""
    stmt = select(Notification).where(Notification.admin_id == admin_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    rows = session.scalars(
        stmt.order_by(Notification.created_at.desc(), Notification.id).limit(limit)
    )
    return [NotificationOut.model_validate(row, from_attributes=True) for row in rows]


def unread_count(session: Session, *, admin_id: str) -> int:
    """How many of the admin's notifications are unread: the console's header shows it."""
    count = session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.admin_id == admin_id, Notification.read_at.is_(None))
    )
    return count or 0


def mark_read(session: Session, *, actor: Actor, at: datetime) -> int:
    """Mark every unread notification of the acting admin read, audited; returns how many."""
    result = session.execute(
        update(Notification)
        .where(Notification.admin_id == actor.admin_id, Notification.read_at.is_(None))
        .values(read_at=at)
    )
    count = int(result.rowcount)  # type: ignore[attr-defined]
    if count:
        audit.record(
            session,
            actor=actor,
            action="notifications.read",
            at=at,
            changes={"notifications.unread": {"from": count, "to": 0}},
        )
    return count


class NotificationQuery(BaseModel):
    """Query of `GET /notifications`."""

    model_config = ConfigDict(extra="forbid")

    unread: bool = False
    limit: int = Field(default=50, ge=1, le=200)


class NotificationList(BaseModel):
    """Response of `GET /notifications`, newest first."""

    success: Literal[True] = True
    notifications: list[NotificationOut]


class MarkedRead(BaseModel):
    """Response of `POST /notifications/read`."""

    success: Literal[True] = True
    marked_read: int
