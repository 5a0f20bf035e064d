"""Detail, edit, create and status flows, end to end through the real app and database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from predictu_console.core.models import OperatorListQuery, OperatorUpdate
from predictu_console.tui.modals.confirm import ConfirmModal
from predictu_console.tui.modals.operator_create import OperatorCreateModal
from predictu_console.tui.screens.onboarding_wizard import OnboardingWizardScreen
from predictu_console.tui.screens.operator_detail import OperatorDetailScreen
from predictu_console.tui.screens.operator_edit import OperatorEditScreen
from tests.tui.screens import SIZE, send_one_read, settle, shown_text, type_into


def _id(gateway, name):
    page = gateway.list_operators(OperatorListQuery(search=name))
    return page.operators[0].id


async def _open(pilot, name):
    await settle(pilot)
    await pilot.press("slash", *name.lower(), "enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, OperatorDetailScreen)


_text = shown_text


_type = type_into


async def test_the_detail_shows_every_tab(console):
    async with console.run_test(size=SIZE) as pilot:
        await _open(pilot, "Example Casino")
        assert "example-casino.com" in _text(console, "#detail-header")
        assert "Predictu share  30%" in _text(console, "#overview-body")
        await pilot.press("5")
        assert "8 of 8 steps complete" in _text(console, "#onboarding-body")
        await pilot.press("6")
        assert console.screen.query_one("#invoices-table").row_count >= 3
        await pilot.press("2")
        assert "Primary colour" in _text(console, "#branding-body")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(console.screen, OperatorDetailScreen)


async def test_edit_confirms_the_exact_diff_then_saves_and_audits(console, gateway):
    async with console.run_test(size=SIZE) as pilot:
        await _open(pilot, "LuckySpin")
        await pilot.press("e")
        await settle(pilot)
        await _type(pilot, "contact_email", "boss@luckyspin.io")
        await _type(pilot, "revenue_share_predictu", "27.5")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(console.screen, ConfirmModal)
        body = _text(console, "#confirm-body")
        assert "Contact email" in body and "boss@luckyspin.io" in body and "'" not in body
        assert "⚠" in body and "Sensitive" in body  # revenue share is sensitive
        await pilot.press("y")
        await settle(pilot)

        assert isinstance(console.screen, OperatorDetailScreen)
        await pilot.press("7")
        audit = _text(console, "#audit-body")
        assert "Contact email: admin@luckyspin.io → boss@luckyspin.io" in audit
        assert "by ana@predictu.com (OS user ana)" in audit
    detail = gateway.get_operator(_id(gateway, "LuckySpin"))
    assert (detail.contact_email, detail.revenue_share_predictu) == (
        "boss@luckyspin.io",
        Decimal("27.5"),
    )


async def test_tabbing_into_a_prefilled_field_keeps_its_value_and_types_at_the_end(console):
    async with console.run_test(size=SIZE) as pilot:
        await _open(pilot, "LuckySpin")
        await pilot.press("e")
        await settle(pilot)
        focused = console.focused
        before = focused.value
        await pilot.press("tab")
        await pilot.press("shift+tab", "x")

        assert console.focused is focused
        assert focused.value == before + "x"


@pytest.mark.parametrize(
    ("burst", "fields"),
    [
        # A correction: the characters after the backspaces went into the name before them,
        # "lucky", two backspaces and "zzz" giving 'luckyz'.
        ("lucky\x7f\x7fzzz", {"#input-name": "luczzz"}),
        # A name, Tab and a domain: the domain went on the end of the name ('Acmeacme.io'),
        # and the domain field stayed empty.
        ("Acme\tacme.io", {"#input-name": "Acme", "#input-domain": "acme.io"}),
    ],
    ids=["backspaces", "tab"],
)
async def test_keys_that_come_in_one_read_act_in_order_in_a_form(console, burst, fields):
    """Over SSH several keys come in one read; each must act as if typed one by one."""
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        send_one_read(console, burst)
        await settle(pilot)

        shown = {field: console.screen.query_one(field).value for field in fields}
        assert shown == fields


async def test_leaving_a_form_with_changes_asks_first_and_q_never_quits_from_it(console):
    async with console.run_test(size=SIZE) as pilot:
        await _open(pilot, "LuckySpin")
        await pilot.press("e")
        await settle(pilot)
        await _type(pilot, "contact_email", "boss@luckyspin.io")
        console.screen.query_one("#cancel").focus()
        await pilot.press("q")  # on a button, where q used to quit the console
        assert console.is_running and isinstance(console.screen, OperatorEditScreen)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(console.screen, ConfirmModal)
        assert "Discard changes to 1 field?" in str(
            console.screen.query_one("#confirm-title").content
        )
        await pilot.press("escape")  # no: back to the form, nothing lost
        await settle(pilot)
        assert console.screen.query_one("#input-contact_email").value == "boss@luckyspin.io"

        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(console.screen, OperatorDetailScreen)


async def _create_form_then(pilot, key: str, **typed: str) -> None:
    """Open the create form, type `typed` into its fields, then press `key`."""
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    for field, text in typed.items():
        await _type(pilot, field, text)
    await pilot.press(key)
    await settle(pilot)


async def test_the_discard_question_names_the_fields_without_their_hints(console):
    async with console.run_test(size=SIZE) as pilot:
        await _create_form_then(
            pilot, "escape", name="Half Typed", billing_email="pay@half.example.com"
        )

        assert _text(console, "#confirm-body").startswith("Changed: Name, Billing email.\n")


async def test_clearing_the_callback_url_unticks_steps_4_and_5_in_the_wizard(console, gateway):
    neon = _id(gateway, "Neon")
    assert gateway.get_operator(neon).onboarding_checklist["set_callback"].complete
    async with console.run_test(size=SIZE) as pilot:
        await _open(pilot, "Neon")
        await pilot.press("e")
        await settle(pilot)
        await _type(pilot, "callback_url", "")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)

        assert isinstance(console.screen, OnboardingWizardScreen)
        assert console.screen.current == 4  # resumes where work is missing again
        assert "3 of 8 steps done" in _text(console, "#wizard-title")
        assert "Step 4: Set the callback URL. " in _text(console, "#wizard-hint")


async def test_an_unknown_category_is_named_beside_the_field_it_was_typed_in(console):
    async with console.run_test(size=SIZE) as pilot:
        await _create_form_then(pilot, "ctrl+s", allowed_categories="politics, casino")

        error = str(console.screen.query_one("#field-allowed_categories .field-error").render())
        assert "must be one of politics, sports" in error
        assert not [n.message for n in console._notifications if "allowed_categories" in n.message]


async def test_an_untouched_form_closes_at_once(console):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(console.screen, ConfirmModal)
        assert console.screen.query_one("#operators")


async def test_invalid_edits_show_core_errors_beside_the_fields(console, gateway):
    async with console.run_test(size=SIZE) as pilot:
        await _open(pilot, "LuckySpin")
        await pilot.press("e")
        await settle(pilot)
        await _type(pilot, "callback_url", "http://insecure.example.com")
        await _type(pilot, "config-new_tier_limit", "5000")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(console.screen, OperatorEditScreen)
        assert "must use https://" in _text(console, "#field-callback_url .field-error")

        await _type(pilot, "callback_url", "https://api.luckyspin.io/cb")
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = _text(console, "#field-config-new_tier_limit .field-error")
        # Core names the fields by id, as the API does; the form by the labels it shows.
        assert error == "✗ New tier limit (5000) must not exceed regular tier limit (100)"
    assert gateway.get_operator(_id(gateway, "LuckySpin")).version == 1


async def test_a_stale_edit_shows_what_changed_and_can_be_reapplied(console, gateway):
    operator_id = _id(gateway, "LuckySpin")
    async with console.run_test(size=SIZE) as pilot:
        await _open(pilot, "LuckySpin")
        await pilot.press("e")
        await settle(pilot)
        await _type(pilot, "billing_email", "money@luckyspin.io")

        opened = gateway.get_operator(operator_id)
        gateway.update_operator(
            operator_id, OperatorUpdate(name="LuckySpin Casino"), opened.version
        )  # another admin, meanwhile
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(console.screen, ConfirmModal)
        body = _text(console, "#confirm-body")
        assert "Another admin saved" in body and "LuckySpin Casino" in body
        await pilot.press("y")  # re-apply my edit on top
        await settle(pilot)
        assert "Billing email" in _text(console, "#confirm-body")
        await pilot.press("y")
        await settle(pilot)
    final = gateway.get_operator(operator_id)
    assert (final.name, final.billing_email) == ("LuckySpin Casino", "money@luckyspin.io")


async def test_create_shows_errors_inline_then_opens_the_new_operator(console, gateway):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(console.screen, OperatorCreateModal)
        await _type(pilot, "name", "Example Casino")
        await _type(pilot, "domain", "https://bad")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "bare hostname" in _text(console, "#field-domain .field-error")
        assert "valid email" in _text(console, "#field-contact_email .field-error")

        await _type(pilot, "domain", "new-casino.example.com")
        await _type(pilot, "contact_email", "ops@new-casino.example.com")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "already has this name" in _text(console, "#field-name .field-error")

        await _type(pilot, "name", "New Casino")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(console.screen, OnboardingWizardScreen)
        assert "New Casino" in _text(console, "#wizard-title")
        assert "1 of 8 steps done" in _text(console, "#wizard-title")


async def test_deactivating_names_the_consequence_and_blocks_trading(console, gateway):
    async with console.run_test(size=SIZE) as pilot:
        await _open(pilot, "Polar Play")
        await pilot.press("a")
        await settle(pilot)
        assert "New trades by its players are blocked" in _text(console, "#confirm-body")
        await pilot.press("y")
        await settle(pilot)
        assert "inactive" in _text(console, "#detail-header")
    assert gateway.get_operator(_id(gateway, "Polar Play")).status == "inactive"


async def test_activating_too_early_lists_the_open_steps(console, gateway):
    async with console.run_test(size=SIZE) as pilot:
        await _open(pilot, "Neon Nights")
        await pilot.press("a", "y")
        await settle(pilot)
        messages = [n.message for n in console._notifications]
        assert any("5 Test the callback" in m and "7 Whitelist" in m for m in messages), messages
    assert gateway.get_operator(_id(gateway, "Neon Nights")).status == "onboarding"


async def test_an_unexpected_failure_is_a_notification_not_a_crash(console, gateway, monkeypatch):
    def broken(*_):
        raise RuntimeError("database exploded")

    monkeypatch.setattr(type(gateway), "operator_view", broken)
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        titles = [n.title for n in console._notifications]
        assert "INTERNAL_ERROR" in titles
        assert console.is_running
