"""Where the console keeps its data by default, named without pydantic or SQLAlchemy.

`Settings` resolves these, and the console's first page finds its database with them before
the settings are loaded (issue 21).
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "predictu-console"
DATABASE_FILE = "predictu.db"
"""The SQLite file in the data directory, used when no database URL is configured."""


def default_data_dir() -> Path:
    """The platform's user data directory for the console."""
    return Path(platformdirs.user_data_dir(APP_NAME))
