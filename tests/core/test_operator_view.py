"""The operator screen's picture: detail, audit, deliveries and players, read together."""

from __future__ import annotations

from predictu_console.core import audit, operator_view, operators, players
from predictu_console.core.callbacks import backlog, delivery_log
from predictu_console.core.callbacks.delivery_log import DeliveryListQuery
from predictu_console.core.players import PlayerListQuery
from predictu_console.db.session import session_scope
from tests.factories import active_operator
from tests.trading import funded_player


def test_the_view_is_the_detail_history_deliveries_and_players_as_read_apart(
    session_factory, god, clock
):
    operator_id = active_operator(session_factory, god, clock).id
    funded_player(session_factory, clock, operator_id, "player-1")
    query, players_shown = DeliveryListQuery(limit=10), PlayerListQuery(limit=10)

    with session_scope(session_factory, write=False) as session:
        view = operator_view.read_view(
            session=session,
            operator_id=operator_id,
            deliveries=query,
            players_shown=players_shown,
            clock=clock,
        )

    with session_scope(session_factory, write=False) as session:
        assert view.detail == operators.get_operator(
            session=session, operator_id=operator_id, clock=clock
        )
        assert view.history == audit.history(session, operator_id=operator_id)
        assert view.deliveries == delivery_log.list_deliveries(
            session=session, operator_id=operator_id, query=query
        )
        assert view.players == players.list_players(
            session=session, operator_id=operator_id, query=players_shown
        )
        assert view.backlog == backlog.read_backlog(
            session, now=clock.now(), operator_id=operator_id
        )
    # created, activated, its status event; the funded player
    assert view.history and view.deliveries.deliveries and view.players.players
