"""TextTable paints exactly what DataTable paints, only faster."""

from __future__ import annotations

import inspect

import pytest
from rich.text import Span, Text
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate
from textual.strip import Strip
from textual.widgets import DataTable

from predictu_console.tui.widgets.sparkline_cell import sparkline_text
from predictu_console.tui.widgets.tables import TextTable, refill

OVERLAPPING = Text("overlapping", spans=[Span(0, 6, "bold"), Span(3, 11, "red")])
ROWS = [
    (Text("● active", style="green"), Text("Lucky Casino"), Text("12,345.00")),
    (Text("■ inactive", style="red"), Text("a name far too long for its column, cut"), "str"),
    (Text("? unknown", style="dim"), Text.assemble(("bold ", "bold"), "mixed"), Text("")),
    # A sparkline: a span a bar; spans that overlap; a text's own style under its spans.
    (sparkline_text([3, 0, 0, 7, 2, 9, 9, 1], 8), OVERLAPPING, Text("own and span", "italic")),
    (Text.assemble("plain ", ("red", "red"), " gap"), Text("x"), sparkline_text([], 4)),
]
ROWS[3][2].stylize("blue", 4, 7)


class Pair(App[None]):
    CSS = "DataTable { width: 50; height: 8; }"

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


OVERRIDDEN = ("_update_dimensions", "_render_line_in_row", "_size_updated")
CALLED = {
    "_get_row_renderables": ["self", "row_index"],
    "_get_row_style": ["self", "row_index", "base_style"],
}
USED = (
    "_row_locations",
    "_row_render_cache",
    "_update_count",
    "_pseudo_class_state",
    "_show_hover_cursor",
    "_labelled_row_exists",
    "_row_label_column_width",
    "_get_styles_to_render_cell",
    *CALLED,
)


def test_the_datatable_internals_texttable_relies_on_have_not_moved():
    """TextTable overrides and reads DataTable's private members. A Textual release that
    renamed or re-signed one would leave TextTable silently painting the slow way, or broken:
    raise textual's bound in pyproject.toml only once this passes on the new release."""
    for name in OVERRIDDEN:
        theirs = list(inspect.signature(getattr(DataTable, name)).parameters)
        assert list(inspect.signature(getattr(TextTable, name)).parameters) == theirs, name
    for name, parameters in CALLED.items():
        assert list(inspect.signature(getattr(DataTable, name)).parameters) == parameters, name
    table = DataTable()
    missing = [name for name in USED if not hasattr(table, name)]
    assert not missing, f"DataTable no longer has {missing}"


@pytest.mark.parametrize("focused", [False, True], ids=["unfocused", "focused"])
@pytest.mark.parametrize("hovered", [None, 0, 2], ids=["no-hover", "hover-0", "hover-2"])
async def test_text_cells_paint_as_datatable_paints_them(
    focused: bool, hovered: int | None, monkeypatch
):
    own_paints = []
    paint = TextTable._painted_row
    monkeypatch.setattr(
        TextTable, "_painted_row", lambda *args: own_paints.append(1) or paint(*args)
    )
    app = Pair()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        stock, fast = app.query_one("#stock", DataTable), app.query_one("#fast", TextTable)
        for table in (stock, fast):
            table.move_cursor(row=1)
            if hovered is not None:
                table._set_hover_cursor(True)
                table.hover_coordinate = Coordinate(hovered, 1)
        painted = {}
        for table in (stock, fast):
            # a focused table's header and cursor are painted differently
            app.set_focus(table if focused else None)
            await pilot.pause()
            painted[table] = [_cells(table.render_line(y)) for y in range(len(ROWS) + 1)]
        pairs = list(zip(painted[stock], painted[fast], strict=True))
    assert "cut" not in "".join(char for char, _ in pairs[2][1])  # the long name was cut
    for painted_by_datatable, painted_by_texttable in pairs:
        assert painted_by_texttable == painted_by_datatable
    assert own_paints, "TextTable left every row to DataTable: its override is not called"


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


class Sized(App[None]):
    CSS = "TextTable { width: 60; height: 5; }"

    def compose(self) -> ComposeResult:
        yield TextTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(TextTable)
        table.add_column("Name", key="name")
        table.add_column("Volume", key="volume")


def _text(strip: Strip) -> str:
    return "".join(segment.text for segment in strip)


async def test_a_row_painted_before_its_columns_were_measured_is_repainted_in_full():
    # A paint between filling the table and the idle step that measures its columns: what a
    # busy machine, or a resize during start-up, does to the list's first page.
    app = Sized()
    async with app.run_test(size=(70, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(TextTable)
        table.add_row(Text("Lucky Spin Casino"), Text("5,014.32"), key="lucky")
        early = _text(table.render_line(1))
        await pilot.pause()

        assert "5,014.32" not in early  # painted with header-wide columns
        assert "Lucky Spin Casino" in _text(table.render_line(1))
        assert "5,014.32" in _text(table.render_line(1))


def _rows(count: int) -> list[tuple[str, list[str | Text]]]:
    return [(str(number), [Text(f"Operator {number}"), Text("1.00")]) for number in range(count)]


async def test_the_scrollbar_follows_pages_of_other_lengths():
    app = Sized()
    async with app.run_test(size=(70, 10)) as pilot:
        table = app.query_one(TextTable)
        refill(table, _rows(2))
        await pilot.pause()
        assert not table.show_vertical_scrollbar  # two rows fit
        refill(table, _rows(30))
        await pilot.pause()
        assert table.show_vertical_scrollbar
        assert table.vertical_scrollbar.window_virtual_size == 31  # the rows and the header
        table.refresh(layout=True)  # a layout that changes no size
        await pilot.pause()
        assert table.show_vertical_scrollbar
        refill(table, _rows(3))
        await pilot.pause()
        assert not table.show_vertical_scrollbar
