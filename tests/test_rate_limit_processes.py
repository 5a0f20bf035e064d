"""Two `serve` processes sharing one Redis allow an endpoint's limit between them, no more."""

from __future__ import annotations

import os

import httpx
import pytest

from tests.cli_runner import invoke
from tests.factories import operator_payload
from tests.processes import answers, eventually, free_port, start

REDIS_URL = os.environ.get("PREDICTU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.mark.slow
def test_two_servers_on_one_redis_allow_exactly_the_limit(database_url, tmp_path):
    env = {
        **os.environ,
        "PREDICTU_HOME": str(tmp_path / "home"),
        "PREDICTU_DATABASE_URL": database_url,
        "PREDICTU_RATE_LIMITS": "1",
        "PREDICTU_RATE_LIMIT_STORAGE": REDIS_URL,
    }
    token = invoke("admin", "create", "ana@predictu.com", env=env).stdout.strip().splitlines()[-1]
    auth = {"Authorization": f"Bearer {token}"}
    servers, bases = [], []
    try:
        for name in ("a", "b"):
            port, log = free_port(), tmp_path / f"serve-{name}.log"
            server = start("serve", "--port", str(port), "--no-worker", env=env, log=log)
            servers.append(server)
            bases.append(f"http://127.0.0.1:{port}")
            eventually(
                lambda base=bases[-1]: answers(f"{base}/healthz"),
                timeout=20,
                process=server,
                log=log,
            )
        created = httpx.post(
            f"{bases[0]}/api/s2s/operators", json=operator_payload(), headers=auth
        ).json()
        path = f"/api/s2s/operators/{created['operator']['id']}/keys"
        statuses = [httpx.post(bases[n % 2] + path, headers=auth).status_code for n in range(6)]
        assert statuses == [201] * 5 + [429]
        refused = httpx.post(bases[1] + path, headers=auth)
        assert refused.json()["error"]["code"] == "RATE_LIMITED"
        assert int(refused.headers["Retry-After"]) > 3500
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
