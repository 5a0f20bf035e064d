"""Which migration is the newest one shipped, told from the files alone.

Read as text, without SQLAlchemy or Alembic: the console's first page checks the database
is current with this before either is imported (issue 21).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"

# The two lines `script.py.mako` writes in every migration, e.g. `down_revision = "0006"`.
_REVISION_LINE = re.compile(r'^(down_)?revision = (?:"(\w+)"|None)$', re.MULTILINE)


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
