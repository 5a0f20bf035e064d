"""The operator table's fingerprint: it moves on every change the list shows."""

from __future__ import annotations

from predictu_console.core import change_marker
from predictu_console.db.session import session_scope
from predictu_console.db.tables import Operator
from tests.factories import make_operator, update


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
