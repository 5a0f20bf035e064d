"""Transactions for the front ends: SQLAlchemy's failures leave them as domain errors."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from predictu_console.core.database import printable_url, transaction
from predictu_console.core.errors import DatabaseError, NotFound
from predictu_console.db.tables import Operator
from tests.factories import make_operator


def test_a_failing_statement_is_a_one_line_database_error(session_factory):
    with pytest.raises(DatabaseError) as raised, transaction(session_factory) as session:
        session.execute(text("SELECT * FROM no_such_table"))

    error = raised.value
    assert error.code == "DATABASE_ERROR"
    assert error.message == "The database refused the request; nothing was changed"
    assert "no_such_table" in error.detail  # the driver's words, kept apart
    assert "\n" not in error.detail and "sqlalche" not in error.detail.lower()
    assert isinstance(error.__cause__, SQLAlchemyError)


def test_domain_errors_pass_through_a_transaction_and_roll_it_back(session_factory, god, clock):
    operator = make_operator(session_factory, god, clock, name="Kept As Is")

    with pytest.raises(NotFound), transaction(session_factory) as session:
        session.get(Operator, operator.id).name = "Renamed"
        raise NotFound("stop here")

    with transaction(session_factory, write=False) as session:
        assert session.get(Operator, operator.id).name == "Kept As Is"


def test_a_printable_url_hides_the_password():
    url = "postgresql+psycopg://predictu:s3cret@db.internal:5432/predictu"
    assert printable_url(url) == "postgresql+psycopg://predictu:***@db.internal:5432/predictu"
