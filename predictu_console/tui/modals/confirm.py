"""A yes/no question that names the consequence before anything is written."""

from __future__ import annotations

from rich.console import RenderableType
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from predictu_console.tui.base import ConsoleModal


class ConfirmModal(ConsoleModal[bool]):
    """Dismisses with True only on an explicit confirm."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("y", "confirm", "Confirm", id="confirm"),
    ]

    def __init__(self, title: str, body: RenderableType, *, confirm_label: str = "Confirm") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            yield Label(self.title_text, id="confirm-title", classes="dialog-title")
            yield Static(self.body, id="confirm-body")
            with Horizontal(id="confirm-buttons", classes="dialog-buttons"):
                yield Button("Cancel (Esc)", id="cancel")
                yield Button(f"{self.confirm_label} (y)", id="confirm", variant="primary")

    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
