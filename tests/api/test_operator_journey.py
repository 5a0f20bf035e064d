"""Issue 18's "Done when", as one operator lives it: keys, trades, callbacks, rotation, resolution.

The app runs as `serve` runs it, with its own delivery worker; the operator's callback URL is
a real HTTPS server (tests/receivers.py) that checks every callback the way docs/callbacks.md
tells operators to, with the `standardwebhooks` library.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from predictu_console.core.clock import FrozenClock
from tests.docs import python_recipe
from tests.factories import activate_over_http
from tests.processes import eventually
from tests.receivers import Receiver

S2S = "/api/s2s"
OPERATOR_API = "/api/operator"


@pytest.fixture
def clock() -> FrozenClock:
    # Standard Webhooks libraries refuse timestamps more than 5 minutes from their own clock.
    return FrozenClock(datetime.now(UTC))


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _arrived(receiver: Receiver, expected: Counter[str]) -> list[dict[str, Any]]:
    """Wait until the receiver has accepted (signature checked, 200) exactly `expected`."""

    def events() -> list[dict[str, Any]] | None:
        accepted = receiver.delivered()
        types = Counter(request["headers"]["X-Predictu-Event"] for request in accepted)  # type: ignore[index]
        return accepted if types == expected else None

    return eventually(events, timeout=15)


def _verified(requests: list[dict[str, Any]], secret: str) -> list[dict[str, Any]]:
    """The callbacks as an operator's handler reads them: the docs' Standard Webhooks recipe,
    refusing anything unsigned, stale or seen twice."""
    verify_callback = python_recipe("callbacks.md", "standard")["verify_callback"]
    seen: set[str] = set()
    return [verify_callback(r["body"], r["headers"], secret, seen) for r in requests]  # type: ignore[operator]


def test_an_operator_trades_through_its_key_and_hears_every_event_signed(
    delivering, auth, clock, receiver
):
    client = delivering
    # God Mode onboards the operator: key pair, callback URL on the receiver, PING, active.
    operator_id = activate_over_http(client, S2S, auth, receiver)
    [old_secret] = receiver.secrets
    old = _bearer(old_secret)
    market = client.post(
        f"{S2S}/markets",
        json={"title": "Will the final go to extra time?", "category": "sports"},
        headers=auth,
    ).json()["market"]["id"]

    # The operator's server, with its secret key alone.
    assert client.get(f"{OPERATOR_API}/me", headers=old).json()["operator_id"] == operator_id
    registered = client.post(
        f"{OPERATOR_API}/players", json={"external_player_id": "user-4711"}, headers=old
    )
    assert registered.status_code == 201, registered.text
    deposit = {"amount": 250, "reason": "deposit"}
    funded = client.post(f"{OPERATOR_API}/players/user-4711/balance", json=deposit, headers=old)
    assert funded.json()["player"]["balance"] == 250
    order = {
        "external_player_id": "user-4711",
        "market_id": market,
        "side": "yes",
        "amount": 100,
        "price": 0.40,
    }
    traded = client.post(f"{OPERATOR_API}/trades", json=order, headers=old)
    assert traded.status_code == 201, traded.text
    assert traded.json()["trade"]["shares"] == 245  # (100 − 2 % fee) / 0.40

    first = _arrived(
        receiver,
        Counter(
            PING=1, OPERATOR_STATUS_CHANGED=1, USER_REGISTERED=1, BALANCE_CHANGED=2, TRADE_PLACED=1
        ),
    )
    events = {event["event"]: event for event in _verified(first, old_secret)}
    assert events["USER_REGISTERED"]["payload"]["external_player_id"] == "user-4711"
    assert events["TRADE_PLACED"]["payload"]["trade_id"] == traded.json()["trade"]["id"]

    # God Mode rotates the keys: during the grace period both work.
    rotated = client.post(
        f"{S2S}/operators/{operator_id}/keys", json={"grace_period_hours": 1}, headers=auth
    )
    new_secret = rotated.json()["key_pair"]["secret_key"]
    receiver.secrets.append(new_secret)
    new = _bearer(new_secret)
    assert client.get(f"{OPERATOR_API}/me", headers=old).json()["key"]["status"] == "expiring"
    assert client.get(f"{OPERATOR_API}/me", headers=new).json()["key"]["status"] == "active"

    # Deactivated, the next trade is refused; reactivated, trading works again (old key too).
    client.patch(f"{S2S}/operators/{operator_id}", json={"status": "inactive"}, headers=auth)
    blocked = client.post(f"{OPERATOR_API}/trades", json=order, headers=new)
    assert (blocked.status_code, blocked.json()["error"]["code"]) == (403, "OPERATOR_INACTIVE")
    client.patch(f"{S2S}/operators/{operator_id}", json={"status": "active"}, headers=auth)
    hedge = {**order, "side": "no", "amount": 50, "price": 0.5}
    assert client.post(f"{OPERATOR_API}/trades", json=hedge, headers=old).status_code == 201

    # Resolution settles both positions and tells the operator.
    resolved = client.post(f"{S2S}/markets/{market}/resolve", json={"outcome": "yes"}, headers=auth)
    assert (resolved.json()["positions_settled"], resolved.json()["operators_affected"]) == (2, 1)
    everything = _arrived(
        receiver,
        Counter(
            PING=1,
            OPERATOR_STATUS_CHANGED=3,
            USER_REGISTERED=1,
            TRADE_PLACED=2,
            BALANCE_CHANGED=4,  # deposit, two trades, one payout
            POSITION_RESOLVED=2,
            MARKET_RESOLVED=1,
        ),
    )
    since_rotation = [request for request in everything if request not in first]
    for secret in (old_secret, new_secret):  # signed under both keys during the grace period
        settled = _verified(since_rotation, secret)
    payouts = {
        event["payload"]["side"]: event["payload"]["payout"]
        for event in settled
        if event["event"] == "POSITION_RESOLVED"
    }
    assert payouts == {"yes": 245, "no": 0}
    [market_resolved] = [event for event in settled if event["event"] == "MARKET_RESOLVED"]
    assert market_resolved["payload"]["affected_user_count"] == 1

    # The old key works until its grace period ends, then only the new one does.
    clock.advance(timedelta(minutes=59))
    assert client.get(f"{OPERATOR_API}/markets", headers=old).status_code == 200
    clock.advance(timedelta(minutes=1))
    expired = client.get(f"{OPERATOR_API}/markets", headers=old)
    assert (expired.status_code, expired.json()["error"]["code"]) == (401, "KEY_EXPIRED")
    assert client.get(f"{OPERATOR_API}/markets", headers=new).status_code == 200
