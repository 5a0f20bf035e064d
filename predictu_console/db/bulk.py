"""Inserting many rows of one table at once, for the demo's bulk seeding.

On SQLite the rows go straight to the driver's `executemany`, each column's values turned
into what the column stores once per column instead of once per value through SQLAlchemy's
parameter assembly: seeding a million trades spent a fifth of its time there. Our own column
types have a storing function written for it (`sqlite_cents`, `sqlite_datetime`); any other
type uses the bind processor SQLAlchemy would. Other backends keep SQLAlchemy's executemany,
which on PostgreSQL already batches the rows into multi-row INSERTs, and so do rows that
leave out a column with a Python-side default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Column, Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from predictu_console.db.base import Money, UTCDateTime, sqlite_cents, sqlite_datetime

Storer = Callable[[Any], Any]

_SQLITE_STORERS: dict[type, Storer] = {Money: sqlite_cents, UTCDateTime: sqlite_datetime}


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (all with the same keys, the first row's) into `table` in the session's
    transaction."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    if dialect.name != "sqlite" or _defaulted(table, names):
        connection.execute(insert(table), list(rows))
        return
    columns = [table.c[name] for name in names]
    values_of = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    stored = [
        _stored(column, dialect, values)
        for column, values in zip(columns, zip(*map(values_of, rows), strict=True), strict=True)
    ]
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
        f"({', '.join(quote(column.name) for column in columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    connection.exec_driver_sql(sql, list(zip(*stored, strict=True)))


def _defaulted(table: Table, names: list[str]) -> bool:
    """Whether a column left out has a default only SQLAlchemy's insert would fill in."""
    return any(column.default is not None for column in table.columns if column.key not in names)


def _stored(column: Column[Any], dialect: Dialect, values: Sequence[Any]) -> Sequence[Any]:
    """`values` of `column` as the database stores them."""
    storer = _SQLITE_STORERS.get(type(column.type))
    if storer is not None:
        return [None if value is None else storer(value) for value in values]
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return values if processor is None else [processor(value) for value in values]
