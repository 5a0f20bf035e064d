"""The real console on a seeded test database (the same demo the screenshots show)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from predictu_console.core import ids
from predictu_console.tui.app import PredictuApp, make_tui
from predictu_console.tui.backend import Backend
from scripts.screens import demo_backend, seeded_ids


@pytest.fixture
def backend(session_factory, clock, monkeypatch) -> Backend:
    monkeypatch.setattr(ids, "random_base62", seeded_ids())
    return demo_backend(session_factory, clock)


@pytest.fixture
def console(backend) -> PredictuApp:
    return make_tui(backend, poll_seconds=3600)


def table_names(app) -> list[str]:
    """Names in the list's table, top to bottom."""
    table = app.screen.query_one("#operators")
    return [str(table.get_row_at(index)[0]) for index in range(table.row_count)]


def shown_text(app, selector: str) -> str:
    """What a Static on the current screen shows, as plain text."""
    content = app.screen.query_one(selector).content
    if isinstance(content, str):
        return content
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


async def type_into(pilot, field_id: str, text: str) -> None:
    """Clear the form input `#input-<field_id>` and type `text` into it, key by key."""
    widget = pilot.app.screen.query_one(f"#input-{field_id}")
    widget.focus()
    widget.value = ""
    await pilot.press(*text)
