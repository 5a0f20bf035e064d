"""Edit an operator (`e`): prefilled, previewed as the exact diff, and safe against races.

Only the fields the admin touched are sent. Before writing, core computes the `changes` the
update would make (from a read: nothing is written or locked) and the admin confirms them, with
sensitive ones flagged. The write carries the version the form was opened from: if another
admin saved in between, nothing is overwritten and the admin sees what changed meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label

from predictu_console.core.changes import changes_between
from predictu_console.core.errors import StaleVersion
from predictu_console.core.labels import field_label
from predictu_console.core.models import FieldChange, OperatorDetail, OperatorUpdate
from predictu_console.core.notifications import sensitive_changes
from predictu_console.tui.base import ConsoleScreen
from predictu_console.tui.form_values import integer, number, optional_text, word_list
from predictu_console.tui.formatting import count, percent, shown
from predictu_console.tui.modals.confirm import ConfirmModal, leave_form
from predictu_console.tui.widgets.console_header import ConsoleHeader
from predictu_console.tui.widgets.form_field import (
    FormField,
    SwitchField,
    parse_form,
)
from predictu_console.tui.widgets.key_footer import KeyFooter

Read = Callable[[OperatorDetail], str]
Convert = Callable[[str], Any]


def _flag(value: bool) -> str:
    return "yes" if value else "no"


def _yes_no(text: str) -> bool:
    """A switch's `yes`/`no` as the boolean core stores."""
    return text == "yes"


# field path, how to show the current value, how to turn typed text back into a value, and
# what the label adds to the field's name (field_label) to say how to type it
FIELDS: list[tuple[str, Read, Convert, str]] = [
    ("name", lambda d: d.name, str, ""),
    ("contact_email", lambda d: d.contact_email, str, ""),
    ("billing_email", lambda d: d.billing_email, str, ""),
    ("callback_url", lambda d: d.callback_url or "", optional_text, "(HTTPS; empty clears it)"),
    (
        "revenue_share_predictu",
        lambda d: percent(d.revenue_share_predictu).rstrip("%"),
        number,
        "% (1–99)",
    ),
    ("allowed_categories", lambda d: ", ".join(d.allowed_categories), word_list, ""),
    (
        "allowed_origins",
        lambda d: ", ".join(d.allowed_origins),
        word_list,
        "(https://host[:port], comma-separated)",
    ),
    ("branding.primary_color", lambda d: d.branding.primary_color, str, "(#rrggbb)"),
    ("branding.secondary_color", lambda d: d.branding.secondary_color, str, "(#rrggbb)"),
    ("branding.bg_primary", lambda d: d.branding.bg_primary, str, "(#rrggbb)"),
    ("branding.bg_secondary", lambda d: d.branding.bg_secondary, str, "(#rrggbb)"),
    ("branding.logo_url", lambda d: d.branding.logo_url or "", optional_text, "(HTTPS; optional)"),
    ("branding.icon_url", lambda d: d.branding.icon_url or "", optional_text, "(HTTPS; optional)"),
    ("config.new_tier_limit", lambda d: str(d.config.new_tier_limit), integer, ""),
    ("config.regular_tier_limit", lambda d: str(d.config.regular_tier_limit), integer, ""),
    ("config.vip_tier_limit", lambda d: str(d.config.vip_tier_limit), integer, ""),
    ("config.auto_promote_enabled", lambda d: _flag(d.config.auto_promote_enabled), _yes_no, ""),
    ("config.auto_promote_days", lambda d: str(d.config.auto_promote_days), integer, ""),
    ("config.auto_promote_trades", lambda d: str(d.config.auto_promote_trades), integer, ""),
    (
        "config.daily_loss_limit_enabled",
        lambda d: _flag(d.config.daily_loss_limit_enabled),
        _yes_no,
        "",
    ),
    ("config.can_promote_vip", lambda d: _flag(d.config.can_promote_vip), _yes_no, ""),
]


def changes_table(changes: dict[str, FieldChange], *, flag_sensitive: bool = True) -> Table:
    """Field, before, after; sensitive rows marked ⚠ so they stand out without colour."""
    sensitive = sensitive_changes(changes) if flag_sensitive else {}
    table = Table(box=None, header_style="bold")
    table.add_column("")
    table.add_column("Field")
    table.add_column("Before")
    table.add_column("After")
    for path, change in changes.items():
        mark = Text("⚠", style="bold yellow") if path in sensitive else Text("")
        table.add_row(mark, field_label(path), shown(change.from_), shown(change.to))
    return table


