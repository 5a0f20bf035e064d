"""SQLite as the default store: private files, WAL, and writers that queue instead of failing."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import text

from predictu_console.db import session
from predictu_console.db.migrate import upgrade
from predictu_console.db.session import engine_of, make_session_factory, session_scope
from predictu_console.settings import Settings


def _sqlite_factory(tmp_path):
    settings = Settings(home=tmp_path / "data")
    factory = make_session_factory(settings)
    upgrade(engine_of(factory))
    return settings, factory


def test_default_database_is_private_to_its_owner(tmp_path):
    settings, factory = _sqlite_factory(tmp_path)

    assert stat.S_IMODE(settings.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((settings.data_dir / "predictu.db").stat().st_mode) == 0o600
    engine_of(factory).dispose()


def test_connections_use_wal_and_enforce_foreign_keys(tmp_path):
    _, factory = _sqlite_factory(tmp_path)
    with session_scope(factory, write=False) as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == 15000
    engine_of(factory).dispose()


def test_concurrent_read_then_write_transactions_all_commit(tmp_path):
    # Deferred transactions that read, then write, deadlock on the lock upgrade and fail
    # at once with "database is locked"; BEGIN IMMEDIATE makes them wait their turn.
    # Each writer has its own engine, as separate processes would, so the per-engine writer
    # lock does not hide what SQLite itself does.
    settings, factory = _sqlite_factory(tmp_path)
    with session_scope(factory) as session:
        session.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        session.execute(text("INSERT INTO counter VALUES (0)"))
    workers = 8
    barrier = Barrier(workers)

    def increment(_):
        own = make_session_factory(settings)
        barrier.wait()
        for _ in range(20):
            with session_scope(own) as session:
                n = session.execute(text("SELECT n FROM counter")).scalar_one()
                session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
        engine_of(own).dispose()

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(increment, range(workers)))
    with session_scope(factory, write=False) as session:
        assert session.execute(text("SELECT n FROM counter")).scalar_one() == workers * 20
    engine_of(factory).dispose()


def test_a_side_file_appearing_between_two_looks_is_not_read_only(tmp_path, monkeypatch):
    # Another connection of the process creates `-wal` just after `access` found it missing:
    # the file is there, and writable, by the time anyone would open it.
    side = tmp_path / "predictu.db-wal"
    real_access = os.access
    looks = []

    def racing_access(path, mode, **options):
        looks.append(path)
        if len(looks) == 1:
            side.touch(mode=0o600)  # created by the other connection, right after this look
            return False
        return real_access(path, mode, **options)

    monkeypatch.setattr(session.os, "access", racing_access)
    assert session._read_only(str(side)) is False


def test_a_file_unwritable_at_two_looks_is_read_only(tmp_path, monkeypatch):
    # Permissions are simulated: root may write a file whatever its mode, and CI runs as root.
    unwritable = tmp_path / "predictu.db"
    unwritable.touch(mode=0o400)
    monkeypatch.setattr(session.os, "access", lambda path, mode, **options: False)
    assert session._read_only(str(unwritable)) is True
    assert session._read_only(str(tmp_path / "predictu.db-shm")) is False  # not there
