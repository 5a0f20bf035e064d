"""What the console's operator screen shows, read in one transaction.

The detail, its audit trail and its latest deliveries are one consistent picture: read
together, a delivery never appears before the status change that caused it, and the screen's
refresh every few seconds costs one transaction instead of three.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from predictu_console.core import audit, operators, trends
from predictu_console.core.audit import AuditRecord
from predictu_console.core.callbacks import delivery_log
from predictu_console.core.callbacks.delivery_log import DeliveryListQuery, DeliveryPage
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.models import OperatorDetail
from predictu_console.core.trends import OperatorTrends


class OperatorView(BaseModel):
    """The operator's detail, its audit rows newest first, a page of its deliveries, and the
    series of its overview's charts."""

    detail: OperatorDetail
    history: list[AuditRecord]
    deliveries: DeliveryPage
    trends: OperatorTrends


def read_view(
    *,
    session: Session,
    operator_id: str,
    deliveries: DeliveryListQuery,
    clock: Clock = SYSTEM_CLOCK,
) -> OperatorView:
    """Everything the operator screen shows. Raises NotFound."""
    return OperatorView(
        detail=operators.get_operator(session=session, operator_id=operator_id, clock=clock),
        history=audit.history(session, operator_id=operator_id),
        deliveries=delivery_log.list_deliveries(
            session=session, operator_id=operator_id, query=deliveries
        ),
        trends=trends.read_trends(session=session, operator_id=operator_id, now=clock.now()),
    )
