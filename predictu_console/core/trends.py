"""The series the console draws: an operator's daily volume and new players, and its monthly
revenue with the split, read from the rollups (`operator_daily`, `operator_revenue`), never by
scanning trades. Every day and month of the window is present, a quiet one as zero, so a
chart's x axis is time. The figures are the ones `stats verify` recomputes from raw rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from predictu_console.core.invoices import month_start, previous_month, split
from predictu_console.core.money import month_of
from predictu_console.db.rollups import day_of
from predictu_console.db.tables import OperatorDaily, OperatorRevenue

TREND_DAYS = 90
REVENUE_MONTHS = 12
SPARK_DAYS = 30


class DayPoint(BaseModel):
    """One UTC day of an operator's activity."""

    day: date
    volume: Decimal
    new_players: int


class MonthRevenue(BaseModel):
    """One UTC month's platform revenue from an operator, split as its invoice would be."""

    month: str
    revenue: Decimal
    predictu_share: Decimal
    operator_share: Decimal


class OperatorTrends(BaseModel):
    """The last `TREND_DAYS` days and `REVENUE_MONTHS` months, oldest first, up to today."""

    days: list[DayPoint]
    months: list[MonthRevenue]


def _window(now: datetime, days: int) -> list[str]:
    today = now.date()
    return [day_of(today - timedelta(days=back)) for back in range(days - 1, -1, -1)]


def read_trends(*, session: Session, operator_id: str, now: datetime) -> OperatorTrends:
    """The charts of one operator's overview."""
    days = _window(now, TREND_DAYS)
    stored = {
        row.day: row
        for row in session.scalars(
            select(OperatorDaily).where(
                OperatorDaily.operator_id == operator_id, OperatorDaily.day >= days[0]
            )
        )
    }
    points = [
        DayPoint(
            day=date.fromisoformat(day),
            volume=stored[day].volume if day in stored else Decimal(0),
            new_players=stored[day].new_players if day in stored else 0,
        )
        for day in days
    ]
    months = [month_of(now)]
    while len(months) < REVENUE_MONTHS:
        months.insert(0, previous_month(month_start(months[0])))
    buckets: dict[str, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for month, share, amount in session.execute(
        select(OperatorRevenue.month, OperatorRevenue.share_predictu, OperatorRevenue.revenue)
        .where(OperatorRevenue.operator_id == operator_id)
        .where(OperatorRevenue.month >= months[0])
    ):
        buckets[month].append((share, amount))
    return OperatorTrends(days=points, months=[_month(month, buckets[month]) for month in months])


def _month(month: str, buckets: list[tuple[Decimal, Decimal]]) -> MonthRevenue:
    gross, predictu, operator = split(buckets)
    return MonthRevenue(
        month=month, revenue=gross, predictu_share=predictu, operator_share=operator
    )


def recent_volumes(
    *, session: Session, operator_ids: Sequence[str], now: datetime
) -> dict[str, list[Decimal]]:
    """Each operator's volume on each of the last `SPARK_DAYS` days, oldest first: the list's
    sparklines, for one page of operators in one query."""
    days = _window(now, SPARK_DAYS)
    volumes = {operator_id: dict.fromkeys(days, Decimal(0)) for operator_id in operator_ids}
    for operator_id, day, volume in session.execute(
        select(OperatorDaily.operator_id, OperatorDaily.day, OperatorDaily.volume)
        .where(OperatorDaily.operator_id.in_(list(operator_ids)))
        .where(OperatorDaily.day >= days[0])
    ):
        volumes[operator_id][day] = volume
    return {operator_id: list(by_day.values()) for operator_id, by_day in volumes.items()}
