"""The signed PING against real HTTPS receivers: every outcome, health, and the SSRF guard."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
from datetime import timedelta

import pytest

from predictu_console.core import audit, keys, operators
from predictu_console.core.callbacks import events, ping, transport
from predictu_console.core.callbacks.ping import PingRequest
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.callbacks.wire import is_public
from predictu_console.core.errors import PingWithoutKey, ValidationFailed
from predictu_console.core.keys import KeyCreate
from predictu_console.core.models import OperatorUpdate
from predictu_console.db.session import session_scope
from predictu_console.db.tables import Operator
from tests.factories import BOX, keyed_operator, make_operator, update
from tests.receivers import https_receiver


@pytest.fixture
def sender(receiver):
    return CallbackSender(ca_bundle=receiver.ca_file, allow_private=True)


@pytest.fixture
def keyed(session_factory, god, clock, receiver):
    """An operator with keys whose callback URL is the receiver's /ok."""
    return keyed_operator(session_factory, god, clock, callback_url=f"{receiver.url}/ok")


def _ping(session_factory, god, clock, sender, operator_id, **body):
    return ping.test_callback(
        factory=session_factory,
        actor=god,
        operator_id=operator_id,
        data=PingRequest(**body),
        box=BOX,
        sender=sender,
        clock=clock,
    )


def _detail(session_factory, operator_id):
    with session_scope(session_factory, write=False) as session:
        return operators.get_operator(session=session, operator_id=operator_id)


def test_a_successful_ping_is_signed_reports_tls_and_ip_and_completes_step_5(
    session_factory, god, clock, sender, receiver, keyed
):
    operator_id, secret = keyed
    result = _ping(session_factory, god, clock, sender, operator_id)

    assert result.success, result
    outcome = result.test_result
    assert (outcome.http_status, outcome.response_body) == (
        200,
        {"status": "ok", "received_event": "PING"},
    )
    assert outcome.tls_version in ("TLSv1.2", "TLSv1.3")
    assert outcome.ip_resolved == "127.0.0.1"
    sent = receiver.requests[-1]
    expected = "sha256=" + hmac.new(secret.encode(), sent["body"], hashlib.sha256).hexdigest()
    assert sent["headers"]["X-Predictu-Signature"] == expected == outcome.signature_sent
    assert sent["headers"]["X-Predictu-Event"] == "PING"
    assert sent["headers"]["X-Predictu-Delivery"].startswith("dlv_test_")
    assert int(sent["headers"]["X-Predictu-Timestamp"]) == int(clock.now().timestamp())
    payload = json.loads(sent["body"])
    assert payload | {"timestamp": None} == {
        "event": "PING",
        "operator_id": operator_id,
        "delivery_id": sent["headers"]["X-Predictu-Delivery"],
        "timestamp": None,
        "test": True,
        "payload": {"message": events.PING_MESSAGE},
    }
    detail = _detail(session_factory, operator_id)
    assert (detail.callback_status, detail.callback_failure_count) == ("healthy", 0)
    assert detail.callback_last_success == clock.now()
    assert detail.onboarding_checklist["test_ping"].complete


@pytest.mark.parametrize("path", ["/ok", "/error"])
def test_a_ping_is_not_an_edit_a_form_opened_before_it_still_saves(
    session_factory, god, clock, sender, receiver, keyed, path
):
    operator_id, _ = keyed
    update(session_factory, god, clock, operator_id, callback_url=f"{receiver.url}{path}")
    opened = _detail(session_factory, operator_id).version

    _ping(session_factory, god, clock, sender, operator_id)
    with session_scope(session_factory) as session:
        saved = operators.update_operator(
            session=session,
            actor=god,
            operator_id=operator_id,
            data=OperatorUpdate(callback_url=f"{receiver.url}/ok?fixed"),
            expected_version=opened,
            clock=clock,
        )

    assert saved.operator.callback_url == f"{receiver.url}/ok?fixed"


