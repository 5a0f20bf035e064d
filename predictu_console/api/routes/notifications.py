"""The calling admin's notifications: sensitive changes and failing callbacks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from predictu_console.api.deps import ClockDep, Db, GodMode
from predictu_console.api.errors import responses
from predictu_console.core import notifications
from predictu_console.core.database import transaction
from predictu_console.core.notifications import MarkedRead, NotificationList, NotificationQuery

router = APIRouter(tags=["notifications"])


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
