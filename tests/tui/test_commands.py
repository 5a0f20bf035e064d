"""The command palette: the screen's actions, global commands, and operators by name."""

from __future__ import annotations

import pytest

from predictu_console.tui.modals.help import HelpModal
from predictu_console.tui.modals.operator_create import OperatorCreateModal
from predictu_console.tui.screens.operator_detail import OperatorDetailScreen
from predictu_console.tui.screens.operator_edit import OperatorEditScreen
from tests.tui.screens import SIZE, open_operator, send_one_read, settle


def offered(app) -> list[str]:
    """The palette's hits, best first, as they read."""
    hits = app.screen.query_one("CommandList")
    return [str(hits.get_option_at_index(index).hit.text) for index in range(hits.option_count)]


async def palette(pilot, query: str, first_hit: str) -> None:
    """Open the palette, type `query`, and wait until `first_hit` leads the hits."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*query)
    for _ in range(40):  # the palette searches in the background
        await pilot.pause(0.05)
        hits = offered(pilot.app)
        if hits and first_hit in hits[0]:
            return
    raise AssertionError(f"{first_hit!r} is not the first hit for {query!r}: {hits[:3]}")


async def choose(pilot, query: str, first_hit: str) -> None:
    """Run `first_hit` from the palette, found by typing `query`."""
    await palette(pilot, query, first_hit)
    await pilot.press("enter")
    await settle(pilot)


@pytest.fixture
async def pilot(console):
    """The console at the pictures' size, its operator list shown."""
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        yield pilot


async def test_the_readme_query_goes_to_an_operator(pilot):
    await choose(pilot, "go to lucky", "Go to operator: LuckySpin")
    assert isinstance(pilot.app.screen, OperatorDetailScreen)


async def test_the_palette_offers_the_screens_actions(pilot):
    await open_operator(pilot)
    await choose(pilot, "edit", "Edit")
    assert isinstance(pilot.app.screen, OperatorEditScreen)


async def test_the_palette_offers_a_new_operator_and_help_from_anywhere(pilot):
    await open_operator(pilot)
    await choose(pilot, "new operator", "New operator")
    assert isinstance(pilot.app.screen, OperatorCreateModal)
    await pilot.press("escape")
    await settle(pilot)

    await choose(pilot, "help", "Help")
    assert isinstance(pilot.app.screen, HelpModal)


async def test_the_palette_never_quits_from_a_form(pilot):
    await open_operator(pilot)
    await pilot.press("e")
    await settle(pilot)
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*"quit")
    await pilot.pause(0.5)
    assert "Quit" not in offered(pilot.app)  # where it is offered, it shows by now


async def test_keys_typed_after_a_backspace_in_one_burst_follow_it_in_the_palette(pilot):
    """Over SSH a correction comes in one read: "go to lucky", two backspaces and "zzz"
    searched for 'go to luckyz'."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    send_one_read(pilot.app, "go to lucky\x7f\x7fzzz")
    await settle(pilot)

    assert pilot.app.screen.query_one("CommandInput").value == "go to luczzz"


async def test_the_theme_search_applies_the_keys_of_one_burst_in_order(pilot):
    await choose(pilot, "theme", "Theme")
    send_one_read(pilot.app, "draz\x7fcula")
    await settle(pilot)

    assert pilot.app.screen.query_one("CommandInput").value == "dracula"
