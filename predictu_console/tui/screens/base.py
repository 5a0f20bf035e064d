"""What every console screen shares: its failed workers reach the app's one error handler.

Textual does not bubble `Worker.StateChanged` past the node that started the worker, so
each screen forwards it; the app decides how an error is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from predictu_console.tui.app import PredictuApp


ResultT = TypeVar("ResultT")


def _forward(node: Screen[Any], event: Worker.StateChanged) -> None:
    if event.state is WorkerState.ERROR and event.worker.error is not None:
        cast("PredictuApp", node.app).show_error(event.worker.error)


class ConsoleScreen(Screen[None]):
    """A full screen of the console."""

    @property
    def console(self) -> PredictuApp:
        """The app, typed."""
        return cast("PredictuApp", self.app)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        _forward(self, event)


class ConsoleModal(ModalScreen[ResultT]):
    """A dialog of the console."""

    @property
    def console(self) -> PredictuApp:
        """The app, typed."""
        return cast("PredictuApp", self.app)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        _forward(self, event)
