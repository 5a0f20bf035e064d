"""A yes/no question that names the consequence before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.console import RenderableType
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Label, Static

from predictu_console.tui.base import ConsoleModal
from predictu_console.tui.formatting import count
from predictu_console.tui.widgets.dialog_box import DialogBox
from predictu_console.tui.widgets.form_field import changed_fields
from predictu_console.tui.widgets.key_footer import KeyFooter


class ConfirmModal(ConsoleModal[bool]):
    """Dismisses with True only on an explicit confirm."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("y", "confirm", "Confirm", id="confirm"),
    ]
    HELP_TITLE = "Confirmation"

    def __init__(self, title: str, body: RenderableType, *, confirm_label: str = "Confirm") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with DialogBox(id="confirm-box", classes="dialog"):
            yield Label(self.title_text, id="confirm-title", classes="dialog-title")
            yield Static(self.body, id="confirm-body")
            with Horizontal(id="confirm-buttons", classes="dialog-buttons"):
                yield Button("Cancel (Esc)", id="cancel")
                yield Button(f"{self.confirm_label} (y)", id="confirm", variant="primary")
        yield KeyFooter()

    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


def leave_form(
    form: Screen[Any], leave: Callable[[], object], *, also_changed: Sequence[str] = ()
) -> None:
    """Leave `form` at once if nothing was typed; else ask first, naming what would be lost:
    its changed fields, and `also_changed`, unsaved input held outside them."""
    changed = [*changed_fields(form), *also_changed]
    if not changed:
        leave()
        return
    one = len(changed) == 1

    def answered(discard: bool | None) -> None:
        if discard:
            leave()

    question = ConfirmModal(
        f"Discard changes to {count(len(changed), 'field')}?",
        "Changed: "
        + ", ".join(changed)
        + f".\nEsc goes back to the form; y discards {'it' if one else 'them'}.",
        confirm_label="Discard",
    )
    form.app.push_screen(question, answered)
