"""The command palette: the screen's actions, global commands, and operators by name."""

from __future__ import annotations

from predictu_console.tui.modals.help import HelpModal
from predictu_console.tui.modals.operator_create import OperatorCreateModal
from predictu_console.tui.screens.operator_detail import OperatorDetailScreen
from predictu_console.tui.screens.operator_edit import OperatorEditScreen
from tests.tui.screens import SIZE, open_operator, settle


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


async def test_the_readme_query_goes_to_an_operator(console):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette(pilot, "go to lucky", "Go to operator: LuckySpin")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(console.screen, OperatorDetailScreen)


async def test_the_palette_offers_the_screens_actions(console):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot)
        await palette(pilot, "edit", "Edit")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(console.screen, OperatorEditScreen)


async def test_the_palette_offers_a_new_operator_and_help_from_anywhere(console):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot)
        await palette(pilot, "new operator", "New operator")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(console.screen, OperatorCreateModal)
        await pilot.press("escape")
        await settle(pilot)

        await palette(pilot, "help", "Help")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(console.screen, HelpModal)


async def test_the_palette_never_quits_from_a_form(console):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"quit")
        await pilot.pause(0.5)
        assert "Quit" not in offered(console)  # where it is offered, it shows by now
