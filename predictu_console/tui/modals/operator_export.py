"""Export the list (`x`): every operator the list's filter, search and sort select, to a
CSV or JSON file; the file name's ending picks the format."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from predictu_console.core import operator_export
from predictu_console.core.errors import ValidationFailed
from predictu_console.core.models import OperatorListQuery
from predictu_console.tui.base import ConsoleModal
from predictu_console.tui.widgets.form_field import FormField, show_form_errors


def export_format(path: str) -> str | None:
    """`csv` or `json` from the file name's ending, or None for any other."""
    ending = Path(path).suffix.lower().lstrip(".")
    return ending if ending in operator_export.FORMATS else None


class OperatorExportModal(ConsoleModal[Path | None]):
    """Dismisses with the file written, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+s", "export", "Export", id="export"),
    ]
    DEFAULT_CSS = """
    OperatorExportModal #export-selection { margin-bottom: 1; }
    """

    def __init__(self, listing: OperatorListQuery, selected: str, default_path: Path) -> None:
        super().__init__()
        self.listing = listing
        self.selected = selected
        """What the list selects, as its status line says it."""
        self.default_path = default_path

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box", classes="dialog"):
            yield Label("Export the operator list", classes="dialog-title")
            yield Static(
                f"{self.selected}, every page, in the list's order.", id="export-selection"
            )
            yield FormField("File (ending in .csv or .json)", "output", str(self.default_path))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel (Esc)", id="cancel")
                yield Button("Export (Ctrl+S)", id="export", variant="primary")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#export")
    def action_export(self) -> None:
        path = self.query_one(FormField).value
        chosen = export_format(path)
        if chosen is None:
            show_form_errors(self, {"output": "end the file name in .csv or .json"})
            return
        show_form_errors(self, {})
        self.write(Path(path), chosen)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def write(self, path: Path, chosen: str) -> None:
        app = self.app
        text = self.console.gateway.export_operators(self.listing, chosen)
        try:
            written = operator_export.write_export(text, path)
        except ValidationFailed as error:
            app.call_from_thread(show_form_errors, self, error.fields)
            return
        app.call_from_thread(
            app.notify, f"Wrote {self.selected} as {chosen.upper()} to {written}", title="Export"
        )
        app.call_from_thread(self.dismiss, written)
