"""Dialogs at 80×24: the body scrolls, the buttons stay in view and the footer shows the keys."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input
from textual.widgets._footer import FooterKey

from predictu_console.tui.widgets.form_field import FormField
from tests.tui.screens import open_operator, settle

SMALL = (80, 24)


def in_view(app, widget) -> bool:
    """Whether a person sees `widget`: on screen and not covered or scrolled away."""
    region = widget.region
    if not region.width or not region.height:
        return False
    under, _ = app.screen.get_widget_at(*region.center)
    return under is widget or widget in under.ancestors


def footer_descriptions(app) -> list[str]:
    return [key.description for key in app.screen.query(FooterKey) if key.display]


# The dialog each key opens, from the operator it is opened on (None: from the list).
DIALOGS = [
    pytest.param(None, ["n"], ["Cancel (Esc)", "Create (Ctrl+S)"], "Create", id="create"),
    pytest.param("luckyspin", ["K"], ["Cancel (Esc)", "Generate (Ctrl+S)"], "Generate", id="keys"),
    pytest.param("example", ["a"], ["Cancel (Esc)", "Deactivate (y)"], "Confirm", id="confirm"),
    pytest.param(
        "example", ["t"], ["Close (Esc)", "Send PING (Ctrl+S)"], "Send the event", id="test"
    ),
]


@pytest.mark.parametrize(("operator", "keys", "buttons", "key"), DIALOGS)
async def test_a_dialog_at_24_rows_shows_its_buttons_and_keys(
    console, operator, keys, buttons, key
):
    async with console.run_test(size=SMALL) as pilot:
        if operator:
            await open_operator(pilot, operator)
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

        shown = [str(b.label) for b in console.screen.query(Button) if in_view(console, b)]
        assert shown == buttons
        assert key in footer_descriptions(console)


async def test_the_create_form_scrolls_to_the_field_typed_in_and_keeps_its_buttons(console):
    async with console.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        last = console.screen.query_one("#input-allowed_categories")
        for _ in range(10):  # Tab down to the last field
            if last.has_focus:
                break
            await pilot.press("tab")
        await settle(pilot)

        assert last.has_focus and in_view(console, last)
        assert in_view(console, console.screen.query_one("#save"))


def wholly_in_view(app, widget) -> bool:
    """Whether every row of `widget` shows: neither scrolled away nor under a docked part."""
    region = widget.region
    if not region.width or not region.height:
        return False
    rows = range(region.y, region.bottom)
    covering = (app.screen.get_widget_at(region.x + 1, row)[0] for row in rows)
    return all(under is widget or widget in under.ancestors for under in covering)


async def test_each_field_of_the_create_form_shows_whole_as_it_is_typed_in(console):
    async with console.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        fields = list(console.screen.query(FormField))
        assert wholly_in_view(console, fields[0])  # its label too, not under the title
        for field in fields[1:]:
            await pilot.press("tab")
            await settle(pilot)
            typed_in = field.query_one(Input)
            assert typed_in.has_focus and wholly_in_view(console, typed_in), field.field
            assert in_view(console, console.screen.query_one("#save"))


VALID = {"name": "Wrap Casino", "domain": "wrap.example.com"}
"""The create form's other required fields, so the long error is the only one."""


@pytest.mark.parametrize(
    ("keys", "field", "typed"),
    [
        pytest.param(["n"], "contact_email", "ana@localhost", id="create-email"),
        pytest.param(["e"], "allowed_origins", "https://a.example.com/path", id="edit-origin"),
    ],
)
async def test_a_field_error_wider_than_the_form_wraps_inside_it(console, keys, field, typed):
    async with console.run_test(size=SMALL) as pilot:
        if keys == ["e"]:
            await open_operator(pilot, "example")
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        for other, value in VALID.items() if keys == ["n"] else ():
            console.screen.query_one(f"#input-{other}", Input).value = value
        console.screen.query_one(f"#input-{field}", Input).value = typed
        await pilot.press("ctrl+s")
        await settle(pilot)

        form_field = console.screen.query_one(f"#field-{field}", FormField)
        error = form_field.query_one(".field-error")
        message = str(error.content)
        assert len(message) > form_field.content_region.width  # too long for one line
        # Every line of it inside the field, none cut at the dialog's edge, and in view.
        assert form_field.content_region.contains_region(error.region)
        assert error.region.height * error.region.width >= len(message)
        assert form_field.parent.region.contains_region(error.region)
