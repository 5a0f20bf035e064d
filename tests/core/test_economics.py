"""The one economics: fees, shares and payouts."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from predictu_console.core import economics
from predictu_console.core.demo import activity


def test_the_fee_is_two_percent_rounded_half_even_to_cents():
    assert economics.fee(Decimal("100")) == Decimal("2.00")
    assert economics.fee(Decimal("0.25")) == Decimal("0.00")  # 0.005 rounds to even
    assert economics.fee(Decimal("0.75")) == Decimal("0.02")  # 0.015 rounds to even


def test_a_purchase_stakes_what_the_fee_leaves_and_buys_shares_at_the_price():
    bought = economics.purchase(Decimal("100"), Decimal("0.40"))

    assert (bought.fee, bought.stake, bought.shares) == (
        Decimal("2.00"),
        Decimal("98.00"),
        Decimal("245"),
    )


def test_a_winning_position_pays_one_per_share_in_cents_and_a_losing_one_nothing():
    shares = Decimal("245.333333")

    assert economics.payout(shares=shares, side="yes", outcome="yes") == Decimal("245.33")
    assert economics.payout(shares=shares, side="no", outcome="yes") == Decimal(0)


@given(
    amount=st.decimals(min_value="0.01", max_value="1000000", places=2),
    price=st.decimals(min_value="0.01", max_value="0.99", places=2),
)
def test_fee_and_stake_always_add_up_to_the_amount_and_never_go_negative(amount, price):
    bought = economics.purchase(amount, price)

    assert bought.fee + bought.stake == amount
    assert Decimal(0) <= bought.fee <= amount
    assert abs(bought.shares * price - bought.stake) < Decimal("1e-20")


def test_the_demo_generator_books_its_trades_through_the_same_economics():
    start = datetime(2025, 1, 1, tzinfo=UTC)
    market = activity.MarketInfo("mkt_1", "sports", start, start + timedelta(days=5), "yes")
    generated = activity.generate(
        rng=random.Random(7),
        operator_id="op_1",
        share=Decimal(30),
        categories=("sports",),
        players=5,
        trades_per_player=3,
        start=start,
        end=start + timedelta(days=4),
        markets=[market],
    )

    booked: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for trade in generated.trades:
        bought = economics.purchase(trade["amount"], trade["price"])
        assert trade["fee"] == bought.fee
        booked[trade["player_id"], trade["market_id"], trade["side"]] += bought.shares
    assert booked and booked == {key: h.shares for key, h in generated.holdings.items()}
