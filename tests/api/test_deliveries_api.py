"""Callbacks over HTTP: a status change delivered by the app's own worker, the log, redeliver."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from predictu_console.core import audit
from predictu_console.db.session import session_scope
from tests.factories import activate_over_http
from tests.processes import eventually

BASE = "/api/s2s"
STATUS_CHANGED = "OPERATOR_STATUS_CHANGED"


@pytest.fixture
def client(delivering):
    """Every test here watches the app's own worker deliver."""
    return delivering


def _eventually(check):
    return eventually(check, timeout=10.0)


@pytest.fixture
def active(client, auth, receiver):
    """An operator taken to active through the API alone, its receiver knowing its secret."""
    return activate_over_http(client, BASE, auth, receiver)


def test_deactivating_delivers_a_signed_status_change_the_receiver_verifies(
    client, auth, clock, receiver, active
):
    _eventually(lambda: receiver.events(STATUS_CHANGED))  # the activation
    clock.advance(timedelta(seconds=1))
    client.patch(f"{BASE}/operators/{active}", json={"status": "inactive"}, headers=auth)

    events = _eventually(
        lambda: len(receiver.events(STATUS_CHANGED)) == 2 and receiver.events(STATUS_CHANGED)
    )
    assert events[-1]["payload"] == {
        "previous_status": "active",
        "status": "inactive",
        "trading_enabled": False,
    }
    # The receiver has the callback a moment before the worker records its attempt.
    log = _eventually(
        lambda: (
            (
                page := client.get(
                    f"{BASE}/operators/{active}/deliveries",
                    params={"event": "OPERATOR_STATUS_CHANGED", "status": "delivered"},
                    headers=auth,
                ).json()
            )["total"]
            == 2
            and page
        )
    )
    newest = log["deliveries"][0]
    assert newest["id"] == events[-1]["delivery_id"]
    [attempt] = newest["attempts"]
    assert (attempt["http_status"], attempt["ip_resolved"], attempt["error"]) == (
        200,
        "127.0.0.1",
        None,
    )
    assert set(attempt) >= {"started_at", "latency_ms", "tls_version", "url"}


def test_one_delivery_shows_its_body_and_responses_and_can_be_redelivered(
    client, auth, session_factory, god, receiver, active
):
    [event] = _eventually(lambda: receiver.events(STATUS_CHANGED))
    url = f"{BASE}/deliveries/{event['delivery_id']}"
    detail = _eventually(
        lambda: (found := client.get(url, headers=auth).json())["attempts"] and found
    )
    assert detail["request_body"] == event
    assert detail["attempts"][0]["signature"].startswith("sha256=")
    assert json.loads(detail["attempts"][0]["response_body"])["status"] == "ok"

    again = client.post(f"{url}/redeliver", headers=auth)
    assert (again.status_code, again.json()["delivery"]["status"]) == (200, "pending")
    repeats = _eventually(
        lambda: len(receiver.events(STATUS_CHANGED)) == 2 and receiver.events(STATUS_CHANGED)
    )
    assert repeats[0] == repeats[1]  # same id, same bytes: the receiver can de-duplicate
    with session_scope(session_factory, write=False) as session:
        [entry] = [
            row
            for row in audit.history(session, operator_id=active)
            if row.action == "delivery.redelivered"
        ]
    assert entry.actor_email == god.email


@pytest.mark.parametrize(
    ("params", "field"),
    [({"status": "lost"}, "status"), ({"event": "PONG"}, "event"), ({"limit": 0}, "limit")],
)
def test_bad_log_queries_are_validation_errors(client, auth, active, params, field):
    response = client.get(f"{BASE}/operators/{active}/deliveries", params=params, headers=auth)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_unknown_ids_are_404_and_every_endpoint_needs_a_token(client, auth):
    for method, path in (
        ("GET", f"{BASE}/operators/op_nope/deliveries"),
        ("GET", f"{BASE}/deliveries/dlv_nope"),
        ("POST", f"{BASE}/deliveries/dlv_nope/redeliver"),
    ):
        assert client.request(method, path, headers=auth).status_code == 404
        assert client.request(method, path).status_code == 401
