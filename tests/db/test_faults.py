"""The database under faults: a file deleted, replaced or read-only for a moment; a server that
ends a pooled connection. Each is refused clearly or recovered from; none needs a restart."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from threading import Barrier

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from predictu_console.core.database import database_error
from predictu_console.db.migrate import upgrade
from predictu_console.db.session import (
    SessionFactory,
    engine_of,
    make_engine,
    make_session_factory,
    session_scope,
)
from predictu_console.settings import Settings
from tests.factories import actor_for_new_admin
from tests.permissions import owned_by_the_tester, without_root

CONNECTIONS = 6


def _write(factory: SessionFactory, n: int = 1) -> None:
    with session_scope(factory) as session:
        session.execute(text("INSERT INTO note (n) VALUES (:n)"), {"n": n})


def _notes(factory: SessionFactory) -> int:
    with session_scope(factory, write=False) as session:
        return int(session.execute(text("SELECT count(*) FROM note")).scalar_one())


@contextmanager
def _sqlite_factory(home: Path) -> Iterator[tuple[Path, SessionFactory]]:
    settings = Settings(home=home)
    factory = make_session_factory(settings)
    with session_scope(factory) as session:
        session.execute(text("CREATE TABLE note (n INTEGER NOT NULL)"))
    try:
        yield settings.data_dir / "predictu.db", factory
    finally:
        engine_of(factory).dispose()


def _refusal(factory: SessionFactory) -> str:
    with pytest.raises(SQLAlchemyError) as refused:
        _write(factory)
    error = database_error(refused.value)
    return f"{error.code}: {error.message}"


def test_a_database_file_deleted_under_a_running_process_is_refused_not_recreated(tmp_path):
    with _sqlite_factory(tmp_path / "home") as (path, factory):
        _write(factory)
        path.unlink()

        first, again = _refusal(factory), _refusal(factory)

        assert first == again
        assert first.startswith(f"DATABASE_UNAVAILABLE: The database file {path} was deleted")
        assert not path.exists()


def test_a_database_file_replaced_under_a_running_process_is_refused(tmp_path):
    with _sqlite_factory(tmp_path / "home") as (path, factory):
        _write(factory)
        shutil.copyfile(path, tmp_path / "copy.db")
        os.replace(tmp_path / "copy.db", path)

        assert _refusal(factory).startswith(
            f"DATABASE_UNAVAILABLE: The database file {path} was replaced"
        )


def test_database_files_are_private_whatever_the_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
        upgrade(engine)
        with engine.connect():  # holds the WAL open, so -wal and -shm exist
            files = sorted(tmp_path.glob("new.db*"))
            modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in files}
        engine.dispose()
    finally:
        os.umask(previous)

    assert modes == {"new.db": 0o600, "new.db-shm": 0o600, "new.db-wal": 0o600}


def _occupy_connections(factory: SessionFactory) -> list[str]:
    """Read on several connections at once, so the pool opens new ones now."""
    barrier = Barrier(CONNECTIONS)

    def read(_: int) -> str:
        try:
            with session_scope(factory, write=False) as session:
                session.execute(text("SELECT count(*) FROM note")).scalar_one()
                barrier.wait(timeout=10)
        except SQLAlchemyError as error:
            barrier.abort()
            return database_error(error).code
        return "ok"

    with ThreadPoolExecutor(CONNECTIONS) as pool:
        return list(pool.map(read, range(CONNECTIONS)))


def _write_concurrently(factory: SessionFactory, count: int) -> list[str]:
    def write(n: int) -> str:
        try:
            _write(factory, n)
        except SQLAlchemyError as error:
            return database_error(error).code
        return "ok"

    with ThreadPoolExecutor(CONNECTIONS) as pool:
        return list(pool.map(write, range(count)))


@pytest.mark.parametrize("read_only", ["file", "directory"])
def test_writes_succeed_again_once_a_read_only_moment_is_over(read_only):
    # Connections opened meanwhile are read-only, and SQLite leaves -wal and -shm read-only.
    with tempfile.TemporaryDirectory() as name:
        owned_by_the_tester(name)
        with without_root(), _sqlite_factory(Path(name) / "home") as (path, factory):
            _write(factory)
            engine_of(factory).dispose()
            target = path if read_only == "file" else path.parent
            mode = stat.S_IMODE(target.stat().st_mode)
            target.chmod(mode & ~0o222)
            try:
                during = _occupy_connections(factory) + _write_concurrently(factory, 4)
            finally:
                target.chmod(mode)

            after = _write_concurrently(factory, 3 * CONNECTIONS)

            assert set(during[CONNECTIONS:]) == {"DATABASE_UNAVAILABLE"}
            assert after == ["ok"] * (3 * CONNECTIONS)
            assert _notes(factory) == 1 + 3 * CONNECTIONS


def _end_pooled_connection(factory: SessionFactory, database_url: str) -> None:
    """What a database restart or an idle timeout does to the connection waiting in the pool."""
    with session_scope(factory, write=False) as session:
        raw = session.connection().connection.dbapi_connection
        postgres = session.get_bind().dialect.name == "postgresql"
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar() if postgres else None
    if pid is None:
        raw.close()
        return
    admin = make_engine(database_url)
    with admin.begin() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def test_a_write_succeeds_after_the_pooled_connection_was_ended(
    session_factory, database_url, clock
):
    actor_for_new_admin(session_factory, clock, "first@predictu.com")
    _end_pooled_connection(session_factory, database_url)

    second = actor_for_new_admin(session_factory, clock, "second@predictu.com")

    assert second.email == "second@predictu.com"
