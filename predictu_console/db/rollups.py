"""Atomic increments of the rollup tables; the SQL differs by backend, so it lives here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import String, bindparam, inspect, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from predictu_console.db.base import Base, table_of
from predictu_console.db.tables import OperatorDaily, OperatorRevenue, OperatorStats


def day_of(moment: date) -> str:
    """The UTC day `YYYY-MM-DD` a moment (a UTC datetime, or a day) belongs to:
    `operator_daily`'s key."""
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"


class utc_day(FunctionElement[str]):  # noqa: N801 (an SQL function, named as one)
    """`day_of` in SQL, for a UTC datetime column: grouping raw rows by `operator_daily`'s key."""

    type = String()
    inherit_cache = True


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite holds UTC datetimes as ISO text: the day is its first ten characters.
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 10)"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


def add_to_stats(
    session: Session, operator_id: str, *, users: int = 0, volume: Decimal = Decimal(0)
) -> None:
    """Increment an operator's rollup in place, so concurrent writers never lose an update."""
    session.execute(
        update(OperatorStats)
        .where(OperatorStats.operator_id == operator_id)
        .values(
            user_count=OperatorStats.user_count + users,
            total_volume=OperatorStats.total_volume + volume,
        )
    )


def add_to_stats_many(session: Session, increments: Iterable[tuple[str, int, Decimal]]) -> None:
    """`add_to_stats` for many operators in one executemany: (operator id, users, volume)."""
    table = table_of(OperatorStats)
    rows = [
        {"target": operator_id, "users": users, "volume": volume}
        for operator_id, users, volume in increments
    ]
    if rows:
        session.execute(
            update(table)
            .where(table.c.operator_id == bindparam("target"))
            .values(
                user_count=table.c.user_count + bindparam("users"),
                total_volume=table.c.total_volume + bindparam("volume"),
            ),
            rows,
        )


def add_revenue(
    session: Session,
    operator_id: str,
    *,
    month: str,
    share_predictu: Decimal,
    revenue: Decimal,
    trades: int = 1,
) -> None:
    """Add `trades` trades' revenue to their (operator, month, share) bucket, creating it."""
    row = {"operator_id": operator_id, "month": month, "share_predictu": share_predictu}
    _add_to_buckets(session, OperatorRevenue, [{**row, "revenue": revenue, "trade_count": trades}])


def add_daily(
    session: Session,
    operator_id: str,
    *,
    volume: Mapping[str, Decimal] | None = None,
    new_players: Mapping[str, int] | None = None,
) -> None:
    """Add volume and new players to their (operator, day) buckets, keyed by `day_of`, in one
    statement however many days."""
    volume, new_players = volume or {}, new_players or {}
    rows = [
        {
            "operator_id": operator_id,
            "day": day,
            "volume": volume.get(day, Decimal(0)),
            "new_players": new_players.get(day, 0),
        }
        for day in sorted(volume.keys() | new_players.keys())
    ]
    if rows:
        _add_to_buckets(session, OperatorDaily, rows)


def _add_to_buckets(session: Session, table: type[Base], rows: list[dict[str, Any]]) -> None:
    """Insert each row, or add its counters to the row already under its primary key."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values(rows)
    mapper = inspect(table)
    keys = [column.name for column in mapper.primary_key]
    counters = [name for name in rows[0] if name not in keys]
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=keys,
            set_={name: mapper.columns[name] + stmt.excluded[name] for name in counters},
        )
    )
