"""The frame of a dialog: its body scrolls between a title and buttons that stay in view."""

from __future__ import annotations

from textual.containers import VerticalScroll


class DialogBox(VerticalScroll, can_focus=False):
    """A dialog's frame (class `dialog`), scrolling when the terminal is too short for it.

    The title (`dialog-title`) and the buttons (`dialog-buttons`) are docked, so they stay
    put while the fields scroll. The frame itself never takes focus: a dialog opens on its
    first field or button, and moving the focus scrolls the field into view.
    """
