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
    DEFAULT_CSS = """
    ConfirmModal {
        align: center middle;
        #confirm-box {
            width: 80;
            max-width: 95%;
            height: auto;
            max-height: 90%;
            border: thick $accent;
            background: $surface;
            padding: 1 2;
        }
        #confirm-title { text-style: bold; margin-bottom: 1; }
        #confirm-buttons { height: auto; align-horizontal: right; margin-top: 1; }
        #confirm-buttons Button { margin-left: 2; }
    }
    """

    def __init__(self, title: str, body: RenderableType, *, confirm_label: str = "Confirm") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(self.title_text, id="confirm-title")
            yield Static(self.body, id="confirm-body")
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel (Esc)", id="cancel")
                yield Button(f"{self.confirm_label} (y)", id="confirm", variant="primary")

    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
