"""Engines and sessions; the caller of a service owns the transaction through `session_scope`.

SQLite gets WAL, foreign keys, a busy timeout and `BEGIN IMMEDIATE` for writes: a deferred
transaction that later writes fails with "database is locked" instead of waiting its turn.
Reads begin deferred so they never queue behind a writer. Writers of one process also take
turns on a lock before they begin: SQLite's busy handler waits by sleeping and polling, so
threads contending for the database otherwise spend most of their time asleep.

An SQLite engine opens one file for its whole life. It creates the file private (0600; SQLite
gives `-wal` and `-shm` the same mode) if it is missing at the first open, and from then on
opens it with `mode=rw` only after checking it is still the same file (device and inode), so a
file deleted or replaced under a running process is refused, never recreated empty or written
to while unlinked. Connections that hit a transient fault (read-only, disk I/O, unable to open)
are thrown away rather than pooled. A read-only file is refused rather than opened: SQLite
would open it read-only without a word, leave its `-wal` and `-shm` read-only, and keep
read-only state for it in the process even after those connections close.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, Literal, Protocol
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

_READ_ONLY = "predictu_read_only"
_AUDIT_LOCK_CLASS = 0x5052_4544  # "PRED": with the schema's hash, names the chain's advisory lock

SessionFactory = sessionmaker[Session]
_sqlite_writers: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
_TRANSIENT_SQLITE_FAULTS = ("readonly database", "disk i/o error", "unable to open database file")


def _read_only(path: str) -> bool:
    """Whether `path` is there and the process (as its effective ids, the way `open` checks)
    may not write it.

    Another connection of the process may create or remove `-wal` and `-shm` between two
    looks: asked once, a side file created just after `access` found it missing read as
    read-only, and the console showed DATABASE_UNAVAILABLE for a healthy file. A file is
    read-only only when it is there and unwritable at two looks in a row.
    """
    effective = os.access in os.supports_effective_ids
    for _ in range(2):
        if os.access(path, os.W_OK, effective_ids=effective) or not os.path.exists(path):
            return False
    return True


class DatabaseSettings(Protocol):
    """What the engine needs of the settings; `db` depends on nothing above it."""

    @property
    def effective_database_url(self) -> str:
        """The SQLAlchemy URL to open."""


class DatabaseFileUnusable(SQLAlchemyError):
    """Raised instead of opening an SQLite file that cannot be created, is read-only, or is not
    the one the engine first opened (`reason` says which)."""

    def __init__(
        self, path: str, problem: str, *, reason: Literal["create", "read-only", "changed"]
    ) -> None:
        super().__init__(f"{path} {problem}")
        self.path, self.problem, self.reason = path, problem, reason


class _SqliteFile:
    """The one file an SQLite engine uses, and how it looked when first opened."""

    def __init__(self, path: str) -> None:
        self.path = os.path.abspath(path)
        self.uri = f"file:{quote(self.path)}?mode=rw"
        self._identity: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def open_checked(self) -> None:
        """Create the file (0600) at the first open; later, refuse one deleted or replaced.

        Raises DatabaseFileUnusable.
        """
        with self._lock:
            if self._identity is None:
                self._create()
                self._identity = self._current()
            problem = self.problem()
            if problem:
                raise DatabaseFileUnusable(self.path, problem, reason="changed")
            self._side_files_writable()
            if any(_read_only(path) for path in (self.path, *self._side_files())):
                # SQLite would open it read-only without a word, and the process would keep
                # read-only state for this file even after its connections close.
                raise DatabaseFileUnusable(
                    self.path,
                    "is read-only: check the permissions of the file, its -wal and -shm files",
                    reason="read-only",
                )

    def problem(self) -> str | None:
        """Why the file at the path is no longer the one first opened, or None."""
        current = self._current()
        if current is None:
            return "was deleted while this process was using it"
        if current != self._identity:
            return "was replaced by another file while this process was using it"
        return None

    def _side_files_writable(self) -> None:
        # SQLite creates `-wal` and `-shm` with the main file's mode, so a connection opened
        # while it was read-only leaves them read-only, and every later connection with them.
        if _read_only(self.path):
            return
        for side in self._side_files():
            try:
                status = os.stat(side)
            except FileNotFoundError:
                continue
            if stat.S_IMODE(status.st_mode) != 0o600 and status.st_uid == os.geteuid():
                os.chmod(side, 0o600)

    def _side_files(self) -> tuple[str, str]:
        return f"{self.path}-wal", f"{self.path}-shm"

    def _create(self) -> None:
        try:
            os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            pass
        except OSError as error:
            raise DatabaseFileUnusable(
                self.path, f"cannot be created: {error.strerror or error}", reason="create"
            ) from None

    def _current(self) -> tuple[int, int] | None:
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return None
        return status.st_dev, status.st_ino


def _configure_sqlite_file(engine: Engine, file: _SqliteFile) -> None:
    @event.listens_for(engine, "do_connect")
    def _open(_dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
        file.open_checked()
        cargs[0] = file.uri
        cparams["uri"] = True

    @event.listens_for(engine, "checkout")
    def _still_the_same_file(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        # A DisconnectionError makes the pool discard this connection and open a new one,
        # which `_open` refuses if the file is gone. This is the SQLite file's ping: reading
        # a closed connection's change count raises, without running a statement.
        try:
            _ = dbapi_connection.total_changes
        except sqlite3.ProgrammingError as error:
            raise DisconnectionError(str(error)) from error
        problem = file.problem()
        if problem:
            raise DisconnectionError(f"the database file {problem}")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "handle_error")
    def _discard_after_transient_fault(context: ExceptionContext) -> None:
        fault = context.original_exception
        if isinstance(fault, sqlite3.Error) and any(
            kind in str(fault).lower() for kind in _TRANSIENT_SQLITE_FAULTS
        ):
            context.is_disconnect = True

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
    """An engine for `url`, tuned for its backend; a database server's pooled connections
    are checked before use.

    A SQLite file's connections are checked at checkout without a statement (a `SELECT 1`
    ping was a tenth of an API read's time), together with the file itself.
    """
    pool: dict[str, Any] = {"pool_size": POOL_SIZE, "max_overflow": POOL_SIZE}
    if url.startswith("sqlite"):
        parsed = make_url(url)
        in_memory = parsed.database in (None, "", ":memory:")
        if in_memory:
            pool = {}  # one connection per thread, SQLAlchemy's pool for in-memory databases
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
        _configure_sqlite(engine)
        if not in_memory and not parsed.query and parsed.database:
            _configure_sqlite_file(engine, _SqliteFile(parsed.database))
        _sqlite_writers[engine] = threading.RLock()
        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


SETTINGS_INFO = "predictu.settings"
"""Key of `Session.info` holding the settings the factory was made from: the audit log keys
its chain with a key core derives from them, on every path that writes."""


def make_session_factory(settings: DatabaseSettings) -> SessionFactory:
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


class HeldConnection:
    """Transactions one after another on one kept connection, for a loop such as the delivery
    worker's: on a database server each checkout from the pool costs a round trip for its
    ping (with the COMMIT, 40 % of the worker's database time). The connection is checked
    when first taken, and taken afresh after a transaction fails; SQLite's checkout needs no
    round trip, so there every transaction is an ordinary `session_scope`.
    """

    def __init__(self, factory: SessionFactory) -> None:
        self.factory = factory
        self._held = engine_of(factory).dialect.name != "sqlite"
        self._connection: Connection | None = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        if not self._held:
            with session_scope(self.factory) as session:
                yield session
            return
        if self._connection is None:
            self._connection = engine_of(self.factory).connect()
        session = self.factory(bind=self._connection)
        try:
            yield session
            session.commit()
        except BaseException:
            try:
                session.rollback()
            finally:
                self.close()  # a broken connection is found by the next checkout's ping
            raise
        finally:
            session.close()

    def close(self) -> None:
        """Give the connection back to the pool."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def lock_audit_chain(session: Session) -> None:
    """Serialise appends to the audit chain until this transaction ends.

    SQLite writers are already serialised by `BEGIN IMMEDIATE`; PostgreSQL needs a lock so two
    transactions never link to the same predecessor. Advisory locks belong to the database,
    and each schema holds a chain of its own, so the lock is the schema's: consoles on other
    schemas of one database (the test suite's workers, each on its own) never wait on it.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:chain, hashtext(current_schema()))"),
            {"chain": _AUDIT_LOCK_CLASS},
        )


BULK_PAGE_CACHE_KIB = 256 * 1024
BULK_MAP_BYTES = 1024**3


def prepare_bulk_write(session: Session) -> None:
    """Let SQLite keep up to 256 MiB of pages on this connection (the default is 2 MiB) and
    read the file through a memory map of up to 1 GiB. A bulk write into a large database
    touches index pages all over the file: with the default cache it rereads them from the
    OS every few rows (seeding 500 more demo operators into a database of 10,000 spent 60 %
    more system time), and each reread is a system call and a copy that the map saves
    (1,000 more operators: 9.1 → 8.3 s). The map holds the OS's own cached pages, so it
    adds little memory of its own. PostgreSQL sizes its own buffers."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"PRAGMA cache_size=-{BULK_PAGE_CACHE_KIB}"))
        session.execute(text(f"PRAGMA mmap_size={BULK_MAP_BYTES}"))
