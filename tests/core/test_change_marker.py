"""The operator table's fingerprint: it moves on every change the list shows."""

from __future__ import annotations

from predictu_console.core import change_marker
from predictu_console.db.session import session_scope
from predictu_console.db.tables import Operator
from tests.factories import active_operator, make_operator, update
from tests.trading import buy, funded_player, open_market


def _marker(session_factory):
    with session_scope(session_factory, write=False) as session:
        return change_marker.read(session=session)


def test_the_marker_moves_on_creates_edits_and_callback_health(session_factory, god, clock):
    empty = _marker(session_factory)
    operator = make_operator(session_factory, god, clock)
    created = _marker(session_factory)
    update(session_factory, god, clock, operator.id, revenue_share_predictu=40)
    edited = _marker(session_factory)
    with session_scope(session_factory) as session:
        session.get(Operator, operator.id).callback_failure_count += 1
    failing = _marker(session_factory)

    assert len({empty, created, edited, failing}) == 4
    assert _marker(session_factory) == failing


def test_the_marker_moves_when_an_operators_players_join_and_trade(session_factory, god, clock):
    operator = active_operator(session_factory, god, clock)
    market = open_market(session_factory, god, clock)
    quiet = _marker(session_factory)
    player = funded_player(session_factory, clock, operator.id, "p1")
    joined = _marker(session_factory)
    buy(session_factory, clock, player, market)
    traded = _marker(session_factory)

    assert len({quiet, joined, traded}) == 3
