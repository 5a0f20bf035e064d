"""The Deliveries tab, one delivery's dialog, redeliver, and live callback health."""

from __future__ import annotations

import re
import socket
import threading
from datetime import timedelta

import pytest

from predictu_console.core import platform
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.callbacks.worker import DeliveryWorker, WorkerConfig
from predictu_console.core.keys import KeyCreate
from predictu_console.core.models import OperatorListQuery, OperatorUpdate
from predictu_console.db.session import session_scope
from predictu_console.tui.app import make_tui
from predictu_console.tui.modals.delivery_detail import DeliveryDetailModal
from tests.receivers import https_receiver
from tests.tui.screens import (
    LIVE_POLL_SECONDS,
    SIZE,
    open_operator,
    settle,
    shown_text,
    table_names,
)


def _rows(app) -> list[list[str]]:
    table = app.screen.query_one("#deliveries-table")
    return [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]


def _status_changes(app, status: str) -> list[list[str]]:
    return [r for r in _rows(app) if r[1] == "OPERATOR_STATUS_CHANGED" and status in r[2]]


def _operator_id(gateway, search: str) -> str:
    return gateway.list_operators(OperatorListQuery(search=search)).operators[0].id


def _point_at(gateway, receiver, operator_id: str, url: str) -> None:
    """Give the operator a key pair (known to the receiver) and a callback URL."""
    receiver.secrets.append(gateway.generate_keys(operator_id, KeyCreate()).key_pair.secret_key)
    version = gateway.get_operator(operator_id).version
    gateway.update_operator(
        operator_id, OperatorUpdate.model_validate({"callback_url": url}), version
    )


@pytest.fixture
def worker(gateway, receiver):
    """A delivery worker running in the background, as `serve` runs one."""
    sender = CallbackSender(ca_bundle=receiver.ca_file, allow_private=True)
    running = DeliveryWorker(
        factory=gateway.factory,
        box=gateway.box,
        sender=sender,
        clock=gateway.clock,
        config=WorkerConfig(poll_seconds=0.05, timeout_ms=2000),
    )
    stop = threading.Event()
    thread = threading.Thread(target=running.run, args=(stop,))
    thread.start()
    yield running
    stop.set()
    thread.join()


@pytest.mark.usefixtures("worker")
async def test_deactivating_in_the_console_shows_the_signed_delivery_arrive(gateway, receiver):
    operator_id = _operator_id(gateway, "example")
    _point_at(gateway, receiver, operator_id, f"{receiver.url}/ok")
    app = make_tui(gateway, poll_seconds=LIVE_POLL_SECONDS)
    async with app.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "example")
        await pilot.press("8")
        await settle(pilot)
        before = len(_status_changes(app, "delivered"))  # the demo's activation, delivered
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("y")
        for _ in range(100):  # the table and the header refresh apart: wait for both
            await pilot.pause(0.1)
            arrived = len(_status_changes(app, "delivered")) > before
            if arrived and "healthy" in shown_text(app, "#detail-header"):
                break
        row = _status_changes(app, "delivered")[0]  # newest first
        assert row[4].startswith("HTTP 200 in")
        assert "healthy" in shown_text(app, "#detail-header")
    [request] = receiver.delivered()
    assert request["headers"]["X-Predictu-Delivery"] == row[6]


async def test_a_delivery_shows_its_attempts_and_body_and_can_be_redelivered(console, gateway):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "midnight")
        await pilot.press("8")
        await settle(pilot)
        retrying = next(row for row in _rows(console) if "pending" in row[2])
        assert (retrying[3], retrying[4]) == ("7", "CONNECTION_REFUSED")
        table = console.screen.query_one("#deliveries-table")
        table.move_cursor(row=_rows(console).index(retrying))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(console.screen, DeliveryDetailModal)
        assert console.screen.query_one("#attempts-table").row_count == 7
        assert "Attempt 7" in shown_text(console, "#attempt-view")
        assert retrying[6] in shown_text(console, "#request-body")
        assert "in 5 h" in shown_text(console, "#delivery-summary")

        await pilot.press("d")
        await settle(pilot)
        assert "Send " in str(console.screen.query_one("#confirm-title").content)  # asks first
        await pilot.press("y")
        await settle(pilot)
        assert any(n.title == "Redeliver" for n in console._notifications)
        assert "Next try  now" in shown_text(console, "#delivery-summary")
        await pilot.press("escape")
        await settle(pilot)
    audit = gateway.history(_operator_id(gateway, "midnight"))
    assert audit[0].action == "delivery.redelivered" and audit[0].os_user == "ana"


async def test_without_a_worker_the_deliveries_say_so_and_how_to_start_one(console, gateway, clock):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "midnight")
        await pilot.press("8")
        await settle(pilot)
        assert not console.screen.query_one("#deliveries-worker").display
        table = console.screen.query_one("#deliveries-table")
        table.move_cursor(row=next(n for n, r in enumerate(_rows(console)) if "pending" in r[2]))
        await pilot.press("enter", "d", "y")
        await settle(pilot)
        [queued] = [n for n in console._notifications if n.title == "Redeliver"]
        assert "is due now" in queued.message

        clock.advance(timedelta(minutes=2))  # nothing claimed it: no worker is running
        await pilot.press("escape", "r")
        await settle(pilot)
        warning = shown_text(console, "#deliveries-worker")
        assert "No delivery worker is running — start `predictu-console worker`" in warning
        assert "1 delivery is due, the oldest for 2 m 00 s" in warning
        assert "overdue 2 m 00 s" in [r[5] for r in _rows(console)]

        await pilot.press("enter")
        await settle(pilot)
        assert "start `predictu-console worker`" in shown_text(console, "#delivery-worker")
        await pilot.press("d", "y")
        await settle(pilot)
        again = [n for n in console._notifications if n.title == "Redeliver"][-1]
        assert again.severity == "warning"
        assert "is queued, but no delivery worker is running" in again.message


