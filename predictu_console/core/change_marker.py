"""A cheap fingerprint of what the operator list shows, so the console repaints only on change."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from predictu_console.db.tables import Operator, OperatorStats

ChangeMarker = tuple[object, ...]

_MARKER = select(
    func.count(),
    func.coalesce(func.sum(Operator.version), 0),
    func.coalesce(func.sum(Operator.callback_failure_count), 0),
    func.max(Operator.callback_last_success),
    *(
        select(func.coalesce(func.sum(column), 0)).scalar_subquery()
        for column in (OperatorStats.user_count, OperatorStats.total_volume)
    ),
)


def read(*, session: Session) -> ChangeMarker:
    """Different whenever any operator was created or changed, or its players traded.

    Neither callback health nor trading bumps an operator's version (deliveries and trades
    are not edits), so the failure counts, the latest success and the rollups the Users and
    Volume columns (and their sparklines) show are part of the marker too.
    """
    return tuple(session.execute(_MARKER).one())
