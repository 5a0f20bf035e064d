"""The header of every screen: the console, who is acting, and the unread notifications.

Textual's header centres `title — sub_title` and cuts it at the edge, so at 80 columns the
unread count, the last thing in it, went first. This one shows the console's name and the
app's `identity_parts` that fit, dropping the least important whole: the role first, then
the console's name, then the acting admin; the unread count and its key stay.
"""

from __future__ import annotations

from typing import Protocol, cast

from textual.content import Content
from textual.events import Resize
from textual.widgets import Header
from textual.widgets._header import HeaderTitle

from predictu_console.tui.widgets.fitted_line import Part, fitting

SEPARATOR = " · "
"""Between the parts; Textual puts ` — `, as wide, after the console's name."""
SIDES = 18
"""Columns beside the title: Header's icon (8) and the clock's space (10)."""


class Titled(Protocol):
    """The app, as the header sees it."""

    def identity_parts(self) -> list[Part]:
        """What follows the console's name, in the order shown, each with its rank."""


class ConsoleHeader(Header):
    """Textual's header, showing whole parts at any width, styled as Textual styles it."""

    def format_title(self) -> Content:
        width = self.query_one(HeaderTitle).size.width or self.app.size.width - SIDES
        title = Part(2, self.screen_title)
        parts = [title, *cast(Titled, self.app).identity_parts()]
        kept = fitting(parts, width, SEPARATOR)
        rest = SEPARATOR.join(str(part.text) for part in kept if part is not title)
        if any(part is title for part in kept):
            return self.app.format_title(self.screen_title, rest)
        return Content(rest).stylize("dim")

    def on_resize(self, _event: Resize) -> None:
        # After the title has its new width.
        self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        self.query_one(HeaderTitle).update(self.format_title())
