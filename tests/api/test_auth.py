"""Bearer-token auth: 401 for missing, unknown or expired tokens; 403 for other roles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from predictu_console.core import admins
from predictu_console.core.admins import AdminCreate
from predictu_console.db.session import session_scope
from tests.factories import actor_for_new_admin, token_for

ENDPOINTS = [
    ("GET", "/api/s2s/operators"),
    ("POST", "/api/s2s/operators"),
    ("GET", "/api/s2s/operators/op_x"),
    ("PATCH", "/api/s2s/operators/op_x"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize(
    "header", [None, "Bearer tok_nope.nope", "Basic Z29kOmdvZA==", "Bearer", "tok_x.y"]
)
def test_every_operator_endpoint_needs_a_valid_token(client, god, method, path, header):
    headers = {"Authorization": header} if header else {}
    response = client.request(method, path, headers=headers, json={})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {
        "success": False,
        "error": {"code": "UNAUTHORIZED", "message": response.json()["error"]["message"]},
    }


def test_an_expired_token_is_401(client, session_factory, clock, god):
    token = token_for(session_factory, clock, god.email)
    clock.advance(timedelta(days=2))

    response = client.get("/api/s2s/operators", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


def test_operator_admins_are_403(client, session_factory, clock):
    with session_scope(session_factory) as session:
        admins.create_admin(
            session=session, data=AdminCreate(email="ops@casino.com", role="operator_admin")
        )
    token = token_for(session_factory, clock, "ops@casino.com")

    response = client.get("/api/s2s/operators", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


def test_health_and_openapi_need_no_token(client):
    assert client.get("/healthz").json()["status"] == "ok"
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_a_revoked_token_is_401_while_other_admins_tokens_keep_working(
    client, session_factory, clock, god
):
    other = actor_for_new_admin(session_factory, clock, email="ana@predictu.com")
    token = token_for(session_factory, clock, god.email)
    others_token = token_for(session_factory, clock, other.email)
    assert client.get("/api/s2s/operators", headers=_bearer(token)).status_code == 200

    with session_scope(session_factory) as session:
        admins.revoke_tokens(session=session, email=god.email, clock=clock)

    refused = client.get("/api/s2s/operators", headers=_bearer(token))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "UNAUTHORIZED"
    assert "revoked" in refused.json()["error"]["message"]
    assert client.get("/api/s2s/operators", headers=_bearer(others_token)).status_code == 200


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
