"""The reference app: one Textual DataTable with a page of rows, nothing else.

Run as a module (`python -m benchmarks.bare_table`) it is the bare app the console's start
from `exec` is set against; it imports Textual alone, as an app that does no work of its own
would. The in-process launch row builds it directly.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

COLUMNS = 9
PTY_ROWS = 25


def cell(page: int, row: int, column: int) -> str:
    """The text of one cell: unique, so a reader of the screen can tell a row is painted."""
    return f"cell {page}.{row}.{column}"


class BareTable(App[None]):
    """One DataTable of `rows` rows of nine columns."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*(f"Column {n}" for n in range(COLUMNS)))
        self.fill(0)

    def fill(self, page: int) -> None:
        """Replace the rows with another page."""
        table = self.query_one(DataTable)
        table.clear()
        for row in range(self.rows):
            table.add_row(*(cell(page, row, n) for n in range(COLUMNS)))


if __name__ == "__main__":
    BareTable(PTY_ROWS).run()
