"""Engines and sessions; the caller of a service owns the transaction through `session_scope`.

SQLite gets WAL, foreign keys, a busy timeout and `BEGIN IMMEDIATE` for writes: a deferred
transaction that later writes fails with "database is locked" instead of waiting its turn.
Reads begin deferred so they never queue behind a writer. Writers of one process also take
turns on a lock before they begin: SQLite's busy handler waits by sleeping and polling, so
threads contending for the database otherwise spend most of their time asleep.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from predictu_console.settings import Settings

_READ_ONLY = "predictu_read_only"
_AUDIT_LOCK_KEY = 0x5052_4544_4155_44  # arbitrary constant naming the audit chain's advisory lock

SessionFactory = sessionmaker[Session]
_sqlite_writers: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(_READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


POOL_SIZE = 16
"""Connections kept open: as many as requests the API serves at once under load. With
SQLAlchemy's default of 5, every request past the fifth opened and closed a connection."""


def make_engine(url: str) -> Engine:
    """An engine for `url`, tuned for its backend."""
    pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_SIZE}
    if url.startswith("sqlite"):
        if make_url(url).database in (None, "", ":memory:"):
            pool = {}  # one connection per thread, SQLAlchemy's pool for in-memory databases
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
        _configure_sqlite(engine)
        _sqlite_writers[engine] = threading.RLock()
        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


SETTINGS_INFO = "predictu.settings"
"""Key of `Session.info` holding the settings the factory was made from: the audit log keys
its chain with a key core derives from them, on every path that writes."""


def make_session_factory(settings: Settings) -> SessionFactory:
    """A session factory on the configured database; sessions are not shared between threads."""
    return sessionmaker(
        make_engine(settings.effective_database_url),
        expire_on_commit=False,
        info={SETTINGS_INFO: settings},
    )


def engine_of(factory: SessionFactory) -> Engine:
    """The engine a session factory opens its connections on."""
    engine: Engine = factory.kw["bind"]
    return engine


def _writer_turn(factory: SessionFactory, write: bool) -> AbstractContextManager[Any]:
    lock = _sqlite_writers.get(engine_of(factory)) if write else None
    return lock if lock is not None else nullcontext()


@contextmanager
def session_scope(factory: SessionFactory, *, write: bool = True) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    with _writer_turn(factory, write):
        yield from _transaction(factory, write)


def _transaction(factory: SessionFactory, write: bool) -> Iterator[Session]:
    session = factory()
    try:
        if not write:
            session.connection(execution_options={_READ_ONLY: True})
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def lock_audit_chain(session: Session) -> None:
    """Serialise appends to the audit chain until this transaction ends.

    SQLite writers are already serialised by `BEGIN IMMEDIATE`; PostgreSQL needs a lock so two
    transactions never link to the same predecessor.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _AUDIT_LOCK_KEY})
