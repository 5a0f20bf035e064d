"""The onboarding wizard, walked through with real actions against a real HTTPS receiver."""

from __future__ import annotations

import dataclasses

import pytest
from textual.geometry import Region

from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.keys import KeyCreate
from predictu_console.core.models import OperatorListQuery, OperatorUpdate
from predictu_console.tui.app import make_tui
from predictu_console.tui.modals.confirm import ConfirmModal
from predictu_console.tui.modals.key_rotation import KeyRotationModal
from predictu_console.tui.screens.onboarding_wizard import OnboardingWizardScreen
from tests.tui.screens import SIZE, open_operator, settle, shown_text, type_into


@pytest.fixture
def wizard_app(gateway, receiver):
    sender = CallbackSender(ca_bundle=receiver.ca_file, allow_private=True)
    return make_tui(dataclasses.replace(gateway, sender=sender), poll_seconds=3600)


def _page(app) -> int:
    return app.screen.current


def _error(app, field) -> str:
    return str(app.screen.query_one(f"#field-{field} .field-error").render())


_type = type_into


async def _do(pilot):
    await pilot.press("ctrl+s")
    await settle(pilot)


async def _create(pilot, name):
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    for field, value in (
        ("name", name),
        ("domain", "newcasino.example.com"),
        ("contact_email", "ops@newcasino.example.com"),
    ):
        pilot.app.screen.query_one(f"#input-{field}").value = value
    await _do(pilot)


async def test_a_new_operator_walks_all_eight_steps_to_active(wizard_app, gateway, receiver):
    app = wizard_app
    async with app.run_test(size=SIZE) as pilot:
        await _create(pilot, "New Casino")
        assert isinstance(app.screen, OnboardingWizardScreen)
        assert _page(app) == 2  # resumes at the first open step

        await _type(pilot, "revenue_share_predictu", "35")
        assert "Predictu 35% · operator 65%" in str(app.screen.query_one("#share-preview").content)
        await _do(pilot)
        assert _page(app) == 3

        await _do(pilot)
        assert isinstance(app.screen, KeyRotationModal)
        await _do(pilot)
        await pilot.click("#stored")
        await settle(pilot)
        assert _page(app) == 4

        assert app.focused is app.screen.query_one("#input-callback_url")  # ready to type
        await _do(pilot)
        assert "enter the operator's HTTPS callback URL" in _error(app, "callback_url")
        await _type(pilot, "callback_url", "http://insecure.example.com/cb")
        await _do(pilot)
        assert "must use https://" in _error(app, "callback_url")
        app.screen.query_one("#input-callback_url").value = receiver.url + "/ok"
        await _do(pilot)
        assert _page(app) == 5

        await _do(pilot)
        assert "delivered and acknowledged" in shown_text(app, "#ping-verdict")
        assert _page(app) == 6

        await _type(pilot, "branding-primary_color", "green")
        await _do(pilot)
        assert "#rrggbb" in _error(app, "branding-primary_color")
        app.screen.query_one("#input-branding-primary_color").value = "#2ecc71"
        await _do(pilot)
        assert _page(app) == 7

        await _do(pilot)
        assert "at least one origin" in _error(app, "new_origin")
        await _type(pilot, "new_origin", "ftp://bad")
        await pilot.press("enter")
        assert "must be an origin" in _error(app, "new_origin")
        await _type(pilot, "new_origin", "https://www.newcasino.example.com")
        await pilot.press("enter")
        await _do(pilot)
        assert _page(app) == 8

        await _do(pilot)
        assert isinstance(app.screen, ConfirmModal)  # activating asks first
        assert "Activate New Casino?" in str(app.screen.query_one("#confirm-title").content)
        await pilot.press("y")
        await settle(pilot)
        assert "8 of 8 steps done" in str(app.screen.query_one("#wizard-title").content)
        assert "New Casino is active: its players can trade." in [
            n.message for n in app._notifications
        ]
        await _do(pilot)  # nothing left to do: no second activation question
        assert isinstance(app.screen, OnboardingWizardScreen)
        assert "New Casino is already active." in [n.message for n in app._notifications]
    listed = gateway.list_operators(OperatorListQuery(search="New Casino")).operators[0]
    assert (listed.status, listed.onboarding_step) == ("active", 8)
    assert len(receiver.requests) == 1


