"""The front ends' way into the database: transactions whose failures are domain errors.

Front ends import neither SQLAlchemy nor the tables (an import-linter contract says so), so
what they need of the database layer is here: a transaction, a rolled-back preview, the
translation of SQLAlchemy's exceptions into `DatabaseError`, and a URL fit to print.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from predictu_console.core.errors import DatabaseError
from predictu_console.db.session import SessionFactory, session_scope


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn SQLAlchemy's exceptions raised in the block into one-line `DatabaseError`s.

    Raises DatabaseError; the original stays attached as its cause, for logs.
    """
    try:
        yield
    except SQLAlchemyError as error:
        raise database_error(error) from error


def database_error(error: SQLAlchemyError) -> DatabaseError:
    """The domain error for a failed database operation: one sentence, no library text."""
    if isinstance(error, ArgumentError):  # also an unknown dialect or missing driver
        return DatabaseError(
            "The database URL is not one this console can use; check --database-url"
        )
    if isinstance(error, DBAPIError):
        # The driver's own first line says why (refused, unknown host, bad password …);
        # the rest is SQL and a link to SQLAlchemy's documentation.
        said = str(error.orig).strip() or "no reason given"
        return DatabaseError(f"The database failed the request: {said.splitlines()[0]}")
    return DatabaseError(f"The database layer failed ({type(error).__name__})")


@contextmanager
def transaction(factory: SessionFactory, *, write: bool = True) -> Iterator[Session]:
    """One transaction as `session_scope` opens it, its database failures domain errors."""
    with database_errors(), session_scope(factory, write=write) as session:
        yield session


@contextmanager
def rolled_back(factory: SessionFactory) -> Iterator[Session]:
    """A session whose work is always rolled back: what a change would do, without doing it.

    It takes no writer turn: nothing it does is kept, so it need not queue behind writers.
    """
    with database_errors():
        session = factory()
        try:
            yield session
        finally:
            session.rollback()
            session.close()


def printable_url(url: str) -> str:
    """`url` with its password masked, fit for a terminal or a log."""
    with database_errors():
        return make_url(url).render_as_string(hide_password=True)
