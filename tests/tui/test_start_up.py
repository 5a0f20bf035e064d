"""Starting the console: one read of the first page, and a start-up the collector skips."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import pytest

from predictu_console import cli
from predictu_console.db.session import engine_of
from predictu_console.tui.app import PredictuApp, make_tui
from predictu_console.tui.gateway import Gateway
from tests.databases import BACKENDS
from tests.tui.screens import SIZE, settle, table_names


async def test_the_first_page_is_read_once(console, monkeypatch):
    reads = []
    read = Gateway.list_operators

    def counted(gateway, listing):
        reads.append(listing)
        return read(gateway, listing)

    monkeypatch.setattr(Gateway, "list_operators", counted)
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(table_names(console)) == 12
    assert len(reads) == 1


@pytest.mark.parametrize("freeze", [True, False], ids=["cli", "embedded"])
async def test_only_the_clis_console_freezes_its_start_up_for_the_collector(gateway, freeze):
    frozen = gc.get_freeze_count()
    console = make_tui(gateway, poll_seconds=3600, freeze_start_up=freeze)
    try:
        async with console.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert (gc.get_freeze_count() > frozen) is freeze
    finally:
        gc.unfreeze()  # this process runs many consoles: let the collector have them back


@pytest.mark.parametrize("kind", BACKENDS)
def test_the_console_the_cli_starts_is_the_one_that_freezes(databases, kind, tmp_path, monkeypatch):
    # An empty database, not the demo the other console tests get: the CLI makes its admin.
    database_url = databases.empty(kind, tmp_path)
    started = []

    def run(app: PredictuApp) -> None:
        started.append(app.freeze_start_up)
        engine_of(app.gateway.factory).dispose()  # the CLI's process would end here

    monkeypatch.setattr(PredictuApp, "run", run)
    monkeypatch.setenv("PREDICTU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PREDICTU_DATABASE_URL", database_url)
    assert cli.main([]) == 0
    assert started == [True]


# The real `main`, running the console headless until its first page is shown, then naming
# every module the process imported.
_FIRST_PAGE_THEN_MODULES = """
import asyncio
import sys

from predictu_console import cli
from predictu_console.tui.app import PredictuApp


def run(app):
    async def first_page():
        async with app.run_test(size=(160, 48)) as pilot:
            while app.screen.page is None:
                await pilot.pause(0.01)

    asyncio.run(first_page())


PredictuApp.run = run
assert cli.main([]) == 0
print(*sorted(sys.modules), sep="\\n")
"""

# What the console's first page never needs: the API, Alembic on a current database, the
# HTTP client (until something is sent) and the email validator (until an address is typed).
_NOT_FOR_THE_FIRST_PAGE = {
    "alembic",
    "email_validator",
    "fastapi",
    "httpcore",
    "httpx",
    "starlette",
    "uvicorn",
}


@pytest.mark.parametrize("kind", BACKENDS)
def test_the_console_shows_its_first_page_without_the_api_alembic_or_http(
    databases, kind, tmp_path
):
    database_url = databases.empty(kind, tmp_path)
    env = {
        **os.environ,
        "PREDICTU_HOME": str(tmp_path / "home"),
        "PREDICTU_DATABASE_URL": database_url,
    }
    # The first start creates the OS user's admin, checking its address; later starts read it.
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-c", _FIRST_PAGE_THEN_MODULES],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr

    imported = {name.partition(".")[0] for name in result.stdout.split()}
    assert imported & _NOT_FOR_THE_FIRST_PAGE == set()
    assert "predictu_console.tui.screens.operator_detail" not in result.stdout.split()
