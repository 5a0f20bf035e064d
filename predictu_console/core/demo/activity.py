"""Bulk activity for one demo operator: players, trades, positions and settlements.

Rows are generated in memory and inserted in bulk, because placing a million trades one by
one would take an hour. The rollups are computed from the same rows, and fees, shares and
payouts are core/economics.py's, as for every trade; per-side positions and balances that
never go negative are the platform's rules too. `stats verify` checks the result against the
raw rows.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from predictu_console.core import economics
from predictu_console.core.clock import truncate_to_ms
from predictu_console.core.ids import IdSource
from predictu_console.core.money import cents, month_of
from predictu_console.db.base import table_of
from predictu_console.db.bulk import insert_rows
from predictu_console.db.rollups import add_to_stats_many, day_of
from predictu_console.db.tables import OperatorDaily, OperatorRevenue, Player, Position, Trade

_STAKES = tuple(Decimal(stake) for stake in (5, 10, 10, 20, 25, 25, 50, 50, 100, 250))
_PRICES = {cents: Decimal(cents) / 100 for cents in range(5, 96)}
"""A trade's price, by the whole cents drawn for it."""
RESTRICTED_SHARE = 0.03


@dataclass(frozen=True)
class MarketInfo:
    """What the generator needs to know of a market."""

    id: str
    category: str
    created_at: datetime
    resolved_at: datetime | None
    outcome: str | None

    def open_at(self, moment: datetime) -> bool:
        """True while the market accepted trades."""
        return self.created_at <= moment and (self.resolved_at is None or moment < self.resolved_at)


class _OpenMarkets:
    """Which of `markets` accepted trades at a moment, looked up by bisection.

    The open set only changes when a market opens or resolves, so it is worked out once for
    each span between those moments instead of asking every market for each trade.
    """

    def __init__(self, markets: list[MarketInfo]) -> None:
        moments = {market.created_at for market in markets}
        moments.update(market.resolved_at for market in markets if market.resolved_at)
        self._starts = sorted(moments)
        # Before the first market opened nothing was open; each span is as at its start.
        self._open = [[], *([m for m in markets if m.open_at(at)] for at in self._starts)]

    def at(self, moment: datetime) -> list[MarketInfo]:
        """The markets open at `moment`, in the order they were given."""
        return self._open[bisect_right(self._starts, moment)]


@dataclass
class _Holding:
    market: MarketInfo
    stake: Decimal = Decimal(0)
    shares: Decimal = Decimal(0)


@dataclass
class _Player:
    id: str
    external_id: str
    joined: datetime
    last_active: datetime
    restricted: bool
    spent: Decimal = Decimal(0)


@dataclass
class Activity:
    """Rows for one operator, with the totals they add up to."""

    operator_id: str
    share: Decimal
    players: list[_Player] = field(default_factory=list)
    trades: list[dict[str, Any]] = field(default_factory=list)
    holdings: dict[tuple[str, str, str], _Holding] = field(default_factory=dict)
    revenue: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    trade_counts: Counter[str] = field(default_factory=Counter)
    ids: IdSource = field(default_factory=IdSource)

    @property
    def volume(self) -> Decimal:
        """Sum of all trade amounts."""
        return sum((trade["amount"] for trade in self.trades), Decimal(0))


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return truncate_to_ms(start + (end - start) * rng.random())


def _trade(
    activity: Activity, rng: random.Random, player: _Player, moment: datetime, market: MarketInfo
) -> None:
    amount = cents(rng.choice(_STAKES) * Decimal(str(0.5 + rng.random())))
    price = _PRICES[rng.randint(5, 95)]
    side = rng.choice(("yes", "no"))
    bought = economics.purchase(amount, price)
    month = month_of(moment)
    activity.trades.append(
        {
            "id": activity.ids.new("trd"),
            "operator_id": activity.operator_id,
            "player_id": player.id,
            "market_id": market.id,
            "side": side,
            "amount": amount,
            "price": price,
            "fee": bought.fee,
            "share_predictu": activity.share,
            "month": month,
            "created_at": moment,
        }
    )
    key = (player.id, market.id, side)
    holding = activity.holdings.get(key)
    if holding is None:
        holding = activity.holdings[key] = _Holding(market)
    holding.stake += bought.stake
    holding.shares += bought.shares
    player.spent += amount
    player.last_active = max(player.last_active, moment)
    activity.revenue[month] += bought.fee
    activity.trade_counts[month] += 1


