"""The platform's economics, written once: what a trade costs and buys, and what it pays.

A trade of `amount` at `price` (0.01–0.99) pays the platform a fee of `PLATFORM_FEE_RATE` of
the amount, rounded half-even to cents: that fee is the revenue invoices split. The rest is
the stake, and buys `stake / price` shares of one side. When the market resolves, each share
of the winning side pays 1.00, the position's payout rounded half-even to cents; the losing
side pays nothing.

Pure arithmetic on Decimals, no database: the operator API (core/platform.py), market
resolution and the demo's bulk generator (core/demo/activity.py) all book through it, so
`stats verify` and the invoices agree with every trade whoever placed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from predictu_console.core.money import cents

PLATFORM_FEE_RATE = Decimal("0.02")


@dataclass(frozen=True)
class Purchase:
    """What one trade books: the platform's fee, the player's stake, and the shares bought."""

    fee: Decimal
    stake: Decimal
    shares: Decimal


def fee(amount: Decimal) -> Decimal:
    """The platform's fee on a trade of `amount`, in cents."""
    return cents(amount * PLATFORM_FEE_RATE)


def shares(*, amount: Decimal, fee: Decimal, price: Decimal) -> Decimal:
    """The shares a trade of `amount` that paid `fee` buys at `price` (unrounded)."""
    return (amount - fee) / price


def purchase(amount: Decimal, price: Decimal) -> Purchase:
    """Book a trade of `amount` at `price`."""
    charged = fee(amount)
    return Purchase(
        fee=charged, stake=amount - charged, shares=shares(amount=amount, fee=charged, price=price)
    )


def payout(*, shares: Decimal, side: str, outcome: str) -> Decimal:
    """What a position of `shares` on `side` pays when its market resolves to `outcome`."""
    return cents(shares) if side == outcome else Decimal(0)
