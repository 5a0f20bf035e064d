"""Operator statistics, read from rollups so no request scans the platform's raw activity.

`user_count` and `total_volume` come from the `operator_stats` rollup, which is also what
the list sorts by. The platform's players and trades feed it; until there are any, every
figure is zero, which is the truth for an operator with no activity.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel

from predictu_console.db.tables import OperatorStats


class StatsOut(BaseModel):
    """The four statistics fields shared by the list and the detail."""

    user_count: int = 0
    active_user_count_24h: int = 0
    total_volume: Decimal = Decimal("0")
    mtd_revenue: Decimal = Decimal("0")


def new_rollup() -> OperatorStats:
    """The empty rollup row created with every operator."""
    return OperatorStats(user_count=0, total_volume=Decimal("0"))


def from_rollup(user_count: int, total_volume: Decimal) -> StatsOut:
    """Statistics from rollup columns already loaded with the operator."""
    return StatsOut(user_count=user_count, total_volume=total_volume)
