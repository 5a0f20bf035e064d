"""What the console says is about the data, as a person reads it: no pydantic wording, no
Python reprs, and `30%` typed as a person types a percentage."""

from __future__ import annotations

import contextlib

from sqlalchemy import text as sql
from textual.widgets import Label, Switch
from textual.worker import WorkerFailed

from predictu_console.core.labels import FIELD_LABELS
from predictu_console.core.models import OperatorListQuery, OperatorUpdate
from predictu_console.db.session import session_scope
from predictu_console.tui.screens.onboarding_wizard import OnboardingWizardScreen
from predictu_console.tui.widgets.form_field import FormField
from tests.tui.screens import SIZE, open_operator, settle, shown_text


async def test_a_share_typed_as_30_percent_creates_the_operator(console, gateway):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        for field, value in (
            ("name", "Percent Casino"),
            ("domain", "percent.example.com"),
            ("contact_email", "ops@percent.example.com"),
            ("revenue_share_predictu", "35%"),
        ):
            console.screen.query_one(f"#input-{field}").value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(console.screen, OnboardingWizardScreen)
    [created] = gateway.list_operators(OperatorListQuery(search="percent")).operators
    assert created.revenue_share_predictu == 35


async def test_the_audit_and_the_edit_diff_show_values_not_python_reprs(console, gateway):
    operator = gateway.list_operators(OperatorListQuery(search="example")).operators[0]
    origins = ["https://a.example-casino.com", "https://b.example-casino.com"]
    data = OperatorUpdate.model_validate({"allowed_origins": origins, "callback_url": None})
    gateway.update_operator(operator.id, data, gateway.get_operator(operator.id).version)
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "example")
        audit = await _tab(pilot, "7", "#audit-body")
        await pilot.press("e")
        await settle(pilot)
        console.screen.query_one("#input-branding-logo_url").value = "https://cdn.example.com/l.png"
        switch = console.screen.query_one("#input-config-auto_promote_enabled", Switch)
        switch.focus()
        await pilot.press("space")  # a yes/no setting is a switch, not text to type
        await settle(pilot)
        assert switch.value is False
        await pilot.press("ctrl+s")
        await settle(pilot)
        diff = shown_text(console, "#confirm-body")
    joined = ", ".join(origins)
    # Every field by the label the form gives it, never by its id.
    assert (
        f"Allowed origins: https://www.example-casino.com, https://m.example-casino.com → {joined}"
        in audit
    )
    assert "Callback URL: https://api.example-casino.com/callbacks/predictu → —" in audit
    assert "Auto-promote: — → yes" in audit
    assert ["Logo", "URL", "—", "https://cdn.example.com/l.png"] in _rows(diff)
    assert ["⚠", "Auto-promote", "yes", "no"] in _rows(diff)
    for text in (audit, diff):
        assert "None" not in text and "[" not in text and "'" not in text
        assert not [path for path in FIELD_IDS if path in text]
    assert "Onboarding step 8 (Activate): — → 2024-11-20 10:33 UTC" in audit  # not ISO 8601
    assert "Operator edited  by ana@predictu.com" in audit
    assert "operator.updated" not in audit and "step_completed" not in audit


FIELD_IDS = [path for path in FIELD_LABELS if "." in path or "_" in path]
"""The ids of fields whose id is not simply their label in lower case."""


async def _tab(pilot, key: str, selector: str) -> str:
    """Open the detail's tab `key` and read what `selector` shows on it."""
    await pilot.press(key)
    await settle(pilot)
    return shown_text(pilot.app, selector)


def _rows(table_text: str) -> list[list[str]]:
    return [line.split() for line in table_text.splitlines()]


async def test_branding_and_every_form_label_read_as_the_one_table_names_them(console):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "example")
        branding = await _tab(pilot, "2", "#branding-body")
        await pilot.press("e")
        await settle(pilot)
        edit_labels = _form_labels(console)
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        create_labels = _form_labels(console)
        await pilot.press("escape")
        await settle(pilot)
        await open_operator(pilot, "neon")
        await pilot.press("o")
        await settle(pilot)
        wizard_names = {
            field.field: field.label
            for field in console.screen.query(FormField)
            if field.field != "new_origin"  # no stored field: the origins' list is
        }
    for label in ("Primary colour", "Second background colour", "Logo URL", "Icon URL"):
        assert label in branding
    assert "primary color" not in branding and "bg primary" not in branding
    for field, label in (*edit_labels, *create_labels):
        assert label.startswith(FIELD_LABELS[field]), (field, label)
    # The wizard names its fields as the table does (the discard question uses these names).
    assert len(wizard_names) == 8
    assert wizard_names == {field: FIELD_LABELS[field] for field in wizard_names}


def _form_labels(app) -> list[tuple[str, str]]:
    return [
        (field.field, str(field.query_one(".field-label", Label).content))
        for field in app.screen.query(FormField)
    ]


async def test_a_database_failure_is_a_sentence_and_the_drivers_words_one_key_away(
    console, session_factory
):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _rename(session_factory, "audit_log", "audit_log_away")  # the table is gone
        try:
            # Waiting for the detail's worker raises its failure when it is still running.
            with contextlib.suppress(WorkerFailed):
                await open_operator(pilot, "example")
            await settle(pilot)
            [toast] = [n for n in console._notifications if n.severity == "error"]
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("N")
            await settle(pilot)
            detail = shown_text(console, "#message-detail")
        finally:
            _rename(session_factory, "audit_log_away", "audit_log")
    assert (toast.title, toast.message) == (
        "DATABASE_ERROR",
        "The database refused the request; nothing was changed. N shows the detail.",
    )
    assert detail.startswith("Detail: ") and "audit_log" in detail  # what the driver said
    for text in (toast.message, detail):
        assert "OperationalError" not in text and "sqlalche" not in text.lower()


def _rename(session_factory, table: str, to: str) -> None:
    with session_scope(session_factory) as session:
        session.execute(sql(f"ALTER TABLE {table} RENAME TO {to}"))
