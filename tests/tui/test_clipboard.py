"""`y` copies what has focus, and says it sent it, with the value, rather than claiming success."""

from __future__ import annotations

import json

from predictu_console.core.keys import KeyCreate
from predictu_console.core.models import OperatorListQuery
from tests.tui.screens import SIZE, open_operator, settle


def _last_toast(app):
    return list(app._notifications)[-1]


def _copying(console) -> list[str]:
    copied: list[str] = []
    console.copy_to_clipboard = copied.append
    return copied


async def test_y_on_the_list_sends_the_highlighted_operators_id_and_shows_it(console, gateway):
    copied = _copying(console)
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    first = gateway.list_operators(OperatorListQuery(limit=1)).operators[0].id
    assert copied == [first]
    toast = _last_toast(console)
    assert toast.title == "Copy operator id"
    assert toast.message.startswith(f"Sent to your terminal's clipboard: {first}\n")
    assert "copied" not in toast.message.lower()


async def test_y_in_the_detail_copies_the_operator_the_public_key_or_the_delivery(console, gateway):
    copied = _copying(console)
    operator = gateway.list_operators(OperatorListQuery(search="example")).operators[0]
    public_key = gateway.generate_keys(operator.id, KeyCreate()).key_pair.public_key
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "example")
        await pilot.press("y", "4")
        await settle(pilot)
        await pilot.press("y", "8")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        newest = console.screen.query_one("#deliveries-table").get_row_at(0)[-1]
    assert copied == [operator.id, public_key, str(newest)]  # the whole key, not its prefix


async def test_y_in_a_delivery_copies_its_id_a_signature_or_the_body_as_sent(console, gateway):
    copied = _copying(console)
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "midnight")
        await pilot.press("8", "enter")
        await settle(pilot)
        modal = console.screen
        modal.query_one("#delivery-scroll").focus()
        await pilot.press("y")
        modal.query_one("#attempts-table").focus()
        await pilot.press("y")
        modal.query_one("#request-body").focus()
        await pilot.press("y")
        await settle(pilot)
        delivery = modal.delivery
    assert copied[0] == delivery.id
    assert copied[1] == delivery.attempts[-1].signature and copied[1].startswith("sha256=")
    assert json.loads(copied[2]) == delivery.request_body
    assert _last_toast(console).title == "Copy request body"
