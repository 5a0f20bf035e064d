"""Database failures as domain errors: SQLAlchemy's exceptions, classified once.

Front ends call `database_error` where they catch `SQLAlchemyError`, so the CLI, the TUI and
the API's log say the same sentence with the same code about the same failure.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from predictu_console.core.errors import DatabaseError, DatabaseUnavailable
from predictu_console.db.session import DatabaseFileUnusable

_SQLITE_FAULTS = {
    "readonly database": "is read-only: check the permissions of the file and its directory",
    "disk i/o error": "hit a disk I/O error",
    "unable to open database file": (
        "cannot be opened: check that it and its directory exist and are writable"
    ),
}


def database_error(error: SQLAlchemyError) -> DatabaseError:
    """The domain error for a failed database operation, as a sentence without a traceback."""
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
    fault = error.orig if isinstance(error, DBAPIError) else None
    detail = (str(fault) if fault is not None else str(error)).strip().splitlines()
    first_line = detail[0] if detail else error.__class__.__name__
    if isinstance(fault, sqlite3.Error):
        for kind, sentence in _SQLITE_FAULTS.items():
            if kind in first_line.lower():
                return DatabaseUnavailable(f"The SQLite database {sentence}")
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return DatabaseUnavailable(f"The database connection was lost: {first_line}")
    return DatabaseError(f"Cannot use the database: {first_line}")
