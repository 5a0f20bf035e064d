"""The test databases: built once per test run (or xdist worker), handed out per test by copy.

Migrating, seeding the demo and PostgreSQL's TRUNCATE each cost a test far more than copying:
an SQLite test gets a copy of a migrated (or demo-seeded) file; PostgreSQL tests share one
private schema per run and worker, emptied with DELETE (TRUNCATE took 0.4-0.8 s a test on a
loaded 2-core machine, DELETE of the few rows a test leaves 10-30 ms) and, for the console's
tests, refilled from a demo schema seeded once, by INSERT … SELECT. Their connections do not
wait for each commit's WAL flush.
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from predictu_console.core import ids
from predictu_console.core.clock import Clock
from predictu_console.core.models import Actor
from predictu_console.db.base import Base
from predictu_console.db.migrate import upgrade
from predictu_console.db.session import engine_of, make_engine, make_session_factory
from predictu_console.settings import Settings
from tests.factories import TEST_MASTER_KEY
from tests.tui.screens import demo_gateway, seeded_ids

PG_URL = os.environ.get("PREDICTU_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
"""Every database test runs on each: SQLite always, PostgreSQL when configured."""

DEMO_IDS_SEED = 42
"""The seed of the ids the demo is made with: the same screens and ids on every run."""


@dataclass(frozen=True)
class Demo:
    """What a test on the demo needs besides its copy: who seeded it, and the ids to come."""

    actor: Actor
    ids_state: Any
    """`random.Random` state just after seeding: a test's new ids continue the demo's."""

    def ids(self) -> Callable[[int], str]:
        """A stand-in for `ids.random_base62` that goes on where seeding the demo stopped."""
        rng = random.Random()
        rng.setstate(self.ids_state)
        return seeded_ids(rng)


def kind_of(url: str) -> str:
    """`sqlite` or `postgresql`: the backend a database URL names."""
    return make_url(url).get_backend_name()


def settings_for(url: str, home: Path) -> Settings:
    """Settings of the tests: `url`, the test master key, and no rate limits (they have their
    own tests; elsewhere they would only make tests wait)."""
    return Settings(home=home, database_url=url, rate_limits=False, master_key=TEST_MASTER_KEY)


class Databases:
    """This run's test databases, each made the first time a test asks for it."""

    def __init__(self, root: Path, postgres_url: str | None) -> None:
        self._root = root
        self._postgres_url = postgres_url
        self._schemas: dict[str, tuple[str, Engine]] = {}
        self._sqlite: dict[str, Path] = {}
        self._demos: dict[str, Demo] = {}
        self._unmigrated: set[str] = set()

    def sqlite_template(self) -> Path:
        """A migrated, empty SQLite file, to copy."""
        if "empty" not in self._sqlite:
            path = self._root / "empty.db"
            engine = make_engine(f"sqlite:///{path}")
            upgrade(engine)
            engine.dispose()
            self._sqlite["empty"] = path
        return self._sqlite["empty"]

    def empty(self, kind: str, tmp_path: Path) -> str:
        """The URL of an empty, migrated database of `kind` for one test."""
        if kind == "sqlite":
            return _copied(self.sqlite_template(), tmp_path)
        url, engine = self._schema("main")
        _delete_all(engine)
        return url

    def unmigrated(self, kind: str, tmp_path: Path) -> str:
        """The URL of a database of `kind` that no migration has touched yet, for one test."""
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / 'predictu.db'}"
        name = self._schema_name("unmigrated")
        self._unmigrated.add(name)
        return self._fresh_schema(name)

    def demo(self, kind: str, tmp_path: Path, clock: Clock) -> str:
        """The URL of a database of `kind` holding the demo seeded at `clock`'s moment, for
        one test; `demo_of` tells who seeded it."""
        if kind == "sqlite":
            if "demo" not in self._sqlite:
                path = self._root / "demo.db"
                shutil.copyfile(self.sqlite_template(), path)
                self._demos[kind] = self._seed(f"sqlite:///{path}", clock)
                self._sqlite["demo"] = path
            return _copied(self._sqlite["demo"], tmp_path)
        if kind not in self._demos:
            demo_url, _ = self._schema("demo")
            self._demos[kind] = self._seed(demo_url, clock)
        url, engine = self._schema("main")
        _copy_schema(engine, self._schema_name("demo"))
        return url

    def demo_of(self, url: str) -> Demo:
        """Who seeded the demo a `demo` URL holds, and the ids to continue with."""
        return self._demos[kind_of(url)]

    def close(self) -> None:
        """Drop the PostgreSQL schemas this run made."""
        if not (self._schemas or self._unmigrated) or self._postgres_url is None:
            return
        for _, engine in self._schemas.values():
            engine.dispose()
        names = {self._schema_name(role) for role in self._schemas} | self._unmigrated
        admin = make_engine(self._postgres_url)
        with admin.begin() as connection:
            for name in names:
                connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()

    def _seed(self, url: str, clock: Clock) -> Demo:
        rng = random.Random(DEMO_IDS_SEED)
        factory = make_session_factory(settings_for(url, self._root / "home"))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(ids, "random_base62", seeded_ids(rng))
            actor = demo_gateway(factory, clock).actor
        engine_of(factory).dispose()
        return Demo(actor=actor, ids_state=rng.getstate())

    def _schema_name(self, role: str) -> str:
        # One per process: xdist workers and concurrent runs never share a schema.
        return f"predictu_test_{os.getpid()}_{role}"

    def _fresh_schema(self, name: str) -> str:
        """The URL of PostgreSQL schema `name`, made anew and empty."""
        assert self._postgres_url, "PREDICTU_TEST_DATABASE_URL is not set"
        admin = make_engine(self._postgres_url)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
        admin.dispose()
        # Not waiting for each commit's WAL flush cut a commit from 14 to 4 ms here; a
        # crash loses nothing a test needs.
        options = {"options": f"-csearch_path={name} -csynchronous_commit=off"}
        url = make_url(self._postgres_url).update_query_dict(options)
        return url.render_as_string(hide_password=False)

    def _schema(self, role: str) -> tuple[str, Engine]:
        """A private, migrated PostgreSQL schema, and an engine on it."""
        if role not in self._schemas:
            rendered = self._fresh_schema(self._schema_name(role))
            engine = make_engine(rendered)
            upgrade(engine)
            self._schemas[role] = (rendered, engine)
        return self._schemas[role]


