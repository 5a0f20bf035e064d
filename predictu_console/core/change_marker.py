"""A cheap fingerprint of the operator table, so the console repaints only what changed."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from predictu_console.db.tables import Operator

ChangeMarker = tuple[object, ...]

_MARKER = select(
    func.count(),
    func.coalesce(func.sum(Operator.version), 0),
    func.coalesce(func.sum(Operator.callback_failure_count), 0),
    func.max(Operator.callback_last_success),
)


def read(*, session: Session) -> ChangeMarker:
    """Different whenever any operator was created or changed.

    Callback health moves without a version bump (deliveries are not edits), so the failure
    counts and the latest success are part of the marker too.
    """
    return tuple(session.execute(_MARKER).one())
