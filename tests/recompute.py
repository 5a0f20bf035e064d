"""Statistics recomputed straight from raw rows, independent of the rollups under test."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from predictu_console.db.tables import Operator, Player, Trade


def raw_stats(session: Session, now: datetime) -> dict[str, dict[str, object]]:
    """Per operator name: users, active 24 h, volume and month-to-date fees."""
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    result = {}
    for operator in session.scalars(select(Operator)):
        players = select(func.count()).where(Player.operator_id == operator.id)
        trades = select(Trade).where(Trade.operator_id == operator.id)
        rows = session.scalars(trades).all()
        result[operator.name] = {
            "users": session.scalar(players),
            "active_24h": session.scalar(
                players.where(Player.last_active_at > now - timedelta(hours=24))
            ),
            "volume": sum((t.amount for t in rows), Decimal(0)),
            "mtd": sum((t.fee for t in rows if t.created_at >= month_start), Decimal(0)),
        }
    return result
