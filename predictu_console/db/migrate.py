"""Alembic, driven from code: no alembic.ini to find, the package carries its migrations.

Every command migrates on start, and almost always there is nothing to do. Importing
Alembic and loading its scripts costs more than the rest of a short command (issue 21), so
`upgrade` first compares the database's version row with the newest migration file, read
as text, and only hands over to Alembic when they differ or either cannot be told.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from predictu_console.db.revisions import MIGRATIONS_DIR, VERSION_TABLE, shipped_head

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(engine: Engine) -> Config:
    """An Alembic config bound to `engine`'s connection pool."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def stamped_revisions(engine: Engine) -> list[str]:
    """The revisions the database says it is at: empty for a database never migrated."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return []
        rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
        return list(rows.scalars())


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to `revision`; a no-op when the schema is current, decided
    by one read of the version table when `revision` is the head."""
    head = shipped_head()
    if revision == "head" and head is not None and stamped_revisions(engine) == [head]:
        return
    from alembic import command

    command.upgrade(alembic_config(engine), revision)
