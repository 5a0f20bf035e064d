"""A 500 from a real uvicorn leaves a kept-alive connection usable for the client's next request."""

from __future__ import annotations

import http.client
import threading

import pytest
import uvicorn

from predictu_console.core import operators
from tests.processes import eventually, free_port


@pytest.mark.slow
def test_an_unexpected_error_does_not_break_the_kept_alive_connection(app, auth, monkeypatch):
    def explode(**_):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(operators, "list_operators", explode)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, name="uvicorn")
    thread.start()
    try:
        eventually(lambda: server.started, timeout=20)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/api/s2s/operators", headers=auth)
        failed = connection.getresponse()
        assert (failed.status, b"INTERNAL_ERROR" in failed.read()) == (500, True)

        connection.request("GET", "/healthz")
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        server.should_exit = True
        thread.join(timeout=20)
