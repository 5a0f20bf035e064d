"""The demo operators' servers, simulated in-process behind the real callback sender."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from predictu_console.core.callbacks.signing import signed_headers
from predictu_console.core.demo.servers import callback_url, simulated_sender

SECRET = "sk_live_demo_secret"
NOW = datetime(2025, 3, 18, 14, 30, tzinfo=UTC)


def _send(sender, url, *, secret=SECRET):
    body = b'{"event":"PING","delivery_id":"dlv_test_1"}'
    headers = signed_headers(
        secrets=[secret], body=body, event="PING", delivery_id="dlv_test_1", now=NOW
    )
    return sender.exchange(url, body, headers, timeout_ms=10_000, fresh=True)


@pytest.fixture
def network():
    return simulated_sender(secrets_of=lambda host: (SECRET,), outages=True)


def test_a_demo_server_verifies_the_signature_and_acknowledges_the_event(network):
    sender, _ = network

    sent = _send(sender, callback_url("example-casino.com"))

    assert sent.failure is None and sent.response is not None
    assert sent.response.status == 200
    assert json.loads(sent.response.body) == {"status": "ok", "received_event": "PING"}
    assert 40 <= sent.latency_ms <= 320
    assert (sent.response.tls_version, sent.response.ip) == (None, None)  # nothing was dialled
    assert _send(sender, callback_url("example-casino.com")).latency_ms == sent.latency_ms


def test_a_wrong_signature_is_refused_with_401(network):
    sender, _ = network

    sent = _send(sender, callback_url("example-casino.com"), secret="sk_live_someone_else")

    assert sent.response is not None and sent.response.status == 401


def test_the_troubled_servers_time_out_and_refuse_as_real_ones_would(network):
    sender, _ = network

    slow = _send(sender, callback_url("vegasvault.com"))
    dead = _send(sender, callback_url("midnightmirage.casino"))

    assert slow.failure is not None and slow.failure.code == "TIMEOUT"
    assert slow.latency_ms == 10_000
    assert dead.failure is not None and dead.failure.code == "CONNECTION_REFUSED"


def test_other_hosts_go_to_the_real_guarded_network(network):
    sender, _ = network

    sent = _send(sender, "https://127.0.0.1:8199/callbacks")

    assert sent.failure is not None and sent.failure.code == "BLOCKED_ADDRESS"
