"""Shared fixtures: every database test runs on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from predictu_console.core.clock import FrozenClock
from predictu_console.core.models import Actor
from predictu_console.db.session import SessionFactory, engine_of
from predictu_console.db.session import make_session_factory as _make_session_factory
from predictu_console.settings import Settings
from tests.databases import BACKENDS, PG_URL, Databases, run_databases, settings_for
from tests.factories import actor_for_new_admin
from tests.receivers import Receiver, https_receiver


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Two workers a core for `-n auto`: a console test waits on its app about half the time
    (Pilot's pauses, Textual workers), and a second worker fills the core meanwhile. 68
    console tests on 2 cores: 181 s with two workers, 128 s with four, for 9 % more CPU."""
    return 2 * len(os.sched_getaffinity(0))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first, the rest in their order: xdist hands tests out in this order, and a
    35-second browser test handed out last kept one worker busy after the others had stopped.
    No fixture here is scoped to a module, so moving a module's tests apart costs nothing."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Spare the collector what lives all run long, and most of its rounds.

    Textual's short-lived objects set off a collection every 700 allocations, and the full
    ones walked every imported module again. Frozen, the modules and collected tests are not
    walked; a larger first generation collects far less often, for a few megabytes more: a
    console test takes about 15 % less CPU (docs/development.md).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """This run's databases (tests/databases.py): migrated once, copied or emptied per test."""
    with run_databases(tmp_path_factory.mktemp("databases"), PG_URL) as made:
        yield made


@pytest.fixture(scope="session")
def sqlite_template(databases: Databases) -> Path:
    """A migrated SQLite file, for tests that copy it themselves."""
    return databases.sqlite_template()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, databases: Databases, tmp_path: Path) -> str:
    """An empty, migrated database of each backend."""
    return databases.empty(request.param, tmp_path)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return settings_for(database_url, tmp_path / "home")


@pytest.fixture
def session_factory(settings: Settings) -> Iterator[SessionFactory]:
    factory = _make_session_factory(settings)
    yield factory
    engine_of(factory).dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2025, 3, 18, 14, 30, tzinfo=UTC))


@pytest.fixture
def god(session_factory: SessionFactory, clock: FrozenClock) -> Actor:
    """A God Mode admin to act as."""
    return actor_for_new_admin(session_factory, clock)


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    """A real HTTPS callback receiver on loopback (tests/receivers.py)."""
    with https_receiver(tmp_path) as running:
        yield running
