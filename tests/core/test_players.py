"""God Mode's players: the list, an admin's restriction, and the automatic scoring rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from predictu_console.core import players, scoring, stats
from predictu_console.core.errors import NotFound, PlayerRestricted
from predictu_console.core.players import PlayerListQuery, PlayerRestrict
from predictu_console.db.session import session_scope
from predictu_console.db.tables import AuditEntry, Delivery
from tests.factories import active_operator
from tests.trading import buy, funded_player, open_market, outbox_events, resolve


@pytest.fixture
def operator_id(session_factory, god, clock):
    return active_operator(session_factory, god, clock, allowed_categories=["sports"]).id


def _page(session_factory, operator_id, **query):
    with session_scope(session_factory, write=False) as session:
        return players.list_players(
            session=session, operator_id=operator_id, query=PlayerListQuery(**query)
        )


def _restrict(session_factory, god, clock, operator_id, external_id, reason="Chargeback fraud"):
    with session_scope(session_factory) as session:
        return players.restrict_player(
            session=session,
            actor=god,
            operator_id=operator_id,
            external_player_id=external_id,
            data=PlayerRestrict(reason=reason),
            clock=clock,
        )


def _restrictions(session_factory):
    with session_scope(session_factory, write=False) as session:
        bodies = session.scalars(
            select(Delivery.body).where(Delivery.event == "USER_RESTRICTED")
        ).all()
    return bodies


def test_players_list_with_balance_activity_and_paging(session_factory, god, clock, operator_id):
    market_id = open_market(session_factory, god, clock)
    trader = funded_player(session_factory, clock, operator_id, "trader", amount=500)
    funded_player(session_factory, clock, operator_id, "idle", amount=20)
    buy(session_factory, clock, trader, market_id, amount="100", price="0.40")
    buy(session_factory, clock, trader, market_id, side="no", amount="25.50", price="0.60")

    page = _page(session_factory, operator_id)

    assert (page.total, page.limit, page.offset) == (2, 20, 0)
    listed = {player.external_player_id: player for player in page.players}
    assert listed["trader"].model_dump(mode="json", include={"balance", "status"}) == {
        "balance": 374.5,
        "status": "active",
    }
    assert (listed["trader"].trade_count, listed["trader"].volume) == (2, Decimal("125.50"))
    assert (listed["idle"].trade_count, listed["idle"].volume) == (0, Decimal(0))
    assert len(_page(session_factory, operator_id, limit=1, offset=1).players) == 1
    with pytest.raises(NotFound):
        _page(session_factory, "op_nothing")


def test_an_admin_restricts_once_manual_with_the_current_score_and_audit(
    session_factory, god, clock, operator_id
):
    market_id = open_market(session_factory, god, clock)
    player_id = funded_player(session_factory, clock, operator_id, "p-1")
    buy(session_factory, clock, player_id, market_id, price="0.10")
    resolve(session_factory, god, clock, market_id, "yes")  # one long-shot win: score 0.1

    player = _restrict(session_factory, god, clock, operator_id, "p-1")
    again = _restrict(session_factory, god, clock, operator_id, "p-1", reason="Another reason")

    assert player.status == "restricted"
    assert player.model_dump(
        mode="json",
        include={"restricted_reason", "restricted_at", "restriction_score", "classification"},
    ) == {
        "restricted_reason": "Chargeback fraud",
        "restricted_at": "2025-03-18T14:30:00.000Z",
        "restriction_score": 0.1,
        "classification": "manual",
    }
    assert again == player
    [body] = _restrictions(session_factory)
    assert '"classification":"manual"' in body.replace(" ", "")
    assert '"score":0.1' in body.replace(" ", "")
    with session_scope(session_factory, write=False) as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "player.restricted")
        ).all()
    assert [(entry.actor_email, entry.operator_id) for entry in entries] == [
        (god.email, operator_id)
    ]
    with pytest.raises(PlayerRestricted):
        buy(session_factory, clock, player_id, open_market(session_factory, god, clock))


@pytest.mark.parametrize(("operator", "external_id"), [("op_nothing", "p-1"), (None, "nobody")])
def test_restricting_an_unknown_player_is_not_found(
    session_factory, god, clock, operator_id, operator, external_id
):
    funded_player(session_factory, clock, operator_id, "p-1")
    with pytest.raises(NotFound):
        _restrict(session_factory, god, clock, operator or operator_id, external_id)


def _long_shots(session_factory, god, clock, operator_id, *, price="0.10", count=10):
    """A player holding `yes` at `price` in `count` open markets: (player id, market ids)."""
    player_id = funded_player(session_factory, clock, operator_id, "sharp")
    market_ids = [open_market(session_factory, god, clock) for _ in range(count)]
    for market_id in market_ids:
        buy(session_factory, clock, player_id, market_id, price=price)
    return player_id, market_ids


def test_eight_long_shot_wins_in_ten_restrict_the_player_once(
    session_factory, god, clock, operator_id
):
    player_id, market_ids = _long_shots(session_factory, god, clock, operator_id, count=11)
    resolve(session_factory, god, clock, market_ids[0], "no")
    resolve(session_factory, god, clock, market_ids[1], "no")
    for market_id in market_ids[2:9]:
        resolve(session_factory, god, clock, market_id, "yes")
    assert _restrictions(session_factory) == []  # 7 of 10: below the rule

    before = outbox_events(session_factory)
    resolve(session_factory, god, clock, market_ids[9], "yes")

    assert (outbox_events(session_factory) - before)[(operator_id, "USER_RESTRICTED")] == 1
    [body] = _restrictions(session_factory)
    assert '"score":0.8' in body.replace(" ", "")
    assert f'"classification":"{scoring.CLASSIFICATION}"' in body.replace(" ", "")
    [player] = _page(session_factory, operator_id).players
    assert (player.status, player.restriction_score) == ("restricted", Decimal("0.8"))
    assert player.restricted_reason == (
        "Scoring: 8 of the last 10 settled positions won at prices below 0.20"
    )
    with pytest.raises(PlayerRestricted):
        buy(session_factory, clock, player_id, open_market(session_factory, god, clock))

    # A position bought before the restriction still settles, and restricts nothing again.
    resolve(session_factory, god, clock, market_ids[10], "yes")
    assert len(_restrictions(session_factory)) == 1
    with session_scope(session_factory, write=False) as session:
        assert stats.verify_rollups(session) == []


def test_wins_at_the_long_shot_price_itself_do_not_count(session_factory, god, clock, operator_id):
    _, market_ids = _long_shots(session_factory, god, clock, operator_id, price="0.20")
    for market_id in market_ids:
        resolve(session_factory, god, clock, market_id, "yes")

    assert _restrictions(session_factory) == []
    [player] = _page(session_factory, operator_id).players
    assert (player.status, player.restricted_at) == ("active", None)
