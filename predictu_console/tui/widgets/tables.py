"""DataTables refilled often: keeping the reader's place, and painting text cells fast."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache, reduce
from itertools import pairwise
from typing import Any, TypeGuard

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.widget import PseudoClasses
from textual.widgets import DataTable
from textual.widgets._data_table import RowKey

Cells = Sequence[str | Text]
MAX_SUMS = 50_000
"""Style sums a table keeps before it starts its store again: a few pages' worth."""
SegmentLines = list[list[Segment]]


def _text(cell: str | Text) -> Text:
    """A string as it is: DataTable would parse it as markup, slowly, and a name such as
    `[b]Casino` would lose its brackets."""
    return cell if isinstance(cell, Text) else Text(cell)


def right_aligned(column: list[str], header: str) -> list[str]:
    """Cells align left, and a table painting its own rows ignores justification: pad a
    numeric column so its digits line up on the right."""
    width = max([len(header), *map(len, column)])
    return [value.rjust(width) for value in column]


def refill(
    table: DataTable[str | Text],
    rows: Iterable[tuple[str, Cells]],
    *,
    height: int = 1,
    keep: str | None = None,
) -> None:
    """Replace every row (each `height` lines tall), keeping the cursor on the same key
    when that row is still there: the highlighted one's, or `keep` when the caller has
    already cleared the table."""
    keep = keep or highlighted_key(table)
    table.clear()
    keys = []
    for key, cells in rows:
        table.add_row(*(_text(cell) for cell in cells), key=key, height=height)
        keys.append(key)
    if keep in keys:
        table.move_cursor(row=keys.index(keep), animate=False)


def highlighted_key(table: DataTable[Any]) -> str | None:
    """The key of the row under the cursor, or None in an empty table."""
    if not table.row_count or table.cursor_row < 0:
        return None
    key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    return None if key is None else str(key)


class TextTable(DataTable[str | Text]):
    """A DataTable with a row cursor that paints rows of one-line text itself, for tables
    refilled as you type.

    DataTable renders each cell through Rich's `Padding`, `Styled` and `render_lines`, and
    looks its component styles up again for every row; for the operator list that was most
    of a keystroke on a 2-core machine. A row whose cells are all one-line `Text` comes out
    here as the same segments built directly, with the row's styles looked up once a paint.
    Headers, fixed rows and columns, row labels, taller rows and other cursor types still go
    DataTable's way.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._row_styles: dict[tuple[int, Style, PseudoClasses], Style] = {}
        self._sums: dict[tuple[Style | None, ...], Style] = {}
        self._scrollbars_for: tuple[Size, ...] | None = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._row_styles.clear()
        self._sums.clear()
        self._scrollbars_for = None

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # ScrollView sets its scrollbars again whenever the compositor's virtual size (the
        # viewport) differs from its own (the rows), which is always: each layout of the
        # screen, two or three a keystroke in the search, redrew both scrollbars. They show
        # the sizes below; when none changed, neither did they.
        sizes = (size, virtual_size, container_size, self.virtual_size)
        if sizes == self._scrollbars_for:
            return self.container_size != container_size  # as ScrollView answers then
        self._scrollbars_for = sizes
        return super()._size_updated(size, virtual_size, container_size, layout)

    def _sum(self, first: Style, *styles: Style | None) -> Style:
        """`first + styles[0] + ...`, as Rich adds styles, kept: a cell's style carries its
        coordinates, so each sum is new to Rich's small cache at every paint, while the same
        cell positions and colours come back page after page as the admin types."""
        key = (first, *styles)
        total = self._sums.get(key)
        if total is None:
            if len(self._sums) >= MAX_SUMS:
                self._sums.clear()
            total = self._sums[key] = reduce(operator.add, styles, first)
        return total

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        # DataTable measures new rows' columns when it is next idle, and keeps every row it
        # painted before that in caches that do not know the widths: on a busy machine the
        # first page stayed cut to the headers' widths (`Luck  5,014.`) until a key was
        # pressed. Widths that grew invalidate those paints.
        widths = [column.get_render_width(self) for column in self.ordered_columns]
        super()._update_dimensions(self._measured_text_rows(new_rows))
        if widths != [column.get_render_width(self) for column in self.ordered_columns]:
            self._update_count += 1
            self.refresh()

    def _measured_text_rows(self, new_rows: Iterable[RowKey]) -> list[RowKey]:
        """Widen the columns for the new rows of one-line text, as DataTable would measure
        them, and return the other rows for DataTable to measure.

        DataTable measures every cell through Rich's `Measurement`, building the console's
        options each time: a quarter of a keystroke's paint for a page of fifty rows. A
        one-line `Text` is as wide as its widest line."""
        columns, rest = self.ordered_columns, []
        for row_key in new_rows:
            row_index = self._row_locations.get(row_key)
            if row_index is None:  # removed before the table was idle
                continue
            row = self.rows[row_key]
            cells = self._get_row_renderables(row_index).cells
            if row.label is not None or row.auto_height or not _all_text(cells):
                rest.append(row_key)
                continue
            for column, cell in zip(columns, cells, strict=True):
                column.content_width = max(column.content_width, _text_width(cell))
        return rest

    def _render_line_in_row(
        self,
        row_key: RowKey,
        line_no: int,
        base_style: Style,
        cursor_location: Coordinate,
        hover_location: Coordinate,
    ) -> tuple[SegmentLines, SegmentLines]:
        row_index = self._row_locations.get(row_key)
        cells = None if row_index is None else self._text_cells(row_key, row_index)
        if row_index is None or cells is None:
            return super()._render_line_in_row(
                row_key, line_no, base_style, cursor_location, hover_location
            )
        cache_key = (
            row_key,
            line_no,
            base_style,
            cursor_location,
            hover_location,
            self.cursor_type,
            self.show_cursor,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        painted = self._row_render_cache.get(cache_key)
        if painted is None:
            painted = (
                [],
                self._painted_row(row_index, cells, base_style, cursor_location, hover_location),
            )
            self._row_render_cache[cache_key] = painted
        return painted

    def _text_cells(self, row_key: RowKey, row_index: int) -> Sequence[Text] | None:
        """The row's cells when this table paints it itself, else None."""
        if (
            self.cursor_type != "row"
            or row_index < self.fixed_rows
            or self.fixed_columns
            or (self._labelled_row_exists and self.show_row_labels)
            or self.rows[row_key].height != 1
        ):
            return None
        cells = self._get_row_renderables(row_index).cells
        return cells if _all_text(cells) else None

    def _painted_row(
        self,
        row_index: int,
        cells: Sequence[Text],
        base_style: Style,
        cursor_location: Coordinate,
        hover_location: Coordinate,
    ) -> SegmentLines:
        """DataTable's row, as `_render_line_in_row` paints it with a row cursor."""
        styles_key = (
            row_index % 2 if self.zebra_stripes else -1,
            base_style,
            self._pseudo_class_state,
        )
        row_style = self._row_styles.get(styles_key)
        if row_style is None:
            row_style = self._row_styles[styles_key] = self._get_row_style(row_index, base_style)
        cursor = row_index == cursor_location.row
        hover = row_index == hover_location.row
        component_style, post_style = self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        console, padding = self.app.console, self.cell_padding
        painted, width = [], 0
        columns = zip(self.ordered_columns, cells, strict=True)
        for column_index, (column, cell) in enumerate(columns):
            cell_width = column.get_render_width(self)
            style = self._sum(row_style, _meta(row_index, column_index), component_style)
            painted.append(
                _one_line(cell, cell_width, padding, console, (style, post_style), self._sum)
            )
            width += cell_width
        edge_style, _ = self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            False,
            False,
        )
        edge = max(0, self.size.width - width - self._row_label_column_width)
        painted.append([Segment(" " * edge, row_style + edge_style + _beyond(row_index))])
        return painted


