"""New market (`n` on the markets screen): a title and a category, core's errors beside each."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Label, Static

from predictu_console.core.fields import CATEGORIES
from predictu_console.core.markets import MarketOut
from predictu_console.core.platform import MarketCreate
from predictu_console.tui.base import ConsoleModal
from predictu_console.tui.modals.confirm import leave_form
from predictu_console.tui.widgets.dialog_box import DialogBox
from predictu_console.tui.widgets.form_field import FormField, parse_form
from predictu_console.tui.widgets.key_footer import KeyFooter


class MarketCreateModal(ConsoleModal[MarketOut | None]):
    """Dismisses with the opened market, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+s", "save", "Open market", id="save"),
    ]

    def compose(self) -> ComposeResult:
        with DialogBox(id="market-box", classes="dialog"):
            yield Label("New market", id="market-title", classes="dialog-title")
            yield Static(
                "It opens at once to the players of every operator offering its category.",
                classes="muted dialog-body",
            )
            yield FormField(
                "Title (3–200 characters)", "title", placeholder="Will BTC close above $100k?"
            )
            yield FormField(f"Category: {', '.join(CATEGORIES)}", "category")
            with Horizontal(id="market-buttons", classes="dialog-buttons"):
                yield Button("Cancel (Esc)", id="cancel")
                yield Button("Open market (Ctrl+S)", id="save", variant="primary")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query(FormField).first().focus_input()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        values = {field.field: field.value for field in self.query(FormField)}
        if data := parse_form(self, MarketCreate, values):
            self.create(data)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        leave_form(self, lambda: self.dismiss(None))

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def create(self, data: MarketCreate) -> None:
        created = self.console.gateway.create_market(data)
        self.app.call_from_thread(self.dismiss, created)
