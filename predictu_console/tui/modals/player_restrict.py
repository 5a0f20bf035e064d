"""Restrict a player (`p` on the Players tab): the consequence first, then the admin's reason."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from predictu_console.core.players import PlayerOut, PlayerRestrict
from predictu_console.tui.base import ConsoleModal
from predictu_console.tui.modals.confirm import leave_form
from predictu_console.tui.widgets.dialog_box import DialogBox
from predictu_console.tui.widgets.form_field import FormField, parse_form
from predictu_console.tui.widgets.key_footer import KeyFooter


class PlayerRestrictModal(ConsoleModal[PlayerOut | None]):
    """Dismisses with the restricted player, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+s", "restrict", "Restrict", id="restrict"),
    ]

    def __init__(self, operator_id: str, operator_name: str, external_player_id: str) -> None:
        super().__init__()
        self.operator_id = operator_id
        self.operator_name = operator_name
        self.external_player_id = external_player_id

    def compose(self) -> ComposeResult:
        with DialogBox(id="restrict-box", classes="dialog"):
            yield Label(
                f"Restrict {self.external_player_id}?", id="restrict-title", classes="dialog-title"
            )
            yield Static(
                "They can no longer trade; their open positions still settle. "
                f"{self.operator_name} is sent USER_RESTRICTED. A restriction is not undone "
                "from the console.",
                id="restrict-body",
                classes="dialog-body",
            )
            yield FormField(
                "Reason (3–200 characters; kept with the player and in the audit log)", "reason"
            )
            with Horizontal(id="restrict-buttons", classes="dialog-buttons"):
                yield Button("Cancel (Esc)", id="cancel")
                yield Button("Restrict (Ctrl+S)", id="restrict", variant="error")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(FormField).focus_input()

    @on(Button.Pressed, "#restrict")
    @on(Input.Submitted)
    def action_restrict(self) -> None:
        if data := parse_form(self, PlayerRestrict, {"reason": self.query_one(FormField).value}):
            self.restrict(data)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        leave_form(self, lambda: self.dismiss(None))

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def restrict(self, data: PlayerRestrict) -> None:
        player = self.console.gateway.restrict_player(
            self.operator_id, self.external_player_id, data
        )
        self.app.call_from_thread(self.dismiss, player)
