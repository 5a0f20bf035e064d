"""The detail's Deliveries tab: what was sent to the operator, newest first, kept live."""

from __future__ import annotations

from datetime import datetime

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
from predictu_console.tui.widgets.tables import refill

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


class DeliveryLog(Vertical):
    """A caption naming the filter and the count, a warning when no worker is sending, and
    the table; Enter opens a delivery."""

    DEFAULT_CSS = """
    DeliveryLog { height: auto; }
    DeliveryLog #deliveries-caption { margin-bottom: 1; }
    DeliveryLog #deliveries-worker { color: $warning; margin-bottom: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="deliveries-worker")
        yield Static(id="deliveries-caption", classes="muted")
        yield DataTable(id="deliveries-table", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            "Created", "Event", "Status", "Tries", "Last result", "Next try", "Delivery"
        )

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
        refill(
            self.query_one(DataTable),
            (
                (
                    row.id,
                    [
                        to_second(row.created_at),
                        row.event,
                        delivery_status_text(row.status),
                        str(row.attempt_count),
                        last_result(row),
                        due(row.next_attempt_at, now) if row.status == "pending" else "—",
                        row.id,
                    ],
                )
                for row in page.deliveries
            ),
        )
