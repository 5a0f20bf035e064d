"""Rows inserted in bulk are stored exactly as the ORM stores them, so every query (time
ranges compared as text on SQLite, sums of cents) reads them the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from predictu_console.db.base import table_of
from predictu_console.db.bulk import insert_rows
from predictu_console.db.session import session_scope
from predictu_console.db.tables import Player
from tests.factories import make_operator

EAST = timezone(timedelta(hours=2))


def _players(operator_id: str) -> list[dict[str, object]]:
    common = {
        "operator_id": operator_id,
        "balance": Decimal("1234.50"),
        "restriction_score": Decimal("88.50"),
        "classification": "sharp",
        "restricted_reason": None,
    }
    moments = [
        # On the second (no microseconds), and in another zone than UTC.
        (datetime(2025, 1, 31, 23, 0, tzinfo=UTC), datetime(2025, 2, 1, 1, 30, tzinfo=EAST)),
        (datetime(2025, 3, 1, 8, 5, 7, 123000, tzinfo=UTC), datetime(2025, 3, 2, tzinfo=UTC)),
    ]
    return [
        {
            **common,
            "id": f"plr_{way}{number}",
            "external_player_id": f"{way}-{number}",
            "created_at": created,
            "last_active_at": active,
            "restricted": number == 0,
            "restricted_at": None if number else active,
        }
        for way in ("orm", "bulk")
        for number, (created, active) in enumerate(moments)
    ]


def test_bulk_rows_are_stored_as_the_orm_stores_them(session_factory, god, clock):
    operator_id = make_operator(session_factory, god, clock).id
    rows = _players(operator_id)
    with session_scope(session_factory) as session:
        session.add_all(Player(**row) for row in rows if str(row["id"]).startswith("plr_orm"))
        session.flush()
        insert_rows(session, table_of(Player), [row for row in rows if "bulk" in str(row["id"])])

    with session_scope(session_factory, write=False) as session:
        # What the database holds, as its driver returns it, for every column but the two ids.
        stored = {
            row[0]: row[3:]
            for row in session.execute(
                text("SELECT * FROM players WHERE operator_id = :op"), {"op": operator_id}
            )
        }
        read = {player.id: player for player in session.scalars(select(Player))}
    for number in range(2):
        assert stored[f"plr_bulk{number}"] == stored[f"plr_orm{number}"]
    for row in rows:
        player = read[str(row["id"])]
        assert {key: getattr(player, key) for key in row} == row


def test_a_naive_moment_is_refused_as_the_orm_refuses_it(session_factory, god, clock):
    operator_id = make_operator(session_factory, god, clock).id
    row = {**_players(operator_id)[0], "created_at": datetime(2025, 1, 1)}
    with (
        session_scope(session_factory) as session,
        pytest.raises(Exception, match="naive datetimes are ambiguous"),
    ):
        insert_rows(session, table_of(Player), [row])
