"""The commands of the README and docs/, run as readers run them: in a fresh data directory,
against a real `serve`, in the order the text gives them; and what they print, as shown."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect

from predictu_console.db.session import make_engine
from tests.databases import BACKENDS, Databases
from tests.docs import json_documents, run_shell, serving_snippet, snippet
from tests.factories import TEST_MASTER_KEY, active_operator, generate_keys, keyed_operator
from tests.processes import free_port, running_serve
from tests.web.serving import web

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("curl") is None, reason="the docs' commands use curl"),
]

OPERATOR_ID = (
    'OP=$(curl -s "$API/operators?search=luckyspin" -H "Authorization: Bearer $TOKEN" | '
    f"{shlex.quote(sys.executable)} -c "
    '\'import json, sys; print(json.load(sys.stdin)["operators"][0]["id"])\')'
)
"""What a reader does by hand at api.md's `OP=op_…`: take the id the creation answered."""


def _reader(database_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment of a reader with a fresh data directory on the test database."""
    return {
        **os.environ,
        "PREDICTU_HOME": str(tmp_path / "home"),
        "PREDICTU_DATABASE_URL": database_url,
        "PREDICTU_MASTER_KEY": TEST_MASTER_KEY,
    }


def _at(port: int, script: str) -> str:
    """`script` with the documented server's address replaced by the test's."""
    return script.replace("localhost:8000", f"localhost:{port}")


def test_the_readme_and_api_md_create_list_edit_and_audit_an_operator(database_url, tmp_path):
    env, port = _reader(database_url, tmp_path), free_port()
    setup = snippet("README.md", "serve", "sh").replace(
        "predictu-console serve ", f"predictu-console serve --port {port} --no-worker "
    )

    with serving_snippet(setup, port=port, env=env, log=tmp_path / "readme.log"):
        listed = run_shell(_at(port, snippet("README.md", "s2s", "sh")), env=env)
        # api.md's two blocks share the reader's shell: its variables carry over.
        both = snippet("api.md", "operators", "sh") + snippet("api.md", "scripts", "sh")
        answered = run_shell(_at(port, both).replace("OP=op_…", OPERATOR_ID), env=env)
        created, searched, edited, guarded, audit = json_documents(answered)
        token = run_shell("predictu-console admin token you@predictu.com | tail -1", env=env)
        refused = httpx.patch(
            f"http://127.0.0.1:{port}/api/s2s/operators/{created['operator']['id']}",
            headers={"Authorization": f"Bearer {token.strip()}"},
            json={"config": {"new_tier_limit": 0}},
        )

    assert json_documents(listed)[0]["operators"] == []
    assert created["operator"]["name"] == "LuckySpin"
    assert [row["name"] for row in searched["operators"]] == ["LuckySpin"]
    assert edited["changes"] == {
        "revenue_share_predictu": {"from": 25, "to": 30},
        "config.can_promote_vip": {"from": False, "to": True},
    }
    assert guarded["changes"] == {"revenue_share_predictu": {"from": 30, "to": 35}}
    newest = audit["entries"][0]
    assert newest["action"] == "operator.updated" and newest["changes"] == guarded["changes"]
    assert audit["entries"][-1]["action"] == "operator.created"
    # The error envelope the page shows is the one a bad request gets.
    documented = json.loads(snippet("api.md", "error", "json"))
    assert refused.status_code == 400
    shape = refused.json()
    assert shape.keys() == documented.keys() and shape["success"] is False
    assert shape["error"].keys() == documented["error"].keys()
    assert shape["error"]["code"] == documented["error"]["code"]
    assert shape["error"]["fields"].keys() == documented["error"]["fields"].keys()


def test_the_readme_operator_api_lines_register_and_fund_a_player(
    database_url, session_factory, god, clock, tmp_path
):
    operator = active_operator(session_factory, god, clock)
    secret = generate_keys(session_factory, god, clock, operator.id)
    env = _reader(database_url, tmp_path)
    with running_serve("--no-worker", env=env, log=tmp_path / "serve.log") as port:
        script = snippet("README.md", "operator-api", "sh")
        script = _at(port, script).replace("sk_live_…", secret)
        registered, funded = json_documents(run_shell(script, env=env))

    assert registered["player"]["external_player_id"] == "user-4711"
    assert funded["player"]["balance"] == 250


@pytest.mark.parametrize("kind", BACKENDS)
def test_the_operations_md_set_up_migrates_a_new_database(kind, databases: Databases, tmp_path):
    url = databases.unmigrated(kind, tmp_path)
    script = snippet("operations.md", "postgresql", "sh")
    script = script.replace("postgresql+psycopg://user@db-host/predictu", shlex.quote(url))

    printed = run_shell(script, env={**os.environ, "PREDICTU_HOME": str(tmp_path / "home")})

    assert printed.startswith("database")
    engine = make_engine(url)
    try:
        assert {"operators", "audit_log", "alembic_version"} <= set(
            inspect(engine).get_table_names()
        )
    finally:
        engine.dispose()


def test_the_callbacks_md_command_sends_the_documented_test_event(
    database_url, session_factory, god, clock, receiver, tmp_path
):
    operator_id, _ = keyed_operator(session_factory, god, clock, callback_url=f"{receiver.url}/ok")
    usage = snippet("callbacks.md", "test-command", "sh")
    script = re.sub(r"\[([^]]*)\]", r"\1", usage)  # every option given
    script = script.replace("op_…", operator_id).replace("https://…", f"{receiver.url}/ok")
    env = {
        **_reader(database_url, tmp_path),
        "PREDICTU_CALLBACK_CA_BUNDLE": str(receiver.ca_file),
        "PREDICTU_CALLBACK_ALLOW_PRIVATE": "1",
    }

    printed = json.loads(run_shell(script, env=env))

    assert printed["success"] is True
    [sent] = receiver.requests
    body = json.loads(sent["body"])
    documented = json.loads(snippet("callbacks.md", "test-event", "json"))
    assert list(body) == list(documented)  # the same keys, in the same order
    assert body["event"] == documented["event"] and body["test"] is True
    assert body["payload"] == documented["payload"]
    assert body["delivery_id"].startswith("dlv_test_")


def test_the_console_md_web_transcript_is_what_web_prints(database_url, tmp_path):
    command, *lines = snippet("console.md", "web", "").splitlines()
    assert command == "$ predictu-console web"
    # What differs between runs: who (the OS user), the port and the token.
    varying = {
        "ana@console.predictu.com": r"\S+@\S+",
        "8001": r"\d+",
        "Gt4hG9k26z0mIgLstCX_ntwb0h52Ng7IbwttWDRFch4": r"[\w-]{43}",
    }
    patterns = []
    for line in lines:
        pattern = re.escape(line)
        for example, shape in varying.items():
            pattern = pattern.replace(re.escape(example), shape)
        patterns.append(pattern)

    with web(tmp_path, database_url) as (_, _, log):
        printed = log.read_text().splitlines()

    assert len(printed) >= len(patterns)
    for pattern, line in zip(patterns, printed, strict=False):
        assert re.fullmatch(pattern, line), (pattern, line)
