"""The key dialog: secret shown once, copy, explicit confirmation, rotation countdown."""

from __future__ import annotations

from predictu_console.tui.modals.key_rotation import KeyRotationModal
from predictu_console.tui.screens.operator_detail import OperatorDetailScreen
from tests.tui.screens import SIZE, open_operator, settle


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

        console.screen.query_one("#input-grace_period_hours").value = "80"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "must be at most 72" in str(
            console.screen.query_one("#field-grace_period_hours .field-error").render()
        )
        console.screen.query_one("#input-grace_period_hours").value = "1"
        await pilot.press("ctrl+s")
        await settle(pilot)

        secret = _value(console, "#secret-value")
        assert secret.startswith("sk_live_")
        await pilot.press("escape")  # refused while the secret is on screen
        assert isinstance(console.screen, KeyRotationModal)
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
        console.screen.query_one("#input-grace_period_hours").value = "1"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "stays valid until" in _value(console, "#secret-intro")
        await pilot.click("#stored")
        await settle(pilot)
        rows = [console.screen.query_one("#keys-table").get_row_at(i) for i in range(2)]
        assert [str(row[3]) for row in rows] == ["active", "expiring"]
        assert str(rows[1][6]) == "in 1 h 00 m"
