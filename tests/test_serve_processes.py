"""`serve` as a real process on real sockets: slow clients cut off, forwarded headers ignored."""

from __future__ import annotations

import http.client
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.cli_runner import invoke
from tests.processes import running_serve


@contextmanager
def serving(tmp_path: Path, database_url: str, *options: str) -> Iterator[str]:
    """A `serve` process with `options`; yields its base URL."""
    env = {
        **os.environ,
        "PREDICTU_HOME": str(tmp_path / "home"),
        "PREDICTU_DATABASE_URL": database_url,
        "PREDICTU_RATE_LIMITS": "1",
    }
    with running_serve("--no-worker", *options, env=env, log=tmp_path / "serve.log") as port:
        yield f"http://127.0.0.1:{port}"


def _connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    client = socket.create_connection((host, int(port)))
    client.settimeout(10)  # far past the configured deadlines: reaching it fails the test
    return client


def _closed_by_server(client: socket.socket) -> bytes:
    """Everything the server sent until it closed the connection."""
    received = b""
    while chunk := client.recv(4096):
        received += chunk
    return received


@pytest.mark.slow
def test_a_client_that_sends_half_its_headers_is_disconnected(tmp_path, database_url):
    with serving(tmp_path, database_url, "--header-timeout", "1") as base:
        with _connect(base) as half:
            half.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            assert _closed_by_server(half) == b""
        with _connect(base) as silent:
            assert _closed_by_server(silent) == b""
        # A kept-alive connection gets a fresh deadline for each request's headers, so
        # idling past the header timeout (but within keep-alive) between requests is fine.
        host, port = base.removeprefix("http://").split(":")
        polite = http.client.HTTPConnection(host, int(port), timeout=10)
        statuses = []
        for _ in range(2):
            polite.request("GET", "/healthz")
            answer = polite.getresponse()
            answer.read()
            statuses.append(answer.status)
            time.sleep(1.5)
        polite.close()
        assert statuses == [200, 200]


@pytest.mark.slow
def test_a_body_that_trickles_is_refused_with_408(tmp_path, database_url):
    with serving(tmp_path, database_url, "--body-timeout", "1") as base:
        with _connect(base) as slow:
            slow.sendall(
                b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            )
            answer = _closed_by_server(slow)
    assert answer.startswith(b"HTTP/1.1 408")
    assert b"REQUEST_TIMEOUT" in answer


@pytest.mark.slow
def test_forwarded_for_counts_only_from_a_trusted_proxy(tmp_path, database_url):
    url = "/api/s2s/operators/op_AAAAAAAAAAAAAAAA/public-key"

    def statuses(base: str) -> list[int]:
        with httpx.Client(base_url=base) as client:
            return [
                client.get(url, headers={"X-Forwarded-For": f"203.0.113.{n % 250}"}).status_code
                for n in range(121)
            ]

    with serving(tmp_path, database_url) as base:
        assert statuses(base) == [404] * 120 + [429]
    with serving(tmp_path, database_url, "--forwarded-allow-ips", "127.0.0.1") as base:
        assert set(statuses(base)) == {404}


@pytest.mark.slow
def test_serve_documents_its_client_limits():
    helped = invoke("serve", "--help", env=dict(os.environ)).stdout
    for option in (
        "--limit-concurrency",
        "--timeout-keep-alive",
        "--header-timeout",
        "--body-timeout",
        "--forwarded-allow-ips",
    ):
        assert option in helped
