"""The real console on a seeded test database (the same demo the screenshots show)."""

from __future__ import annotations

from pathlib import Path

import pytest

from predictu_console.core import ids
from predictu_console.core.clock import FrozenClock
from predictu_console.db.session import SessionFactory
from predictu_console.tui.app import PredictuApp, make_tui
from predictu_console.tui.backend import Backend
from tests.databases import BACKENDS, Databases
from tests.tui.screens import console_backend


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, databases: Databases, tmp_path: Path, clock: FrozenClock
) -> str:
    """A copy of the demo, seeded once per run and backend: seeding took a second a test."""
    return databases.demo(request.param, tmp_path, clock)


@pytest.fixture
def backend(
    databases: Databases,
    database_url: str,
    session_factory: SessionFactory,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> Backend:
    """The console's gateway as the admin who seeded the demo; new ids continue the demo's."""
    demo = databases.demo_of(database_url)
    monkeypatch.setattr(ids, "random_base62", demo.ids())
    return console_backend(session_factory, demo.actor, clock)


@pytest.fixture
def console(backend: Backend) -> PredictuApp:
    return make_tui(backend, poll_seconds=3600)
