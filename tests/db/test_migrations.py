"""Migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from predictu_console.db.base import Base
from predictu_console.db.migrate import upgrade
from predictu_console.db.session import engine_of


def test_migrated_schema_matches_the_models(session_factory):
    engine = engine_of(session_factory)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_is_idempotent_and_leaves_data_alone(session_factory, god):
    engine = engine_of(session_factory)
    upgrade(engine)
    upgrade(engine)
    assert "operators" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM admins").scalar() == 1
