"""The `predictu-console` command as a user runs it: its output, its exit status.

A command that finishes runs in the test's process (tests/cli_runner.py); the entry points, what
a command imports and `serve` run as real processes."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from predictu_console.cli import main
from predictu_console.db.session import make_engine, session_scope
from predictu_console.db.tables import AuditEntry, Operator, OperatorStats
from tests.cli_runner import invoke
from tests.factories import active_operator, keyed_operator
from tests.permissions import without_root
from tests.processes import CONSOLE_SCRIPT, MODULE, answers, eventually, free_port, run, start
from tests.recompute import raw_stats
from tests.trading import buy, funded_player


@pytest.fixture
def env(database_url, tmp_path):
    """The environment of a user whose database is the test database."""
    return {
        **os.environ,
        "PREDICTU_HOME": str(tmp_path / "home"),
        "PREDICTU_DATABASE_URL": database_url,
    }


def test_admin_create_prints_a_working_token_on_the_last_line(env):
    created = invoke("admin", "create", "ana@predictu.com", "--name", "Ana", env=env)

    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("tok_") and "." in token
    assert "ana@predictu.com (god_mode)" in created.stdout

    again = invoke("admin", "token", "ANA@predictu.com", env=env)
    assert again.returncode == 0
    assert again.stdout.strip().splitlines()[-1] not in ("", token)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("admin", "create", "not-an-email"), "VALIDATION_ERROR"),
        (("admin", "token", "nobody@predictu.com"), "NOT_FOUND"),
        (("worker", "--lease-seconds", "5", "--timeout-ms", "10000"), "VALIDATION_ERROR"),
        (("serve", "--concurrency", "0"), "VALIDATION_ERROR"),
        (("simulate", "--seconds", "-1"), "VALIDATION_ERROR"),
        (("simulate", "--rate", "0"), "VALIDATION_ERROR"),
        (("simulate", "--rate", "fast"), "VALIDATION_ERROR"),
        (("simulate", "--seconds", "1"), "NOT_FOUND"),
    ],
)
def test_failures_print_one_coded_line_and_exit_1(env, args, code):
    result = invoke(*args, env=env)

    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {code}: ")
    assert "Traceback" not in result.stderr


def test_creating_an_existing_admin_is_refused(env):
    invoke("admin", "create", "ana@predictu.com", env=env)
    result = invoke("admin", "create", "ana@predictu.com", env=env)
    assert (result.returncode, result.stderr.split(":")[1].strip()) == (1, "ADMIN_EXISTS")


def test_audit_verify_reports_ok_then_the_first_broken_row(env, database_url):
    invoke("admin", "create", "ana@predictu.com", env=env)
    ok = invoke("audit", "verify", env=env)
    assert (ok.returncode, ok.stdout.strip()) == (0, "ok: 2 audit rows, chain intact")

    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            update(AuditEntry).where(AuditEntry.seq == 1).values(actor_email="x@y.z")
        )
    engine.dispose()

    broken = invoke("audit", "verify", env=env)
    assert broken.returncode == 1
    assert "broken at row 1" in broken.stderr


def test_audit_verify_names_a_master_key_that_is_not_the_chains(env):
    invoke("admin", "create", "ana@predictu.com", env=env)
    other = {**env, "PREDICTU_MASTER_KEY": base64.b64encode(bytes(32)).decode()}

    broken = invoke("audit", "verify", env=other)
    assert broken.returncode == 1
    assert broken.stderr.startswith("broken: the audit key does not match")


def test_an_unreachable_database_is_a_clear_error(tmp_path):
    env = {**os.environ, "PREDICTU_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}

    result = invoke("db", "upgrade", env=env)

    assert result.returncode == 1
    assert result.stderr.startswith("error: DATABASE_ERROR: ")
    assert "Traceback" not in result.stderr


@pytest.fixture(params=[MODULE, CONSOLE_SCRIPT], ids=["module", "script"])
def started(request, tmp_path):
    """`predictu-console ARGS` as a real process, started each way a user starts it, in a new
    data directory: everything else runs in-process."""
    env = {**os.environ, "PREDICTU_HOME": str(tmp_path / "fresh")}
    env.pop("PREDICTU_DATABASE_URL", None)
    return lambda *args: run(*args, env=env, entry=request.param)


def test_help_lists_every_command(started):
    result = started("--help")
    assert result.returncode == 0
    for command in ("serve", "worker", "demo", "admin", "audit", "stats", "invoices", "db", "--as"):
        assert command in result.stdout


def test_a_refusal_is_one_coded_line_and_exit_1(started):
    result = started("simulate", "--rate", "0")

    assert result.returncode == 1
    assert result.stderr == "error: VALIDATION_ERROR: --rate must be more than 0\n"


def test_db_upgrade_creates_the_default_sqlite_database(started, tmp_path):
    result = started("db", "upgrade")

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fresh" / "predictu.db").exists()
    assert "database is up to date" in result.stdout


# Runs the real `main`, then names every module it imported after a marker line.
_MODULES_IMPORTED = """
import sys
from predictu_console.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("-- modules --", *sorted(sys.modules), sep="\\n")
"""

# What a user waits for if the parser loads it: the database, the models, the console, the API.
_HEAVY = {
    "alembic",
    "cryptography",
    "email_validator",
    "fastapi",
    "httpx",
    "pydantic",
    "pydantic_settings",
    "rich",
    "sqlalchemy",
    "starlette",
    "textual",
    "uvicorn",
}


def _run_listing_modules(
    *args: str, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    result = run(*args, env=env, entry=(sys.executable, "-c", _MODULES_IMPORTED))
    assert result.returncode == 0, result.stderr
    return result, set(result.stdout.split("-- modules --\n")[1].split())


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("--no-such-option",),
        ("no-such-command",),
        ("admin", "token"),
        ("callbacks", "test", "--help"),
        ("markets", "list", "--help"),
    ],
)
def test_help_and_argument_errors_import_nothing_heavy(env, args):
    result, modules = _run_listing_modules(*args, env=env)

    assert "usage: predictu-console" in result.stdout + result.stderr
    assert {name.partition(".")[0] for name in modules} & _HEAVY == set()
    assert {name for name in modules if name.startswith("predictu_console")} <= {
        "predictu_console",
        "predictu_console.cli",
        "predictu_console.core",
        "predictu_console.core.callbacks",
        "predictu_console.core.callbacks.event_types",
    }


def test_a_command_on_a_current_database_never_loads_alembic(env):
    result, modules = _run_listing_modules("db", "upgrade", env=env)

    assert result.stdout.startswith("database is up to date")
    assert "alembic" not in modules


@pytest.mark.slow
def test_serve_answers_the_operator_api_over_http(env, tmp_path):
    token = invoke("admin", "create", "ana@predictu.com", env=env).stdout.strip().splitlines()[-1]
    port = free_port()
    log = tmp_path / "serve.log"
    server = start("serve", "--port", str(port), env=env, log=log)
    base = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: answers(f"{base}/healthz"), timeout=20, process=server, log=log)
        auth = {"Authorization": f"Bearer {token}"}
        created = httpx.post(
            f"{base}/api/s2s/operators",
            headers=auth,
            json={
                "name": "LuckySpin",
                "domain": "luckyspin.io",
                "contact_email": "admin@luckyspin.io",
                "revenue_share_predictu": 25,
            },
        )
        assert created.status_code == 201
        operator_id = created.json()["operator"]["id"]
        patched = httpx.patch(
            f"{base}/api/s2s/operators/{operator_id}",
            headers=auth,
            json={"revenue_share_predictu": 30},
        )
        assert patched.json()["changes"] == {"revenue_share_predictu": {"from": 25, "to": 30}}
        listed = httpx.get(f"{base}/api/s2s/operators", headers=auth, params={"search": "lucky"})
        assert [row["id"] for row in listed.json()["operators"]] == [operator_id]
        assert httpx.get(f"{base}/api/s2s/operators").status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=10)


def _parse_summary(stdout: str) -> dict[str, list[str]]:
    lines = stdout.strip().splitlines()
    header, rule = lines[0], lines[1]
    spans, start = [], 0
    for dashes in rule.split("  "):
        spans.append((start, start + len(dashes)))
        start += len(dashes) + 2
    names = [header[a:b].strip() for a, b in spans]
    rows = {}
    for line in lines[2:-1]:
        cells = [line[a:b].strip() for a, b in spans]
        rows[cells[0]] = dict(zip(names, cells, strict=True))
    return rows


@pytest.mark.slow
def test_demo_prints_a_summary_that_matches_the_raw_rows(env, database_url):
    result = invoke("demo", "--no-tui", env=env)

    assert result.returncode == 0, result.stderr
    assert "seeded 12 of 12 demo operators" in result.stderr
    assert "sk_live_" not in result.stdout + result.stderr  # demo secrets are never printed
    assert "simulated in-process" in result.stderr
    table = _parse_summary(result.stdout)
    assert {"Example Casino", "LuckySpin"} <= set(table)
    assert table["LuckySpin"]["Status"] == "onboarding"
    engine = make_engine(database_url)
    with Session(engine) as session:
        raw = raw_stats(session, datetime.now(UTC))
    engine.dispose()
    for name, row in table.items():
        assert int(row["Users"].replace(",", "")) == raw[name]["users"], name
        assert Decimal(row["Volume"].replace(",", "")) == raw[name]["volume"], name
        assert Decimal(row["MTD revenue"].replace(",", "")) == raw[name]["mtd"], name
        assert int(row["Active 24h"].replace(",", "")) == raw[name]["active_24h"], name

    again = invoke("demo", "--no-tui", env=env)
    assert "seeded 0 of 12" in again.stderr
    assert _parse_summary(again.stdout) == table


@pytest.mark.slow
def test_demo_with_generated_operators_says_they_were_set_up_in_bulk_and_verifies(env):
    result = invoke("demo", "--no-tui", "--operators", "40", env=env)

    assert result.returncode == 0, result.stderr
    assert "seeded 40 of 40 demo operators" in result.stderr
    assert "set up in bulk" in result.stderr and "no PING or callback" in result.stderr
    assert "sk_live_" not in result.stdout + result.stderr
    assert invoke("stats", "verify", env=env).stdout.startswith("ok")
    assert invoke("audit", "verify", env=env).stdout.startswith("ok")


@pytest.mark.slow
def test_demo_logs_its_progress_as_it_goes_when_stderr_is_not_a_terminal(env):
    """In a log or a pipe the bar cannot be redrawn: a line says each tenth passed, the cast's
    batch included, not only the end."""
    result = invoke("demo", "--no-tui", "--operators", "112", env=env)

    assert result.returncode == 0, result.stderr
    progress = [line for line in result.stderr.splitlines() if line.startswith("seeding")]
    assert progress == ["seeding operators 12/112", "seeding operators 112/112"]


@pytest.mark.slow
def test_simulate_moves_the_numbers_and_stops_with_a_summary(env):
    assert invoke("demo", "--no-tui", env=env).returncode == 0
    before = _parse_summary(invoke("demo", "--no-tui", env=env).stdout)

    result = invoke("simulate", "--seconds", "2", "--rate", "10", env=env)

    assert result.returncode == 0, result.stderr
    assert "simulated in-process" in result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert " actions (" in last and "callbacks: " in last and "delivered" in last
    after = _parse_summary(invoke("demo", "--no-tui", env=env).stdout)
    assert after != before
    assert invoke("stats", "verify", env=env).stdout.startswith("ok")


def test_stats_verify_finds_injected_drift(env, database_url):
    assert invoke("demo", "--no-tui", env=env).returncode == 0
    assert invoke("stats", "verify", env=env).stdout.startswith("ok")

    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            update(OperatorStats)
            .where(
                OperatorStats.operator_id
                == select(Operator.id).where(Operator.name == "LuckySpin").scalar_subquery()
            )
            .values(user_count=OperatorStats.user_count + 3)
        )
    engine.dispose()

    result = invoke("stats", "verify", env=env)
    assert result.returncode == 1
    assert "user_count: stored 3, recomputed 0" in result.stderr


def test_invoices_close_is_idempotent_and_refuses_open_months(env):
    assert invoke("demo", "--no-tui", env=env).returncode == 0
    closed = invoke("invoices", "close", env=env)
    assert closed.returncode == 0 and "0 invoices created" in closed.stdout

    this_month = datetime.now(UTC).strftime("%Y-%m")
    refused = invoke("invoices", "close", "--month", this_month, env=env)
    assert refused.returncode == 1
    assert "not over yet" in refused.stderr


@pytest.fixture
def no_screen(monkeypatch):
    """The console as `main` starts it, exiting 3 if it would be drawn at all: in a test's
    process a console that started would wait for keys that never come."""
    from predictu_console.tui import app

    def drawn(*args, **kwargs):
        raise SystemExit(3)

    monkeypatch.setattr(app, "make_tui", drawn)


def test_acting_as_an_unknown_admin_fails_before_the_console_starts(env, no_screen):
    result = invoke("--as", "ghost@predictu.com", env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("error: NOT_FOUND: ")


def test_the_console_refuses_an_operator_admin_before_drawing_anything(env, no_screen):
    created = invoke("admin", "create", "ops@casino.com", "--role", "operator_admin", env=env)
    assert created.returncode == 0, created.stderr

    result = invoke("--as", "ops@casino.com", env=env)

    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(
        "error: FORBIDDEN: The console is restricted to God Mode admins"
    )
    assert len(result.stderr.strip().splitlines()) == 1


def test_admin_revoke_stops_that_admins_tokens_at_the_api(env, settings, session_factory):
    from fastapi.testclient import TestClient

    from predictu_console.api.app import create_app

    def last_line(result):
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]

    first = last_line(invoke("admin", "create", "ana@predictu.com", env=env))
    second = last_line(invoke("admin", "token", "ana@predictu.com", env=env))
    others = last_line(invoke("admin", "create", "bob@predictu.com", env=env))

    revoked = invoke("admin", "revoke", "ANA@predictu.com", env=env)

    assert revoked.returncode == 0, revoked.stderr
    assert revoked.stdout.strip() == "revoked 2 session tokens of ana@predictu.com"
    with TestClient(create_app(settings, session_factory=session_factory)) as client:

        def status(token):
            headers = {"Authorization": f"Bearer {token}"}
            return client.get("/api/s2s/operators", headers=headers).status_code

        assert [status(first), status(second), status(others)] == [401, 401, 200]


def test_admin_revoke_of_an_unknown_admin_is_not_found(env):
    result = invoke("admin", "revoke", "nobody@predictu.com", env=env)

    assert result.returncode == 1
    assert result.stderr.startswith("error: NOT_FOUND: ")
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_one_line_without_library_text(tmp_path):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    env = {**os.environ, "PREDICTU_HOME": str(tmp_path), "PREDICTU_DATABASE_URL": url}

    result = invoke("admin", "token", "ana@predictu.com", env=env)

    assert result.returncode == 1
    assert result.stderr.startswith(
        "error: DATABASE_ERROR: The database server cannot be reached: check that it is running "
        "and the database URL (connection failed: "
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert "sqlalche" not in result.stderr.lower()


# A new user's mistakes: each is one line, `error: CODE: message`, on stderr and exit 1.


@pytest.fixture
def user_home(monkeypatch, tmp_path):
    """An environment with no PREDICTU_* variables but the data directory."""
    for name in [name for name in os.environ if name.startswith("PREDICTU_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PREDICTU_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _refusal(capsys, argv, code):
    status = main(argv)

    output = capsys.readouterr()
    assert (status, output.out) == (1, "")
    assert output.err.startswith(f"error: {code}: ")
    assert output.err.count("\n") == 1 and output.err.endswith("\n")
    return output.err


def _one_line_refusal(result, code):
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {code}: ")
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["simulate", "--rate", "0"], "--rate must be more than 0"),
        (["simulate", "--seconds", "1e9"], "--seconds must be at most 86400"),
        (
            ["worker", "--lease-seconds", "5", "--timeout-ms", "10000"],
            "--lease-seconds must be at least twice the timeout (20 s)",
        ),
        (
            ["admin", "create", "ana@localhost"],
            "EMAIL is not a valid email address (the part after the @-sign is not valid; "
            "it should have a period)",
        ),
    ],
)
def test_a_refused_value_is_named_by_the_argument_it_was_typed_as(user_home, capsys, argv, said):
    assert _refusal(capsys, argv, "VALIDATION_ERROR") == f"error: VALIDATION_ERROR: {said}\n"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["serve", "--concurrency", "x"],
            "argument --concurrency: must be a whole number, not 'x'",
        ),
        (["serve", "--poll-seconds", "x"], "argument --poll-seconds: must be a number, not 'x'"),
        (["demo", "--operators", "x"], "argument --operators: must be a whole number, not 'x'"),
    ],
)
def test_a_malformed_number_argument_is_refused_without_python_type_names(capsys, argv, said):
    with pytest.raises(SystemExit):
        main(argv)

    assert capsys.readouterr().err.endswith(f"error: {said}\n")


def test_a_malformed_number_variable_is_a_config_error_naming_it(user_home):
    env = {**os.environ, "PREDICTU_HOME": str(user_home), "PREDICTU_TOKEN_TTL_DAYS": "abc"}
    env.pop("PREDICTU_DATABASE_URL", None)

    line = _one_line_refusal(invoke("db", "upgrade", env=env), "CONFIG_ERROR")

    assert "PREDICTU_TOKEN_TTL_DAYS must be a whole number (it is 'abc')" in line


def test_a_malformed_switch_variable_is_a_config_error_naming_it(user_home, monkeypatch, capsys):
    monkeypatch.setenv("PREDICTU_RATE_LIMITS", "maybe")

    assert "PREDICTU_RATE_LIMITS must be 1 or 0" in _refusal(
        capsys, ["db", "upgrade"], "CONFIG_ERROR"
    )


def test_a_data_directory_that_is_a_file_is_a_config_error(user_home, capsys):
    user_home.write_text("")

    line = _refusal(capsys, ["db", "upgrade"], "CONFIG_ERROR")

    assert f"The data directory {user_home} is a file, not a directory" in line


def test_a_data_directory_under_a_file_is_a_config_error(user_home, monkeypatch, capsys):
    user_home.write_text("")
    monkeypatch.setenv("PREDICTU_HOME", str(user_home / "data"))

    line = _refusal(capsys, ["db", "upgrade"], "CONFIG_ERROR")

    assert f"The data directory {user_home / 'data'} cannot be created" in line


def test_a_data_directory_without_write_permission_is_a_config_error(capsys):
    with tempfile.TemporaryDirectory() as directory:
        home = Path(directory) / "home"
        home.mkdir(mode=0o755)
        Path(directory).chmod(0o755)
        home.chmod(0o555)
        with without_root(), pytest.MonkeyPatch.context() as patch:
            patch.setenv("PREDICTU_HOME", str(home))
            line = _refusal(capsys, ["db", "upgrade"], "CONFIG_ERROR")

    assert f"The data directory {home} is not writable by this user" in line


@pytest.mark.parametrize("url", ["mysql://x/y", "foo://", "not a url"])
def test_an_unsupported_database_url_is_a_config_error(user_home, capsys, url):
    line = _refusal(capsys, ["--database-url", url, "db", "upgrade"], "CONFIG_ERROR")

    assert "use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB" in line


def test_postgresql_without_its_driver_is_one_line_naming_the_extra(user_home, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the extra were not installed
    url = "postgresql+psycopg://postgres@127.0.0.1/predictu"
    line = _refusal(capsys, ["--database-url", url, "db", "upgrade"], "CONFIG_ERROR")

    assert "install it with: pip install 'predictu-console[postgres]'" in line


def test_redis_without_its_driver_is_one_line_naming_the_extra(user_home, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)
    monkeypatch.setenv("PREDICTU_RATE_LIMIT_STORAGE", "redis://127.0.0.1:6379/0")
    line = _refusal(capsys, ["db", "upgrade"], "CONFIG_ERROR")

    assert "install it with: pip install 'predictu-console[redis]'" in line


def test_an_empty_master_key_file_is_a_master_key_error_naming_it(user_home, capsys):
    user_home.mkdir(mode=0o700)
    (user_home / "master.key").touch(mode=0o600)

    line = _refusal(capsys, ["worker"], "MASTER_KEY_ERROR")

    assert f"The master key file {user_home / 'master.key'} does not hold a key" in line


def test_a_database_file_in_a_missing_directory_is_a_database_error(user_home, tmp_path, capsys):
    missing = tmp_path / "missing" / "predictu.db"

    line = _refusal(
        capsys, ["--database-url", f"sqlite:///{missing}", "db", "upgrade"], "DATABASE_ERROR"
    )

    assert f"The database file {missing} cannot be created" in line


@pytest.mark.parametrize(
    ("event", "path", "code"), [("TRADE_PLACED", "/ok", 0), ("PING", "/error", 1)]
)
def test_callbacks_test_prints_the_result_as_the_api_does_and_exits_1_on_failure(
    env, settings, session_factory, god, clock, receiver, event, path, code
):
    operator_id, secret = keyed_operator(
        session_factory, god, clock, callback_url=f"{receiver.url}{path}"
    )
    env = {
        **env,
        "PREDICTU_MASTER_KEY": settings.master_key.get_secret_value(),
        "PREDICTU_CALLBACK_CA_BUNDLE": str(receiver.ca_file),
        "PREDICTU_CALLBACK_ALLOW_PRIVATE": "1",
    }

    result = invoke("--as", god.email, "callbacks", "test", operator_id, "--event", event, env=env)

    assert result.returncode == code, result.stderr
    printed = json.loads(result.stdout)
    assert printed["success"] is (code == 0)
    assert printed["test_result"]["callback_url"] == f"{receiver.url}{path}"
    [sent] = receiver.requests
    assert sent["headers"]["X-Predictu-Event"] == event
    assert json.loads(sent["body"])["test"] is True


def test_callbacks_test_of_an_unknown_event_is_one_validation_line(env):
    result = invoke("callbacks", "test", "op_nothing", "--event", "TRADE_CANCELLED", env=env)

    assert result.returncode == 1
    assert result.stderr.startswith("error: VALIDATION_ERROR: ")
    assert "event" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.fixture
def as_god(env, settings, god):
    """`predictu-console --as god@…` with the tests' master key, as one callable."""
    keyed = {**env, "PREDICTU_MASTER_KEY": settings.master_key.get_secret_value()}
    return lambda *args: invoke("--as", god.email, *args, env=keyed)


