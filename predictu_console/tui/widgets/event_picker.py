"""The event a callback test sends: the test dialog and wizard step 5 share this picker."""

from __future__ import annotations

from typing import cast

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Select

from predictu_console.core.callbacks.event_types import EventType
from predictu_console.core.callbacks.samples import SAMPLE_EVENTS


class EventPicker(Vertical):
    """A drop-down of the eight event types, PING preselected; typing a name's start jumps to it."""

    DEFAULT_CSS = """
    EventPicker {
        height: auto;
        margin-bottom: 1;
        .field-label { color: $text-muted; }
    }
    """

    def __init__(self, label: str = "Event to send") -> None:
        super().__init__(id="event-picker")
        self.label = label

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="field-label")
        yield Select(
            [(event, event) for event in SAMPLE_EVENTS],
            value=SAMPLE_EVENTS[0],
            allow_blank=False,
            id="event",
        )

    @property
    def event(self) -> EventType:
        """The picked type; never blank, so always one a test can send."""
        return cast(EventType, self.query_one(Select).value)
