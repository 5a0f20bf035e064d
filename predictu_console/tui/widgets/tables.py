"""Refilling a DataTable without losing the reader's place: live screens redraw every poll."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.widgets import DataTable

Cells = Sequence[str | Text]


def refill(table: DataTable[str | Text], rows: Iterable[tuple[str, Cells]]) -> None:
    """Replace every row, keeping the cursor on the same key when that row is still there."""
    keep = None
    if table.row_count and table.cursor_row >= 0:
        keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    table.clear()
    keys = []
    for key, cells in rows:
        table.add_row(*cells, key=key)
        keys.append(key)
    if keep in keys:
        table.move_cursor(row=keys.index(keep), animate=False)