def test_markets_create_list_and_resolve_as_the_console_admin(as_god, session_factory, god, clock):
    created = as_god("markets", "create", "Final: A beats B?", "--category", "sports")
    assert created.returncode == 0, created.stderr
    market_id = created.stdout.split()[1]
    assert created.stdout.strip() == f"created {market_id} [sports, open] Final: A beats B?"
    operator = active_operator(session_factory, god, clock, allowed_categories=["sports"])
    player_id = funded_player(session_factory, clock, operator.id, "p-1")
    buy(session_factory, clock, player_id, market_id, price="0.50")

    listed = as_god("markets", "list", "--status", "open")
    resolved = as_god("markets", "resolve", market_id, "--outcome", "yes")
    after = as_god("markets", "list", "--status", "resolved")

    assert listed.returncode == resolved.returncode == after.returncode == 0, resolved.stderr
    header, row, footer = listed.stdout.strip().splitlines()
    assert header.split() == ["ID", "CATEGORY", "STATUS", "OUTCOME", "CREATED", "(UTC)", "TITLE"]
    assert row.split()[:4] == [market_id, "sports", "open", "-"]
    assert footer == "markets 1–1 of 1"
    assert resolved.stdout.strip().endswith("1 positions settled, 1 operators affected")
    assert after.stdout.splitlines()[1].split()[:4] == [market_id, "sports", "resolved", "yes"]
    with session_scope(session_factory, write=False) as session:
        actors = session.scalars(
            select(AuditEntry.actor_email).where(AuditEntry.action.like("market.%"))
        ).all()
    assert actors == [god.email, god.email]


