"""Atomic increments of the rollup tables; the SQL differs by backend, so it lives here."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from predictu_console.db.tables import OperatorRevenue, OperatorStats


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
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(OperatorRevenue).values(
        operator_id=operator_id,
        month=month,
        share_predictu=share_predictu,
        revenue=revenue,
        trade_count=trades,
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["operator_id", "month", "share_predictu"],
            set_={
                "revenue": OperatorRevenue.revenue + stmt.excluded.revenue,
                "trade_count": OperatorRevenue.trade_count + stmt.excluded.trade_count,
            },
        )
    )
