"""The operator API over HTTP (operator-side spec §1): keys, routes, refusals, limits, events."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from predictu_console.core import operators, platform
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.callbacks.worker import DeliveryWorker, WorkerConfig
from predictu_console.core.platform import MarketCreate
from predictu_console.db.session import session_scope
from predictu_console.db.tables import ApiKey, AuditEntry, Delivery, Player, Trade
from tests.factories import BOX, active_operator, generate_keys, make_operator, update

BASE = "/api/operator"
COUNTED = {"players": Player, "trades": Trade, "deliveries": Delivery, "audit": AuditEntry}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _market(session_factory, clock, category: str, title: str = "Will it happen?") -> str:
    with session_scope(session_factory) as session:
        return platform.create_market(
            session=session, data=MarketCreate(title=title, category=category), clock=clock
        )


@pytest.fixture
def world(session_factory, god, clock):
    """An active sports-and-politics operator with a secret key, and three markets."""
    operator = active_operator(
        session_factory, god, clock, allowed_categories=["sports", "politics"]
    )
    return {
        "operator": operator,
        "secret": generate_keys(session_factory, god, clock, operator.id),
        "sports": _market(session_factory, clock, "sports", "Final: A beats B?"),
        "politics": _market(session_factory, clock, "politics", "Vote passes?"),
        "crypto": _market(session_factory, clock, "crypto", "BTC over 100k?"),
    }


@pytest.fixture
def key(world) -> dict[str, str]:
    return bearer(world["secret"])


def _funded(client, key, player="p-1", amount=500) -> dict:
    registered = client.post(f"{BASE}/players", json={"external_player_id": player}, headers=key)
    assert registered.status_code == 201, registered.text
    response = client.post(
        f"{BASE}/players/{player}/balance",
        json={"amount": amount, "reason": "deposit"},
        headers=key,
    )
    assert response.status_code == 200, response.text
    return response.json()["player"]


def _trade(world, **overrides) -> dict:
    order = {
        "external_player_id": "p-1",
        "market_id": world["sports"],
        "side": "yes",
        "amount": 100,
        "price": 0.4,
    }
    return {**order, **overrides}


def _counts(session_factory) -> dict[str, int]:
    with session_scope(session_factory, write=False) as session:
        return {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in COUNTED.items()
        }


def _key_row(session_factory, key_id=None) -> ApiKey:
    with session_scope(session_factory, write=False) as session:
        query = select(ApiKey).order_by(ApiKey.created_at.desc())
        if key_id is not None:
            query = query.where(ApiKey.id == key_id)
        row = session.scalars(query).first()
        assert row is not None
        return row


# --- routes -------------------------------------------------------------------------------


def test_me_names_the_operator_and_the_key_it_came_with(client, world, key):
    response = client.get(f"{BASE}/me", headers=key)

    assert response.status_code == 200
    body = response.json()
    operator = world["operator"]
    assert body == {
        "operator_id": operator.id,
        "name": operator.name,
        "status": "active",
        "key": {
            "key_id": _key_row(client.app.state.session_factory).id,
            "status": "active",
            "expires_at": None,
        },
    }


def test_markets_lists_the_open_markets_in_the_allowed_categories(
    client, world, key, session_factory, clock
):
    with session_scope(session_factory) as session:
        platform.resolve_market(
            session=session, market_id=world["politics"], outcome="no", clock=clock
        )

    response = client.get(f"{BASE}/markets", headers=key)

    assert response.status_code == 200
    assert response.json() == {
        "markets": [
            {
                "id": world["sports"],
                "title": "Final: A beats B?",
                "category": "sports",
                "status": "open",
            }
        ]
    }


def test_registering_a_player_is_201_once_then_409(client, world, key, session_factory):
    response = client.post(f"{BASE}/players", json={"external_player_id": "p-1"}, headers=key)

    assert response.status_code == 201
    player = response.json()["player"]
    assert player["id"].startswith("plr_")
    assert (player["external_player_id"], player["balance"], player["status"]) == (
        "p-1",
        0,
        "active",
    )
    assert player["created_at"] == "2025-03-18T14:30:00.000Z"
    before = _counts(session_factory)

    again = client.post(f"{BASE}/players", json={"external_player_id": "p-1"}, headers=key)

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "PLAYER_EXISTS"
    assert _counts(session_factory) == before


def test_deposits_and_withdrawals_move_the_balance(client, world, key, session_factory):
    assert _funded(client, key, amount=500)["balance"] == 500

    response = client.post(
        f"{BASE}/players/p-1/balance", json={"amount": 120.5, "reason": "withdrawal"}, headers=key
    )

    assert response.status_code == 200
    assert response.json()["player"]["balance"] == 379.5
    before = _counts(session_factory)
    too_much = client.post(
        f"{BASE}/players/p-1/balance", json={"amount": 400, "reason": "withdrawal"}, headers=key
    )
    assert too_much.status_code == 409
    assert too_much.json()["error"]["code"] == "INSUFFICIENT_BALANCE"
    unknown = client.post(
        f"{BASE}/players/nobody/balance", json={"amount": 1, "reason": "deposit"}, headers=key
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "NOT_FOUND"
    assert _counts(session_factory) == before


def test_a_trade_is_booked_with_its_shares_and_debits_the_player(client, world, key):
    _funded(client, key)

    response = client.post(f"{BASE}/trades", json=_trade(world), headers=key)

    assert response.status_code == 201, response.text
    trade = response.json()["trade"]
    assert trade["id"].startswith("trd_")
    assert {k: trade[k] for k in ("market_id", "side", "amount", "price", "shares")} == {
        "market_id": world["sports"],
        "side": "yes",
        "amount": 100,
        "price": 0.4,
        "shares": 245,  # (100 − 2% fee) / 0.40
    }
    assert trade["created_at"] == "2025-03-18T14:30:00.000Z"
    deposit = client.post(
        f"{BASE}/players/p-1/balance", json={"amount": 1, "reason": "deposit"}, headers=key
    )
    assert deposit.json()["player"]["balance"] == 401


# --- refusals -----------------------------------------------------------------------------


def _restrict(session_factory, clock, world):
    with session_scope(session_factory) as session:
        player = session.scalar(select(Player).where(Player.external_player_id == "p-1"))
        player.restricted, player.restricted_at = True, clock.now()


def _resolve(session_factory, clock, world):
    with session_scope(session_factory) as session:
        platform.resolve_market(
            session=session, market_id=world["sports"], outcome="yes", clock=clock
        )


REFUSALS = {
    "inactive operator": (
        lambda sf, god, clock, world: update(
            sf, god, clock, world["operator"].id, status="inactive"
        ),
        {},
        403,
        "OPERATOR_INACTIVE",
    ),
    "restricted player": (
        lambda sf, god, clock, world: _restrict(sf, clock, world),
        {},
        403,
        "PLAYER_RESTRICTED",
    ),
    "category not allowed": (None, {"market_id": "crypto"}, 403, "CATEGORY_NOT_ALLOWED"),
    "market resolved": (
        lambda sf, god, clock, world: _resolve(sf, clock, world),
        {},
        409,
        "MARKET_CLOSED",
    ),
    "balance too low": (None, {"amount": 500.01}, 409, "INSUFFICIENT_BALANCE"),
    "unknown market": (None, {"market_id": "mkt_nothing"}, 404, "NOT_FOUND"),
    "unknown player": (None, {"external_player_id": "nobody"}, 404, "NOT_FOUND"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refused_trade_answers_its_code_and_writes_nothing(
    client, world, key, session_factory, god, clock, case
):
    prepare, overrides, status, code = REFUSALS[case]
    _funded(client, key)
    if prepare is not None:
        prepare(session_factory, god, clock, world)
    if overrides.get("market_id") == "crypto":
        overrides = {**overrides, "market_id": world["crypto"]}
    before = _counts(session_factory)

    response = client.post(f"{BASE}/trades", json=_trade(world, **overrides), headers=key)

    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert _counts(session_factory) == before


def test_an_operator_still_onboarding_cannot_trade(client, session_factory, god, clock):
    operator = make_operator(session_factory, god, clock)
    key = bearer(generate_keys(session_factory, god, clock, operator.id))
    market = _market(session_factory, clock, "sports")
    _funded(client, key)
    before = _counts(session_factory)

    response = client.post(
        f"{BASE}/trades",
        json={
            "external_player_id": "p-1",
            "market_id": market,
            "side": "no",
            "amount": 5,
            "price": 0.5,
        },
        headers=key,
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "OPERATOR_ONBOARDING"
    assert "onboarding" in response.json()["error"]["message"]
    assert _counts(session_factory) == before


def test_deactivating_blocks_the_next_trade_and_reactivating_restores_it(
    client, world, key, session_factory, god, clock
):
    _funded(client, key)
    assert client.post(f"{BASE}/trades", json=_trade(world), headers=key).status_code == 201
    update(session_factory, god, clock, world["operator"].id, status="inactive")

    refused = client.post(f"{BASE}/trades", json=_trade(world), headers=key)

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "OPERATOR_INACTIVE"
    update(session_factory, god, clock, world["operator"].id, status="active")
    assert client.post(f"{BASE}/trades", json=_trade(world), headers=key).status_code == 201


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/players", {"external_player_id": "p-9", "vip": True}, "vip"),
        ("/players", {"external_player_id": "has space"}, "external_player_id"),
        ("/players/p-1/balance", {"amount": 0, "reason": "deposit"}, "amount"),
        ("/players/p-1/balance", {"amount": -5, "reason": "deposit"}, "amount"),
        ("/players/p-1/balance", {"amount": 1.005, "reason": "deposit"}, "amount"),
        ("/players/p-1/balance", {"amount": "10", "reason": "deposit"}, "amount"),
        ("/players/p-1/balance", {"amount": 10, "reason": "bonus"}, "reason"),
        ("/trades", {"price": 0.995}, "price"),
        ("/trades", {"price": 1}, "price"),
        ("/trades", {"price": 0.001}, "price"),
        ("/trades", {"amount": 10.123}, "amount"),
        ("/trades", {"side": "maybe"}, "side"),
        ("/trades", {"leverage": 10}, "leverage"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_writes_nothing(
    client, world, key, session_factory, path, body, field
):
    _funded(client, key)
    if path == "/trades":
        body = _trade(world, **body)
    before = _counts(session_factory)

    response = client.post(f"{BASE}{path}", json=body, headers=key)

    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in error["fields"]
    assert "Decimal(" not in error["message"]
    assert _counts(session_factory) == before


# --- authentication -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Basic c2tfbGl2ZV94", "Bearer not-a-key", "Bearer sk_live_" + "x" * 43],
)
def test_requests_without_a_known_secret_key_are_401(client, world, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}

    response = client.get(f"{BASE}/me", headers=headers)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHORIZED"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_public_key_is_refused_and_the_message_says_so(client, world, session_factory):
    public = _key_row(session_factory).public_key

    response = client.get(f"{BASE}/me", headers=bearer(public))

    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "UNAUTHORIZED"
    assert "public key" in error["message"]
    assert "sk_live_" in error["message"]


def test_an_admin_session_token_does_not_open_the_operator_api(client, world, auth):
    assert client.get(f"{BASE}/me", headers=auth).status_code == 401


def test_both_keys_work_during_the_grace_period_and_the_old_one_expires_after_it(
    client, world, key, session_factory, god, clock
):
    old_id = _key_row(session_factory).id
    new = bearer(generate_keys(session_factory, god, clock, world["operator"].id))

    old_me, new_me = client.get(f"{BASE}/me", headers=key), client.get(f"{BASE}/me", headers=new)

    assert old_me.status_code == new_me.status_code == 200
    assert old_me.json()["key"] == {
        "key_id": old_id,
        "status": "expiring",
        "expires_at": "2025-03-19T14:30:00.000Z",
    }
    assert new_me.json()["key"]["status"] == "active"
    clock.advance(timedelta(hours=23, minutes=59))
    assert client.get(f"{BASE}/markets", headers=key).status_code == 200

    clock.advance(timedelta(minutes=1))
    expired = client.get(f"{BASE}/me", headers=key)

    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "KEY_EXPIRED"
    assert "2025-03-19T14:30:00.000Z" in expired.json()["error"]["message"]
    assert client.get(f"{BASE}/me", headers=new).status_code == 200


def test_last_used_at_moves_on_use_at_most_once_a_minute(
    client, world, key, session_factory, clock
):
    assert _key_row(session_factory).last_used_at is None
    start = clock.now()

    client.get(f"{BASE}/me", headers=key)
    assert _key_row(session_factory).last_used_at == start
    clock.advance(timedelta(seconds=59))
    client.get(f"{BASE}/markets", headers=key)
    assert _key_row(session_factory).last_used_at == start

    clock.advance(timedelta(seconds=1))
    client.get(f"{BASE}/markets", headers=key)

    assert _key_row(session_factory).last_used_at == start + timedelta(minutes=1)
    refused = client.get(f"{BASE}/me", headers=bearer("sk_live_" + "y" * 43))
    assert refused.status_code == 401


def test_god_mode_sees_when_each_key_of_a_rotation_was_last_used(
    client, world, key, session_factory, god, clock
):
    operator_id = world["operator"].id
    new = bearer(generate_keys(session_factory, god, clock, operator_id))

    def last_used_by_status() -> dict[str, str | None]:
        """The detail's key list, as God Mode's console and API show it."""
        with session_scope(session_factory, write=False) as session:
            detail = operators.get_operator(session=session, operator_id=operator_id, clock=clock)
        keys = detail.model_dump(mode="json")["api_keys"]
        return {row["status"]: row["last_used_at"] for row in keys}

    registered = client.post(f"{BASE}/players", json={"external_player_id": "p-1"}, headers=key)
    assert registered.status_code == 201
    clock.advance(timedelta(hours=2))
    assert client.get(f"{BASE}/markets", headers=new).status_code == 200

    assert last_used_by_status() == {
        "expiring": "2025-03-18T14:30:00.000Z",
        "active": "2025-03-18T16:30:00.000Z",
    }
    clock.advance(timedelta(hours=22))
    refused = client.post(f"{BASE}/trades", json=_trade(world), headers=key)
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "KEY_EXPIRED")
    assert last_used_by_status() == {  # a refused key records no use
        "expired": "2025-03-18T14:30:00.000Z",
        "active": "2025-03-18T16:30:00.000Z",
    }


def test_another_operators_key_cannot_see_this_operators_players(
    client, world, key, session_factory, god, clock
):
    _funded(client, key)
    other = active_operator(session_factory, god, clock, allowed_categories=["sports"])
    theirs = bearer(generate_keys(session_factory, god, clock, other.id))
    before = _counts(session_factory)

    balance = client.post(
        f"{BASE}/players/p-1/balance", json={"amount": 1, "reason": "withdrawal"}, headers=theirs
    )
    trade = client.post(f"{BASE}/trades", json=_trade(world), headers=theirs)

    assert (balance.status_code, trade.status_code) == (404, 404)
    assert _counts(session_factory) == before
    # The same external id is theirs to register: players belong to one operator.
    registered = client.post(f"{BASE}/players", json={"external_player_id": "p-1"}, headers=theirs)
    assert registered.status_code == 201


def test_the_key_is_checked_before_the_body_is_read(client, world):
    response = client.post(
        f"{BASE}/trades",
        content=b"{not json",
        headers={"Content-Type": "application/json", "Authorization": "Bearer nope"},
    )

    assert response.status_code == 401
    assert response.headers["Connection"] == "close"


# --- rate limits --------------------------------------------------------------------------


def test_limits_are_counted_per_key_with_the_usual_headers(
    limited, world, key, session_factory, god, clock
):
    other = bearer(generate_keys(session_factory, god, clock, world["operator"].id))

    first, second = (limited.get(f"{BASE}/me", headers=key) for _ in range(2))
    elsewhere = limited.get(f"{BASE}/me", headers=other)
    write = limited.post(f"{BASE}/players", json={"external_player_id": "p-1"}, headers=key)

    assert first.headers["RateLimit-Limit"] == "120"
    assert (first.headers["RateLimit-Remaining"], second.headers["RateLimit-Remaining"]) == (
        "119",
        "118",
    )
    assert elsewhere.headers["RateLimit-Remaining"] == "119"
    assert 0 < int(first.headers["RateLimit-Reset"]) <= 60
    assert (write.headers["RateLimit-Limit"], write.headers["RateLimit-Remaining"]) == ("60", "59")


def test_refused_requests_count_and_say_so_in_the_usual_headers(limited, world, key):
    registered = limited.post(f"{BASE}/players", json={"external_player_id": "p-1"}, headers=key)
    again = limited.post(f"{BASE}/players", json={"external_player_id": "p-1"}, headers=key)
    broke = limited.post(f"{BASE}/trades", json=_trade(world), headers=key)
    garbled = limited.post(f"{BASE}/trades", json=_trade(world, side="maybe"), headers=key)

    assert [response.status_code for response in (registered, again, broke, garbled)] == [
        201,
        409,
        409,
        400,
    ]
    assert [
        response.headers.get("RateLimit-Remaining") for response in (again, broke, garbled)
    ] == ["58", "59", "58"]  # each endpoint has its own window
    assert again.headers["RateLimit-Limit"] == "60"
    assert 0 < int(broke.headers["RateLimit-Reset"]) <= 60


def test_the_61st_write_in_a_minute_is_429(limited, world, key):
    for n in range(60):
        response = limited.post(
            f"{BASE}/players", json={"external_player_id": f"p-{n}"}, headers=key
        )
        assert response.status_code == 201
    refused = limited.post(f"{BASE}/players", json={"external_player_id": "p-x"}, headers=key)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    assert int(refused.headers["Retry-After"]) > 0


def test_failed_authentications_count_toward_the_address_limit(limited, world, key):
    for _ in range(20):
        assert limited.get(f"{BASE}/me", headers=bearer("sk_live_wrong")).status_code == 401

    refused = limited.get(f"{BASE}/me", headers=key)

    assert refused.status_code == 429
    assert "failed authentications" in refused.json()["error"]["message"]


# --- events -------------------------------------------------------------------------------


def test_each_action_reaches_the_operators_receiver_signed(
    client, world, key, session_factory, god, clock, receiver
):
    update(session_factory, god, clock, world["operator"].id, callback_url=f"{receiver.url}/ok")
    receiver.secrets.append(world["secret"])
    _funded(client, key, amount=200)
    traded = client.post(f"{BASE}/trades", json=_trade(world, amount=50), headers=key)
    assert traded.status_code == 201
    worker = DeliveryWorker(
        factory=session_factory,
        box=BOX,
        sender=CallbackSender(ca_bundle=receiver.ca_file, allow_private=True),
        clock=clock,
        config=WorkerConfig(concurrency=4, timeout_ms=2000),
        name="test-worker",
        rng=random.Random(7),
    )

    outcomes = worker.run_once()

    assert len(outcomes) == 4 and all(outcome.success for outcome in outcomes)
    [registered] = receiver.events("USER_REGISTERED")
    assert registered["payload"]["external_player_id"] == "p-1"
    [placed] = receiver.events("TRADE_PLACED")
    assert placed["payload"]["trade_id"] == traded.json()["trade"]["id"]
    assert placed["payload"]["amount"] == 50
    reasons = [event["payload"]["reason"] for event in receiver.events("BALANCE_CHANGED")]
    assert sorted(reasons) == ["deposit", "trade"]
    assert len(receiver.delivered()) == len(receiver.requests) == 4  # every one verified


# --- OpenAPI ------------------------------------------------------------------------------


def test_the_operator_api_has_its_own_security_scheme_and_tag(client):
    schema = client.get("/openapi.json").json()

    schemes = schema["components"]["securitySchemes"]
    assert schemes["operatorKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The operator's secret key, `sk_live_…`",
    }
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            if path.startswith(BASE):
                assert operation["security"] == [{"operatorKey": []}], path
                assert operation["tags"] == ["operator API"]
            else:
                assert {"operatorKey": []} not in operation.get("security", []), path
    assert {
        f"{BASE}/me",
        f"{BASE}/markets",
        f"{BASE}/players",
        f"{BASE}/trades",
        f"{BASE}/players/{{external_player_id}}/balance",
    } <= set(schema["paths"])
