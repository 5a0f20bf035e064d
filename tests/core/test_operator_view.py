"""The operator screen's picture: detail, audit and deliveries, read together."""

from __future__ import annotations

from predictu_console.core import audit, operator_view, operators
from predictu_console.core.callbacks import backlog, delivery_log
from predictu_console.core.callbacks.delivery_log import DeliveryListQuery
from predictu_console.db.session import session_scope
from tests.factories import active_operator


def test_the_view_is_the_detail_history_and_deliveries_as_read_apart(session_factory, god, clock):
    operator_id = active_operator(session_factory, god, clock).id
    query = DeliveryListQuery(limit=10)

    with session_scope(session_factory, write=False) as session:
        view = operator_view.read_view(
            session=session, operator_id=operator_id, deliveries=query, clock=clock
        )

    with session_scope(session_factory, write=False) as session:
        assert view.detail == operators.get_operator(
            session=session, operator_id=operator_id, clock=clock
        )
        assert view.history == audit.history(session, operator_id=operator_id)
        assert view.deliveries == delivery_log.list_deliveries(
            session=session, operator_id=operator_id, query=query
        )
        assert view.backlog == backlog.read_backlog(session, now=clock.now())
    assert view.history and view.deliveries.deliveries  # created, activated, its status event
