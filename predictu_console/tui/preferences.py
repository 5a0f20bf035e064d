"""What the console remembers between launches: its theme, and the operator list's status
filter and sort.

Kept in `console-settings.json` in the data directory, readable by its owner only. Each save
writes a temporary file beside it and renames it over the old one, so a crash or a second
console never leaves half a file. A file that cannot be read or is not one this console
wrote is ignored, with a one-line notice, and replaced at the next save: a settings file is
never a reason not to start.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_serializer

from predictu_console.core.models import OperatorListQuery

KEPT_LIST_FIELDS = {"status", "sort", "order"}
"""A search is for the moment; the filter and the sort are how an admin likes the list."""


class Preferences(BaseModel):
    """The console's remembered choices; every field has the default a first launch uses."""

    theme: str | None = None
    """A Textual theme name; None for Textual's default."""
    operator_list: OperatorListQuery = Field(default_factory=OperatorListQuery)
    """Only `KEPT_LIST_FIELDS` are stored; the rest always start at their defaults."""

    @field_serializer("operator_list")
    def _kept_fields(self, listing: OperatorListQuery) -> dict[str, Any]:
        return listing.model_dump(include=KEPT_LIST_FIELDS)


def load_preferences(path: Path) -> tuple[Preferences, str | None]:
    """The stored preferences, or the defaults and a one-line notice saying why the file at
    `path` was ignored; no file at all is a first launch, not a problem."""
    try:
        return Preferences.model_validate_json(path.read_bytes()), None
    except FileNotFoundError:
        return Preferences(), None
    except (OSError, ValidationError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not valid settings"
        return Preferences(), f"Ignored the console settings in {path} ({reason}); using defaults."


def save_preferences(path: Path, preferences: Preferences) -> None:
    """Replace the file at `path` atomically, mode 0600. Raises OSError when it cannot."""
    # mkstemp: a fresh name for every save, created 0600.
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with open(descriptor, "w", encoding="utf-8") as file:
            file.write(preferences.model_dump_json(indent=2) + "\n")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