def test_players_list_and_restrict_as_the_console_admin(as_god, session_factory, god, clock):
    operator = active_operator(session_factory, god, clock)
    player_id = funded_player(session_factory, clock, operator.id, "p-1", amount=250)

    restricted = as_god("players", "restrict", operator.id, "p-1", "--reason", "Fraud ring")
    listed = as_god("players", "list", operator.id)

    assert restricted.returncode == 0, restricted.stderr
    assert restricted.stdout.strip() == (
        f"p-1 ({player_id}): restricted (manual, score 0.00: Fraud ring)"
    )
    assert listed.returncode == 0, listed.stderr
    header, row, footer = listed.stdout.strip().splitlines()
    assert header.split()[:6] == ["PLAYER", "ID", "STATUS", "BALANCE", "TRADES", "VOLUME"]
    assert row.split()[:6] == ["p-1", player_id, "restricted", "250.00", "0", "0.00"]
    assert footer == "players 1–1 of 1"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("markets", "create", "Fine title", "--category", "chess"), "VALIDATION_ERROR"),
        (("markets", "create", "ab", "--category", "sports"), "VALIDATION_ERROR"),
        (("markets", "list", "--status", "closed"), "VALIDATION_ERROR"),
        (("markets", "list", "--limit", "many"), "VALIDATION_ERROR"),
        (("markets", "resolve", "mkt_nothing", "--outcome", "maybe"), "VALIDATION_ERROR"),
        (("markets", "resolve", "mkt_nothing", "--outcome", "yes"), "NOT_FOUND"),
        (("players", "list", "op_nothing"), "NOT_FOUND"),
        (("players", "restrict", "op_nothing", "p-1", "--reason", "Fraud"), "NOT_FOUND"),
        (("players", "restrict", "op_nothing", "p-1", "--reason", " "), "VALIDATION_ERROR"),
    ],
)
def test_market_and_player_mistakes_are_one_line(as_god, args, code):
    _one_line_refusal(as_god(*args), code)


def test_resolving_a_resolved_market_is_one_market_closed_line(as_god):
    market_id = as_god("markets", "create", "Derby winner", "--category", "sports").stdout.split()[
        1
    ]
    assert as_god("markets", "resolve", market_id, "--outcome", "no").returncode == 0

    _one_line_refusal(as_god("markets", "resolve", market_id, "--outcome", "yes"), "MARKET_CLOSED")