class OperatorEditScreen(ConsoleScreen):
    """A form over every writable field; Ctrl+S previews, then saves."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+s", "save", "Save", id="save"),
    ]
    HELP_TITLE = "Edit operator"
    QUITS = False
    CSS_PATH = "operator_edit.tcss"

    def __init__(self, detail: OperatorDetail) -> None:
        super().__init__()
        self.opened = detail
        """The operator as it was when the form was filled: the base of the diff and version."""

    def compose(self) -> ComposeResult:
        yield ConsoleHeader()
        yield Label(f"Editing {self.opened.name} ({self.opened.domain})", id="edit-title")
        with VerticalScroll(id="edit-form"):
            for field, read, convert, hint in FIELDS:
                kind = SwitchField if convert is _yes_no else FormField
                yield kind(field_label(field), field, read(self.opened), hint=hint)
            with Horizontal(id="edit-buttons"):
                yield Button("Cancel (Esc)", id="cancel")
                yield Button("Review and save (Ctrl+S)", id="save", variant="primary")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query(FormField).first().focus_input()

    def patch(self) -> dict[str, Any]:
        """The PATCH body: only fields whose text differs from what the form opened with."""
        body: dict[str, Any] = {}
        typed = {field.field: field.value for field in self.query(FormField)}
        for path, read, convert, _ in FIELDS:
            if typed[path] == read(self.opened):
                continue
            group, _, key = path.rpartition(".")
            target = body.setdefault(group, {}) if group else body
            target[key or path] = convert(typed[path])
        return body

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        data = parse_form(self, OperatorUpdate, self.patch())
        if data is None:
            return
        if not data.model_dump():
            self.notify("Nothing changed.", timeout=3)
            return
        self.preview(data, self.opened.version)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        leave_form(self, self.app.pop_screen)

    def confirm(self, data: OperatorUpdate, version: int, changes: dict[str, FieldChange]) -> None:
        """Show exactly what will be written; write it only on confirm."""
        if not changes:
            self.notify("Nothing to change: the values are already stored.", timeout=4)
            return
        notes = []
        if sensitive_changes(changes):
            notes.append(Text("\n⚠ Sensitive: every God Mode admin is notified.", style="bold"))
        body = Group(changes_table(changes), *notes)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.save(data, version)

        title = f"Save {count(len(changes), 'change')} to {self.opened.name}?"
        self.app.push_screen(ConfirmModal(title, body, confirm_label="Save"), confirmed)

    def stale(self, data: OperatorUpdate, current: OperatorDetail) -> None:
        """Someone saved first: show what they changed; reload or re-apply these edits."""
        meanwhile = changes_between(self.opened, current)
        body = Group(
            Text("Another admin saved this operator after you opened the form.\n"),
            changes_table(meanwhile, flag_sensitive=False),
            Text("\nSave re-applies your edits on top of theirs; cancel reloads the form."),
        )

        def decided(reapply: bool | None) -> None:
            if reapply:
                self.preview(data, current.version)
            else:
                self.app.pop_screen()
                self.app.push_screen(OperatorEditScreen(current))

        self.app.push_screen(
            ConfirmModal("Changed while you were editing", body, confirm_label="Re-apply"), decided
        )

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def preview(self, data: OperatorUpdate, version: int) -> None:
        gateway = self.console.gateway
        self._guarded(
            data,
            lambda: gateway.preview_update(self.opened.id, data, version),
            lambda changes: self.confirm(data, version, changes),
        )

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def save(self, data: OperatorUpdate, version: int) -> None:
        def done(result: Any) -> None:
            saved = count(len(result.changes), "change")
            self.notify(f"Saved {saved}.", title=result.operator.name)
            self.app.pop_screen()

        self._guarded(
            data, lambda: self.console.gateway.update_operator(self.opened.id, data, version), done
        )

    def _guarded(
        self, data: OperatorUpdate, call: Callable[[], Any], then: Callable[[Any], None]
    ) -> None:
        """Run `call` in this worker; route its outcome back to the UI thread. Any refusal
        but a stale version fails the worker, for the screens' one error handler."""
        app = self.app
        try:
            result = call()
        except StaleVersion:
            current = self.console.gateway.get_operator(self.opened.id)
            app.call_from_thread(self.stale, data, current)
        else:
            app.call_from_thread(then, result)
