"""The footer at any width: whole keys, the least important dropped first, `?` and `q` always."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from tests.tui.screens import open_operator, settle


def visible_keys(app) -> list[str]:
    """Descriptions of the footer keys a person can read in full, left to right."""
    width = app.screen.size.width
    keys = [key for key in app.screen.query(FooterKey) if key.display]
    visible = [key for key in keys if key.region.width and key.region.right <= width]
    return [key.description for key in sorted(visible, key=lambda key: key.region.x)]


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_help_and_quit_show_on_the_list_at_any_width(console, size):
    async with console.run_test(size=size) as pilot:
        await settle(pilot)
        shown = visible_keys(console)
        assert shown[-3:] == ["Help", "Quit", "palette"]
        assert shown[0] == "Search"  # the most important of the screen's keys stays


async def test_narrower_footers_drop_the_least_important_keys_first(console):
    async with console.run_test(size=(160, 48)) as pilot:
        await open_operator(pilot)
        wide = visible_keys(console)
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        narrow = visible_keys(console)
        assert narrow[-3:] == ["Help", "Quit", "palette"]
        assert len(narrow) < len(wide)
        assert narrow[:-3] == wide[: len(narrow) - 3]  # what stays is the head of the order
