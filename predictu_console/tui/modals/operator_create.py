"""New operator (`n`): the fields of spec §2, with core's errors beside each one."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Label

from predictu_console.core.fields import CATEGORIES
from predictu_console.core.labels import field_label
from predictu_console.core.models import OperatorCreate, OperatorOut
from predictu_console.tui.base import ConsoleModal
from predictu_console.tui.form_values import number, word_list
from predictu_console.tui.modals.confirm import leave_form
from predictu_console.tui.widgets.dialog_box import DialogBox
from predictu_console.tui.widgets.form_field import FormField, parse_form
from predictu_console.tui.widgets.key_footer import KeyFooter

CREATE_FIELDS = (
    ("name", "", "(3–100 characters, unique)", ""),
    ("domain", "", "(bare hostname)", "luckyspin.io"),
    ("contact_email", "", "", "admin@luckyspin.io"),
    ("billing_email", "", "(defaults to the contact email)", ""),
    ("revenue_share_predictu", "30", "% (1–99)", ""),
    ("allowed_categories", ", ".join(CATEGORIES), "", ""),
)
"""Field path, the value it starts with, how to type it, and an example."""


class OperatorCreateModal(ConsoleModal[OperatorOut | None]):
    """Dismisses with the created operator, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+s", "save", "Create", id="save"),
    ]
    HELP_TITLE = "New operator"

    def compose(self) -> ComposeResult:
        with DialogBox(id="create-box", classes="dialog"):
            yield Label("New operator", id="create-title", classes="dialog-title")
            for field, value, hint, placeholder in CREATE_FIELDS:
                yield FormField(
                    field_label(field), field, value, hint=hint, placeholder=placeholder
                )
            with Horizontal(id="create-buttons", classes="dialog-buttons"):
                yield Button("Cancel (Esc)", id="cancel")
                yield Button("Create (Ctrl+S)", id="save", variant="primary")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query(FormField).first().focus_input()

    def _values(self) -> dict[str, Any]:
        fields = {field.field: field.value for field in self.query(FormField)}
        values: dict[str, Any] = {
            "name": fields["name"],
            "domain": fields["domain"],
            "contact_email": fields["contact_email"],
            "revenue_share_predictu": number(fields["revenue_share_predictu"]),
            "allowed_categories": word_list(fields["allowed_categories"]),
        }
        if fields["billing_email"]:
            values["billing_email"] = fields["billing_email"]
        return values

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        data = parse_form(self, OperatorCreate, self._values())
        if data is not None:
            self.create(data)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        leave_form(self, lambda: self.dismiss(None))

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def create(self, data: OperatorCreate) -> None:
        app = self.app
        created = self.console.gateway.create_operator(data)
        app.call_from_thread(app.notify, f"{created.name} created: onboarding 1/8", title="Created")
        app.call_from_thread(self.dismiss, created)
