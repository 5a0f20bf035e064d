"""The Test callback dialog against a real HTTPS receiver."""

from __future__ import annotations

import dataclasses
import json
import socket

import pytest

from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.keys import KeyCreate
from predictu_console.core.models import OperatorListQuery
from predictu_console.tui.app import make_tui
from predictu_console.tui.modals.callback_test import CallbackTestModal
from tests.receivers import https_receiver
from tests.tui.screens import SIZE, open_operator, settle, shown_text
from tests.tui.test_dialog_layout import footer_descriptions


def _shown(app) -> str:
    return shown_text(app, "#ping-result")


async def _send(pilot, url):
    pilot.app.screen.query_one("#input-callback_url").value = url
    await pilot.press("ctrl+s")
    await settle(pilot)


@pytest.fixture
def app(gateway, receiver):
    sender = CallbackSender(ca_bundle=receiver.ca_file, allow_private=True)
    return make_tui(dataclasses.replace(gateway, sender=sender), poll_seconds=3600)


async def test_ping_from_the_console_then_retry_a_closed_port(app, gateway, receiver):
    operator_id = gateway.list_operators(OperatorListQuery(search="luckyspin")).operators[0].id
    async with app.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "luckyspin")
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, CallbackTestModal)
        await _send(pilot, receiver.url + "/ok")
        assert any(n.title == "NO_ACTIVE_KEY" for n in app._notifications)

        gateway.generate_keys(operator_id, KeyCreate())
        await _send(pilot, receiver.url + "/ok")
        shown = _shown(app)
        assert "delivered and acknowledged" in shown
        assert "TLSv1" in shown and "127.0.0.1" in shown

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed = probe.getsockname()[1]
        await _send(pilot, f"https://localhost:{closed}/cb")
        shown = _shown(app)
        assert "CONNECTION_REFUSED" in shown and "port is correct" in shown
        assert len(receiver.requests) == 1


async def test_a_picked_event_sends_its_signed_test_sample(app, gateway, receiver):
    operator_id = gateway.list_operators(OperatorListQuery(search="example")).operators[0].id
    gateway.generate_keys(operator_id, KeyCreate())
    async with app.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "example")
        await pilot.press("t")
        await settle(pilot)
        send = app.screen.query_one("#send")
        assert str(send.label) == "Send PING (Ctrl+S)"  # PING unless another is picked
        app.screen.query_one("#input-callback_url").value = receiver.url + "/ok"
        await pilot.press("tab", "enter", "down", "down", "enter")  # URL → picker → TRADE_PLACED
        await settle(pilot)
        assert str(send.label) == "Send TRADE_PLACED (Ctrl+S)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = _shown(app)
        assert "TRADE_PLACED (test sample)" in shown and "delivered and acknowledged" in shown
        assert str(send.label) == "Retry TRADE_PLACED (Ctrl+S)"
    request = receiver.requests[-1]
    assert request["headers"]["X-Predictu-Event"] == "TRADE_PLACED"
    body = json.loads(request["body"])
    assert (body["event"], body["test"]) == ("TRADE_PLACED", True)
    assert body["payload"]["trade_id"].startswith("trd_test")


async def test_a_refused_certificate_is_a_sentence_and_openssls_words_one_key_away(
    app, gateway, tmp_path
):
    operator_id = gateway.list_operators(OperatorListQuery(search="example")).operators[0].id
    gateway.generate_keys(operator_id, KeyCreate())
    with https_receiver(tmp_path, trusted=False) as untrusted:
        async with app.run_test(size=SIZE) as pilot:
            await open_operator(pilot, "example")
            await pilot.press("t")
            await settle(pilot)
            assert "Detail" not in footer_descriptions(app)
            await _send(pilot, untrusted.url + "/cb")
            first = _shown(app)
            assert "Detail" in footer_descriptions(app)
            await pilot.press("ctrl+t")
            await settle(pilot)
            detailed = _shown(app)
    assert "TLS_ERROR" in first
    assert "not signed by an authority callbacks trust" in first
    assert "CERTIFICATE_VERIFY_FAILED" not in first and "_ssl.c" not in first
    assert "CERTIFICATE_VERIFY_FAILED" in detailed
