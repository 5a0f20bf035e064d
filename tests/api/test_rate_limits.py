"""The spec's rate limits over HTTP: headers on every limited response, 429 with Retry-After."""

from __future__ import annotations

import types

import limits.storage.memory
import pytest

from predictu_console.api import rate_limits
from predictu_console.api.paths import API_PREFIX
from tests.factories import actor_for_new_admin, operator_payload, token_for

BASE = "/api/s2s/operators"


def _operator(client, auth) -> str:
    return client.post(BASE, json=operator_payload(), headers=auth).json()["operator"]["id"]


def test_the_sixth_key_generation_in_an_hour_is_429_with_retry_after(limited, auth):
    url = f"{BASE}/{_operator(limited, auth)}/keys"
    remaining = []
    for _ in range(5):
        response = limited.post(url, headers=auth)
        assert response.status_code == 201
        assert response.headers["RateLimit-Limit"] == "5"
        remaining.append(int(response.headers["RateLimit-Remaining"]))
        assert 0 < int(response.headers["RateLimit-Reset"]) <= 3600
    assert remaining == [4, 3, 2, 1, 0]

    refused = limited.post(url, headers=auth)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    assert 3500 < int(refused.headers["Retry-After"]) <= 3600
    assert refused.headers["RateLimit-Remaining"] == "0"


def test_limits_count_per_operator_and_per_admin(limited, auth, session_factory, clock):
    first, second = _operator(limited, auth), _operator(limited, auth)
    for _ in range(5):
        limited.post(f"{BASE}/{first}/keys", headers=auth)
    assert limited.post(f"{BASE}/{first}/keys", headers=auth).status_code == 429
    assert limited.post(f"{BASE}/{second}/keys", headers=auth).status_code == 201

    other = actor_for_new_admin(session_factory, clock, "ops@predictu.com")
    other_auth = {"Authorization": f"Bearer {token_for(session_factory, clock, other.email)}"}
    assert limited.post(f"{BASE}/{first}/keys", headers=other_auth).status_code == 201


@pytest.mark.parametrize("path", ["", "/{id}"], ids=["list", "detail"])
def test_reads_carry_the_headers_too(limited, auth, path):
    url = BASE + path.format(id=_operator(limited, auth))
    counted = [limited.get(url, headers=auth) for _ in range(2)]
    assert [response.headers["RateLimit-Limit"] for response in counted] == ["60", "60"]
    assert [response.headers["RateLimit-Remaining"] for response in counted] == ["59", "58"]


def test_listing_allows_sixty_a_minute(limited, auth):
    statuses = [limited.get(BASE, headers=auth).status_code for _ in range(61)]
    assert statuses == [200] * 60 + [429]


def test_the_public_key_endpoint_is_limited_per_client_address(limited, auth):
    url = f"{BASE}/{_operator(limited, auth)}/public-key"
    statuses = {limited.get(url).status_code for _ in range(120)}
    assert statuses == {404}  # no key yet, but counted
    assert limited.get(url).status_code == 429


def test_every_endpoint_has_a_limit(app):
    endpoints = {
        (method.upper(), path.removeprefix(API_PREFIX))
        for path, operations in app.openapi()["paths"].items()
        if path.startswith((API_PREFIX, "/api/operator"))
        for method in operations
    }
    assert len(endpoints) == 23  # 18 God Mode endpoints and the operator API's 5
    assert endpoints - set(rate_limits.LIMITS) == set()


def test_deliveries_are_limited_like_other_reads(limited, auth):
    url = f"{BASE}/{_operator(limited, auth)}/deliveries"
    statuses = [limited.get(url, headers=auth).status_code for _ in range(61)]
    assert statuses == [200] * 60 + [429]


def test_notifications_read_allows_thirty_writes_a_minute(limited, auth):
    responses = [limited.post("/api/s2s/notifications/read", headers=auth) for _ in range(31)]
    assert [response.status_code for response in responses] == [200] * 30 + [429]
    assert responses[0].headers["RateLimit-Limit"] == "30"


def test_failed_authentications_are_limited_per_client_address(limited, auth):
    bad = {"Authorization": "Bearer tok_AAAAAAAAAAAAAAAA.nottherightsecret"}
    statuses = [limited.get(BASE, headers=bad).status_code for _ in range(20)]
    assert statuses == [401] * 20

    refused = limited.get(BASE, headers=bad)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    # The address is refused before its token is looked at, even a good one, until the window moves.
    assert limited.get(BASE, headers=auth).status_code == 429


def test_rate_limits_off_lets_everything_through(client, auth):
    url = f"{BASE}/{_operator(client, auth)}/keys"
    assert {client.post(url, headers=auth).status_code for _ in range(7)} == {201}


def test_the_window_moves_an_hour_later_requests_pass_again(limited, auth, monkeypatch):
    now = [1_000_000.0]
    fake = types.SimpleNamespace(time=lambda: now[0])
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(rate_limits, "time", fake)
    url = f"{BASE}/{_operator(limited, auth)}/keys"
    for _ in range(5):
        limited.post(url, headers=auth)
        now[0] += 600  # one every ten minutes
    refused = limited.post(url, headers=auth)
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "600")

    now[0] += 601  # the first of the five has left the window
    again = limited.post(url, headers=auth)
    assert (again.status_code, again.headers["RateLimit-Remaining"]) == (201, "0")
