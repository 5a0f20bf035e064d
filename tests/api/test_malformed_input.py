"""Every malformed input is a 400 VALIDATION_ERROR naming the field; never 422 or 500."""

from __future__ import annotations

import json

import pytest

from tests.factories import operator_payload

BASE = "/api/s2s/operators"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "ab"}, "name"),
        ({"name": 123}, "name"),
        ({"name": None}, "name"),
        ({"revenue_share_predictu": True}, "revenue_share_predictu"),
        ({"revenue_share_predictu": "25"}, "revenue_share_predictu"),
        ({"revenue_share_predictu": 10**40}, "revenue_share_predictu"),
        ({"revenue_share_predictu": 1e308}, "revenue_share_predictu"),
        ({"config": {"vip_tier_limit": 10**30}}, "config.vip_tier_limit"),
        ({"config": {"new_tier_limit": 1.5}}, "config.new_tier_limit"),
        ({"config": {"can_promote_vip": "yes"}}, "config.can_promote_vip"),
        ({"config": {"surprise": 1}}, "config.surprise"),
        ({"config": []}, "config"),
        ({"allowed_categories": "sports"}, "allowed_categories"),
        ({"unknown_field": 1}, "unknown_field"),
        ({"domain": "not a domain"}, "domain"),
        ({"contact_email": "nobody"}, "contact_email"),
    ],
)
def test_bad_create_fields_are_400_with_the_field_named(client, auth, body, field):
    response = client.post(BASE, json=operator_payload(**body), headers=auth)

    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in error["fields"]


@pytest.mark.parametrize(
    ("content", "content_type", "message"),
    [
        (b'{"name": ', "application/json", "not valid JSON"),
        (b"[1, 2]", "application/json", "valid dictionary"),
        (b"", "application/json", "required"),
        (b"name=x", "application/x-www-form-urlencoded", "Content-Type: application/json"),
    ],
)
def test_unparseable_bodies_are_400(client, auth, content, content_type, message):
    response = client.post(BASE, content=content, headers={**auth, "Content-Type": content_type})

    assert response.status_code == 400
    assert message in response.json()["error"]["fields"]["body"]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "abc"},
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "1e3"},
        {"offset": "-1"},
        {"offset": "99999999999999999999999"},
        {"status": "ACTIVE"},
        {"sort": "revenue"},
        {"order": "sideways"},
        {"search": "x" * 201},
        {"search": "lucky\x00"},
    ],
)
def test_bad_query_values_are_400(client, auth, params):
    response = client.get(BASE, params=params, headers=auth)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == list(params)


def test_bad_patch_values_are_400_and_change_nothing(client, auth):
    created = client.post(BASE, json=operator_payload(), headers=auth).json()["operator"]
    url = f"{BASE}/{created['id']}"

    for body in (
        {"status": "paused"},
        {"callback_url": "http://insecure.example.com"},
        {"allowed_origins": ["https://ok.example.com/path"]},
        {"branding": {"primary_color": "green"}},
        {"branding": {"logo_url": "ftp://cdn.example.com/x.png"}},
        {"config": {"regular_tier_limit": 5}},
    ):
        response = client.patch(url, json=body, headers=auth)
        assert response.status_code == 400, body
    assert client.get(url, headers=auth).json()["version"] == created["version"]


def test_unexpected_failures_are_500_without_internals(app, auth, monkeypatch):
    from fastapi.testclient import TestClient

    from predictu_console.core import operators

    def explode(**_):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(operators, "list_operators", explode)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(BASE, headers=auth)

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "INTERNAL_ERROR"
    assert "secret" not in response.text and "Traceback" not in response.text


def test_unknown_paths_and_methods_use_the_envelope(client, auth):
    missing = client.get("/api/s2s/nothing", headers=auth)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "NOT_FOUND")
    wrong = client.delete(BASE, headers=auth)
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (405, "METHOD_NOT_ALLOWED")


@pytest.mark.parametrize("operator_id", ["op_%00", "op_" + "x" * 500, "op_é", "..", "op_a%2Fb"])
def test_impossible_operator_ids_are_404(client, auth, operator_id):
    response = client.get(f"{BASE}/{operator_id}", headers=auth)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")


SURROGATE = "\\ud800"  # JSON text for U+D800, a lone surrogate UTF-8 cannot encode


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "", '{"name": "Lucky %s Spin"}', "name"),
        ("patch", "/{id}", '{"name": "Lucky %s Spin"}', "name"),
        ("patch", "/{id}", '{"callback_url": "https://cb.example.com/%s"}', "callback_url"),
        (
            "patch",
            "/{id}",
            '{"branding": {"logo_url": "https://cdn.example.com/%s.png"}}',
            "branding.logo_url",
        ),
        ("patch", "/{id}", '{"allowed_origins": ["https://%s.example.com"]}', "allowed_origins"),
        ("post", "/{id}/keys", '{"label": "Production %s"}', "label"),
        ("patch", "/{id}", '{"%s": 1}', "body"),
    ],
    ids=["create-name", "name", "callback_url", "logo_url", "origins", "label", "unknown-key"],
)
def test_lone_surrogates_are_400_naming_the_field(client, auth, method, path, body, field):
    operator_id = client.post(BASE, json=operator_payload(), headers=auth).json()["operator"]["id"]
    if method == "post" and not path:
        payload = json.dumps(operator_payload(name="placeholder"))
        body = payload.replace('"placeholder"', '"Lucky %s Spin"')
    response = client.request(
        method,
        BASE + path.format(id=operator_id),
        content=(body % SURROGATE).encode(),
        headers={**auth, "Content-Type": "application/json"},
    )

    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in error["fields"]
