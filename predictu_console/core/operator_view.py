"""What the console's operator screen shows, read in one transaction.

The detail, its audit trail, its latest deliveries and whether a worker is sending them are
one consistent picture: read together, a delivery never appears before the status change
that caused it, and the screen's refresh every few seconds costs one transaction, not four.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from predictu_console.core import audit, operators
from predictu_console.core.audit import AuditRecord
from predictu_console.core.callbacks import backlog, delivery_log
from predictu_console.core.callbacks.backlog import DeliveryBacklog
from predictu_console.core.callbacks.delivery_log import DeliveryListQuery, DeliveryPage
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.models import OperatorDetail


class OperatorView(BaseModel):
    """The operator's detail, its audit rows newest first, a page of its deliveries, and
    the outbox's backlog (whether a delivery worker is running)."""

    detail: OperatorDetail
    history: list[AuditRecord]
    deliveries: DeliveryPage
    backlog: DeliveryBacklog


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
        backlog=backlog.read_backlog(session, now=clock.now()),
    )
