"""`make_tui(...)`: the Textual console, built on demand by the CLI and the tests alike."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from predictu_console.core.errors import PredictuError
from predictu_console.core.models import OperatorOut
from predictu_console.tui.backend import Backend
from predictu_console.tui.commands import OperatorCommands
from predictu_console.tui.modals.help import HelpModal
from predictu_console.tui.modals.operator_create import OperatorCreateModal
from predictu_console.tui.screens.onboarding_wizard import OnboardingWizardScreen
from predictu_console.tui.screens.operator_list import OperatorListScreen

log = logging.getLogger(__name__)

MOVES = ("cursor(", "jump(", "scroll(")
"""Actions that only move: keys, not commands worth a line in the palette."""


class PredictuApp(App[None]):
    """The God Mode console: operators, their onboarding, keys and callbacks."""

    TITLE = "Predictu console"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {OperatorCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        # F1 as well: in a text field `?` is typed, not a key.
        Binding("question_mark,f1", "show_help", "Help", id="help"),
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

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette offers what the screen does (its keys' actions but movement and the
        app's), then what works anywhere: a new operator, help, the theme; quitting only where
        `q` does."""
        name = getattr(screen, "HELP_TITLE", "") or "this screen"
        offered = set()
        for binding in Binding.make_bindings(screen.BINDINGS):
            action = binding.action
            if (
                binding.description
                and action not in offered
                and not action.startswith((*MOVES, "app."))
                and screen.check_action(action, ()) is not False
            ):
                offered.add(action)
                key = self.get_key_display(binding)
                yield SystemCommand(
                    binding.description, f"{name} · {key}", partial(screen.run_action, action)
                )
        if "app.new_operator" not in offered:
            yield SystemCommand(
                "New operator", "Create an operator, then onboard it · n", self.action_new_operator
            )
        yield SystemCommand(
            "Help", "The keys of this screen and what it shows · ?", self.action_show_help
        )
        for command in super().get_system_commands(screen):
            if command.title == "Keys":  # Textual's key panel: the help above replaces it
                continue
            if command.title == "Quit" and not getattr(screen, "QUITS", True):
                continue
            yield command

    def action_new_operator(self) -> None:
        """The create form; the new operator then opens in the onboarding wizard."""

        def created(operator: OperatorOut | None) -> None:
            if operator is not None:
                self.push_screen(OnboardingWizardScreen(operator.id))

        self.push_screen(OperatorCreateModal(), created)

    def action_show_help(self) -> None:
        """The help of the screen on top: its keys and what its symbols and columns mean;
        asked for again, it closes."""
        if isinstance(self.screen, HelpModal):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpModal(self.screen))


def make_tui(
    backend: Backend, *, poll_seconds: float = 5.0, freeze_start_up: bool = False
) -> PredictuApp:
    """The console acting as `backend.actor`; `freeze_start_up` when it is the process's
    only console (see `PredictuApp.on_ready`)."""
    return PredictuApp(backend, poll_seconds=poll_seconds, freeze_start_up=freeze_start_up)
