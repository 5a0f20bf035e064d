"""A table's highlighted row, whole, beneath the table while the table cuts it."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.screen import Screen
from textual.widgets import DataTable, Static


def row_text(table: DataTable[Any]) -> Text:
    """The table's highlighted row as it holds it, each value after its column's name (a
    player's `Restricted because …`); empty when the table is."""
    if not table.row_count or table.cursor_row < 0:
        return Text()
    cells = table.get_row_at(table.cursor_row)
    return Text(" · ").join(
        Text.assemble((column.label.plain, "dim"), " ", str(cell).strip())
        for column, cell in zip(table.ordered_columns, cells, strict=True)
    )


class RowInFull(Static):
    """At 80 columns a table's last columns are cut short or off the screen (a notification's
    message, an API key's Last used and Expires, a player's restriction), and a long name or
    title pushes them off at any width. Beneath such a table this shows the highlighted row
    whole, wrapped, and only while the table is wider than its room: at 160 columns a table
    of short values says nothing twice.
    """

    DEFAULT_CSS = """
    RowInFull {
        padding: 0 1;
        height: auto;
    }
    """

    def __init__(self, table: DataTable[Any], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.table = table
        self._said = False

    def on_mount(self) -> None:
        self.display = False
        # A new terminal size, or another tab shown, may cut the table or stop cutting it.
        self.screen.screen_layout_refresh_signal.subscribe(self, self._laid_out)

    def on_unmount(self) -> None:
        self.screen.screen_layout_refresh_signal.unsubscribe(self)

    def show(self, row: Text | str) -> None:
        """Say `row` (an empty one for none), once the table has measured its rows."""
        # Hidden, it takes no room: no layout for it (the list's search shows a row a key).
        self.update(row, layout=self.display)
        self._said = bool(row)
        self.call_after_refresh(self._fit)

    def show_highlighted(self) -> None:
        """Say the table's highlighted row, as `row_text` spells it."""
        self.show(row_text(self.table))

    def _laid_out(self, _screen: Screen[object]) -> None:
        self._fit()

    def _fit(self) -> None:
        room = self.table.scrollable_content_region.width
        self.display = self._said and self.table.virtual_size.width > room
