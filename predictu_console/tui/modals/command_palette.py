"""Textual's command palette, its search box applying the keys of one read in order.

The palette's `CommandInput` is a plain `Input`: over SSH, "go to lucky", two backspaces and
"zzz" in one read searched for 'go to luckyz' (see `InOrderInput`). Textual builds the box
in the palette's `compose`, so the palette is subclassed to build an `InOrderInput` there.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.command import CommandInput, CommandPalette

from predictu_console.tui.widgets.in_order_input import InOrderInput


class InOrderCommandInput(CommandInput, InOrderInput):
    """The palette's search box that applies keys in order. `CommandInput` comes first: the
    palette's styles and its focus find the box by the names along the first bases."""


class InOrderPalette(CommandPalette):
    """The command palette, as Textual's, with an `InOrderCommandInput` to type in."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, CommandInput):
                # Textual's box is made but never mounted: the same one, keys in order.
                yield InOrderCommandInput(placeholder=self._placeholder, select_on_focus=False)
            else:
                yield widget
