"""The operator detail's tab strip at 80 and 60 columns: every tab on screen, by name or by
its number key, and the chosen one by name."""

from __future__ import annotations

import pytest
from textual.widgets import TabbedContent

from predictu_console.tui.widgets.tab_labels import TABS
from tests.tui.screens import open_operator, settle


def strip(app) -> list[str]:
    """The tabs' labels as painted, left to right, of those wholly on screen."""
    tabs = app.screen.query_one("#tabs", TabbedContent)
    width = app.screen.size.width
    shown = []
    for key, _name in TABS:
        tab = tabs.get_tab(key)
        if tab.region.width and tab.region.right <= width:
            shown.append(tab.label_text)
    return shown


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_every_tab_stays_in_view_and_the_chosen_one_by_name(console, size):
    async with console.run_test(size=size) as pilot:
        await open_operator(pilot, "midnight")
        assert len(strip(console)) == 9
        assert strip(console)[0] == "1 Overview"
        for key, name in (("8", "8 Deliveries"), ("9", "9 Players"), ("5", "5 Onboarding")):
            await pilot.press(key)
            await settle(pilot)
            shown = strip(console)
            assert len(shown) == 9 and name in shown
            assert all(label.startswith(str(n)) for n, label in enumerate(shown, 1))


async def test_the_tabs_are_named_again_when_the_terminal_widens(console):
    async with console.run_test(size=(80, 24)) as pilot:
        await open_operator(pilot, "midnight")
        await pilot.press("8")
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        assert strip(console) == [
            "1 Overview",
            "2 Branding",
            "3 Origins",
            "4 API keys",
            "5 Onboarding",
            "6 Invoices",
            "7 Audit",
            "8 Deliveries",
            "9 Players",
        ]


@pytest.mark.parametrize(("size", "shown"), [((80, 24), True), ((160, 48), False)])
async def test_a_key_whose_row_the_table_cuts_is_shown_whole_beneath_it(console, size, shown):
    async with console.run_test(size=size) as pilot:
        await open_operator(pilot, "example")
        await pilot.press("4")
        await settle(pilot)

        [key] = console.screen.detail.api_keys
        in_full = console.screen.query_one("#key-in-full")
        assert in_full.display is shown  # at 160 columns the table shows every column
        said = str(in_full.render())
        assert f"public key {key.public_key}" in said and "last used" in said
        assert "expires —" in said
