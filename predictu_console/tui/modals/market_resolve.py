"""Resolve a market (`v`): what it settles, counted by core, then the side that won.

The admin types the side: resolution cannot be undone, so nothing preselected may let a
quick Ctrl+S settle every position the wrong way.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from predictu_console.core.errors import PredictuError
from predictu_console.core.markets import MarketResolve, Resolution, ResolutionPreview
from predictu_console.tui.base import ConsoleModal
from predictu_console.tui.formatting import count
from predictu_console.tui.widgets.dialog_box import DialogBox
from predictu_console.tui.widgets.form_field import FormField, parse_form
from predictu_console.tui.widgets.key_footer import KeyFooter


def consequence(preview: ResolutionPreview) -> str:
    """What resolving settles and who hears of it, in the admin's words."""
    if not preview.positions:
        return (
            "No open positions: nothing is settled or paid, and no operator is sent an event. "
            "This cannot be undone."
        )
    return (
        f"Settles {count(preview.positions, 'open position')} of "
        f"{count(preview.players, 'player')} at {count(preview.operators, 'operator')}. "
        "Winning positions are paid at once; each operator is sent POSITION_RESOLVED for "
        "every position and one MARKET_RESOLVED, whether it is active or not. "
        "This cannot be undone."
    )


class MarketResolveModal(ConsoleModal[Resolution | None]):
    """Dismisses with what resolution did, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+s", "resolve", "Resolve", id="resolve"),
    ]

    def __init__(self, market_id: str) -> None:
        super().__init__()
        self.market_id = market_id
        self.preview: ResolutionPreview | None = None

    def compose(self) -> ComposeResult:
        with DialogBox(id="resolve-box", classes="dialog"):
            yield Label("Resolve market", id="resolve-title", classes="dialog-title")
            yield Static("Counting open positions…", id="resolve-body", classes="dialog-body")
            yield FormField("Which side won? Type yes or no", "outcome")
            with Horizontal(id="resolve-buttons", classes="dialog-buttons"):
                yield Button("Cancel (Esc)", id="cancel")
                yield Button("Resolve (Ctrl+S)", id="resolve", variant="warning")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(FormField).focus_input()
        self.load_preview()

    @on(Input.Changed)
    def _outcome_typed(self, event: Input.Changed) -> None:
        side = event.value.strip().upper()
        label = f"Resolve as {side}" if side in ("YES", "NO") else "Resolve"
        self.query_one("#resolve", Button).label = f"{label} (Ctrl+S)"

    @on(Button.Pressed, "#resolve")
    @on(Input.Submitted)
    def action_resolve(self) -> None:
        if self.preview is None:
            return
        outcome = self.query_one(FormField).value.lower()
        if data := parse_form(self, MarketResolve, {"outcome": outcome}):
            self.resolve(data)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_preview(self, preview: ResolutionPreview) -> None:
        """Name the market and what resolving it settles."""
        self.preview = preview
        self.query_one("#resolve-title", Label).update(f"Resolve “{preview.market.title}”?")
        self.query_one("#resolve-body", Static).update(consequence(preview))

    def _refused(self, error: PredictuError) -> None:
        self.dismiss(None)
        self.console.show_error(error)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def load_preview(self) -> None:
        try:
            preview = self.console.gateway.preview_resolution(self.market_id)
        except PredictuError as error:  # resolved or gone meanwhile: nothing to ask
            self.app.call_from_thread(self._refused, error)
            return
        self.app.call_from_thread(self.show_preview, preview)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def resolve(self, data: MarketResolve) -> None:
        resolution = self.console.gateway.resolve_market(self.market_id, data)
        self.app.call_from_thread(self.dismiss, resolution)
