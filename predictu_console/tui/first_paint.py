"""What the console paints before its stack is imported: the list's first page (issue 21).

Everything here is the standard library and `core/first_page.py`, so a console on a current
SQLite database shows its operators after importing Textual and little else; the settings,
SQLAlchemy, pydantic and the gateway are loaded afterwards, on a thread, while the admin is
already reading the page. `first_paint` answers None whenever only the regular start can
tell what to show, and the console then starts the regular way, as it always did.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from predictu_console.core.first_page import ConsoleAdmin, FirstPage, read_first_page

FILE_NAME = "console-settings.json"
"""The console's remembered choices in the data directory (see `tui/preferences.py`)."""
STATUS_FILTERS = ("all", "active", "onboarding", "inactive")
SORTS = ("created", "name", "volume", "users")
ORDERS = ("asc", "desc")


class RememberedListing(NamedTuple):
    """The list's filter and sort as the last launch left them, before any is typed."""

    status: str = "all"
    sort: str = "created"
    order: str = "desc"
    search: str | None = None
    offset: int = 0


class FirstPaint(NamedTuple):
    """The console's first screen: who acts, in which theme, and the first page they see."""

    admin: ConsoleAdmin
    theme: str | None
    listing: RememberedListing
    page: FirstPage


def _choice(stored: dict[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = stored.get(name, default)
    if value not in allowed:
        raise ValueError(name)
    return str(value)


def remembered(path: Path) -> tuple[str | None, RememberedListing] | None:
    """The theme and the list's choices kept in the settings file at `path`; the defaults
    when there is none; None when it is not plainly what the console writes (the regular
    start then says why it is ignored)."""
    try:
        stored = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None, RememberedListing()
    except (OSError, ValueError):
        return None
    try:
        listing = stored.get("operator_list", {})
        theme = stored.get("theme")
        if not isinstance(theme, str | None) or not isinstance(listing, dict):
            return None
        return theme, RememberedListing(
            status=_choice(listing, "status", STATUS_FILTERS, "all"),
            sort=_choice(listing, "sort", SORTS, "created"),
            order=_choice(listing, "order", ORDERS, "desc"),
        )
    except (AttributeError, ValueError):
        return None


def first_paint(
    database: Path, settings_file: Path, *, os_user: str, page_size: int, now: datetime
) -> FirstPaint | None:
    """The first screen of the console acting for `os_user` on the SQLite file `database`,
    or None when the regular start has to decide what it shows."""
    choices = remembered(settings_file)
    if choices is None:
        return None
    theme, listing = choices
    sight = read_first_page(database, os_user=os_user, listing=listing, limit=page_size, now=now)
    if sight is None:
        return None
    return FirstPaint(admin=sight.admin, theme=theme, listing=listing, page=sight.page)
