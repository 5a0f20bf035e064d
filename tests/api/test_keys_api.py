"""Keys over HTTP: the spec §5 response, the public key without a token, errors."""

from __future__ import annotations

import pytest

from tests.factories import operator_payload

BASE = "/api/s2s/operators"


@pytest.fixture
def operator_id(client, auth):
    return client.post(BASE, json=operator_payload(), headers=auth).json()["operator"]["id"]


def test_generating_keys_returns_the_secret_once_and_rotates(client, auth, operator_id):
    first = client.post(f"{BASE}/{operator_id}/keys", headers=auth)
    assert first.status_code == 201
    body = first.json()
    assert body["success"] is True and body["previous_keys"] is None
    assert body["key_pair"]["label"] == "API Key"
    assert body["key_pair"]["created_at"].endswith("Z")

    second = client.post(
        f"{BASE}/{operator_id}/keys",
        json={"label": "Production keys v2", "grace_period_hours": 1},
        headers=auth,
    ).json()
    assert second["previous_keys"]["key_id"] == body["key_pair"]["key_id"]
    assert second["previous_keys"]["status"] == "expiring"
    assert second["previous_keys"]["expires_at"] == "2025-03-18T15:30:00.000Z"

    detail = client.get(f"{BASE}/{operator_id}", headers=auth).json()
    assert [key["status"] for key in detail["api_keys"]] == ["active", "expiring"]
    assert body["key_pair"]["secret_key"] not in str(detail)
    assert detail["onboarding_checklist"]["generate_keys"]["complete"] is True


def test_the_public_key_needs_no_token(client, auth, operator_id):
    missing = client.get(f"{BASE}/{operator_id}/public-key")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "NO_ACTIVE_KEY")
    pair = client.post(f"{BASE}/{operator_id}/keys", headers=auth).json()["key_pair"]

    shown = client.get(f"{BASE}/{operator_id}/public-key")
    assert shown.status_code == 200
    assert shown.json() | {"created_at": None} == {
        "operator_id": operator_id,
        "public_key": pair["public_key"],
        "key_id": pair["key_id"],
        "status": "active",
        "created_at": None,
    }
    unknown = client.get(f"{BASE}/op_nobody/public-key")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"grace_period_hours": 0}, "grace_period_hours"),
        ({"grace_period_hours": 73}, "grace_period_hours"),
        ({"grace_period_hours": "24"}, "grace_period_hours"),
        ({"label": ""}, "label"),
        ({"lable": "typo"}, "lable"),
    ],
)
def test_bad_key_requests_are_400(client, auth, operator_id, body, field):
    response = client.post(f"{BASE}/{operator_id}/keys", json=body, headers=auth)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_keys_need_god_mode_and_an_existing_operator(client, auth, operator_id):
    assert client.post(f"{BASE}/{operator_id}/keys").status_code == 401
    missing = client.post(f"{BASE}/op_missing/keys", headers=auth)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "NOT_FOUND")
