"""A rate-limit storage that is down never turns requests into errors: each process counts alone."""

from __future__ import annotations

import logging
import shutil
import subprocess

import pytest
import redis
from fastapi.testclient import TestClient

from predictu_console.api import rate_limits
from predictu_console.api.app import create_app
from tests.processes import eventually, free_port

BASE = "/api/s2s/operators"
CLOSED_PORT = 18298  # nothing listens here during the tests


def _app(settings, session_factory, clock, storage: str):
    limited = settings.model_copy(update={"rate_limits": True, "rate_limit_storage": storage})
    return create_app(limited, session_factory=session_factory, clock=clock)


def test_an_unreachable_redis_falls_back_to_counting_in_the_process(
    settings, session_factory, clock, auth, caplog
):
    app = _app(settings, session_factory, clock, f"redis://127.0.0.1:{CLOSED_PORT}/0")
    with TestClient(app) as client:
        statuses = [client.get(BASE, headers=auth).status_code for _ in range(61)]
        health = client.get("/healthz").json()

    assert statuses == [200] * 60 + [429]
    assert health["rate_limits"] == "memory (redis unreachable)"
    outages = [record for record in caplog.records if "unreachable" in record.getMessage()]
    assert len(outages) == 1


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server on a port of its own, which a test may stop and start again there."""
    port = free_port()

    def start() -> subprocess.Popen[bytes]:
        server = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--dir", str(tmp_path)),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=port, socket_connect_timeout=0.5)
        eventually(lambda: _answers(client), timeout=10, process=server)
        return server

    servers = [start()]
    yield servers, start, port
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def test_a_redis_that_goes_away_and_comes_back(
    settings, session_factory, clock, auth, own_redis, monkeypatch, caplog
):
    caplog.set_level(logging.WARNING, logger="predictu_console.api.rate_limits")
    monkeypatch.setattr(rate_limits, "RETRY_SHARED_SECONDS", 0.0)  # retry on every request
    servers, start, port = own_redis
    app = _app(settings, session_factory, clock, f"redis://127.0.0.1:{port}/0")
    with TestClient(app) as client:
        assert client.get(BASE, headers=auth).headers["RateLimit-Remaining"] == "59"
        assert client.get("/healthz").json()["rate_limits"] == "redis"

        servers[0].terminate()
        servers[0].wait(timeout=10)
        during = [client.get(BASE, headers=auth) for _ in range(3)]
        assert [response.status_code for response in during] == [200] * 3
        assert client.get("/healthz").json()["rate_limits"] == "memory (redis unreachable)"

        servers.append(start())
        # The new Redis starts empty: the one request it saw before the outage is forgotten.
        back = client.get(BASE, headers=auth)
        assert (back.status_code, back.headers["RateLimit-Remaining"]) == (200, "59")
        assert client.get("/healthz").json()["rate_limits"] == "redis"
    assert "answers again" in caplog.text