def test_a_rotated_key_signs_with_the_new_secret(
    session_factory, god, clock, sender, receiver, keyed
):
    operator_id, _ = keyed
    with session_scope(session_factory) as session:
        fresh = keys.generate_keys(
            session=session,
            actor=god,
            operator_id=operator_id,
            data=KeyCreate(),
            box=BOX,
            clock=clock,
        ).key_pair.secret_key
    _ping(session_factory, god, clock, sender, operator_id)
    sent = receiver.requests[-1]
    expected = "sha256=" + hmac.new(fresh.encode(), sent["body"], hashlib.sha256).hexdigest()
    assert sent["headers"]["X-Predictu-Signature"] == expected


@pytest.mark.parametrize(
    ("path", "code", "status"),
    [
        ("/error", "HTTP_ERROR", 500),
        ("/redirect", "HTTP_ERROR", 302),
        ("/bad-json", "INVALID_RESPONSE", 200),
        ("/wrong-json", "INVALID_RESPONSE", 200),
        ("/big", "INVALID_RESPONSE", None),
    ],
)
def test_bad_replies_are_classified_with_a_suggestion(
    session_factory, god, clock, sender, receiver, keyed, path, code, status
):
    result = _ping(session_factory, god, clock, sender, keyed[0], callback_url=receiver.url + path)

    assert not result.success
    assert (result.test_result.error, result.test_result.http_status) == (code, status)
    assert result.test_result.suggestion == ping.SUGGESTIONS[code]
    assert [r["path"] for r in receiver.requests] == [path]  # the redirect was not followed


def test_a_slow_server_times_out_at_the_deadline(
    session_factory, god, clock, sender, receiver, keyed
):
    result = _ping(
        session_factory,
        god,
        clock,
        sender,
        keyed[0],
        callback_url=receiver.url + "/slow",
        timeout_ms=300,
    )
    assert result.test_result.error == "TIMEOUT"
    assert result.test_result.error_message == "Callback did not respond within 300ms"
    assert 250 <= result.test_result.latency_ms < 1400


def test_a_trickling_server_cannot_stretch_the_exchange_past_the_deadline(
    session_factory, god, clock, sender, receiver, keyed
):
    result = _ping(
        session_factory,
        god,
        clock,
        sender,
        keyed[0],
        callback_url=receiver.url + "/trickle",
        timeout_ms=400,
    )
    assert result.test_result.error == "TIMEOUT"
    assert result.test_result.latency_ms < 900  # the full reply would take about 2 s


def test_a_closed_port_is_connection_refused(session_factory, god, clock, sender, keyed):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = _ping(
        session_factory, god, clock, sender, keyed[0], callback_url=f"https://localhost:{port}/cb"
    )
    assert result.test_result.error == "CONNECTION_REFUSED"
    assert "port" in result.test_result.suggestion


def test_http_urls_are_refused_before_any_traffic(
    session_factory, god, clock, sender, receiver, keyed
):
    result = _ping(
        session_factory, god, clock, sender, keyed[0], callback_url="http://localhost/cb"
    )
    assert result.test_result.error == "NOT_HTTPS"
    assert receiver.requests == []


def test_unresolvable_hosts_are_dns_failures(
    session_factory, god, clock, sender, keyed, monkeypatch
):
    def no_such_host(*_args, **_kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    result = _ping(
        session_factory, god, clock, sender, keyed[0], callback_url="https://nowhere.example/cb"
    )
    assert result.test_result.error == "DNS_RESOLUTION_FAILED"


@pytest.mark.parametrize(("hostname", "trusted"), [("localhost", False), ("other.example", True)])
def test_untrusted_or_mismatched_certificates_are_tls_errors(
    session_factory, god, clock, keyed, tmp_path, hostname, trusted
):
    with https_receiver(tmp_path, hostname=hostname, trusted=trusted) as bad:
        sender = CallbackSender(ca_bundle=bad.ca_file, allow_private=True)
        result = _ping(session_factory, god, clock, sender, keyed[0], callback_url=bad.url + "/ok")
    assert result.test_result.error == "TLS_ERROR"
    assert bad.requests == []


def test_private_addresses_are_blocked_unless_allowed(session_factory, god, clock, receiver, keyed):
    guarded = CallbackSender(ca_bundle=receiver.ca_file, allow_private=False)
    result = _ping(session_factory, god, clock, guarded, keyed[0])
    assert (result.test_result.error, result.test_result.ip_resolved) == (
        "BLOCKED_ADDRESS",
        "127.0.0.1",
    )
    assert receiver.requests == []


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("2002:7f00:1::", False),
        ("64:ff9b::a00:1", False),
        ("64:ff9b::808:808", True),
    ],
)
def test_the_address_guard_covers_every_class(address, public):
    assert is_public(ipaddress.ip_address(address)) is public


