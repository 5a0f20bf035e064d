"""Exact money arithmetic: cents, half-even rounding, and the calendar months money is booked in."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")


def cents(amount: Decimal) -> Decimal:
    """Round to cents, half to even (banker's rounding), the rule every split uses."""
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def month_of(moment: datetime) -> str:
    """The UTC calendar month `YYYY-MM` a moment belongs to."""
    return f"{moment.year:04d}-{moment.month:02d}"
