"""docs/operator-api.md's curl walkthrough, run as a reader runs it: against a real `serve`."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from tests.docs import json_documents, run_shell, snippet
from tests.factories import TEST_MASTER_KEY, active_operator, generate_keys
from tests.processes import running_serve
from tests.trading import open_market


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("curl") is None, reason="the walkthrough needs curl")
def test_the_walkthrough_registers_funds_and_trades_as_documented(
    database_url, session_factory, god, clock, tmp_path
):
    operator = active_operator(session_factory, god, clock, allowed_categories=["sports"])
    secret = generate_keys(session_factory, god, clock, operator.id)
    market = open_market(session_factory, god, clock)
    env = {
        **os.environ,
        "PREDICTU_HOME": str(tmp_path / "home"),
        "PREDICTU_DATABASE_URL": database_url,
        "PREDICTU_MASTER_KEY": TEST_MASTER_KEY,  # the key the secret's lookup hash is under
    }
    block = snippet("operator-api.md", "walkthrough", "sh")
    with running_serve("--no-worker", env=env, log=tmp_path / "serve.log") as port:
        script = (
            block.replace("http://127.0.0.1:8000", f"http://127.0.0.1:{port}")
            .replace("sk_live_…", secret)
            .replace("mkt_…", market)
        )
        output = run_shell(script, env=env)

    me, markets, registered, funded, traded = json_documents(output)
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
