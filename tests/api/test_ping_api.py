"""The PING over HTTP: 200 with the result either way; 409 without keys; 400 for bad bodies."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest
from fastapi.testclient import TestClient

from predictu_console.api.app import create_app
from predictu_console.core.callbacks.samples import SAMPLE_EVENTS
from tests.factories import operator_payload
from tests.processes import eventually

BASE = "/api/s2s/operators"


def _app(settings, session_factory, clock, receiver, **changes):
    trusting = {"callback_ca_bundle": receiver.ca_file, "callback_allow_private": True}
    settings = settings.model_copy(update={**trusting, **changes})
    return create_app(settings, session_factory=session_factory, clock=clock)


@pytest.fixture
def client(settings, session_factory, clock, receiver):
    with TestClient(_app(settings, session_factory, clock, receiver)) as test_client:
        yield test_client


def test_requests_are_served_while_a_slow_operator_holds_a_ping(
    settings, session_factory, clock, receiver, auth
):
    app = _app(settings, session_factory, clock, receiver, api_threads=1)
    with TestClient(app) as client, ThreadPoolExecutor(1) as pool:
        request_threads = client.portal.call(anyio.to_thread.current_default_thread_limiter)
        assert request_threads.total_tokens == 1
        operator = client.post(BASE, json=operator_payload(), headers=auth).json()["operator"]
        url = f"{BASE}/{operator['id']}"
        client.post(f"{url}/keys", headers=auth)
        pinging = pool.submit(
            client.post, f"{url}/test", json={"callback_url": receiver.url + "/slow"}, headers=auth
        )
        eventually(
            lambda: any(request["path"] == "/slow" for request in receiver.requests), timeout=5
        )
        assert client.get(BASE, headers=auth).status_code == 200
        assert not pinging.done()  # the one request thread was free while the PING waited
        assert pinging.result().json()["success"] is True


def test_ping_through_the_api(client, auth, receiver):
    operator = client.post(BASE, json=operator_payload(), headers=auth).json()["operator"]
    url = f"{BASE}/{operator['id']}"
    without_keys = client.post(
        f"{url}/test", json={"callback_url": receiver.url + "/ok"}, headers=auth
    )
    assert (without_keys.status_code, without_keys.json()["error"]["code"]) == (
        409,
        "NO_ACTIVE_KEY",
    )

    client.post(f"{url}/keys", headers=auth)
    client.patch(url, json={"callback_url": receiver.url + "/ok"}, headers=auth)
    ok = client.post(f"{url}/test", headers=auth)
    assert ok.status_code == 200
    body = ok.json()
    assert body["success"] is True
    assert set(body["test_result"]) == {
        "callback_url",
        "http_status",
        "response_body",
        "latency_ms",
        "signature_sent",
        "tls_version",
        "ip_resolved",
    }
    failed = client.post(
        f"{url}/test", json={"callback_url": receiver.url + "/error"}, headers=auth
    )
    assert failed.status_code == 200
    assert failed.json()["success"] is False
    assert failed.json()["test_result"]["error"] == "HTTP_ERROR"
    assert "suggestion" in failed.json()["test_result"]
    detail = client.get(url, headers=auth).json()
    assert detail["onboarding_checklist"]["test_ping"]["complete"] is True


@pytest.mark.parametrize(
    "body", [{"timeout_ms": 0}, {"timeout_ms": 30001}, {"timeout_ms": "5"}, {"url": "x"}]
)
def test_bad_ping_bodies_are_400(client, auth, body):
    operator = client.post(BASE, json=operator_payload(), headers=auth).json()["operator"]
    response = client.post(f"{BASE}/{operator['id']}/test", json=body, headers=auth)
    assert response.status_code == 400


@pytest.mark.parametrize("event", SAMPLE_EVENTS[1:])
def test_a_test_event_of_any_type_is_a_signed_sample_the_receiver_acknowledges(
    client, auth, receiver, event
):
    operator = client.post(BASE, json=operator_payload(), headers=auth).json()["operator"]
    url = f"{BASE}/{operator['id']}"
    receiver.secrets.append(
        client.post(f"{url}/keys", headers=auth).json()["key_pair"]["secret_key"]
    )
    client.patch(url, json={"callback_url": receiver.url + "/ok"}, headers=auth)

    answered = client.post(f"{url}/test", json={"event": event}, headers=auth).json()

    assert answered["success"] is True, answered
    assert answered["test_result"]["response_body"] == {"status": "ok", "received_event": event}
    [sent] = receiver.delivered()
    body = json.loads(sent["body"])
    assert (sent["headers"]["X-Predictu-Event"], body["event"], body["test"]) == (
        event,
        event,
        True,
    )
    assert body["delivery_id"] == sent["headers"]["webhook-id"]
    assert body["delivery_id"].startswith("dlv_test_")
    detail = client.get(url, headers=auth).json()
    assert detail["callback_status"] == "unknown"  # only a PING moves health
    assert not detail["onboarding_checklist"]["test_ping"]["complete"]
    audit = client.get(f"{url}/audit?limit=1", headers=auth).json()["entries"][0]
    assert audit["action"] == "callback.event_tested"
    assert audit["changes"]["test_callback.event"]["to"] == event


def test_an_unknown_event_type_is_400_naming_the_field(client, auth):
    operator = client.post(BASE, json=operator_payload(), headers=auth).json()["operator"]

    refused = client.post(
        f"{BASE}/{operator['id']}/test", json={"event": "TRADE_CANCELLED"}, headers=auth
    )

    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"event"}