async def test_leaving_keeps_progress_and_reopening_resumes(wizard_app):
    app = wizard_app
    async with app.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "neon")  # four steps done in the demo
        await pilot.press("o")
        await settle(pilot)
        assert _page(app) == 5
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert _page(app) == 5


async def test_activation_is_refused_with_the_open_steps(wizard_app, gateway):
    app = wizard_app
    async with app.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "luckyspin")
        await pilot.press("o")
        await settle(pilot)
        for _ in range(7):
            await pilot.press("pagedown")
        assert _page(app) == 8
        await _do(pilot)
        messages = [n.message for n in app._notifications]
        assert any(
            "3 Generate API keys" in m and "7 Whitelist iframe origins" in m for m in messages
        ), messages
    listed = gateway.list_operators(OperatorListQuery(search="luckyspin")).operators[0]
    assert listed.status == "onboarding"


async def test_a_bad_share_and_a_failed_ping_keep_the_operator_on_its_step(wizard_app, receiver):
    app = wizard_app
    async with app.run_test(size=SIZE) as pilot:
        await _create(pilot, "Stuck Casino")
        await _type(pilot, "revenue_share_predictu", "150")
        assert "from 1 to 99" in str(app.screen.query_one("#share-preview").content)
        await _do(pilot)
        assert "must be at most 99" in _error(app, "revenue_share_predictu")
        assert _page(app) == 2

        await _type(pilot, "revenue_share_predictu", "30")
        await _do(pilot)
        await _do(pilot)  # keys
        await _do(pilot)
        await pilot.click("#stored")
        await settle(pilot)
        await _type(pilot, "callback_url", receiver.url + "/error")
        await _do(pilot)
        assert _page(app) == 5
        await _do(pilot)
        assert "HTTP_ERROR" in shown_text(app, "#ping-verdict")
        assert _page(app) == 5  # a failed PING never completes the step
        assert "4 of 8 steps done" in str(app.screen.query_one("#wizard-title").content)


def _title(app) -> str:
    return str(app.screen.query_one("#wizard-title").content)


async def test_only_a_ping_completes_step_5_other_events_try_the_handler(
    wizard_app, gateway, receiver
):
    neon = gateway.list_operators(OperatorListQuery(search="neon")).operators[0]
    version = gateway.get_operator(neon.id).version
    gateway.update_operator(neon.id, OperatorUpdate(callback_url=receiver.url + "/ok"), version)
    app = wizard_app
    async with app.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "neon")  # four steps done: the wizard opens at step 5
        await pilot.press("o")
        await settle(pilot)
        assert _page(app) == 5
        assert "Only a successful PING completes this step" in shown_text(app, "#wizard-hint")
        await pilot.press("enter", "down", "down", "enter")  # the picker has the focus
        await _do(pilot)
        shown = shown_text(app, "#ping-verdict")
        assert "TRADE_PLACED (test sample)" in shown and "delivered and acknowledged" in shown
        assert _page(app) == 5
        assert "4 of 8 steps done" in _title(app)

        await pilot.press("enter", "up", "up", "enter")
        await _do(pilot)
        assert _page(app) == 6
        assert "5 of 8 steps done" in _title(app)
    sent = [request["headers"]["X-Predictu-Event"] for request in receiver.requests]
    assert sent == ["TRADE_PLACED", "PING"]