def _all_text(cells: Sequence[object]) -> TypeGuard[Sequence[Text]]:
    return all(isinstance(cell, Text) for cell in cells)


def _text_width(text: Text) -> int:
    """The cells `text` takes, as Rich measures it at most."""
    return max(map(cell_len, text.plain.splitlines()), default=0)


@lru_cache(maxsize=4096)
def _meta(row: int, column: int) -> Style:
    """The style carrying a cell's coordinates, for clicks; made once per cell position."""
    return Style.from_meta({"row": row, "column": column})


@lru_cache(maxsize=1024)
def _beyond(row: int) -> Style:
    """The style of the space right of a row's last cell, as DataTable marks it for clicks."""
    return Style.from_meta({"row": row, "column": 0, "out_of_bounds": True})


def _one_line(
    text: Text,
    width: int,
    padding: int,
    console: Console,
    styles: tuple[Style, Style],
    add: Callable[..., Style],
) -> list[Segment]:
    """`text` in a cell `width` wide with `padding` each side, cut if longer, styled as Rich
    styles it: `styles` are the cell's style, under the text's own, and the post style over
    both, which `add` sums.

    A text of one style (most cells) is at most three segments: the padded text in one
    when it has no style of its own.
    """
    inner = max(0, width - 2 * padding)
    line = text
    if text.cell_len > inner:
        line = text.copy()
        line.truncate(inner, overflow=text.overflow or "fold")
    pad, gap = " " * padding, " " * (inner - line.cell_len)
    style, post_style = styles
    if line.spans:
        # As Segment.apply_style styles them: the cell's style, the text's, the post style.
        return [
            Segment(pad, add(style, post_style)),
            *(Segment(part, add(style, own, post_style)) for part, own in _parts(line, console)),
            Segment(gap + pad, add(style, post_style)),
        ]
    # Text.render leaves the text's own style out when it has no spans; Rich's Text
    # rendering adds it, so this does too.
    own = console.get_style(line.style, default=Style.null()) if line.style else Style.null()
    if not own:
        return [Segment(pad + line.plain + gap + pad, add(style, post_style))]
    return [
        Segment(pad, add(style, post_style)),
        Segment(line.plain, add(style, own, post_style)),
        Segment(gap + pad, add(style, post_style)),
    ]


def _parts(text: Text, console: Console) -> Iterable[tuple[str, Style]]:
    """The runs of `text` and their styles, as `Text.render` makes them. Spans one after
    another (a sparkline's bars, a status's word) are read in one pass, not through Rich's
    stack of open spans."""
    spans, plain = text.spans, text.plain
    overlapping = any(later.start < earlier.end for earlier, later in pairwise(spans))
    if overlapping or spans[-1].end > len(plain):
        yield from ((part.text, part.style or Style.null()) for part in text.render(console))
        return
    own = console.get_style(text.style, default=Style.null())
    position = 0
    for start, end, style in spans:
        if start > position:
            yield plain[position:start], own
        if end > start:
            yield plain[start:end], own + console.get_style(style, default=Style.null())
        position = max(position, end)
    if position < len(plain):
        yield plain[position:], own
