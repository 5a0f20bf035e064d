"""docs/operator-api.md's curl walkthrough, run as a reader runs it: against a real `serve`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from typing import Any

import pytest

from tests.docs import snippet
from tests.factories import TEST_MASTER_KEY, active_operator, generate_keys
from tests.processes import answers, eventually, free_port, start
from tests.trading import open_market


def _answers(output: str) -> list[dict[str, Any]]:
    """The JSON documents curl printed one after another (no newlines between them)."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while at < len(output):
        document, at = decoder.raw_decode(output, at)
        found.append(document)
    return found


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("curl") is None, reason="the walkthrough needs curl")
def test_the_walkthrough_registers_funds_and_trades_as_documented(
    database_url, session_factory, god, clock, tmp_path
):
    operator = active_operator(session_factory, god, clock, allowed_categories=["sports"])
    secret = generate_keys(session_factory, god, clock, operator.id)
    market = open_market(session_factory, god, clock)
    port, log = free_port(), tmp_path / "serve.log"
    env = {
        **os.environ,
        "PREDICTU_HOME": str(tmp_path / "home"),
        "PREDICTU_DATABASE_URL": database_url,
        "PREDICTU_MASTER_KEY": TEST_MASTER_KEY,  # the key the secret's lookup hash is under
    }
    block = snippet("operator-api.md", "walkthrough", "sh")
    script = (
        block.replace("http://127.0.0.1:8000", f"http://127.0.0.1:{port}")
        .replace("sk_live_…", secret)
        .replace("mkt_…", market)
    )
    server = start("serve", "--port", str(port), "--no-worker", env=env, log=log)
    try:
        eventually(
            lambda: answers(f"http://127.0.0.1:{port}/healthz"),
            timeout=30,
            process=server,
            log=log,
        )
        ran = subprocess.run(
            ["bash", "-euc", script], capture_output=True, text=True, timeout=60, check=True
        )
    finally:
        server.terminate()
        server.wait(timeout=10)

    me, markets, registered, funded, traded = _answers(ran.stdout)
    assert me["operator_id"] == operator.id
    assert [listed["id"] for listed in markets["markets"]] == [market]
    assert registered["player"]["external_player_id"] == "user-4711"
    assert funded["player"]["balance"] == 250
    # The values the block's closing comment promises are the ones the trade answered.
    promised = re.search(r"# → 201 (.*)", block)
    assert promised is not None
    claims = dict(re.findall(r'"(\w+)": ([\d.]+)', promised.group(1)))
    assert set(claims) == {"amount", "price", "shares"}
    assert {name: json.dumps(traded["trade"][name]) for name in claims} == claims
