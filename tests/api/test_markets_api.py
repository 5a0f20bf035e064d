"""`/api/s2s/markets` over HTTP: open, list, resolve, and every refusal."""

from __future__ import annotations

from collections import Counter

import pytest
from fastapi.testclient import TestClient

from predictu_console.api.app import create_app
from predictu_console.core import stats
from predictu_console.db.session import session_scope
from tests.factories import active_operator, operator_payload
from tests.trading import buy, funded_player, outbox_events

BASE = "/api/s2s/markets"


def _open(client, auth, title="Final: A beats B?", category="sports"):
    response = client.post(BASE, json={"title": title, "category": category}, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()["market"]


def test_post_markets_answers_201_with_the_open_market(client, auth):
    body = {"title": " BTC over 100k? ", "category": "crypto"}
    created = client.post(BASE, json=body, headers=auth)

    assert created.status_code == 201
    market = created.json()["market"]
    assert market["id"].startswith("mkt_")
    assert {key: market[key] for key in ("title", "category", "status", "outcome")} == {
        "title": "BTC over 100k?",
        "category": "crypto",
        "status": "open",
        "outcome": None,
    }
    assert market["created_at"] == "2025-03-18T14:30:00.000Z"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "ab", "category": "sports"}, "title"),
        ({"title": "Fine title", "category": "chess"}, "category"),
        ({"title": "Fine title"}, "category"),
        ({"title": "Fine title", "category": "sports", "status": "resolved"}, "status"),
        ({"title": "Bad \x1b[2J title", "category": "sports"}, "title"),
    ],
)
def test_bad_market_bodies_are_400_naming_the_field(client, auth, body, field):
    response = client.post(BASE, json=body, headers=auth)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in error["fields"]


def test_get_markets_filters_by_status_and_pages_newest_first(client, auth, clock):
    first = _open(client, auth, "First market")
    second = _open(client, auth, "Second market")
    resolved = client.post(f"{BASE}/{first['id']}/resolve", json={"outcome": "no"}, headers=auth)
    assert resolved.status_code == 200

    everything = client.get(BASE, headers=auth).json()
    open_only = client.get(BASE, params={"status": "open"}, headers=auth).json()
    paged = client.get(BASE, params={"limit": 1, "offset": 1}, headers=auth).json()

    assert {key: everything[key] for key in ("total", "limit", "offset")} == {
        "total": 2,
        "limit": 20,
        "offset": 0,
    }
    assert {market["id"] for market in everything["markets"]} == {first["id"], second["id"]}
    assert [market["id"] for market in open_only["markets"]] == [second["id"]]
    assert (paged["total"], len(paged["markets"])) == (2, 1)
    for query in ({"status": "closed"}, {"limit": 0}, {"offset": -1}, {"sort": "title"}):
        refused = client.get(BASE, params=query, headers=auth)
        assert refused.status_code == 400, query
        assert refused.json()["error"]["code"] == "VALIDATION_ERROR"


def test_resolve_answers_counts_and_queues_one_event_per_change(
    client, auth, session_factory, god, clock
):
    operator = active_operator(session_factory, god, clock, allowed_categories=["sports"])
    market = _open(client, auth)
    winner = funded_player(session_factory, clock, operator.id, "winner")
    loser = funded_player(session_factory, clock, operator.id, "loser")
    buy(session_factory, clock, winner, market["id"], side="yes", price="0.50")
    buy(session_factory, clock, loser, market["id"], side="no", price="0.50")
    before = outbox_events(session_factory)

    response = client.post(f"{BASE}/{market['id']}/resolve", json={"outcome": "yes"}, headers=auth)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["positions_settled"], body["operators_affected"]) == (2, 1)
    assert (body["market"]["status"], body["market"]["outcome"]) == ("resolved", "yes")
    assert body["market"]["resolved_at"] == "2025-03-18T14:30:00.000Z"
    assert outbox_events(session_factory) - before == Counter(
        {
            (operator.id, "POSITION_RESOLVED"): 2,
            (operator.id, "BALANCE_CHANGED"): 1,
            (operator.id, "MARKET_RESOLVED"): 1,
        }
    )
    again = client.post(f"{BASE}/{market['id']}/resolve", json={"outcome": "no"}, headers=auth)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "MARKET_CLOSED"
    assert outbox_events(session_factory) - before == Counter(
        {
            (operator.id, "POSITION_RESOLVED"): 2,
            (operator.id, "BALANCE_CHANGED"): 1,
            (operator.id, "MARKET_RESOLVED"): 1,
        }
    )
    with session_scope(session_factory, write=False) as session:
        assert stats.verify_rollups(session) == []


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"outcome": "maybe"}, 400, "VALIDATION_ERROR"),
        ({}, 400, "VALIDATION_ERROR"),
        ({"outcome": "yes", "payout": 2}, 400, "VALIDATION_ERROR"),
    ],
)
def test_resolve_refuses_bad_outcomes(client, auth, body, status, code):
    market = _open(client, auth)

    response = client.post(f"{BASE}/{market['id']}/resolve", json=body, headers=auth)

    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert client.get(BASE, params={"status": "open"}, headers=auth).json()["total"] == 1


def test_resolving_an_unknown_market_is_404(client, auth):
    response = client.post(f"{BASE}/mkt_nothing/resolve", json={"outcome": "yes"}, headers=auth)

    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path"), [("GET", BASE), ("POST", BASE), ("POST", f"{BASE}/mkt_x/resolve")]
)
def test_markets_need_a_god_mode_token(client, method, path):
    response = client.request(method, path, json={"title": "Final", "category": "sports"})

    assert (response.status_code, response.json()["error"]["code"]) == (401, "UNAUTHORIZED")


def test_markets_and_players_have_documented_rate_limits(settings, session_factory, clock, auth):
    limited = create_app(
        settings.model_copy(update={"rate_limits": True}),
        session_factory=session_factory,
        clock=clock,
    )
    with TestClient(limited) as client:
        market = _open(client, auth)
        operator = client.post("/api/s2s/operators", json=operator_payload(), headers=auth)
        operator_id = operator.json()["operator"]["id"]
        funded_player(session_factory, clock, operator_id, "p-1")
        players = f"/api/s2s/operators/{operator_id}/players"
        answers = {
            "list": client.get(BASE, headers=auth),
            "resolve": client.post(
                f"{BASE}/{market['id']}/resolve", json={"outcome": "yes"}, headers=auth
            ),
            "players": client.get(players, headers=auth),
            "restrict": client.post(
                f"{players}/p-1/restrict", json={"reason": "Fraud"}, headers=auth
            ),
        }
        created = client.post(
            BASE, json={"title": "Another one", "category": "sports"}, headers=auth
        )

    limits = {name: answer.headers["RateLimit-Limit"] for name, answer in answers.items()}
    assert limits == {"list": "60", "resolve": "10", "players": "60", "restrict": "30"}
    assert created.headers["RateLimit-Limit"] == "30"
