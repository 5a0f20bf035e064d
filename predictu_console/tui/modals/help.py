"""`?` (or F1 in a text field): the keys of the screen underneath, and what its symbols and
columns mean."""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Label, Static

from predictu_console.tui.base import ConsoleModal
from predictu_console.tui.legend import Legend
from predictu_console.tui.widgets.dialog_box import DialogBox
from predictu_console.tui.widgets.key_footer import KeyFooter


def key_table(app: App[Any], screen: Screen[Any]) -> Table:
    """Every key of the screen, then the app's, that does something there now, with what it
    does, in two columns; keys for one action share a line (`j ↓  Down`)."""
    actions: dict[tuple[str, str], list[str]] = {}
    palette = Binding(app.COMMAND_PALETTE_BINDING, "command_palette", "Command palette")
    for node, bindings in ((screen, screen.BINDINGS), (app, [*app.BINDINGS, palette])):
        for binding in Binding.make_bindings(bindings):
            if binding.description and node.check_action(binding.action, ()) is not False:
                keys = actions.setdefault((binding.action, binding.description), [])
                keys.append(app.get_key_display(binding))
    rows = [(" ".join(keys), description) for (_action, description), keys in actions.items()]
    table = Table.grid(padding=(0, 2))
    for _ in range(2):
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
    half = -(-len(rows) // 2)
    for left, right in zip_longest(rows[:half], rows[half:], fillvalue=("", "")):
        table.add_row(*left, *right)
    return table


def legend_table(legend: Legend) -> RenderableType:
    """A heading, then each term beside its meaning."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column()
    for term, meaning in legend.entries:
        table.add_row(term, meaning)
    return Group(Text(""), Text(legend.heading, style="bold underline"), table)


class HelpModal(ConsoleModal[None]):
    """The help of one screen; `?`, Esc or Close goes back to it."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="close"),
        # Movement keys scroll the help, as they move everywhere else.
        Binding("j,down", "scroll(1)", "Scroll down", show=False, id="scroll-down"),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False, id="scroll-up"),
        Binding("pagedown", "scroll(10)", "Page down", show=False, id="page-down"),
        Binding("pageup", "scroll(-10)", "Page up", show=False, id="page-up"),
        Binding("g", "jump('first')", "Top", show=False, id="top"),
        Binding("G", "jump('last')", "End", show=False, id="end"),
    ]

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        # Read now, while `screen` is the one on top: what it offers depends on that.
        self.title_text = f"Help: {getattr(screen, 'HELP_TITLE', '') or 'this screen'}"
        self.body = Group(
            Text("Keys", style="bold underline"),
            key_table(screen.app, screen),
            *(legend_table(legend) for legend in getattr(screen, "LEGEND", ())),
        )

    def compose(self) -> ComposeResult:
        with DialogBox(id="help-box", classes="dialog"):
            yield Label(self.title_text, id="help-title", classes="dialog-title")
            yield Static(self.body, id="help-body")
            with Horizontal(id="help-buttons", classes="dialog-buttons"):
                yield Button("Close (Esc)", id="close", variant="primary")
        yield KeyFooter()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-box", DialogBox).body.scroll_relative(y=lines, animate=False)

    def action_jump(self, end: str) -> None:
        box = self.query_one("#help-box", DialogBox).body
        box.scroll_home(animate=False) if end == "first" else box.scroll_end(animate=False)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
