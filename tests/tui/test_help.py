"""`?` explains the screen on top: its keys, and what its symbols and columns mean."""

from __future__ import annotations

import re

from predictu_console.tui.modals.help import HelpModal
from tests.tui.screens import SIZE, open_operator, settle, shown_text


def says(shown: str, term: str, meaning: str) -> bool:
    """Whether `term` is shown beside `meaning`, however the columns are spaced."""
    return re.search(rf"(^|\s){re.escape(term)}\s+{re.escape(meaning)}", shown) is not None


async def test_question_mark_explains_the_list_and_closes_again(console):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(console.screen, HelpModal)
        shown = shown_text(console, "#help-body")
        for key, meaning in (("S", "Reverse"), ("G", "Last row"), ("j ↓", "Down"), ("q", "Quit")):
            assert says(shown, key, meaning)  # keys, hidden ones included
        assert says(shown, "◐ onboarding", "being set up") and "✗ failing" in shown
        assert says(shown, "Onboarding", "onboarding steps done, of 8") and "MTD revenue" in shown

        await pilot.press("question_mark")
        await settle(pilot)
        assert not isinstance(console.screen, HelpModal)


async def test_f1_helps_in_a_form_where_question_mark_is_typed(console):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("question_mark")
        assert not isinstance(console.screen, HelpModal)

        await pilot.press("f1")
        await settle(pilot)
        shown = shown_text(console, "#help-body")
        assert "Help: Edit operator" in str(console.screen.query_one("#help-title").content)
        assert "^s" in shown and "Quit" not in shown  # q does not quit from a form


async def test_a_dialog_has_its_own_help(console):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "midnight")
        await pilot.press("8", "enter")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        shown = shown_text(console, "#help-body")
        assert says(shown, "d", "Deliver again")
        assert "⟳ pending" in shown and "Latency" in shown
        await pilot.press("escape")
        assert type(console.screen).__name__ == "DeliveryDetailModal"  # Esc goes back to it