def generate(
    *,
    rng: random.Random,
    operator_id: str,
    share: Decimal,
    categories: tuple[str, ...],
    players: int,
    trades_per_player: int,
    start: datetime,
    end: datetime,
    markets: list[MarketInfo],
) -> Activity:
    """Activity between `start` and `end` in the operator's categories."""
    activity = Activity(operator_id=operator_id, share=share)
    eligible = _OpenMarkets([market for market in markets if market.category in categories])
    for number in range(players):
        joined = _moment(rng, start, start + (end - start) * 0.8)
        player = _Player(
            id=activity.ids.new("plr"),
            external_id=f"player-{number:05d}",
            joined=joined,
            last_active=joined,
            restricted=rng.random() < RESTRICTED_SHARE,
        )
        activity.players.append(player)
        for _ in range(rng.randint(1, max(1, 2 * trades_per_player - 1))):
            moment = _moment(rng, joined, end)
            open_markets = eligible.at(moment)
            if open_markets:
                _trade(activity, rng, player, moment, rng.choice(open_markets))
    return activity


def _settle(activity: Activity) -> tuple[list[dict[str, Any]], dict[str, Decimal]]:
    payouts: dict[str, Decimal] = defaultdict(Decimal)
    rows = []
    for (player_id, market_id, side), holding in activity.holdings.items():
        settled_at, outcome = holding.market.resolved_at, holding.market.outcome
        payout = (
            Decimal(0)
            if settled_at is None or outcome is None
            else economics.payout(shares=holding.shares, side=side, outcome=outcome)
        )
        payouts[player_id] += payout
        rows.append(
            {
                "id": activity.ids.new("pos"),
                "operator_id": activity.operator_id,
                "player_id": player_id,
                "market_id": market_id,
                "side": side,
                "stake": holding.stake,
                "shares": holding.shares,
                "status": "open" if settled_at is None else "settled",
                "payout": None if settled_at is None else payout,
                "settled_at": settled_at,
            }
        )
    return rows, payouts


def _player_rows(activity: Activity, payouts: dict[str, Decimal]) -> list[dict[str, Any]]:
    return [
        {
            "id": player.id,
            "operator_id": activity.operator_id,
            "external_player_id": player.external_id,
            # Deposits cover every stake, so no balance ever went negative.
            "balance": (player.spent // 50 + 1) * 50 - player.spent + payouts[player.id],
            "created_at": player.joined,
            "last_active_at": player.last_active,
            "restricted": player.restricted,
            "restriction_score": Decimal("88.50") if player.restricted else None,
            "classification": "sharp" if player.restricted else None,
        }
        for player in activity.players
    ]


def _daily_rows(activity: Activity) -> list[dict[str, Any]]:
    by_date: dict[date, Decimal] = defaultdict(Decimal)
    for trade in activity.trades:
        by_date[trade["created_at"].date()] += trade["amount"]
    volume = {day_of(moment): amount for moment, amount in by_date.items()}
    joined = Counter(day_of(player.joined) for player in activity.players)
    return [
        {
            "operator_id": activity.operator_id,
            "day": day,
            "volume": volume.get(day, Decimal(0)),
            "new_players": joined.get(day, 0),
        }
        for day in sorted(volume.keys() | joined.keys())
    ]


def _revenue_rows(activity: Activity) -> list[dict[str, Any]]:
    return [
        {
            "operator_id": activity.operator_id,
            "month": month,
            "share_predictu": activity.share,
            "revenue": revenue,
            "trade_count": activity.trade_counts[month],
        }
        for month, revenue in activity.revenue.items()
    ]


Totals = list[tuple[str, int, Decimal]]
"""What each operator's activity adds to its rollup: (operator id, players, volume)."""


def activity_tables(
    activities: Iterable[Activity],
) -> tuple[dict[Table, list[dict[str, Any]]], Totals]:
    """The rows of many operators' activity by table, in the order they insert, with
    positions on resolved markets settled; and what they add to the rollups."""
    rows: dict[Table, list[dict[str, Any]]] = {
        table_of(table): [] for table in (Player, Trade, Position, OperatorDaily, OperatorRevenue)
    }
    totals = []
    for activity in activities:
        positions, payouts = _settle(activity)
        rows[table_of(Player)].extend(_player_rows(activity, payouts))
        rows[table_of(Trade)].extend(activity.trades)
        rows[table_of(Position)].extend(positions)
        rows[table_of(OperatorDaily)].extend(_daily_rows(activity))
        rows[table_of(OperatorRevenue)].extend(_revenue_rows(activity))
        totals.append((activity.operator_id, len(activity.players), activity.volume))
    return rows, totals


def insert_activity(session: Session, activities: Iterable[Activity]) -> int:
    """Write the rows of many operators' activity, one executemany a table, and add to the
    rollups; returns the trades written.

    The operators must have no activity yet (they were created in this run): their daily
    and monthly rollup rows are inserted, not added to, which is what lets ten thousand
    operators' history go in a few statements a transaction.
    """
    rows, totals = activity_tables(activities)
    for table, table_rows in rows.items():
        insert_rows(session, table, table_rows)
    add_to_stats_many(session, totals)
    return len(rows[table_of(Trade)])
