"""What every console screen shares: its failed workers reach the app's one error handler.

Textual does not bubble `Worker.StateChanged` past the node that started the worker, so
each screen forwards it; the app decides how an error is shown. Screens see the app through
the small `Console` protocol, so nothing here imports the app module: the app imports the
screens, never the other way round.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, TypeVar, cast

from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from predictu_console.tui.backend import Backend
from predictu_console.tui.legend import Legend

ResultT = TypeVar("ResultT")


class Console(Protocol):
    """What screens need of the app: the core's gateway, the refresh period, the error handler."""

    backend: Backend
    poll_seconds: float

    def show_error(self, error: BaseException) -> None:
        """Show a failed worker's error to the admin."""


def _forward(node: Screen[Any], event: Worker.StateChanged) -> None:
    if event.state is WorkerState.ERROR and event.worker.error is not None:
        cast(Console, node.app).show_error(event.worker.error)


class ConsoleScreen(Screen[None]):
    """A full screen of the console."""

    QUITS: bool = True
    """Whether `q` quits the console here; not on a form, where work would be lost."""
    HELP_TITLE: ClassVar[str] = ""
    """The screen's name in its `?` help."""
    LEGEND: ClassVar[tuple[Legend, ...]] = ()
    """What the screen's symbols and columns mean, for its `?` help."""

    @property
    def console(self) -> Console:
        """The app, as screens use it."""
        return cast(Console, self.app)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        _forward(self, event)


class ConsoleModal(ModalScreen[ResultT]):
    """A dialog of the console; `q` never quits from one."""

    BINDINGS = [Binding("question_mark,f1", "app.show_help", "Help", id="help")]
    """Dialogs do not inherit the app's keys: help is asked for here too."""
    QUITS: bool = False
    HELP_TITLE: ClassVar[str] = ""
    """The dialog's name in its `?` help."""
    LEGEND: ClassVar[tuple[Legend, ...]] = ()
    """What the dialog's symbols and columns mean, for its `?` help."""

    @property
    def console(self) -> Console:
        """The app, as screens use it."""
        return cast(Console, self.app)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        _forward(self, event)
