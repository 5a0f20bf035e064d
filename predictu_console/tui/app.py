"""`make_tui(...)`: the Textual console, built on demand by the CLI and the tests alike."""

from __future__ import annotations

import gc
import logging
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from predictu_console.core.errors import PredictuError
from predictu_console.tui.backend import Backend
from predictu_console.tui.commands import OperatorCommands, ScreenCommands
from predictu_console.tui.screens.operator_list import OperatorListScreen

log = logging.getLogger(__name__)


class PredictuApp(App[None]):
    """The God Mode console: operators, their onboarding, keys and callbacks."""

    TITLE = "Predictu console"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {OperatorCommands, ScreenCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "toggle_help", "Help", id="help"),
    ]

    def __init__(
        self, backend: Backend, *, poll_seconds: float = 5.0, freeze_start_up: bool = False
    ) -> None:
        super().__init__()
        self.backend = backend
        self.poll_seconds = poll_seconds
        self.freeze_start_up = freeze_start_up
        self.sub_title = f"{backend.actor.email} · {backend.actor.role}"

    def on_ready(self) -> None:
        # Everything made while starting (modules, styles, screens) lives as long as the
        # console. Frozen, a full garbage collection no longer walks it: at 10,000 operators
        # such collections made a keystroke now and then take 130-230 ms instead of 35.
        # Only for a process that runs one console, as the CLI's does: frozen objects are
        # never freed.
        if self.freeze_start_up:
            gc.freeze()

    def get_default_screen(self) -> Screen[Any]:
        """The list is the bottom of the stack: no blank screen to compose and switch from.
        Its styles live in app.tcss, since Textual loads no CSS_PATH for a default screen."""
        return OperatorListScreen()

    def show_error(self, error: BaseException) -> None:
        """The one place a failure becomes a message: a domain error as a notification with
        its code; anything else logged, never shown raw."""
        if isinstance(error, PredictuError):
            self.notify(error.message, title=error.code, severity="error", timeout=8)
        else:
            log.error("unexpected error in the console", exc_info=error)
            self.notify(
                "Something went wrong; the details are in the log.",
                title="INTERNAL_ERROR",
                severity="error",
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`q` quits only where nothing typed can be lost: never from a form or a dialog."""
        if action == "quit" and not getattr(self.screen, "QUITS", True):
            return False
        return True

    def action_toggle_help(self) -> None:
        """Show or hide the key panel for the focused screen."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()


def make_tui(
    backend: Backend, *, poll_seconds: float = 5.0, freeze_start_up: bool = False
) -> PredictuApp:
    """The console acting as `backend.actor`; `freeze_start_up` when it is the process's
    only console (see `PredictuApp.on_ready`)."""
    return PredictuApp(backend, poll_seconds=poll_seconds, freeze_start_up=freeze_start_up)
