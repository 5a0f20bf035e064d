"""Operator statistics from rollups, so neither the list nor the detail scans trades.

- `user_count`, `total_volume`: the `operator_stats` row, incremented with each player and
  trade (the list sorts on these indexed columns).
- `mtd_revenue`: the current UTC month's `operator_revenue` buckets.
- `active_user_count_24h`: an indexed range count over players' `last_active_at`.
- the charts' daily series (`core/trends.py`): the `operator_daily` buckets.

`verify_rollups` recomputes all of it from the raw rows and lists every difference.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.orm import Session

from predictu_console.core.money import month_of
from predictu_console.db.rollups import utc_day
from predictu_console.db.tables import (
    Operator,
    OperatorDaily,
    OperatorRevenue,
    OperatorStats,
    Player,
    Trade,
)


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


def stats_columns() -> list[ColumnElement[Any]]:
    """The four statistics as columns of a select joining `operator_stats` to `operators`.

    Correlated subqueries on indexes: a page of 25 operators reads its statistics in the
    same statement as its rows, where three more queries per page used to. The statement
    takes `stats_parameters(now)`.
    """
    active = (
        select(func.count())
        .where(Player.operator_id == Operator.id, Player.last_active_at > bindparam("active_since"))
        .scalar_subquery()
    )
    revenue = (
        select(func.sum(OperatorRevenue.revenue))
        .where(OperatorRevenue.operator_id == Operator.id)
        .where(OperatorRevenue.month == bindparam("month"))
        .scalar_subquery()
    )
    return [
        OperatorStats.user_count.label("user_count"),
        active.label("active_user_count_24h"),
        OperatorStats.total_volume.label("total_volume"),
        revenue.label("mtd_revenue"),
    ]


def stats_parameters(now: datetime) -> dict[str, Any]:
    """The parameters of `stats_columns` at `now`."""
    return {"active_since": now - timedelta(hours=24), "month": month_of(now)}


def stats_of(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The statistics fields of a row selected with `stats_columns`, as a mapping."""
    return {
        "user_count": fields["user_count"],
        "active_user_count_24h": fields["active_user_count_24h"],
        "total_volume": fields["total_volume"],
        "mtd_revenue": fields["mtd_revenue"] or Decimal(0),
    }


_ONE_OPERATOR = (
    select(*stats_columns())
    .select_from(Operator)
    .join(OperatorStats, OperatorStats.operator_id == Operator.id)
    .where(Operator.id == bindparam("operator_id"))
)


def load_stats(session: Session, operator_id: str, *, now: datetime) -> StatsOut:
    """One operator's statistics, in one indexed query."""
    parameters = {"operator_id": operator_id, **stats_parameters(now)}
    row = session.execute(_ONE_OPERATOR, parameters).one()
    return StatsOut.model_validate(stats_of(row._asdict()))


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
    for daily in session.execute(select(OperatorDaily)).scalars():
        figures[daily.operator_id, f"volume[{daily.day}]"] = Decimal(daily.volume)
        figures[daily.operator_id, f"new_players[{daily.day}]"] = Decimal(daily.new_players)
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
    for table, field, total in (
        (Trade, "volume", func.sum(Trade.amount)),
        (Player, "new_players", func.count()),
    ):
        day = utc_day(table.created_at)
        for operator_id, on_day, value in session.execute(
            select(table.operator_id, day, total).group_by(table.operator_id, day)
        ):
            figures[operator_id, f"{field}[{on_day}]"] = Decimal(str(value))
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
