"""What the console's operator screen shows, read in one transaction.

The detail, its audit trail, its latest deliveries, whether a worker is sending them and its
newest players are one consistent picture: read together, a delivery never appears before the
status change that caused it, and the screen's refresh every few seconds costs one
transaction instead of five.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from predictu_console.core import audit, operators, players, trends
from predictu_console.core.audit import AuditRecord
from predictu_console.core.callbacks import backlog, delivery_log
from predictu_console.core.callbacks.backlog import DeliveryBacklog
from predictu_console.core.callbacks.delivery_log import DeliveryListQuery, DeliveryPage
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.models import OperatorDetail
from predictu_console.core.players import PlayerListQuery, PlayerPage
from predictu_console.core.trends import OperatorTrends


class OperatorView(BaseModel):
    """The operator's detail, its audit rows newest first, pages of its deliveries and of
    its players, its deliveries due in the outbox and whether a delivery worker is running,
    and the series of its overview's charts."""

    detail: OperatorDetail
    history: list[AuditRecord]
    deliveries: DeliveryPage
    players: PlayerPage
    backlog: DeliveryBacklog
    trends: OperatorTrends


def read_view(
    *,
    session: Session,
    operator_id: str,
    deliveries: DeliveryListQuery,
    players_shown: PlayerListQuery,
    clock: Clock = SYSTEM_CLOCK,
) -> OperatorView:
    """Everything the operator screen shows. Raises NotFound."""
    return OperatorView(
        detail=operators.get_operator(session=session, operator_id=operator_id, clock=clock),
        history=audit.history(session, operator_id=operator_id),
        deliveries=delivery_log.list_deliveries(
            session=session, operator_id=operator_id, query=deliveries
        ),
        players=players.list_players(session=session, operator_id=operator_id, query=players_shown),
        backlog=backlog.read_backlog(session, now=clock.now(), operator_id=operator_id),
        trends=trends.read_trends(session=session, operator_id=operator_id, now=clock.now()),
    )
