"""`/api/s2s/operators/{id}/players` over HTTP: the list, restriction, and every refusal."""

from __future__ import annotations

import pytest

from predictu_console.core.errors import PlayerRestricted
from tests.factories import active_operator
from tests.trading import buy, funded_player, open_market, outbox_events


@pytest.fixture
def operator_id(session_factory, god, clock):
    return active_operator(session_factory, god, clock, allowed_categories=["sports"]).id


def _players(operator_id):
    return f"/api/s2s/operators/{operator_id}/players"


def test_get_players_pages_them_with_balance_status_trades_and_volume(
    client, auth, session_factory, god, clock, operator_id
):
    market_id = open_market(session_factory, god, clock)
    trader = funded_player(session_factory, clock, operator_id, "trader", amount=300)
    funded_player(session_factory, clock, operator_id, "idle", amount=5)
    buy(session_factory, clock, trader, market_id, amount="100", price="0.40")

    body = client.get(_players(operator_id), headers=auth).json()
    paged = client.get(_players(operator_id), params={"limit": 1}, headers=auth).json()

    assert {key: body[key] for key in ("total", "limit", "offset")} == {
        "total": 2,
        "limit": 20,
        "offset": 0,
    }
    listed = {player["external_player_id"]: player for player in body["players"]}
    assert {
        key: listed["trader"][key]
        for key in ("id", "balance", "status", "trade_count", "volume", "restricted_reason")
    } == {
        "id": trader,
        "balance": 200.0,
        "status": "active",
        "trade_count": 1,
        "volume": 100.0,
        "restricted_reason": None,
    }
    assert (listed["idle"]["trade_count"], listed["idle"]["volume"]) == (0, 0.0)
    assert (paged["total"], len(paged["players"])) == (2, 1)


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"page": 2}])
def test_bad_player_queries_are_400(client, auth, operator_id, query):
    response = client.get(_players(operator_id), params=query, headers=auth)

    assert (response.status_code, response.json()["error"]["code"]) == (400, "VALIDATION_ERROR")


def test_players_of_an_unknown_operator_are_404(client, auth):
    response = client.get(_players("op_nothing"), headers=auth)

    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")


def test_restrict_answers_the_player_emits_once_and_blocks_trades(
    client, auth, session_factory, god, clock, operator_id
):
    player_id = funded_player(session_factory, clock, operator_id, "p-1")
    url = f"{_players(operator_id)}/p-1/restrict"
    before = outbox_events(session_factory)

    first = client.post(url, json={"reason": "Chargeback fraud"}, headers=auth)
    second = client.post(url, json={"reason": "Something else"}, headers=auth)

    assert first.status_code == second.status_code == 200
    player = first.json()["player"]
    assert {
        key: player[key]
        for key in ("id", "status", "restricted_reason", "restriction_score", "classification")
    } == {
        "id": player_id,
        "status": "restricted",
        "restricted_reason": "Chargeback fraud",
        "restriction_score": 0,
        "classification": "manual",
    }
    assert player["restricted_at"] == "2025-03-18T14:30:00.000Z"
    assert second.json()["player"] == player
    emitted = outbox_events(session_factory) - before
    assert emitted == {(operator_id, "USER_RESTRICTED"): 1}
    listed = client.get(_players(operator_id), headers=auth).json()["players"]
    assert listed[0]["status"] == "restricted"
    with pytest.raises(PlayerRestricted):
        buy(session_factory, clock, player_id, open_market(session_factory, god, clock))


@pytest.mark.parametrize(
    ("operator", "external_id", "body", "status", "code"),
    [
        ("op_nothing", "p-1", {"reason": "Chargeback fraud"}, 404, "NOT_FOUND"),
        (None, "nobody", {"reason": "Chargeback fraud"}, 404, "NOT_FOUND"),
        (None, "p-1", {}, 400, "VALIDATION_ERROR"),
        (None, "p-1", {"reason": "  "}, 400, "VALIDATION_ERROR"),
        (None, "p-1", {"reason": "x" * 201}, 400, "VALIDATION_ERROR"),
        (None, "p-1", {"reason": "Fraud", "score": 1}, 400, "VALIDATION_ERROR"),
    ],
)
def test_restrict_refusals_change_nothing(
    client, auth, session_factory, clock, operator_id, operator, external_id, body, status, code
):
    funded_player(session_factory, clock, operator_id, "p-1")
    before = outbox_events(session_factory)
    url = f"{_players(operator or operator_id)}/{external_id}/restrict"

    response = client.post(url, json=body, headers=auth)

    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert outbox_events(session_factory) == before
    [player] = client.get(_players(operator_id), headers=auth).json()["players"]
    assert player["status"] == "active"


def test_players_need_a_god_mode_token(client, operator_id):
    listed = client.get(_players(operator_id))
    restricted = client.post(f"{_players(operator_id)}/p-1/restrict", json={"reason": "Fraud"})

    assert listed.status_code == restricted.status_code == 401
