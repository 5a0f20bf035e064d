"""Inserting many rows of one table at once, for the demo's bulk seeding.

On SQLite the rows go straight to the driver's `executemany`, each column's values turned
into what the column stores once per column instead of once per value through SQLAlchemy's
parameter assembly: seeding a million trades spent a fifth of its time there. Our own column
types have a storing function written for it (`sqlite_cents`, `sqlite_datetime`); any other
type uses the bind processor SQLAlchemy would. Other backends keep SQLAlchemy's executemany,
which on PostgreSQL already batches the rows into multi-row INSERTs, and so do rows that
leave out a column with a Python-side default.

Rows are prepared (`prepare_rows`) apart from their insert (`insert_prepared`), so the demo
can make them in another process: prepared for SQLite they are plain numbers and text,
cheap to send.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Column, Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from predictu_console.db.base import Base, Money, UTCDateTime, sqlite_cents, sqlite_datetime

Storer = Callable[[Any], Any]

_SQLITE_STORERS: dict[type, Storer] = {Money: sqlite_cents, UTCDateTime: sqlite_datetime}


@dataclass(frozen=True)
class PreparedRows:
    """Rows of one table, ready to insert."""

    table: str
    names: tuple[str, ...]
    values: list[tuple[Any, ...]]
    stored: bool
    """True: the values are as SQLite's driver takes them; False: as SQLAlchemy takes them."""


def prepare_rows(
    table: Table, rows: Sequence[Mapping[str, Any]], dialect: Dialect
) -> PreparedRows | None:
    """`rows` of `table` (all with the same keys, the first row's) made ready to insert on
    `dialect`; None when there are none."""
    if not rows:
        return None
    names = tuple(rows[0])
    values_of = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    if dialect.name != "sqlite" or _defaulted(table, names):
        return PreparedRows(table.name, names, list(map(values_of, rows)), stored=False)
    stored = [
        _stored(table.c[name], dialect, values)
        for name, values in zip(names, zip(*map(values_of, rows), strict=True), strict=True)
    ]
    return PreparedRows(table.name, names, list(zip(*stored, strict=True)), stored=True)


def insert_prepared(session: Session, prepared: PreparedRows) -> None:
    """Insert rows `prepare_rows` made, in the session's transaction."""
    connection = session.connection()
    table = Base.metadata.tables[prepared.table]
    if not prepared.stored:
        rows = [dict(zip(prepared.names, values, strict=True)) for values in prepared.values]
        connection.execute(insert(table), rows)
        return
    preparer = connection.dialect.identifier_preparer
    sql = (
        f"INSERT INTO {preparer.format_table(table)} "
        f"({', '.join(preparer.quote(table.c[name].name) for name in prepared.names)}) "
        f"VALUES ({', '.join('?' for _ in prepared.names)})"
    )
    connection.exec_driver_sql(sql, prepared.values)


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (all with the same keys, the first row's) into `table` in the session's
    transaction."""
    prepared = prepare_rows(table, rows, session.connection().dialect)
    if prepared is not None:
        insert_prepared(session, prepared)


def _defaulted(table: Table, names: Sequence[str]) -> bool:
    """Whether a column left out has a default only SQLAlchemy's insert would fill in."""
    return any(column.default is not None for column in table.columns if column.key not in names)


def _stored(column: Column[Any], dialect: Dialect, values: Sequence[Any]) -> Sequence[Any]:
    """`values` of `column` as the database stores them."""
    storer = _SQLITE_STORERS.get(type(column.type))
    if storer is not None:
        return [None if value is None else storer(value) for value in values]
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return values if processor is None else [processor(value) for value in values]
