"""URLs over HTTP: refused with 400 where they are given, never a 500 where they are used."""

from __future__ import annotations

import pytest

from predictu_console.db.session import session_scope
from predictu_console.db.tables import Operator
from tests.factories import operator_payload

BASE = "/api/s2s/operators"
UNUSABLE = [
    "https://a..b.com/cb",
    "https://.example.com/cb",
    f"https://{'a' * 64}.example.com/cb",
    "https://example.com:99999/cb",
    "https://example.com:abc/cb",
    "https://[::1/cb",
    "https://[zzz]/cb",
]


@pytest.fixture
def operator_url(client, auth):
    """An operator with keys, so a PING would reach the sender if validation let it."""
    created = client.post(BASE, json=operator_payload(), headers=auth).json()["operator"]
    url = f"{BASE}/{created['id']}"
    assert client.post(f"{url}/keys", headers=auth).status_code == 201
    return url


def _field_error(response):
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    return error["fields"]


@pytest.mark.parametrize("bad", UNUSABLE)
def test_unusable_urls_are_400_wherever_they_are_given(client, auth, operator_url, bad):
    before = client.get(operator_url, headers=auth).json()["version"]

    fields = _field_error(client.patch(operator_url, json={"callback_url": bad}, headers=auth))
    assert "callback_url" in fields
    for name in ("logo_url", "icon_url"):
        response = client.patch(operator_url, json={"branding": {name: bad}}, headers=auth)
        assert any(name in field for field in _field_error(response))
    fields = _field_error(
        client.post(f"{operator_url}/test", json={"callback_url": bad}, headers=auth)
    )
    assert "callback_url" in fields
    assert client.get(operator_url, headers=auth).json()["version"] == before


def test_internationalised_urls_are_stored_as_punycode(client, auth, operator_url):
    response = client.patch(
        operator_url,
        json={
            "callback_url": "https://bücher.example/cb",
            "branding": {"logo_url": "https://bücher.example/logo.png"},
        },
        headers=auth,
    )

    assert response.status_code == 200, response.text
    operator = client.get(operator_url, headers=auth).json()
    assert operator["callback_url"] == "https://xn--bcher-kva.example/cb"
    assert operator["branding"]["logo_url"] == "https://xn--bcher-kva.example/logo.png"


def test_a_ping_to_plain_http_still_reports_not_https(client, auth, operator_url):
    response = client.post(
        f"{operator_url}/test", json={"callback_url": "http://api.example.com/cb"}, headers=auth
    )
    assert response.status_code == 200
    assert response.json()["test_result"]["error"] == "NOT_HTTPS"


@pytest.mark.parametrize("stored_url", ["https://bücher.example/cb", "https://[::1/cb"])
def test_a_ping_to_a_stored_unusable_url_is_an_invalid_url_result_not_a_500(
    client, auth, operator_url, session_factory, stored_url
):
    with session_scope(session_factory) as session:
        # Written before validation refused such URLs.
        session.get(Operator, operator_url.rsplit("/", 1)[1]).callback_url = stored_url

    response = client.post(f"{operator_url}/test", headers=auth)

    assert response.status_code == 200, response.text
    result = response.json()["test_result"]
    assert (result["error"], result["callback_url"]) == ("INVALID_URL", stored_url)
    operator = client.get(operator_url, headers=auth).json()
    assert (operator["callback_status"], operator["callback_failure_count"]) == ("degraded", 1)
