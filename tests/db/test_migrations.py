"""Migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from predictu_console.db.base import Base
from predictu_console.db.migrate import alembic_config, shipped_head, stamped_revisions, upgrade
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


def test_the_head_read_from_the_files_is_alembics(session_factory):
    config = alembic_config(engine_of(session_factory))
    assert [shipped_head()] == ScriptDirectory.from_config(config).get_heads()


def test_a_database_at_the_head_is_not_handed_to_alembic(session_factory, monkeypatch):
    def refused(*args, **kwargs):
        raise AssertionError("Alembic ran on a current database")

    monkeypatch.setattr(command, "upgrade", refused)
    engine = engine_of(session_factory)
    upgrade(engine)
    assert stamped_revisions(engine) == [shipped_head()]


@pytest.mark.parametrize("old", ["base", "0005"])
def test_an_old_database_is_upgraded_to_the_models(session_factory, old):
    engine = engine_of(session_factory)
    command.downgrade(alembic_config(engine), old)
    assert stamped_revisions(engine) == ([] if old == "base" else [old])

    upgrade(engine)

    assert stamped_revisions(engine) == [shipped_head()]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
