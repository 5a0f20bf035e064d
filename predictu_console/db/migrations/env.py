"""Alembic environment: runs on the engine handed over by `predictu_console.db.migrate`."""

from __future__ import annotations

from alembic import context

from predictu_console.db import tables  # noqa: F401  (registers the tables on the metadata)
from predictu_console.db.base import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
