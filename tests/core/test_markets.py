"""God Mode's markets: opening, listing, and resolution's counts, events and rollups."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from predictu_console.core import markets, stats
from predictu_console.core.errors import MarketClosed, NotFound
from predictu_console.core.markets import MarketListQuery
from predictu_console.db.session import session_scope
from predictu_console.db.tables import AuditEntry, Player
from tests.factories import active_operator, update
from tests.trading import buy, funded_player, open_market, outbox_events, resolve


def _balance(session_factory, player_id):
    with session_scope(session_factory, write=False) as session:
        return session.get_one(Player, player_id).balance


def test_opening_a_market_answers_it_and_audits_the_admin(session_factory, god, clock):
    market_id = open_market(session_factory, god, clock, category="crypto")

    with session_scope(session_factory, write=False) as session:
        page = markets.list_markets(session=session, query=MarketListQuery())
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    [market] = page.markets
    assert market.model_dump(mode="json") == {
        "id": market_id,
        "title": "Will crypto surprise us?",
        "category": "crypto",
        "status": "open",
        "outcome": None,
        "created_at": "2025-03-18T14:30:00.000Z",
        "resolved_at": None,
    }
    assert (entry.action, entry.actor_email) == ("market.created", god.email)
    assert entry.changes["market_id"]["to"] == market_id


def test_markets_list_newest_first_filtered_by_status_and_paged(session_factory, god, clock):
    made = []
    for _ in range(3):
        made.append(open_market(session_factory, god, clock))
        clock.advance(timedelta(minutes=1))
    resolve(session_factory, god, clock, made[1], "no")

    def ids(**query):
        with session_scope(session_factory, write=False) as session:
            page = markets.list_markets(session=session, query=MarketListQuery(**query))
        return [market.id for market in page.markets], page.total

    assert ids() == ([made[2], made[1], made[0]], 3)
    assert ids(status="open") == ([made[2], made[0]], 2)
    assert ids(status="resolved") == ([made[1]], 1)
    assert ids(limit=1, offset=1) == ([made[1]], 3)


@pytest.fixture
def two_operators(session_factory, god, clock):
    """Two operators offering sports, a market, and positions of three players in it."""
    first = active_operator(session_factory, god, clock, allowed_categories=["sports"])
    second = active_operator(session_factory, god, clock, allowed_categories=["sports"])
    market_id = open_market(session_factory, god, clock)
    both = funded_player(session_factory, clock, first.id, "both-sides")
    winner = funded_player(session_factory, clock, first.id, "winner")
    loser = funded_player(session_factory, clock, second.id, "loser")
    buy(session_factory, clock, both, market_id, side="yes", amount="100", price="0.50")
    buy(session_factory, clock, both, market_id, side="no", amount="50", price="0.50")
    buy(session_factory, clock, winner, market_id, side="yes", amount="100", price="0.50")
    buy(session_factory, clock, winner, market_id, side="yes", amount="100", price="0.50")
    buy(session_factory, clock, loser, market_id, side="no", amount="100", price="0.50")
    return {
        "first": first.id,
        "second": second.id,
        "market": market_id,
        "both": both,
        "winner": winner,
        "loser": loser,
    }


def test_resolution_counts_positions_and_operators_and_emits_one_event_per_change(
    session_factory, god, clock, two_operators
):
    world = two_operators
    # Inactive operators' open positions still settle, and they still hear about it.
    update(session_factory, god, clock, world["second"], status="inactive")
    before = outbox_events(session_factory)

    result = resolve(session_factory, god, clock, world["market"], "yes")

    assert (result.positions_settled, result.operators_affected) == (4, 2)
    assert (result.market.status, result.market.outcome) == ("resolved", "yes")
    assert result.market.resolved_at == clock.now()
    emitted = outbox_events(session_factory) - before
    assert emitted == Counter(
        {
            (world["first"], "POSITION_RESOLVED"): 3,
            (world["first"], "BALANCE_CHANGED"): 2,
            (world["first"], "MARKET_RESOLVED"): 1,
            (world["second"], "POSITION_RESOLVED"): 1,
            (world["second"], "MARKET_RESOLVED"): 1,
        }
    )
    # 98 of every 100 buy shares at 0.50; a winning share pays 1.00.
    assert _balance(session_factory, world["both"]) == Decimal(1000 - 150 + 196)
    assert _balance(session_factory, world["winner"]) == Decimal(1000 - 200 + 392)
    assert _balance(session_factory, world["loser"]) == Decimal(900)
    with session_scope(session_factory, write=False) as session:
        assert stats.verify_rollups(session) == []


def test_a_resolved_market_refuses_a_second_resolution_and_emits_nothing(
    session_factory, god, clock, two_operators
):
    resolve(session_factory, god, clock, two_operators["market"], "no")
    before = outbox_events(session_factory)
    balance = _balance(session_factory, two_operators["loser"])

    with pytest.raises(MarketClosed):
        resolve(session_factory, god, clock, two_operators["market"], "yes")

    assert outbox_events(session_factory) == before
    assert _balance(session_factory, two_operators["loser"]) == balance


def test_an_unknown_market_is_not_found(session_factory, god, clock):
    with pytest.raises(NotFound):
        resolve(session_factory, god, clock, "mkt_nothing", "yes")


def test_the_preview_counts_what_resolution_then_settles(
    session_factory, god, clock, two_operators
):
    market_id = two_operators["market"]
    with session_scope(session_factory, write=False) as session:
        preview = markets.preview_resolution(session=session, market_id=market_id)

    result = resolve(session_factory, god, clock, market_id, "yes")

    assert (preview.positions, preview.players, preview.operators) == (4, 3, 2)
    assert (preview.positions, preview.operators) == (
        result.positions_settled,
        result.operators_affected,
    )
    with session_scope(session_factory, write=False) as session, pytest.raises(MarketClosed):
        markets.preview_resolution(session=session, market_id=market_id)


def test_activity_counts_open_positions_and_stakes_per_market(
    session_factory, god, clock, two_operators
):
    quiet = open_market(session_factory, god, clock)
    market_id = two_operators["market"]

    def activity():
        with session_scope(session_factory, write=False) as session:
            return markets.market_activity(session=session, market_ids=[market_id, quiet])

    # Four positions; 2% of every stake is the platform's fee.
    assert activity() == {
        market_id: markets.MarketActivity(open_positions=4, at_stake=Decimal("441.00"))
    }
    resolve(session_factory, god, clock, market_id, "no")
    assert activity() == {}