async def test_the_no_worker_banner_counts_only_the_operator_on_screen(console, gateway, clock):
    example = _operator_id(gateway, "example")
    with session_scope(gateway.factory) as session:
        for number in range(3):
            platform.register_player(
                session=session, operator_id=example, external_player_id=f"p-{number}", clock=clock
            )
    clock.advance(timedelta(minutes=2))  # Example's three deliveries wait: no worker runs
    async with console.run_test(size=(80, 24)) as pilot:
        await open_operator(pilot, "midnight")  # its one pending delivery is due in 5 h
        await pilot.press("8")
        await settle(pilot)
        warning = shown_text(console, "#deliveries-worker")
        assert "No delivery worker is running — start `predictu-console worker`." in warning
        assert "due" not in warning
        await pilot.press("escape", "escape")
        await open_operator(pilot, "example")
        await pilot.press("8")
        await settle(pilot)
        warning = shown_text(console, "#deliveries-worker")
        assert "3 deliveries are due, the oldest for 2 m 00 s" in warning


async def test_f_filters_the_deliveries_by_status(console):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "midnight")
        await pilot.press("8")
        await settle(pilot)
        everything = _rows(console)
        await pilot.press("f")
        await settle(pilot)
        assert "showing pending" in shown_text(console, "#deliveries-caption")
        pending = _rows(console)
        assert 0 < len(pending) < len(everything)
        assert all("pending" in row[2] for row in pending)
        await pilot.press("f", "f")  # failed, then delivered
        await settle(pilot)
        assert all("delivered" in row[2] for row in _rows(console))


@pytest.mark.usefixtures("worker")
async def test_the_list_health_column_turns_degraded_while_it_is_on_screen(gateway, receiver):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    operator_id = _operator_id(gateway, "example")
    app = make_tui(gateway, poll_seconds=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = table_names(app).index("Example Casino")
        table = app.screen.query_one("#operators")
        health = list(table.columns).index(next(k for k in table.columns if k.value == "health"))
        assert "healthy" in str(table.get_row_at(row)[health])

        # Another admin points it at a dead port; its next delivery fails in the background.
        _point_at(gateway, receiver, operator_id, f"https://localhost:{closed}/cb")
        version = gateway.get_operator(operator_id).version
        gateway.update_operator(
            operator_id, OperatorUpdate.model_validate({"status": "inactive"}), version
        )
        for _ in range(50):
            await pilot.pause(0.1)
            if "degraded" in str(table.get_row_at(row)[health]):
                break
        assert "degraded" in str(table.get_row_at(row)[health])


async def test_a_filter_that_matches_no_delivery_says_so_and_how_to_see_the_others(console):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "midnight")
        await pilot.press("8", "f", "f")  # all → pending → failed
        await settle(pilot)
        caption = shown_text(console, "#deliveries-caption")
        assert "No failed deliveries — f shows the others." in caption


async def test_at_80_columns_every_deliverys_state_result_and_next_try_read_in_full(console):
    async with console.run_test(size=(80, 24)) as pilot:
        await open_operator(pilot, "midnight")
        await pilot.press("8")
        await settle(pilot)
        table = console.screen.query_one("#deliveries-table")
        assert table.max_scroll_x == 0  # nothing out of sight to the right
        retrying = next(lines for lines in map(_cell_lines, _rows(console)) if "pending" in lines)
        assert "CONNECTION_REFUSED" in retrying and "next try in 5 h 10 m" in retrying
        assert "7 tries" in retrying
        delivered = [lines for lines in map(_cell_lines, _rows(console)) if "delivered" in lines]
        assert delivered and all(re.search(r"HTTP 200 in \d+ ms", lines) for lines in delivered)
        assert len(_rows(console)) == 7
        # Shorter still, the caption stays in view above the rows, which scroll under it.
        await pilot.resize_terminal(80, 20)
        await pilot.press("G")
        await settle(pilot)
        assert table.scroll_y > 0
        assert console.screen.query_one("#deliveries VerticalScroll").scroll_y == 0


def _cell_lines(row: list[str]) -> str:
    """A row's cells, each line of each cell on its own line."""
    return "\n".join(row)


async def test_a_refused_certificate_reads_as_a_sentence_openssls_words_one_key_away(
    console, gateway, tmp_path
):
    operator_id = _operator_id(gateway, "example")
    with https_receiver(tmp_path, trusted=False) as untrusted:
        _point_at(gateway, untrusted, operator_id, f"{untrusted.url}/cb")
        version = gateway.get_operator(operator_id).version
        data = OperatorUpdate.model_validate({"status": "inactive"})
        gateway.update_operator(operator_id, data, version)  # a delivery to send
        DeliveryWorker(
            factory=gateway.factory,
            box=gateway.box,
            sender=CallbackSender(allow_private=True),
            clock=gateway.clock,
            config=WorkerConfig(timeout_ms=2000),
        ).run_once()
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "example")
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("enter")  # the newest delivery: the one refused
        await settle(pilot)
        first = shown_text(console, "#attempt-view")
        await pilot.press("ctrl+t")
        await settle(pilot)
        detailed = shown_text(console, "#attempt-view")
    assert "✗ TLS_ERROR: Refused to send: their server's certificate is not signed" in first
    assert "CERTIFICATE_VERIFY_FAILED" not in first
    assert "CERTIFICATE_VERIFY_FAILED" in detailed
