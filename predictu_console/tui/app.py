"""`make_tui(...)`: the Textual console, built on demand by the CLI and the tests alike."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from predictu_console.core.errors import PredictuError
from predictu_console.core.labels import labelled, spoken
from predictu_console.core.models import OperatorListQuery, OperatorOut
from predictu_console.tui.commands import OperatorCommands, ScreenCommands
from predictu_console.tui.gateway import Gateway
from predictu_console.tui.message_log import LoggedMessage, MessageLog
from predictu_console.tui.preferences import (
    FILE_NAME,
    Preferences,
    load_preferences,
    save_preferences,
)
from predictu_console.tui.screens.operator_list import OperatorListScreen

log = logging.getLogger(__name__)

MOVES = ("cursor(", "jump(", "scroll(")
"""Actions that only move: keys, not commands worth a line in the palette."""


class PredictuApp(App[None]):
    """The God Mode console: operators, their onboarding, keys and callbacks."""

    TITLE = "Predictu console"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {OperatorCommands, ScreenCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        # F1 as well: in a text field `?` is typed, not a key.
        Binding("question_mark,f1", "show_help", "Help", id="help"),
        # Hidden from the footer, which every screen shares: the header names the key
        # whenever something is unread.
        Binding("N", "open_notifications", "Notifications", show=False, id="notifications"),
    ]

    def __init__(
        self,
        gateway: Gateway,
        *,
        poll_seconds: float = 5.0,
        freeze_start_up: bool = False,
        data_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.gateway = gateway
        self.data_dir = data_dir
        """Where exports go by default and settings are kept; None (tests, pictures): exports
        to the working directory, no settings kept."""
        self.poll_seconds = poll_seconds
        self.freeze_start_up = freeze_start_up
        self.message_log = MessageLog()
        """Every toast shown, for the notifications screen."""
        self.unread = 0
        """The acting admin's unread notifications, as last counted."""
        self.sub_title = self._identity
        self.preferences, self._preferences_notice = (
            load_preferences(data_dir / FILE_NAME) if data_dir else (Preferences(), None)
        )
        """The choices remembered from the last launch, kept up to date as they change."""
        self._saving = threading.Lock()
        if self.preferences.theme in self.available_themes:
            self.theme = self.preferences.theme

    def on_ready(self) -> None:
        # Everything made while starting (modules, styles, screens) lives as long as the
        # console. Frozen, a full garbage collection no longer walks it: at 10,000 operators
        # such collections made a keystroke now and then take 130-230 ms instead of 35.
        # Only for a process that runs one console, as the CLI's does: frozen objects are
        # never freed.
        if self.freeze_start_up:
            gc.freeze()
        self.count_unread()
        self.set_interval(self.poll_seconds, self.count_unread)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if self._preferences_notice:
            self.notify(self._preferences_notice, severity="warning", timeout=10)

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self.preferences.theme:
            self._remember(self.preferences.model_copy(update={"theme": theme.name}))

    def remember_listing(self, listing: OperatorListQuery) -> None:
        """Keep the list's filter and sort for the next launch."""
        self._remember(self.preferences.model_copy(update={"operator_list": listing}))

    def _remember(self, preferences: Preferences) -> None:
        self.preferences = preferences
        if self.data_dir is not None:
            self.store_preferences(self.data_dir / FILE_NAME)

    @property
    def _identity(self) -> str:
        return f"{self.gateway.actor.email} · {self.gateway.actor.role}"

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
        detail: str = "",
    ) -> None:
        """Show a toast, and keep it in the message log: toasts fade, the log does not. The
        log alone keeps `detail`, which the notifications screen shows on demand."""
        now = self.gateway.clock.now()
        self.message_log.record(LoggedMessage(now, severity, title, message, detail))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def show_unread(self, count: int) -> None:
        """Put the unread count in the header, with the key that opens the notifications."""
        self.unread = count
        unread = f" · ✉ {count:,} unread (N)" if count else ""
        self.sub_title = self._identity + unread

    def get_default_screen(self) -> Screen[Any]:
        """The list is the bottom of the stack: no blank screen to compose and switch from.
        Its styles live in app.tcss, since Textual loads no CSS_PATH for a default screen."""
        return OperatorListScreen()

    def show_error(self, error: BaseException) -> None:
        """The one place a failure becomes a message: a domain error as a notification with
        its code; anything else logged, never shown raw."""
        if isinstance(error, PredictuError):
            # Core's message names fields by id, as the API does; people read their labels.
            message = labelled(error.fields) if error.fields else spoken(error.message)
            if error.detail:
                message = f"{message.rstrip('.')}. N shows the detail."
            self.notify(message, title=error.code, severity="error", timeout=8, detail=error.detail)
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

    def action_open_notifications(self) -> None:
        """The acting admin's notifications and the session's messages."""
        from predictu_console.tui.screens.notifications import NotificationsScreen

        if not isinstance(self.screen, NotificationsScreen):
            self.push_screen(NotificationsScreen())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.show_error(event.worker.error)

    @work(thread=True, exclusive=True, group="unread", exit_on_error=False)
    def count_unread(self) -> None:
        """Count the unread notifications, off the event loop."""
        self.call_from_thread(self.show_unread, self.gateway.unread_notifications())

    @work(thread=True, group="preferences", exit_on_error=False)
    def store_preferences(self, path: Path) -> None:
        """Write the settings file off the event loop; a failure is a warning, not an error:
        the console works on, it only forgets."""
        # One save at a time, each writing the latest choices: two quick changes never
        # leave the older one in the file.
        try:
            with self._saving:
                save_preferences(path, self.preferences)
        except OSError as error:
            self.call_from_thread(
                self.notify,
                f"Could not save the console settings to {path} ({error.strerror}).",
                severity="warning",
            )

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
        from predictu_console.tui.modals.operator_create import OperatorCreateModal
        from predictu_console.tui.screens.onboarding_wizard import OnboardingWizardScreen

        def created(operator: OperatorOut | None) -> None:
            if operator is not None:
                self.push_screen(OnboardingWizardScreen(operator.id))

        self.push_screen(OperatorCreateModal(), created)

    def action_show_help(self) -> None:
        """The help of the screen on top: its keys and what its symbols and columns mean;
        asked for again, it closes."""
        from predictu_console.tui.modals.help import HelpModal

        if isinstance(self.screen, HelpModal):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpModal(self.screen))


def make_tui(
    gateway: Gateway,
    *,
    poll_seconds: float = 5.0,
    freeze_start_up: bool = False,
    data_dir: Path | None = None,
) -> PredictuApp:
    """The console acting as `gateway.actor`; `freeze_start_up` when it is the process's
    only console (see `PredictuApp.on_ready`); `data_dir` the data directory, None to keep
    nothing there."""
    return PredictuApp(
        gateway, poll_seconds=poll_seconds, freeze_start_up=freeze_start_up, data_dir=data_dir
    )
