"""The real console on a seeded test database (the same demo the screenshots show)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from predictu_console.core import ids
from predictu_console.core.clock import FrozenClock
from predictu_console.db.session import SessionFactory
from predictu_console.tui.app import PredictuApp, make_tui
from predictu_console.tui.gateway import Gateway
from tests.databases import BACKENDS, Databases
from tests.tui.screens import console_gateway


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `slow` every test here that runs the console: async ones drive it through Pilot,
    snapshots render it. They are half the suite's CPU, so the quick run (`-m "not slow"`)
    leaves them to the whole run, as it does processes and generated examples."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents and _runs_the_console(item):
            item.add_marker(pytest.mark.slow)


def _runs_the_console(item: pytest.Item) -> bool:
    function = getattr(item, "obj", None)
    fixtures = getattr(item, "fixturenames", ())
    return inspect.iscoroutinefunction(function) or "snap_compare" in fixtures


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, databases: Databases, tmp_path: Path, clock: FrozenClock
) -> str:
    """A copy of the demo, seeded once per run and database: seeding took a second a test."""
    return databases.demo(request.param, tmp_path, clock)


@pytest.fixture
def gateway(
    databases: Databases,
    database_url: str,
    session_factory: SessionFactory,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> Gateway:
    """The console's gateway as the admin who seeded the demo; new ids continue the demo's."""
    demo = databases.demo_of(database_url)
    monkeypatch.setattr(ids, "random_base62", demo.ids())
    return console_gateway(session_factory, demo.actor, clock)


@pytest.fixture
def console(gateway: Gateway) -> PredictuApp:
    return make_tui(gateway, poll_seconds=3600)
