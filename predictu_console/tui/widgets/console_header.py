"""The header of every screen: the console, who is acting, and the unread notifications.

Textual's header centres `title — sub_title` and cuts it at the edge, so at 80 columns the
unread count, the last thing in it, went first. This one shows the app's `title_parts` that
fit, dropping the least important whole: the role first, then the console's name, then the
acting admin; the unread count and its key stay.
"""

from __future__ import annotations

from typing import Protocol, cast

from textual.content import Content
from textual.events import Resize
from textual.widgets import Header
from textual.widgets._header import HeaderTitle

from predictu_console.tui.widgets.fitted_line import Part, fit

SIDES = 18
"""Columns beside the title: Header's icon (8) and the clock's space (10)."""


class Titled(Protocol):
    """The app, as the header sees it."""

    def title_parts(self) -> list[Part]:
        """The header's parts, in the order shown, each with its rank."""


class ConsoleHeader(Header):
    """Textual's header, showing whole parts at any width."""

    def format_title(self) -> Content:
        width = self.query_one(HeaderTitle).size.width or self.app.size.width - SIDES
        parts = cast(Titled, self.app).title_parts()
        return Content.from_rich_text(fit(parts, width, separator=" · "))

    def on_resize(self, _event: Resize) -> None:
        # After the title has its new width.
        self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        self.query_one(HeaderTitle).update(self.format_title())
