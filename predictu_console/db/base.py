"""Declarative base and column types shared by every table."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, MetaData, Numeric, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator, TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Money(TypeDecorator[Decimal]):
    """Exact amounts of money with two decimals.

    PostgreSQL stores NUMERIC(18, 2). SQLite has no decimal type and would store REAL, so
    there the column holds integer cents: sums and in-place increments stay exact.
    """

    impl = Numeric(18, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(18, 2))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return sqlite_cents(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-2)
        return Decimal(value)


def sqlite_cents(value: Any) -> int:
    """A `Money` value as SQLite stores it: integer cents, rounded half-even."""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return int((amount * 100).to_integral_value())


def sqlite_datetime(value: datetime) -> str:
    """A `UTCDateTime` value as SQLite stores it: SQLAlchemy's DATETIME text of the naive UTC
    time, microseconds always written, so stored moments compare as text in time order.

    The same text as the column's own bind processor, in one C call instead of three
    Python ones: bulk inserts write a million of them.
    """
    if value.tzinfo is not UTC:
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


Percent = Numeric(5, 2)
"""Percentages: exact, at most two decimals."""


class Base(DeclarativeBase):
    """Base of every table, with constraint names Alembic can rely on."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {
        datetime: UTCDateTime,
        Decimal: Money(),
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class, typed as one: bulk writes skip the ORM's per-row work."""
    return Base.metadata.tables[model.__tablename__]
