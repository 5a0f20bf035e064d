"""Operator statistics from rollups, so neither the list nor the detail scans trades.

- `user_count`, `total_volume`: the `operator_stats` row, incremented with each player and
  trade (the list sorts on these indexed columns).
- `mtd_revenue`: the current UTC month's `operator_revenue` buckets.
- `active_user_count_24h`: an indexed range count over players' `last_active_at`.

`verify_rollups` recomputes all of it from the raw rows and lists every difference.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from predictu_console.core.money import month_of
from predictu_console.db.tables import OperatorRevenue, OperatorStats, Player, Trade


class StatsOut(BaseModel):
    """The four statistics fields shared by the list and the detail."""

    user_count: int = 0
    active_user_count_24h: int = 0
    total_volume: Decimal = Decimal(0)
    mtd_revenue: Decimal = Decimal(0)


class Drift(BaseModel):
    """One rollup value that disagrees with the raw rows."""

    operator_id: str
    field: str
    stored: str
    actual: str


def new_rollup() -> OperatorStats:
    """The empty rollup row created with every operator."""
    return OperatorStats(user_count=0, total_volume=Decimal(0))


def load_stats(
    session: Session, operator_ids: Collection[str], *, now: datetime
) -> dict[str, StatsOut]:
    """Statistics for a page of operators in three indexed queries."""
    if not operator_ids:
        return {}
    stats = {operator_id: StatsOut() for operator_id in operator_ids}
    for operator_id, users, volume in session.execute(
        select(OperatorStats.operator_id, OperatorStats.user_count, OperatorStats.total_volume)
        .where(OperatorStats.operator_id.in_(operator_ids))
    ):  # fmt: skip
        stats[operator_id].user_count = users
        stats[operator_id].total_volume = volume
    for operator_id, active in session.execute(
        select(Player.operator_id, func.count())
        .where(
            Player.operator_id.in_(operator_ids),
            Player.last_active_at > now - timedelta(hours=24),
        )
        .group_by(Player.operator_id)
    ):
        stats[operator_id].active_user_count_24h = active
    for operator_id, revenue in session.execute(
        select(OperatorRevenue.operator_id, func.sum(OperatorRevenue.revenue))
        .where(OperatorRevenue.operator_id.in_(operator_ids))
        .where(OperatorRevenue.month == month_of(now))
        .group_by(OperatorRevenue.operator_id)
    ):  # fmt: skip
        stats[operator_id].mtd_revenue = Decimal(revenue)
    return stats


Figures = dict[tuple[str, str], Decimal]


def _bucket(month: str, share: Decimal) -> str:
    return f"{month} @ {Decimal(share).normalize():f}%"


def _stored(session: Session) -> Figures:
    figures: Figures = {}
    for operator_id, users, volume in session.execute(
        select(OperatorStats.operator_id, OperatorStats.user_count, OperatorStats.total_volume)
    ):
        figures[operator_id, "user_count"] = Decimal(users)
        figures[operator_id, "total_volume"] = Decimal(volume)
    for row in session.execute(select(OperatorRevenue)).scalars():
        bucket = _bucket(row.month, row.share_predictu)
        figures[row.operator_id, f"revenue[{bucket}]"] = Decimal(row.revenue)
        figures[row.operator_id, f"trade_count[{bucket}]"] = Decimal(row.trade_count)
    return figures


def _recomputed(session: Session) -> Figures:
    figures: Figures = {}
    for operator_id, users in session.execute(
        select(Player.operator_id, func.count()).group_by(Player.operator_id)
    ):
        figures[operator_id, "user_count"] = Decimal(users)
    for operator_id, volume in session.execute(
        select(Trade.operator_id, func.sum(Trade.amount)).group_by(Trade.operator_id)
    ):
        figures[operator_id, "total_volume"] = Decimal(volume)
    for operator_id, month, share, revenue, count in session.execute(
        select(
            Trade.operator_id, Trade.month, Trade.share_predictu, func.sum(Trade.fee), func.count()
        ).group_by(Trade.operator_id, Trade.month, Trade.share_predictu)
    ):
        figures[operator_id, f"revenue[{_bucket(month, share)}]"] = Decimal(revenue)
        figures[operator_id, f"trade_count[{_bucket(month, share)}]"] = Decimal(count)
    return figures


def verify_rollups(session: Session) -> list[Drift]:
    """Every rollup value that differs from a recomputation over players and trades."""
    stored, actual = _stored(session), _recomputed(session)
    return [
        Drift(
            operator_id=operator_id,
            field=field,
            stored=str(stored.get((operator_id, field), 0)),
            actual=str(actual.get((operator_id, field), 0)),
        )
        for operator_id, field in sorted(stored.keys() | actual.keys())
        if stored.get((operator_id, field), 0) != actual.get((operator_id, field), 0)
    ]
