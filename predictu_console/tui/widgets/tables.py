"""DataTables refilled often: keeping the reader's place, and painting text cells fast."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets._data_table import CellCacheKey

Cells = Sequence[str | Text]
SegmentLines = list[list[Segment]]


def _text(cell: str | Text) -> Text:
    """A string as it is: DataTable would parse it as markup, slowly, and a name such as
    `[b]Casino` would lose its brackets."""
    return cell if isinstance(cell, Text) else Text(cell)


def refill(table: DataTable[str | Text], rows: Iterable[tuple[str, Cells]]) -> None:
    """Replace every row, keeping the cursor on the same key when that row is still there."""
    keep = None
    if table.row_count and table.cursor_row >= 0:
        keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    table.clear()
    keys = []
    for key, cells in rows:
        table.add_row(*(_text(cell) for cell in cells), key=key)
        keys.append(key)
    if keep in keys:
        table.move_cursor(row=keys.index(keep), animate=False)


class TextTable(DataTable[str | Text]):
    """A DataTable that paints one-line text cells itself, for tables refilled as you type.

    DataTable renders each cell through Rich's `Padding`, `Styled` and `render_lines`; for
    the operator list that was 80 ms a page on a 2-core machine, most of a keystroke. A
    one-line `Text` comes out as the same segments built directly: padding, the text cut to
    the column, the rest of the column, with the same styles under and over. Headers, row
    labels, taller rows and anything but `Text` still go DataTable's way.
    """

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        cell = self._get_row_renderables(row_index).cells[column_index]
        if (
            row_key is None
            or column_key is None
            or not isinstance(cell, Text)
            or self.rows[row_key].height != 1
        ):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache_key: CellCacheKey = (
            row_key, column_key, base_style, cursor, hover,
            self._show_hover_cursor, self._update_count, self._pseudo_class_state,
        )  # fmt: skip
        lines = self._cell_render_cache.get(cache_key)
        if lines is None:
            fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
            component_style, post_style = self._get_styles_to_render_cell(
                False, False, fixed, hover, cursor, self.show_cursor, self._show_hover_cursor,
                self.cursor_foreground_priority == "css",
                self.cursor_background_priority == "css",
            )  # fmt: skip
            style = base_style + _meta(row_index, column_index)
            segments = _one_line(cell, width, self.cell_padding, self.app.console)
            lines = [list(Segment.apply_style(segments, style + component_style, post_style))]
            self._cell_render_cache[cache_key] = lines
        return lines


@lru_cache(maxsize=4096)
def _meta(row: int, column: int) -> Style:
    """The style carrying a cell's coordinates, for clicks; made once per cell position."""
    return Style.from_meta({"row": row, "column": column})


def _one_line(text: Text, width: int, padding: int, console: Console) -> list[Segment]:
    """`text` in a cell `width` wide with `padding` each side, cut if longer."""
    inner = max(0, width - 2 * padding)
    line = text.copy()
    line.truncate(inner, overflow=text.overflow or "fold")
    gap = inner - line.cell_len
    # Text.render leaves the text's own style out when it has no spans; Rich's Text
    # rendering adds it, so this does too.
    rendered = (
        line.render(console)
        if line.spans
        else [Segment(line.plain, console.get_style(line.style, default=Style.null()))]
    )
    return [
        Segment(" " * padding),
        *rendered,
        *([Segment(" " * gap)] if gap > 0 else []),
        Segment(" " * padding),
    ]
