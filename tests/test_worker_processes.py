"""Delivery workers as real processes: killed mid-delivery, stopped by SIGTERM, inside `serve`."""

from __future__ import annotations

import base64
import itertools
import os
import signal
from contextlib import ExitStack

import httpx
import pytest
from sqlalchemy import select

from predictu_console.core import platform
from predictu_console.db.session import session_scope
from predictu_console.db.tables import Delivery, DeliveryAttempt
from tests.cli_runner import invoke
from tests.factories import activate_over_http, keyed_operator
from tests.processes import eventually, free_port, start, until_answering
from tests.receivers import https_receiver

_players = itertools.count(1)
FAST = ("--poll-seconds", "0.2", "--timeout-ms", "3000", "--lease-seconds", "6")


@pytest.fixture
def env(database_url, tmp_path, receiver):
    """A user's environment: the test database, the tests' master key, the receiver's CA."""
    return {
        **os.environ,
        "PREDICTU_HOME": str(tmp_path / "home"),
        "PREDICTU_DATABASE_URL": database_url,
        "PREDICTU_MASTER_KEY": base64.b64encode(bytes(range(32))).decode(),
        "PREDICTU_CALLBACK_CA_BUNDLE": str(receiver.ca_file),
        "PREDICTU_CALLBACK_ALLOW_PRIVATE": "1",
    }


def _queue(session_factory, clock, operator_id, count):
    with session_scope(session_factory) as session:
        for _ in range(count):
            platform.register_player(
                session=session,
                operator_id=operator_id,
                external_player_id=f"player-{next(_players)}",
                clock=clock,
            )


def _rows(session_factory):
    with session_scope(session_factory, write=False) as session:
        return session.scalars(select(Delivery)).all()


def _all_delivered(session_factory):
    rows = _rows(session_factory)
    return rows if all(row.status == "delivered" for row in rows) else None


def _received_ids(receiver):
    return [request["headers"]["X-Predictu-Delivery"] for request in receiver.delivered()]


@pytest.mark.slow
def test_a_worker_killed_mid_delivery_loses_nothing_and_sigterm_drains(
    env, session_factory, god, clock, receiver, tmp_path
):
    operator_id, secret = keyed_operator(
        session_factory, god, clock, callback_url=f"{receiver.url}/slow"
    )
    receiver.secrets.append(secret)
    _queue(session_factory, clock, operator_id, 10)
    log_a, log_b = tmp_path / "a.log", tmp_path / "b.log"

    worker_a = start("worker", "--concurrency", "4", *FAST, env=env, log=log_a)
    # /slow answers after 1.5 s: once a request has arrived, A is mid-delivery.
    eventually(lambda: receiver.requests, timeout=20, process=worker_a, log=log_a)
    worker_b = start("worker", "--concurrency", "4", *FAST, env=env, log=log_b)
    worker_a.send_signal(signal.SIGKILL)
    worker_a.wait(5)
    try:
        rows = eventually(
            lambda: _all_delivered(session_factory), timeout=60, process=worker_b, log=log_b
        )
        ids = {row.id for row in rows}
        received = _received_ids(receiver)
        assert set(received) == ids  # every event arrived, verified, at least once
        assert len(received) > len(ids)  # A's lost claims were delivered again after the lease

        # SIGTERM while B is mid-delivery: the delivery in flight completes before B exits.
        _queue(session_factory, clock, operator_id, 1)
        eventually(lambda: len(receiver.requests) > len(received), timeout=20)
        worker_b.send_signal(signal.SIGTERM)
        assert worker_b.wait(10) == 0, log_b.read_text()
    finally:
        worker_b.kill()
    assert all(row.status == "delivered" for row in _rows(session_factory))
    assert "stopped" in log_b.read_text()
    with session_scope(session_factory, write=False) as session:
        workers = set(session.scalars(select(DeliveryAttempt.worker)))
    assert workers == {f"{os.uname().nodename}/{worker_b.pid}"}


@pytest.mark.slow
def test_serve_delivers_status_changes_and_a_dead_receiver_turns_health_failing(env, tmp_path):
    token = invoke("admin", "create", "ana@predictu.com", env=env).stdout.strip().splitlines()[-1]
    auth = {"Authorization": f"Bearer {token}"}
    with ExitStack() as receiving:
        own = receiving.enter_context(https_receiver(tmp_path))
        env = {**env, "PREDICTU_CALLBACK_CA_BUNDLE": str(own.ca_file)}
        port, log = free_port(), tmp_path / "serve.log"
        server = start("serve", "--port", str(port), "--poll-seconds", "0.2", env=env, log=log)
        base = f"http://127.0.0.1:{port}/api/s2s"
        try:
            until_answering(port, server, log)
            operator_id = activate_over_http(httpx, base, auth, own)
            url = f"{base}/operators/{operator_id}"
            httpx.patch(url, json={"status": "inactive"}, headers=auth)
            eventually(
                lambda: len(own.events("OPERATOR_STATUS_CHANGED")) == 2,
                timeout=20,
                process=server,
                log=log,
            )
            # Two deliveries in flight at once may arrive in either order.
            statuses = {e["payload"]["status"] for e in own.events("OPERATOR_STATUS_CHANGED")}
            assert statuses == {"active", "inactive"}

            receiving.close()  # the receiver goes down: connections are refused from now on
            for status in ("active", "inactive", "active"):
                httpx.patch(url, json={"status": status}, headers=auth)
            detail = eventually(
                lambda: (
                    (d := httpx.get(url, headers=auth).json())["callback_status"] == "failing" and d
                ),
                timeout=30,
                process=server,
                log=log,
            )
            assert detail["callback_failure_count"] >= 5
            pending = httpx.get(
                f"{url}/deliveries", params={"status": "pending"}, headers=auth
            ).json()["deliveries"]
            retrying = max(pending, key=lambda delivery: delivery["attempt_count"])
            assert retrying["attempt_count"] >= 2  # the immediate retry came and failed too
            assert {a["error"] for d in pending for a in d["attempts"]} == {"CONNECTION_REFUSED"}
            assert retrying["next_attempt_at"] is not None
        finally:
            server.terminate()
            server.wait(timeout=10)
