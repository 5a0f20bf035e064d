"""What every console screen shares: its failed workers reach one error handler.

Textual does not bubble `Worker.StateChanged` past the node that started the worker, so
each screen forwards it to `_forward`: field errors land beside the screen's form fields,
any other error goes to the app, which decides how it is shown. Workers therefore catch only
what they handle differently (a stale version), never to show an error themselves. Screens
see the app through the small `Console` protocol, so nothing here imports the app module:
the app imports the screens, never the other way round.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar, cast

from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from predictu_console.core.errors import PredictuError
from predictu_console.tui.legend import Legend
from predictu_console.tui.message_log import MessageLog

if TYPE_CHECKING:
    from predictu_console.core.models import OperatorListQuery
    from predictu_console.tui.gateway import Gateway
    from predictu_console.tui.preferences import Preferences

ResultT = TypeVar("ResultT")


class Console(Protocol):
    """What screens need of the app: the core's gateway, the refresh period, the error handler,
    the toasts shown so far and the unread notifications.

    The gateway and the preferences come once the console has started (`started`): until
    then a screen that asks for them waits (see `PredictuApp`)."""

    poll_seconds: float
    message_log: MessageLog
    data_dir: Path | None

    @property
    def gateway(self) -> Gateway:
        """The core, as the acting admin."""

    @property
    def preferences(self) -> Preferences:
        """The choices remembered from the last launch."""

    @property
    def started(self) -> bool:
        """Whether the gateway and the preferences are there, so asking for them never waits."""

    def show_error(self, error: BaseException) -> None:
        """Show a failed worker's error to the admin."""

    def show_unread(self, count: int) -> None:
        """Show how many notifications are unread."""

    def remember_listing(self, listing: OperatorListQuery) -> None:
        """Keep the operator list's filter and sort for the next launch."""


def _forward(node: Screen[Any], event: Worker.StateChanged) -> None:
    error = event.worker.error
    if event.state is not WorkerState.ERROR or error is None:
        return
    if isinstance(error, PredictuError) and error.fields:
        from predictu_console.tui.widgets.form_field import FormField, show_form_errors

        if node.query(FormField):
            show_form_errors(node, error.fields)
            return
    cast(Console, node.app).show_error(error)


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
