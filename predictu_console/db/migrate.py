"""Alembic, driven from code: no alembic.ini to find, the package carries its migrations.

Every command migrates on start, and almost always there is nothing to do. Importing
Alembic and loading its scripts costs more than the rest of a short command (issue 21), so
`upgrade` first compares the database's version row with the newest migration file, read
as text, and only hands over to Alembic when they differ or either cannot be told.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"

# The two lines `script.py.mako` writes in every migration, e.g. `down_revision = "0006"`.
_REVISION_LINE = re.compile(r'^(down_)?revision = (?:"(\w+)"|None)$', re.MULTILINE)


def alembic_config(engine: Engine) -> Config:
    """An Alembic config bound to `engine`'s connection pool."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


@cache
def shipped_head() -> str | None:
    """The newest revision among the package's migration files, without importing Alembic;
    None when the files do not form a single line of revisions (Alembic then decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = {bool(down): name for down, name in _REVISION_LINE.findall(path.read_text())}
        if False not in found:
            return None
        revisions.add(found[False])
        if found.get(True):
            parents.add(found[True])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


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
