"""`make_tui(...)`: the Textual console, built on demand by the CLI and the tests alike.

The CLI's console on a current SQLite database starts from its first page
(`tui/first_paint.py`): the app is built without a gateway, paints that page, then builds
the gateway on a thread (`start`), importing the settings, SQLAlchemy, pydantic and the
core while the admin reads. Until then, whatever asks for the gateway or the preferences
waits for them (issue 21).
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from predictu_console.core.clock import SYSTEM_CLOCK
from predictu_console.core.errors import PredictuError
from predictu_console.tui.commands import OperatorCommands, ScreenCommands
from predictu_console.tui.first_paint import FILE_NAME, FirstPaint
from predictu_console.tui.message_log import LoggedMessage, MessageLog
from predictu_console.tui.screens.operator_list import OperatorListScreen
from predictu_console.tui.widgets.fitted_line import Part

if TYPE_CHECKING:
    from predictu_console.core.first_page import ConsoleAdmin
    from predictu_console.core.models import Actor, OperatorListQuery, OperatorOut
    from predictu_console.tui.gateway import Gateway
    from predictu_console.tui.preferences import Preferences

log = logging.getLogger(__name__)

MOVES = ("cursor(", "jump(", "scroll(")
"""Actions that only move: keys, not commands worth a line in the palette."""


class StartFailed(Exception):
    """Raised to whatever asked for the gateway of a console that could not start. The
    console ends, showing nothing of its own (`__rich__`): the CLI says why (`start_error`)."""

    def __rich__(self) -> str:
        return ""


class Started(NamedTuple):
    """What a console painted from its first page gets once its stack is loaded."""

    gateway: Gateway
    data_dir: Path | None


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
        gateway: Gateway | None,
        *,
        poll_seconds: float = 5.0,
        freeze_start_up: bool = False,
        data_dir: Path | None = None,
        first: FirstPaint | None = None,
        start: Callable[[], Started] | None = None,
    ) -> None:
        super().__init__()
        self._gateway = gateway
        self.data_dir = data_dir
        """Where exports go by default and settings are kept; None (tests, pictures): exports
        to the working directory, no settings kept."""
        self.poll_seconds = poll_seconds
        self.freeze_start_up = freeze_start_up
        self.message_log = MessageLog()
        """Every toast shown, for the notifications screen."""
        self.unread = 0
        """The acting admin's unread notifications, as last counted."""
        self.clock = gateway.clock if gateway else SYSTEM_CLOCK
        self._first, self._start = first, start
        self.start_error: BaseException | None = None
        """Why a console painted from its first page could not start; it then exits."""
        self._started = threading.Event()
        self._starting = threading.Lock()
        self._preferences: Preferences | None = None
        self._preferences_notice: str | None = None
        self._saving = threading.Lock()
        if gateway is not None:
            self._load_preferences()
            self._started.set()
        theme = self._first.theme if self._first else self.preferences.theme
        if theme in self.available_themes:
            self.theme = theme
        self.sub_title = self._identity

    def _load_preferences(self) -> None:
        from predictu_console.tui.preferences import Preferences, load_preferences

        self._preferences, self._preferences_notice = (
            load_preferences(self.data_dir / FILE_NAME) if self.data_dir else (Preferences(), None)
        )

    @property
    def started(self) -> bool:
        """Whether the gateway and the preferences are there, so asking for them never waits."""
        return self._started.is_set()

    @property
    def gateway(self) -> Gateway:
        """The core, as the acting admin; waits while the console is starting."""
        self._wait_until_started()
        assert self._gateway is not None
        return self._gateway

    @property
    def preferences(self) -> Preferences:
        """The choices remembered from the last launch, kept up to date as they change;
        waits while the console is starting."""
        self._wait_until_started()
        assert self._preferences is not None
        return self._preferences

    def _wait_until_started(self) -> None:
        if not self._started.is_set():
            self._start_up()  # asked for before the first page was on the screen
            self._started.wait()
        if self.start_error is not None:
            raise StartFailed from self.start_error

    def on_ready(self) -> None:
        if self._start is None:
            self._on_started()
        else:  # the first page is on the screen: now the rest
            self.call_after_refresh(self._start_up)

    def _start_up(self) -> None:
        """Start building the gateway, once. On a thread of its own, not a Textual worker:
        a key handler may wait for it, and a worker needs the event loop to start."""
        with self._starting:
            if self._start is not None:
                start, self._start = self._start, None
                threading.Thread(target=self._build, args=(start,), daemon=True).start()

    def _build(self, start: Callable[[], Started]) -> None:
        try:
            started = start()
            self._gateway, self.data_dir = started.gateway, started.data_dir
            self.clock = started.gateway.clock
            self._load_preferences()
        except BaseException as error:
            self.start_error = error
        self._started.set()
        self.post_message(self.StartUpEnded())

    class StartUpEnded(Message):
        """The gateway was built, or `start_error` says why not."""

    def on_predictu_app_start_up_ended(self) -> None:
        if self.start_error is not None:
            self.exit(return_code=1)
        else:
            self._on_started()

    def _on_started(self) -> None:
        # Everything made while starting (modules, styles, screens) lives as long as the
        # console. Frozen, a full garbage collection no longer walks it: at 10,000 operators
        # such collections made a keystroke now and then take 130-230 ms instead of 35.
        # Only for a process that runs one console, as the CLI's does: frozen objects are
        # never freed.
        if self.freeze_start_up:
            gc.freeze()
        if self._first is not None:
            self.sub_title = self._identity
            for screen in self.screen_stack:
                if isinstance(screen, OperatorListScreen):
                    screen.started()
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
        self._preferences = preferences
        if self.data_dir is not None:
            self.store_preferences(self.data_dir / FILE_NAME)

    @property
    def _acting(self) -> Actor | ConsoleAdmin | None:
        """Who acts: known from the first page's read before the gateway is built."""
        return self._gateway.actor if self._gateway else self._first.admin if self._first else None

    @property
    def _identity(self) -> str:
        acting = self._acting
        return f"{acting.email} · {acting.role}" if acting else ""

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
        self.message_log.record(LoggedMessage(self.clock.now(), severity, title, message, detail))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def identity_parts(self) -> list[Part]:
        """What the header shows after the console's name (rank 2), as much as fits: the
        unread count and its key outrank who is acting and, least, the role (always
        god_mode here)."""
        acting = self._acting
        parts = [Part(1, acting.email), Part(3, acting.role)] if acting else []
        if self.unread:
            parts.append(Part(0, f"✉ {self.unread:,} unread (N)"))
        return parts

    def show_unread(self, count: int) -> None:
        """Put the unread count in the header, with the key that opens the notifications."""
        self.unread = count
        unread = f" · ✉ {count:,} unread (N)" if count else ""
        self.sub_title = self._identity + unread

    def get_default_screen(self) -> Screen[Any]:
        """The list is the bottom of the stack: no blank screen to compose and switch from.
        Its styles live in app.tcss, since Textual loads no CSS_PATH for a default screen."""
        return OperatorListScreen(self._first)

    def show_error(self, error: BaseException) -> None:
        """The one place a failure becomes a message: a domain error as a notification with
        its code; anything else logged, never shown raw."""
        if isinstance(error, PredictuError):
            from predictu_console.core.labels import labelled, spoken

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
        from predictu_console.tui.preferences import save_preferences

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

    def action_command_palette(self) -> None:
        """Textual's palette, its search box applying the keys of one read in order."""
        from predictu_console.tui.modals.command_palette import InOrderPalette

        if self.use_command_palette and not isinstance(self.screen, InOrderPalette):
            self.push_screen(InOrderPalette(id="--command-palette"))

    def search_themes(self) -> None:
        """The palette's theme search, in the palette whose box applies keys in order."""
        from textual.theme import ThemeProvider

        from predictu_console.tui.modals.command_palette import InOrderPalette

        self.push_screen(
            InOrderPalette(providers=[ThemeProvider], placeholder="Search for themes…")
        )


def make_tui(
    gateway: Gateway,
    *,
    poll_seconds: float = 5.0,
    freeze_start_up: bool = False,
    data_dir: Path | None = None,
) -> PredictuApp:
    """The console acting as `gateway.actor`; `freeze_start_up` when it is the process's
    only console (see `PredictuApp._on_started`); `data_dir` the data directory, None to keep
    nothing there."""
    return PredictuApp(
        gateway, poll_seconds=poll_seconds, freeze_start_up=freeze_start_up, data_dir=data_dir
    )


def make_painted_tui(first: FirstPaint, start: Callable[[], Started]) -> PredictuApp:
    """The CLI's console that shows `first` at once and gets its gateway and data directory
    from `start`, run on a thread once that page is on the screen."""
    return PredictuApp(None, freeze_start_up=True, first=first, start=start)
