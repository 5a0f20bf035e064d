"""Bodies are capped at 1 MiB, read only after the token checks out, and never crash the server."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from predictu_console.api.errors import SERVER_SIDE_MESSAGES
from predictu_console.core import operators
from predictu_console.core.crypto import MasterKeyError
from tests.factories import operator_payload

BASE = "/api/s2s/operators"
MAX_BODY_BYTES = 1024 * 1024  # the documented cap


def _padded_payload(size: int) -> bytes:
    """A valid create body padded with spaces to exactly `size` bytes."""
    body = json.dumps(operator_payload()).encode()
    return body[:-1] + b" " * (size - len(body)) + b"}"


def _assert_too_large(response) -> None:
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert response.headers["Connection"] == "close"


def test_a_body_declared_larger_than_the_cap_is_413(client, auth):
    response = client.post(
        BASE,
        content=_padded_payload(MAX_BODY_BYTES + 1),
        headers={**auth, "Content-Type": "application/json"},
    )
    _assert_too_large(response)


def test_a_chunked_body_is_counted_as_it_arrives(client, auth):
    def chunks():
        for _ in range(MAX_BODY_BYTES // 65536 + 1):
            yield b" " * 65536

    response = client.post(
        BASE, content=chunks(), headers={**auth, "Content-Type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    _assert_too_large(response)


def test_a_body_of_exactly_the_cap_is_served(client, auth):
    response = client.post(
        BASE,
        content=_padded_payload(MAX_BODY_BYTES),
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text


def test_an_anonymous_request_is_refused_before_its_body_is_parsed(client):
    response = client.post(BASE, content=b'{"name": ', headers={"Content-Type": "application/json"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHORIZED"


async def test_an_anonymous_request_body_is_never_read(app):
    received: list[dict] = []
    sent: list[dict] = []

    async def receive():
        received.append({"type": "http.request"})
        return {"type": "http.request", "body": b"x" * 65536, "more_body": len(received) < 16}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": BASE,
        "raw_path": BASE.encode(),
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "scheme": "http",
        "root_path": "",
        "http_version": "1.1",
        "asgi": {"version": "3.0"},
    }
    await app(scope, receive, send)

    assert sent[0]["status"] == 401
    assert received == []


def test_the_public_key_and_health_stay_open(client):
    assert client.get("/healthz").status_code == 200
    response = client.get(f"{BASE}/op_AAAAAAAAAAAAAAAA/public-key")
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_a_master_key_failure_tells_callers_nothing_about_the_key(app, auth, monkeypatch, caplog):
    def unreadable(**_):
        raise MasterKeyError("master.key in /srv/secret/home is not 32 bytes")

    monkeypatch.setattr(operators, "list_operators", unreadable)
    with TestClient(app) as client:
        response = client.get(BASE, headers=auth)

    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "MASTER_KEY_ERROR"
    assert "/srv/secret" not in response.text
    assert error["message"] == SERVER_SIDE_MESSAGES["MASTER_KEY_ERROR"]
    assert "/srv/secret/home" in caplog.text


@pytest.mark.parametrize("raise_server_exceptions", [True, False])
def test_an_unexpected_failure_is_answered_and_never_escapes_the_app(
    app, auth, monkeypatch, raise_server_exceptions
):
    def explode(**_):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(operators, "list_operators", explode)
    # The test client re-raises what escapes the app, as uvicorn would close the connection.
    with TestClient(app, raise_server_exceptions=raise_server_exceptions) as client:
        response = client.get(BASE, headers=auth)

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "INTERNAL_ERROR"
    assert "secret" not in response.text


def test_a_refusal_closes_the_connection_only_when_a_body_is_left_unread(client):
    without_body = client.get(BASE)
    with_body = client.post(BASE, json=operator_payload())
    assert (without_body.status_code, with_body.status_code) == (401, 401)
    assert "connection" not in without_body.headers
    assert with_body.headers["Connection"] == "close"
