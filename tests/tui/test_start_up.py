"""Starting the console: its first page painted before its stack is imported, one read of
the page through the core, and a start-up the collector skips."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import getpass
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from predictu_console import cli
from predictu_console.core import admins, ids
from predictu_console.db.session import engine_of, make_session_factory, session_scope
from predictu_console.tui.app import PredictuApp, Started, make_painted_tui, make_tui
from predictu_console.tui.first_paint import FILE_NAME, first_paint
from predictu_console.tui.gateway import Gateway
from predictu_console.tui.screens.operator_list import PAGE_SIZE
from tests.databases import BACKENDS, settings_for
from tests.tui.screens import SIZE, console_gateway, settle, shown_text, table_names


@pytest.fixture
def reads(monkeypatch) -> list[object]:
    """Every listing the console reads a page of through the core, as it reads them."""
    listings: list[object] = []
    read = Gateway.list_operators

    def counted(gateway, listing):
        listings.append(listing)
        return read(gateway, listing)

    monkeypatch.setattr(Gateway, "list_operators", counted)
    return listings


async def test_the_first_page_is_read_once(console, reads):
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
import contextlib
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


def _second_start(script: str, env: dict[str, str]) -> list[str]:
    """The lines `script` prints the second time it runs: the console's admin exists then."""
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.slow
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
    modules = _second_start(_FIRST_PAGE_THEN_MODULES, env)
    imported = {name.partition(".")[0] for name in modules}
    assert imported & _NOT_FOR_THE_FIRST_PAGE == set()
    assert "predictu_console.tui.screens.operator_detail" not in modules


@pytest.fixture
def painted(databases, tmp_path, clock, monkeypatch):
    """The demo in an SQLite file, the OS user ada's console admin in it, the first screen a
    CLI would paint from it, and ada's gateway."""
    url = databases.demo("sqlite", tmp_path, clock)
    monkeypatch.setattr(ids, "random_base62", databases.demo_of(url).ids())
    factory = make_session_factory(settings_for(url, tmp_path / "home"))
    with session_scope(factory) as session:
        actor = admins.console_admin(session=session, email=None, os_user="ada", clock=clock)
    first = first_paint(
        Path(url.removeprefix("sqlite:///")),
        tmp_path / "home" / FILE_NAME,
        os_user="ada",
        page_size=PAGE_SIZE,
        now=clock.now(),
    )
    assert first is not None
    yield first, console_gateway(factory, actor, clock)
    engine_of(factory).dispose()


@contextlib.asynccontextmanager
async def _on_its_first_page(painted):
    """The painted console on its first page, its gateway held back until `release` is set."""
    first, gateway = painted
    release = threading.Event()

    def start() -> Started:
        release.wait(timeout=30)
        return Started(gateway, None)

    console = make_painted_tui(first, start)
    try:
        async with console.run_test(size=SIZE) as pilot:
            await _until(pilot, lambda: table_names(console))
            yield console, pilot, release
    finally:
        release.set()
        gc.unfreeze()


async def _until(pilot, condition) -> None:
    for _ in range(500):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("the console never got there")


async def test_a_painted_console_shows_its_first_page_then_reads_it_through_the_core(
    painted, reads
):
    first, _ = painted
    async with _on_its_first_page(painted) as (console, pilot, release):
        names = table_names(console)
        # Painted before the gateway exists: the admin, the page, no sparkline yet.
        assert not console.started and reads == []
        assert console.sub_title == "ada@console.predictu.com · god_mode"
        assert names == [row.name for row in first.page.operators]
        assert str(console.screen.query_one("#operators").get_row_at(0)[-1]) == ""

        release.set()
        await _until(pilot, lambda: console.started and reads)
        await settle(pilot)
        assert table_names(console) == names
        assert len(reads) == 1
        assert str(console.screen.query_one("#operators").get_row_at(0)[-1]) != ""


async def test_a_key_pressed_while_the_console_starts_waits_for_it(painted):
    async with _on_its_first_page(painted) as (console, pilot, release):
        # Released from another thread while the key's handler waits for the start.
        threading.Timer(0.5, release.set).start()
        await pilot.press("f")
        await settle(pilot)
        assert console.started
        assert shown_text(console, "#list-state").startswith("status: active")
        statuses = console.screen.query_one("#operators").get_column("status")
        assert {str(status) for status in statuses} == {"● active"}


def test_a_painted_console_that_cannot_start_says_why_and_exits(
    painted, tmp_path, monkeypatch, capsys
):
    first, gateway = painted
    shown = []

    def run(app: PredictuApp) -> None:
        async def until_it_exits():
            async with app.run_test(size=SIZE) as pilot:
                await _until(pilot, lambda: app.return_code is not None)
                shown.append(table_names(app))

        asyncio.run(until_it_exits())

    monkeypatch.setattr(PredictuApp, "run", run)
    monkeypatch.setattr(getpass, "getuser", lambda: "ada")
    monkeypatch.setenv("PREDICTU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PREDICTU_DATABASE_URL", str(engine_of(gateway.factory).url))
    monkeypatch.setenv("PREDICTU_TOKEN_TTL_DAYS", "0")
    try:
        assert cli.main([]) == 1
    finally:
        gc.unfreeze()

    assert shown == [[row.name for row in first.page.operators]]
    assert (
        "error: CONFIG_ERROR: PREDICTU_TOKEN_TTL_DAYS must be at least 1" in capsys.readouterr().err
    )


# The real `main`, noting the modules imported when the list first shows a page.
_MODULES_AT_FIRST_PAGE = """
import asyncio
import contextlib
import sys

from predictu_console import cli
from predictu_console.tui.app import PredictuApp
from predictu_console.tui.screens.operator_list import OperatorListScreen

seen = []
show_page = OperatorListScreen.show_page


def noted(screen, *arguments):
    seen.append(sorted(sys.modules)) if not seen else None
    show_page(screen, *arguments)


def run(app):
    async def first_page():
        async with app.run_test(size=(160, 48)) as pilot:
            while not seen:
                await pilot.pause(0.01)

    asyncio.run(first_page())


OperatorListScreen.show_page = noted
PredictuApp.run = run
assert cli.main([]) == 0
print(*seen[0], sep="\\n")
"""

# What a console on a current SQLite file paints its first page without.
_NOT_BEFORE_THE_FIRST_PAGE = {
    "pydantic",
    "pydantic_settings",
    "sqlalchemy",
    "predictu_console.settings",
    "predictu_console.core.models",
}


@pytest.mark.slow
def test_the_first_page_is_painted_before_sqlalchemy_pydantic_or_the_settings_are_imported(
    databases, tmp_path
):
    env = {
        **os.environ,
        "PREDICTU_HOME": str(tmp_path / "home"),
        "PREDICTU_DATABASE_URL": databases.empty("sqlite", tmp_path),
    }
    # The first start creates the OS user's admin, the regular way; the next paints at once.
    imported = set(_second_start(_MODULES_AT_FIRST_PAGE, env))
    assert imported & _NOT_BEFORE_THE_FIRST_PAGE == set()
    assert "predictu_console.tui.app" in imported
