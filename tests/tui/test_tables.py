"""TextTable paints exactly what DataTable paints, only faster."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widgets import DataTable

from predictu_console.tui.widgets.tables import TextTable, refill

ROWS = [
    (Text("● active", style="green"), Text("Lucky Casino"), Text("12,345.00")),
    (Text("■ inactive", style="red"), Text("a name far too long for its column, cut"), "str"),
    (Text("? unknown", style="dim"), Text.assemble(("bold ", "bold"), "mixed"), Text("")),
]


class Pair(App[None]):
    CSS = "DataTable { width: 50; height: 6; }"

    def compose(self) -> ComposeResult:
        yield DataTable(id="stock", cursor_type="row", zebra_stripes=True)
        yield TextTable(id="fast", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            table.add_column("Status", key="status")
            table.add_column("Name", key="name", width=20)
            table.add_column("Volume", key="volume")
            for number, row in enumerate(ROWS):
                table.add_row(*row, key=str(number))


def _cells(strip: Strip) -> list[tuple[str, object]]:
    """Each character with its style, whatever the segments' boundaries."""
    return [(char, segment.style) for segment in strip for char in segment.text]


async def test_text_cells_paint_as_datatable_paints_them():
    app = Pair()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        stock, fast = app.query_one("#stock", DataTable), app.query_one("#fast", TextTable)
        app.set_focus(None)  # a focused table's header is painted differently
        fast.move_cursor(row=1)
        stock.move_cursor(row=1)
        await pilot.pause()
        lines = [(_cells(stock.render_line(y)), _cells(fast.render_line(y))) for y in range(5)]
    assert "cut" not in "".join(char for char, _ in lines[2][1])  # the long name was cut
    for painted_by_datatable, painted_by_texttable in lines:
        assert painted_by_texttable == painted_by_datatable


class Refilled(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Name", "Domain")
        refill(table, [("a", ["[b]Bracket Casino", "a.example"]), ("b", ["Other", "b.example"])])


async def test_refill_shows_names_as_typed_and_keeps_the_highlighted_row():
    app = Refilled()
    async with app.run_test(size=(60, 10)) as pilot:
        table = app.query_one(DataTable)
        table.move_cursor(row=1)
        refill(table, [("c", ["New", "c.example"]), ("b", ["Other", "b.example"])])
        await pilot.pause()
        assert table.get_row_at(1)[0].plain == "Other"
        assert table.cursor_row == 1
        refill(table, [("a", ["[b]Bracket Casino", "a.example"])])
        await pilot.pause()
        assert "[b]Bracket Casino" in table.render_line(1).text