@pytest.mark.parametrize(
    ("size", "strip"),
    [((80, 24), "○ 6   ▶ 7 Origins   ○ 8"), ((60, 20), "▶ 7 Origins")],
    ids=["80x24", "60x20"],
)
async def test_the_step_strip_keeps_the_current_step_in_view_when_narrow(console, size, strip):
    async with console.run_test(size=size) as pilot:
        await open_operator(pilot, "luckyspin")
        await pilot.press("o")
        await settle(pilot)
        await pilot.press(*["pagedown"] * 5)  # from step 2 to step 7, near the end of the strip
        await settle(pilot)

        steps = console.screen.query_one("#wizard-steps")
        drawn = steps.render_lines(Region(0, 0, steps.size.width, 1))[0].text
        assert strip in drawn
        assert "✓ 1" in drawn  # and the steps before it, done or not, as marks


async def test_one_key_pair_is_counted_in_the_singular(console, gateway):
    [lucky] = gateway.list_operators(OperatorListQuery(search="luckyspin")).operators
    gateway.generate_keys(lucky.id, KeyCreate())
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "luckyspin")
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("pageup")  # the wizard resumes at step 4; the keys are step 3
        await settle(pilot)
        assert "1 key pair; the current one is key_" in shown_text(console, "#keys-state")


async def _to_step_5_with(pilot, url):
    """A new operator through steps 2–4, its callback URL `url`."""
    await _create(pilot, "Fixed Casino")
    await _do(pilot)  # the share, confirmed as it is
    await _do(pilot)  # keys
    await _do(pilot)
    await pilot.click("#stored")
    await settle(pilot)
    await _type(pilot, "callback_url", url)
    await _do(pilot)


async def test_a_failed_ping_fixed_at_step_4_leaves_no_stale_result(wizard_app, receiver):
    app = wizard_app
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_step_5_with(pilot, receiver.url + "/error")
        await _do(pilot)
        assert "HTTP_ERROR" in shown_text(app, "#ping-verdict")
        assert "not tested yet" not in shown_text(app, "#ping-target")

        await pilot.press("pageup")
        await _type(pilot, "callback_url", receiver.url + "/ok")
        await _do(pilot)
        assert _page(app) == 5
        # The failure belonged to the old URL: nothing is said of the new one until PINGed.
        assert shown_text(app, "#ping-verdict") == ""
        assert "/ok (not tested yet)" in shown_text(app, "#ping-target")

        await _do(pilot)
        assert _page(app) == 6
        assert "5 of 8 steps done" in _title(app)


async def test_leaving_with_a_typed_url_asks_first_and_keeps_it_on_no(wizard_app):
    app = wizard_app
    async with app.run_test(size=(80, 24)) as pilot:
        await open_operator(pilot, "neon")
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("pageup")
        await _type(pilot, "callback_url", "https://api.neon.example.com/cb")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "Discard changes to 1 field?" in str(app.screen.query_one("#confirm-title").content)
        assert shown_text(app, "#confirm-body").startswith("Changed: Callback URL.\n")

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, OnboardingWizardScreen)
        assert app.screen.query_one("#input-callback_url").value.endswith("neon.example.com/cb")
        await pilot.press("escape", "y")
        await settle(pilot)
        assert not isinstance(app.screen, OnboardingWizardScreen | ConfirmModal)


async def test_saving_one_page_keeps_what_was_typed_on_another(wizard_app, receiver):
    app = wizard_app
    async with app.run_test(size=SIZE) as pilot:
        await _create(pilot, "Typed Casino")
        for _ in range(4):
            await pilot.press("pagedown")
        await _type(pilot, "branding-primary_color", "#123456")
        await _type(pilot, "new_origin", "https://www.typed.example.com")
        await pilot.press("pagedown", "enter")  # step 7: the origin is added, not saved
        for _ in range(5):
            await pilot.press("pageup")
        assert _page(app) == 2
        await _do(pilot)  # saves the share and reloads the operator

        assert app.screen.query_one("#input-branding-primary_color").value == "#123456"
        assert app.screen.origins == ["https://www.typed.example.com"]
        assert "Step 3: Generate API keys. " in shown_text(app, "#wizard-hint")
        await pilot.press("pageup")
        assert "Step 2: Confirm the revenue share (done). " in shown_text(app, "#wizard-hint")
