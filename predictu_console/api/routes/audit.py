"""`GET /operators/{id}/audit` and the calling admin's notifications."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from predictu_console.api.deps import ClockDep, Db, GodMode
from predictu_console.api.errors import responses
from predictu_console.core import audit, notifications
from predictu_console.core.audit import AuditPage, AuditQuery
from predictu_console.core.database import transaction
from predictu_console.core.lookup import load_operator
from predictu_console.core.notifications import NotificationOut

router = APIRouter(tags=["audit"])


@router.get("/operators/{operator_id}/audit", responses=responses(400, 401, 403, 404, 429))
def operator_audit(
    actor: GodMode, db: Db, operator_id: str, query: Annotated[AuditQuery, Query()]
) -> AuditPage:
    """Who changed what on the operator, newest first, each change as `{"from", "to"}`;
    `chain` says whether the tamper-evident log still verifies (rows appended since the last
    check are verified, and the checkpoint moves past them: hence a writing transaction)."""
    with transaction(db) as session:
        load_operator(session, operator_id)
        return audit.page(session, operator_id=operator_id, query=query)


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


@router.get("/notifications", responses=responses(400, 401, 403, 429))
def list_notifications(
    actor: GodMode, db: Db, query: Annotated[NotificationQuery, Query()]
) -> NotificationList:
    """The calling admin's notifications (sensitive changes, failing callbacks)."""
    with transaction(db, write=False) as session:
        found = notifications.list_notifications(
            session, admin_id=actor.admin_id, unread_only=query.unread, limit=query.limit
        )
    return NotificationList(notifications=found)


@router.post("/notifications/read", responses=responses(401, 403, 429))
def mark_notifications_read(actor: GodMode, db: Db, clock: ClockDep) -> MarkedRead:
    """Mark every unread notification of the calling admin read; audited when any were."""
    with transaction(db) as session:
        count = notifications.mark_read(session, actor=actor, at=clock.now())
    return MarkedRead(marked_read=count)