def test_health_degrades_then_fails_and_a_success_heals_it(
    session_factory, god, clock, sender, receiver, keyed
):
    operator_id, _ = keyed
    update(session_factory, god, clock, operator_id, callback_url=f"{receiver.url}/error")
    seen = []
    for _ in range(5):
        clock.advance(timedelta(minutes=1))
        _ping(session_factory, god, clock, sender, operator_id)
        detail = _detail(session_factory, operator_id)
        seen.append((detail.callback_status, detail.callback_failure_count))
    assert seen == [
        ("degraded", 1),
        ("degraded", 2),
        ("degraded", 3),
        ("degraded", 4),
        ("failing", 5),
    ]
    assert not _detail(session_factory, operator_id).onboarding_checklist["test_ping"].complete

    update(session_factory, god, clock, operator_id, callback_url=f"{receiver.url}/ok")
    _ping(session_factory, god, clock, sender, operator_id)
    detail = _detail(session_factory, operator_id)
    assert (detail.callback_status, detail.callback_failure_count) == ("healthy", 0)


def test_a_ping_to_another_url_changes_neither_health_nor_onboarding(
    session_factory, god, clock, sender, receiver, keyed
):
    operator_id, _ = keyed
    result = _ping(
        session_factory, god, clock, sender, operator_id, callback_url=receiver.url + "/ok?new"
    )
    assert result.success
    detail = _detail(session_factory, operator_id)
    assert (detail.callback_status, detail.onboarding_checklist["test_ping"].complete) == (
        "unknown",
        False,
    )
    with session_scope(session_factory, write=False) as session:
        actions = [row.action for row in audit.history(session, operator_id=operator_id)]
    assert "callback.ping_succeeded" not in actions


def test_pinging_needs_a_key_and_a_url(session_factory, god, clock, sender):
    bare = make_operator(session_factory, god, clock)
    with session_scope(session_factory, write=False) as session:
        with pytest.raises(ValidationFailed) as no_url:
            ping.prepare_ping(
                session=session, operator_id=bare.id, data=PingRequest(), box=BOX, clock=clock
            )
        with pytest.raises(PingWithoutKey) as no_key:
            ping.prepare_ping(
                session=session,
                operator_id=bare.id,
                data=PingRequest(callback_url="https://example.com/cb"),
                box=BOX,
                clock=clock,
            )
    assert "callback_url" in no_url.value.fields
    assert no_key.value.code == "NO_ACTIVE_KEY"


@pytest.mark.parametrize(
    "stored_url", ["https://bücher.example/cb", "https://a..b.com/cb", "https://x.com:99999/cb"]
)
def test_a_stored_url_the_sender_cannot_use_is_an_invalid_url_result(
    session_factory, god, clock, sender, keyed, stored_url
):
    operator_id, _ = keyed
    with session_scope(session_factory) as session:
        # Written before validation refused such URLs.
        session.get(Operator, operator_id).callback_url = stored_url

    result = _ping(session_factory, god, clock, sender, operator_id)

    assert (result.success, result.test_result.error) == (False, "INVALID_URL")
    assert result.test_result.suggestion == ping.SUGGESTIONS["INVALID_URL"]
    detail = _detail(session_factory, operator_id)
    assert (detail.callback_status, detail.callback_failure_count) == ("degraded", 1)


def test_an_unexpected_sender_error_is_a_send_failed_result(
    session_factory, god, clock, sender, keyed, monkeypatch, caplog
):
    def broken_exchange(*_args, **_kwargs):
        raise RuntimeError("internal detail 0xdeadbeef")

    monkeypatch.setattr(transport, "exchange", broken_exchange)
    result = _ping(session_factory, god, clock, sender, keyed[0])

    assert (result.success, result.test_result.error) == (False, "SEND_FAILED")
    assert result.test_result.suggestion == ping.SUGGESTIONS["SEND_FAILED"]
    assert "0xdeadbeef" not in result.test_result.error_message
    assert "0xdeadbeef" in caplog.text
