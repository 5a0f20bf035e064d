"""The four operator endpoints over HTTP: spec shapes, status codes and error codes."""

from __future__ import annotations

import pytest

from predictu_console.api.routes.operators import CREATE_EXAMPLE
from predictu_console.core.demo.seed import seed
from tests.factories import BOX, operator_payload

BASE = "/api/s2s/operators"


def _create(client, auth, **overrides):
    response = client.post(BASE, json=operator_payload(**overrides), headers=auth)
    assert response.status_code == 201, response.text
    return response.json()["operator"]


def test_create_returns_201_with_the_spec_shape(client, auth):
    body = CREATE_EXAMPLE  # the spec's example, as the OpenAPI document shows it
    response = client.post(BASE, json=body, headers=auth)

    assert response.status_code == 201
    payload = response.json()
    assert payload["success"] is True
    operator = payload["operator"]
    assert operator["id"].startswith("op_")
    assert {k: operator[k] for k in ("status", "onboarding_step", "onboarding_complete")} == {
        "status": "onboarding",
        "onboarding_step": 1,
        "onboarding_complete": False,
    }
    assert operator["revenue_share_predictu"] == 25
    assert operator["revenue_share_operator"] == 75
    assert isinstance(operator["revenue_share_operator"], int)
    assert operator["created_at"] == "2025-03-18T14:30:00.000Z"
    assert operator["config"]["vip_tier_limit"] == 2000
    assert operator["total_volume"] == 0 and operator["mtd_revenue"] == 0


@pytest.mark.parametrize(
    ("clash", "code"),
    [({"name": "lucky SPIN"}, "NAME_EXISTS"), ({"domain": "luckyspin.io"}, "DOMAIN_EXISTS")],
)
def test_create_conflicts_are_409_with_their_code(client, auth, clash, code):
    _create(client, auth, name="Lucky Spin", domain="luckyspin.io")
    response = client.post(BASE, json=operator_payload(**clash), headers=auth)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == code


def test_list_pages_filters_and_searches(client, auth):
    for name in ("Alpha Bets", "Beta Bets", "Gamma Play"):
        _create(client, auth, name=name)

    page = client.get(
        BASE, params={"search": "bets", "sort": "name", "order": "asc", "limit": 1}, headers=auth
    )

    assert page.status_code == 200
    body = page.json()
    assert (body["total"], body["limit"], body["offset"]) == (2, 1, 0)
    assert [row["name"] for row in body["operators"]] == ["Alpha Bets"]
    second = client.get(
        BASE,
        params={"search": "bets", "sort": "name", "order": "asc", "limit": 1, "offset": 1},
        headers=auth,
    )
    assert [row["name"] for row in second.json()["operators"]] == ["Beta Bets"]
    assert client.get(BASE, params={"status": "active"}, headers=auth).json()["total"] == 0


def test_detail_has_keys_checklist_and_invoices(client, auth):
    created = _create(client, auth)
    response = client.get(f"{BASE}/{created['id']}", headers=auth)

    assert response.status_code == 200
    detail = response.json()
    assert detail["api_keys"] == [] and detail["recent_invoices"] == []
    assert list(detail["onboarding_checklist"]) == [
        "create_record",
        "configure_revenue",
        "generate_keys",
        "set_callback",
        "test_ping",
        "configure_branding",
        "whitelist_origins",
        "activate",
    ]
    assert detail["onboarding_checklist"]["create_record"] == {
        "complete": True,
        "completed_at": "2025-03-18T14:30:00.000Z",
    }
    assert detail["branding"]["primary_color"] == "#1a7a3a"


def test_unknown_operator_is_404_on_read_and_update(client, auth):
    assert client.get(f"{BASE}/op_missing", headers=auth).json()["error"]["code"] == "NOT_FOUND"
    response = client.patch(f"{BASE}/op_missing", json={"name": "Whatever"}, headers=auth)
    assert response.status_code == 404


def test_patch_returns_the_operator_and_the_dotted_diff(client, auth):
    created = _create(client, auth, name="Example Casino")
    response = client.patch(
        f"{BASE}/{created['id']}",
        json={
            "name": "Example Casino (Updated)",
            "config": {"can_promote_vip": True},
            "revenue_share_predictu": 35,
        },
        headers=auth,
    )

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["operator"]["revenue_share_operator"] == 65
    assert body["changes"] == {
        "name": {"from": "Example Casino", "to": "Example Casino (Updated)"},
        "revenue_share_predictu": {"from": 30, "to": 35},
        "config.can_promote_vip": {"from": False, "to": True},
    }


def test_patch_conflicts_and_refusals(client, auth):
    first = _create(client, auth, name="First Casino")
    _create(client, auth, name="Second Casino")
    url = f"{BASE}/{first['id']}"

    renamed = client.patch(url, json={"name": "second casino"}, headers=auth)
    assert (renamed.status_code, renamed.json()["error"]["code"]) == (409, "NAME_EXISTS")
    activated = client.patch(url, json={"status": "active"}, headers=auth)
    assert (activated.status_code, activated.json()["error"]["code"]) == (
        409,
        "ONBOARDING_INCOMPLETE",
    )
    assert "3 Generate API keys" in activated.json()["error"]["message"]
    domain = client.patch(url, json={"domain": "new.example.com"}, headers=auth)
    assert domain.status_code == 400
    assert domain.json()["error"]["fields"] == {
        "domain": "cannot be changed once the operator exists"
    }


def test_the_list_sorts_by_users_and_volume_from_real_activity(
    client, auth, session_factory, clock
):
    seed(factory=session_factory, clock=clock, box=BOX)

    for sort, field in (("users", "user_count"), ("volume", "total_volume")):
        for order in ("desc", "asc"):
            rows = client.get(
                BASE, params={"sort": sort, "order": order, "limit": 100}, headers=auth
            ).json()["operators"]
            values = [row[field] for row in rows]
            assert values == sorted(values, reverse=order == "desc"), (sort, order)
            assert len(set(values)) > 5
    top = client.get(BASE, params={"sort": "volume", "limit": 1}, headers=auth).json()
    assert top["operators"][0]["name"] == "Example Casino"
    assert top["total"] == 12


def test_the_demo_operators_public_keys_answer(client, auth, session_factory, clock):
    seed(factory=session_factory, clock=clock, box=BOX)
    rows = client.get(BASE, params={"limit": 100}, headers=auth).json()["operators"]
    by_name = {row["name"]: row for row in rows}

    for name in ("Example Casino", "Vegas Vault", "Golden Goose Casino", "Sunset Slots"):
        shown = client.get(f"{BASE}/{by_name[name]['id']}/public-key")
        assert shown.status_code == 200, name
        assert shown.json()["public_key"].startswith("pk_live_")
    assert client.get(f"{BASE}/{by_name['LuckySpin']['id']}/public-key").status_code == 404
