"""The frame of a dialog: its body scrolls between a title and buttons that stay in view."""

from __future__ import annotations

from typing import Any

from textual.containers import Vertical, VerticalScroll
from textual.geometry import Offset, Region
from textual.widget import Widget

DOCKED = ("dialog-title", "dialog-buttons")
"""The classes of a dialog's parts that never scroll."""


class DialogBody(VerticalScroll, can_focus=False):
    """The scrolling part of a dialog, which scrolls only as far as it must to show a field.

    Textual centres a newly focused widget, animated: in a short dialog that scrolled the
    first input to the middle and its label, above it, out of view.
    """

    def scroll_to_region(self, region: Region, **options: Any) -> Offset:
        return super().scroll_to_region(region, **{**options, "center": False, "animate": False})


class DialogBox(Vertical):
    """A dialog's frame (class `dialog`), its body scrolling when the terminal is too short.

    The title (`dialog-title`) and the buttons (`dialog-buttons`) are docked to the frame;
    everything else a dialog composes into the frame goes into one scrolling body between
    them. Docked to a scrolling box instead, they covered its first and last rows: at 24 rows
    the create form's first label and its last field hid under them.
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.body = DialogBody(classes="dialog-scroll")

    def compose_add_child(self, widget: Widget) -> None:
        if any(widget.has_class(name) for name in DOCKED):
            super().compose_add_child(widget)
            return
        if self.body not in self._pending_children:
            super().compose_add_child(self.body)
        self.body.compose_add_child(widget)