@contextmanager
def run_databases(root: Path, postgres_url: str | None) -> Iterator[Databases]:
    """The run's databases, their PostgreSQL schemas dropped at the end."""
    databases = Databases(root, postgres_url)
    try:
        yield databases
    finally:
        databases.close()


def _copied(template: Path, tmp_path: Path) -> str:
    path = tmp_path / "predictu.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


_TABLES = Base.metadata.sorted_tables
_DELETE_ALL = "; ".join(f'DELETE FROM "{table.name}"' for table in reversed(_TABLES))


def _delete_all(engine: Engine) -> None:
    """Empty every table, children first, in one round trip."""
    with engine.begin() as connection:
        connection.exec_driver_sql(_DELETE_ALL)


def _copy_schema(engine: Engine, template: str) -> None:
    """Make the engine's schema hold exactly what the `template` schema holds."""
    statements = [_DELETE_ALL]
    for table in _TABLES:
        statements.append(f'INSERT INTO "{table.name}" SELECT * FROM "{template}"."{table.name}"')
        serial = table.autoincrement_column
        if serial is not None:
            # Copied ids must not be handed out again by the sequence.
            statements.append(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{serial.name}'), "
                f'COALESCE(MAX("{serial.name}"), 0) + 1, false) FROM "{table.name}"'
            )
    with engine.begin() as connection:
        connection.exec_driver_sql("; ".join(statements))
