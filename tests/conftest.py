"""Shared fixtures: every database test runs on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from predictu_console.core.clock import FrozenClock
from predictu_console.core.models import Actor
from predictu_console.db.base import Base
from predictu_console.db.migrate import upgrade
from predictu_console.db.session import SessionFactory, engine_of, make_engine
from predictu_console.db.session import make_session_factory as _make_session_factory
from predictu_console.settings import Settings
from tests.factories import TEST_MASTER_KEY, actor_for_new_admin
from tests.receivers import Receiver, https_receiver

PG_URL = os.environ.get("PREDICTU_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test: migrating once keeps the suite fast."""
    path = tmp_path_factory.mktemp("template") / "predictu.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> Iterator[str]:
    """A private, migrated schema in the test database for this run (and xdist worker)."""
    assert PG_URL, "PREDICTU_TEST_DATABASE_URL is not set"
    schema = f"predictu_test_{os.getpid()}_{worker_id}"
    admin_engine = make_engine(PG_URL)
    with admin_engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    engine = make_engine(rendered)
    upgrade(engine)
    engine.dispose()
    yield rendered
    with admin_engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin_engine.dispose()


@pytest.fixture(scope="session")
def worker_id() -> str:
    """Overridden by pytest-xdist when it runs; `main` otherwise."""
    return "main"


def _truncate_all(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "predictu.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    _truncate_all(url)
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # Rate limits have their own tests; elsewhere they would only make tests wait.
    return Settings(
        home=tmp_path / "home",
        database_url=database_url,
        rate_limits=False,
        master_key=TEST_MASTER_KEY,
    )


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
