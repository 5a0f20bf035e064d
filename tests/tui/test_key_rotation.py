"""The key dialog: secret shown once, copy, explicit confirmation, rotation countdown."""

from __future__ import annotations

from textual.widgets import Button

from predictu_console.tui.modals.confirm import ConfirmModal
from predictu_console.tui.modals.key_rotation import KeyRotationModal
from predictu_console.tui.screens.operator_detail import OperatorDetailScreen
from tests.tui.screens import SIZE, open_operator, settle, shown_text
from tests.tui.test_key_footer import visible_keys


def _value(app, selector):
    return str(app.screen.query_one(selector).content)


async def test_generate_then_rotate_with_a_one_hour_grace(console, gateway):
    copied = []
    console.copy_to_clipboard = copied.append
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "luckyspin")
        await pilot.press("K")
        await settle(pilot)
        assert isinstance(console.screen, KeyRotationModal)
        # A first pair replaces nothing: there is no grace period to ask for.
        assert not console.screen.query("#field-grace_period_hours")
        await pilot.press("ctrl+s")
        await settle(pilot)

        secret = _value(console, "#secret-value")
        assert secret.startswith("sk_live_")
        await pilot.press("enter")  # on the copy button: one Enter never closes the secret
        await settle(pilot)
        assert isinstance(console.screen, KeyRotationModal)
        assert copied == [secret]
        await pilot.click("#stored")
        await settle(pilot)

        assert isinstance(console.screen, OperatorDetailScreen)
        first = console.screen.query_one("#keys-table")
        assert [str(first.get_row_at(0)[3])] == ["active"]
        assert "onboarding 2/8" in str(console.screen.query_one("#detail-header").content)

        await pilot.press("K")
        await settle(pilot)
        console.screen.query_one("#input-grace_period_hours").value = "80"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "must be at most 72" in str(
            console.screen.query_one("#field-grace_period_hours .field-error").render()
        )
        console.screen.query_one("#input-grace_period_hours").value = "1"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "stays valid until" in _value(console, "#secret-intro")
        await pilot.click("#stored")
        await settle(pilot)
        rows = [console.screen.query_one("#keys-table").get_row_at(i) for i in range(2)]
        assert [str(row[3]) for row in rows] == ["active", "expiring"]
        assert str(rows[1][6]) == "in 1 h 00 m"


async def test_the_footer_and_the_button_name_the_action_alike(console, gateway):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "luckyspin")
        await pilot.press("K")
        await settle(pilot)
        assert str(console.screen.query_one("#generate", Button).label) == "Generate (Ctrl+S)"
        assert visible_keys(console)[:2] == ["Cancel", "Generate"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "`" not in shown_text(console, "#secret-view Static.muted")
        await pilot.click("#stored")
        await settle(pilot)

        await pilot.press("K")
        await settle(pilot)
        assert str(console.screen.query_one("#generate", Button).label) == "Rotate (Ctrl+S)"
        assert visible_keys(console)[:2] == ["Cancel", "Rotate"]


async def test_esc_on_the_secret_says_what_it_does_and_closes_only_once_confirmed(console):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "luckyspin")
        await pilot.press("K", "ctrl+s")
        await settle(pilot)
        shown = visible_keys(console)
        assert "Cancel" not in shown  # there is nothing left to cancel
        assert shown[:2] == ["Close (asks first)", "Copy secret"]

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(console.screen, ConfirmModal)
        assert "cannot be retrieved again" in shown_text(console, "#confirm-body")
        await pilot.press("escape")  # not stored yet: back to the secret
        await settle(pilot)
        assert isinstance(console.screen, KeyRotationModal)
        assert _value(console, "#secret-value").startswith("sk_live_")

        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(console.screen, OperatorDetailScreen)


async def test_esc_with_a_typed_label_asks_before_discarding_it(console):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "luckyspin")
        await pilot.press("K")
        await settle(pilot)
        await pilot.press(*" (staging)")
        await pilot.press("escape")
        await settle(pilot)

        assert isinstance(console.screen, ConfirmModal)
        assert shown_text(console, "#confirm-body").startswith("Changed: Label.\n")
