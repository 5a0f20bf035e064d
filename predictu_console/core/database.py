"""The front ends' way into the database: transactions whose failures are domain errors.

Front ends import neither SQLAlchemy nor the tables (an import-linter contract says so), so
what they need of the database layer is here: a transaction, the
translation of SQLAlchemy's exceptions into `DatabaseError`, and a URL fit to print.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from predictu_console.core.errors import DatabaseError, DatabaseUnavailable
from predictu_console.db.session import DatabaseFileUnusable, SessionFactory, session_scope


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn SQLAlchemy's exceptions raised in the block into one-line `DatabaseError`s.

    Raises DatabaseError; the original stays attached as its cause, for logs.
    """
    try:
        yield
    except SQLAlchemyError as error:
        raise database_error(error) from error


log = logging.getLogger(__name__)

_FAULTS = (
    (
        ("readonly database",),
        DatabaseUnavailable,
        "The SQLite database is read-only: check the permissions of the file and its directory",
    ),
    (("disk i/o error",), DatabaseUnavailable, "The SQLite database hit a disk I/O error"),
    (
        ("unable to open database file",),
        DatabaseUnavailable,
        "The SQLite database cannot be opened: check that it and its directory exist and are "
        "writable",
    ),
    (
        ("database is locked",),
        DatabaseError,
        "The SQLite database is busy with another write; nothing was changed, try again",
    ),
    (
        ("file is not a database", "database disk image is malformed"),
        DatabaseError,
        "The SQLite database file is damaged or is not a database",
    ),
    (
        ("connection refused", "could not connect", "connection failed", "could not translate"),
        DatabaseError,
        "The database server cannot be reached: check that it is running and the database URL",
    ),
)
"""What the driver's first line says (lower case) → the error, and the sentence said instead."""


def database_error(error: SQLAlchemyError) -> DatabaseError:
    """The domain error for a failed database operation: a sentence, with the driver's own
    first line as its `detail`, never in its message."""
    if isinstance(error, DatabaseFileUnusable):
        message = f"The database file {error.path} {error.problem}"
        if error.reason == "create":
            return DatabaseError(message)
        if error.reason == "changed":
            message += (
                "; a new, empty one is never created under a running process: restore the "
                "file and restart predictu-console"
            )
        return DatabaseUnavailable(message)
    if isinstance(error, ArgumentError):  # also an unknown dialect or missing driver
        return DatabaseError(
            "The database URL is not one this console can use; check --database-url"
        )
    fault = error.orig if isinstance(error, DBAPIError) else None
    # The driver's own first line says why (refused, unknown host, bad password …); the rest
    # is SQL and a link to SQLAlchemy's documentation.
    lines = (str(fault) if fault is not None else "").strip().splitlines()
    detail = lines[0] if lines else f"the database layer failed ({type(error).__name__})"
    for clues, kind, sentence in _FAULTS:
        if any(clue in detail.lower() for clue in clues):
            return kind(sentence, detail=detail)
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return DatabaseUnavailable(
            "The connection to the database was lost; nothing was changed, and the next try "
            "connects again",
            detail=detail,
        )
    return DatabaseError("The database refused the request; nothing was changed", detail=detail)


@contextmanager
def transaction(factory: SessionFactory, *, write: bool = True) -> Iterator[Session]:
    """One transaction as `session_scope` opens it, its database failures domain errors."""
    with database_errors(), session_scope(factory, write=write) as session:
        yield session


def database_answers(factory: SessionFactory) -> bool:
    """True when the database runs `SELECT 1`; whatever the driver raises means it does not."""
    try:
        with session_scope(factory, write=False) as session:
            session.execute(text("SELECT 1"))
    except Exception as error:
        log.warning("the database does not answer (%s)", error.__class__.__name__)
        return False
    return True


def printable_url(url: str) -> str:
    """`url` with its password masked, fit for a terminal or a log."""
    with database_errors():
        return make_url(url).render_as_string(hide_password=True)
