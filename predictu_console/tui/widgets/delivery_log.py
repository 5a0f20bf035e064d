"""The detail's Deliveries tab: what was sent to the operator, newest first, kept live."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from predictu_console.core.callbacks.backlog import DeliveryBacklog
from predictu_console.core.callbacks.delivery_log import DeliveryOut, DeliveryPage
from predictu_console.tui.formatting import (
    count,
    delivery_status_text,
    due,
    severity,
    span,
    to_second,
)
from predictu_console.tui.widgets.tables import highlighted_key, refill

FILTERS = ("all", "pending", "failed", "delivered", "skipped")


def last_result(row: DeliveryOut) -> str | Text:
    """The latest attempt's verdict, or why nothing was attempted."""
    if not row.attempts:
        return row.status_reason or "not tried yet"
    attempt = row.attempts[-1]
    if attempt.error is None:
        return f"HTTP {attempt.http_status} in {attempt.latency_ms} ms"
    return Text(attempt.error, style=severity("alarm"))


NO_WORKER = "no delivery worker is running — start `predictu-console worker`"


def worker_warning(backlog: DeliveryBacklog, now: datetime) -> str:
    """What to do when no worker sends the due deliveries, and how many of them wait (the
    operator's own, on an operator's page); empty while a worker runs."""
    if not backlog.stalled:
        return ""
    warning = f"⚠ {NO_WORKER.capitalize()}."
    if backlog.oldest_due_at is None:
        return warning
    waited = span(int((now - backlog.oldest_due_at).total_seconds()))
    noun = "delivery is" if backlog.due == 1 else "deliveries are"
    return f"{warning} {backlog.due:,} {noun} due, the oldest for {waited}."


WIDE_COLUMNS = ("Created", "Event", "Status", "Tries", "Last result", "Next try", "Delivery")
NARROW_COLUMNS = ("Event / created", "Status / tries", "Last result / next try")
SCROLLBAR = 2
"""Columns the table's own vertical scrollbar takes when its rows outgrow its height."""


def wide_cells(row: DeliveryOut, now: datetime) -> list[str | Text]:
    """A delivery on one line, a column for each fact."""
    return [
        to_second(row.created_at),
        row.event,
        delivery_status_text(row.status),
        str(row.attempt_count),
        last_result(row),
        due(row.next_attempt_at, now) if row.status == "pending" else "—",
        row.id,
    ]


def narrow_cells(row: DeliveryOut, now: datetime) -> list[str | Text]:
    """A delivery on two lines in three columns, for a terminal too narrow for one: its id
    is left out (Enter shows it, `y` copies it), nothing else is."""
    next_try = f"next try {due(row.next_attempt_at, now)}" if row.status == "pending" else ""
    return [
        Text.assemble(row.event, "\n", (to_second(row.created_at), "dim")),
        Text.assemble(
            delivery_status_text(row.status), "\n", count(row.attempt_count, "try", "tries")
        ),
        Text.assemble(last_result(row), "\n", next_try),
    ]


def needed_width(columns: Sequence[str], rows: Sequence[Sequence[str | Text]]) -> int:
    """Columns a table of `rows` takes with DataTable's padding of one each side."""
    widths = [cell_len(column) for column in columns]
    for cells in rows:
        for index, cell in enumerate(cells):
            width = cell_len(cell) if isinstance(cell, str) else cell.cell_len
            widths[index] = max(widths[index], width)
    return sum(width + 2 for width in widths)


class DeliveryLog(Vertical):
    """A caption naming the filter and the count, a warning when no worker is sending, and
    the table; Enter opens a delivery. Where the one-line rows do not fit, each delivery
    takes two lines in three columns: every state, result and next try stays readable
    without scrolling sideways, and no number is cut."""

    DEFAULT_CSS = """
    DeliveryLog { height: auto; }
    DeliveryLog #deliveries-caption { margin-bottom: 1; }
    DeliveryLog #deliveries-worker { color: $warning; margin-bottom: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[DeliveryPage, datetime] | None = None
        self._columns: Sequence[str] = ()

    def compose(self) -> ComposeResult:
        yield Static(id="deliveries-worker")
        yield Static(id="deliveries-caption", classes="muted")
        yield DataTable(id="deliveries-table", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*WIDE_COLUMNS)
        self._columns = WIDE_COLUMNS

    def on_resize(self) -> None:
        if self._shown is not None:
            self._fill(*self._shown)

    def show(
        self, page: DeliveryPage, status: str, backlog: DeliveryBacklog, now: datetime
    ) -> None:
        """Redraw from a fresh page, keeping the highlighted delivery."""
        warning = self.query_one("#deliveries-worker", Static)
        warning.update(worker_warning(backlog, now))
        warning.display = backlog.stalled
        shown = len(page.deliveries)
        if page.total:
            caption = (
                f"{shown:,} of {count(page.total, 'delivery', 'deliveries')} · showing {status} "
                "· f: filter · Enter: attempts and bodies"
            )
        elif status == "all":
            caption = "No deliveries yet: events are queued here as they happen."
        else:
            caption = f"No {status} deliveries — f shows the others."
        self.query_one("#deliveries-caption", Static).update(caption)
        self._shown = (page, now)
        self._fill(page, now)

    def _fill(self, page: DeliveryPage, now: datetime) -> None:
        """The rows, on one line each if they fit the width, else on two."""
        table = self.query_one(DataTable)
        wide = [wide_cells(row, now) for row in page.deliveries]
        room = (self.size.width or self.app.size.width) - SCROLLBAR
        fits = needed_width(WIDE_COLUMNS, wide) <= room
        columns, height = (WIDE_COLUMNS, 1) if fits else (NARROW_COLUMNS, 2)
        keep = highlighted_key(table)
        if columns != self._columns:
            table.clear(columns=True)
            table.add_columns(*columns)
            self._columns = columns
        cells = wide if fits else [narrow_cells(row, now) for row in page.deliveries]
        rows = zip((row.id for row in page.deliveries), cells, strict=True)
        refill(table, rows, height=height, keep=keep)
