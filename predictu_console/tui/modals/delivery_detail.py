"""One delivery (Enter on the Deliveries tab): the body sent, every attempt, redeliver (`d`).

Live like the tab behind it: a redelivery shows up here as it happens.
"""

from __future__ import annotations

import json

from rich.console import Group, RenderableType
from rich.json import JSON
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Label, Static

from predictu_console.core.callbacks.backlog import DeliveryBacklog
from predictu_console.core.callbacks.delivery_log import AttemptDetail, DeliveryDetail, DeliveryOut
from predictu_console.core.callbacks.explained import explain
from predictu_console.core.callbacks.signing import encode_body
from predictu_console.tui import legend
from predictu_console.tui.base import ConsoleModal
from predictu_console.tui.clipboard import copy_value
from predictu_console.tui.formatting import delivery_status_text, due, severity, to_second
from predictu_console.tui.modals.confirm import ConfirmModal
from predictu_console.tui.widgets.delivery_log import NO_WORKER, worker_warning
from predictu_console.tui.widgets.key_footer import KeyFooter
from predictu_console.tui.widgets.tables import refill


def summary(delivery: DeliveryDetail, now_text: str) -> Table:
    """Status, reason, timing and ids, one per line."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    table.add_row("Status", delivery_status_text(delivery.status))
    if delivery.status_reason:
        table.add_row("Reason", delivery.status_reason)
    table.add_row("Created", to_second(delivery.created_at))
    table.add_row("Tries", str(delivery.attempt_count))
    if delivery.status == "pending":
        table.add_row("Next try", now_text)
    if delivery.delivered_at:
        table.add_row("Delivered", to_second(delivery.delivered_at))
    table.add_row("Operator", delivery.operator_id)
    return table


def attempt_view(attempt: AttemptDetail, *, detail: bool = False) -> RenderableType:
    """The highlighted attempt: its outcome, signature and the start of the response; the
    library's own words about a failure only with `detail` (Ctrl+T)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    explained = explain(attempt.error, attempt.error_message)
    outcome = (
        Text(f"✓ HTTP {attempt.http_status}", style=severity("ok"))
        if attempt.error is None
        else Text(f"✗ {attempt.error}: {explained.sentence}", style=severity("alarm"))
    )
    table.add_row(f"Attempt {attempt.number}", outcome)
    if explained.detail and detail:
        table.add_row("Detail", explained.detail)
    table.add_row("URL", attempt.url)
    table.add_row("Signature", attempt.signature or "—")
    table.add_row("Worker", attempt.worker)
    body = attempt.response_body
    if not body:
        return table
    try:
        response: RenderableType = JSON(json.dumps(json.loads(body)))
    except ValueError:
        response = Text(body)
    return Group(table, Text("Response body", style="dim"), response)


class DeliveryDetailModal(ConsoleModal[None]):
    """A delivery in full; `d` delivers it again with the same id and body."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="close"),
        Binding("d", "redeliver", "Deliver again", id="redeliver"),
        Binding("y", "copy", "Copy", id="copy"),
        Binding("ctrl+t", "toggle_detail", "Detail", id="toggle-detail"),
    ]
    HELP_TITLE = "Delivery"
    LEGEND = (legend.DELIVERY, legend.ATTEMPT_COLUMNS)
    DEFAULT_CSS = """
    DeliveryDetailModal {
        #delivery-scroll { height: 1fr; }
        #attempt-view { margin-top: 1; }
        .section { text-style: bold; margin-top: 1; }
        #attempts-table { height: auto; max-height: 12; }
        #delivery-worker { color: $warning; }
        #request-body:focus { background: $boost; }
    }
    """

    def __init__(self, delivery_id: str) -> None:
        super().__init__()
        self.delivery_id = delivery_id
        self.delivery: DeliveryDetail | None = None
        self.detailed = False
        """Whether a failed attempt shows the library's own words (Ctrl+T)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="delivery-box", classes="dialog -tall"):
            yield Label(f"Delivery {self.delivery_id}", id="delivery-title", classes="dialog-title")
            with VerticalScroll(id="delivery-scroll"):
                yield Static("Loading…", id="delivery-summary")
                yield Static(id="delivery-worker")
                yield Label("Attempts", classes="section")
                yield DataTable(id="attempts-table", cursor_type="row")
                yield Static(id="attempt-view")
                yield Label("Request body (signed, identical on every try)", classes="section")
                yield Static(id="request-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#attempts-table", DataTable).add_columns(
            "#", "Started", "HTTP", "Latency", "Error", "Address", "TLS"
        )
        # Focusable, so Tab reaches the body and `y` copies it.
        self.query_one("#request-body", Static).can_focus = True
        self.load()
        self.set_interval(self.console.poll_seconds, self.load)

    def show(self, delivery: DeliveryDetail, backlog: DeliveryBacklog) -> None:
        """Fill every part from a fresh read; the latest attempt is highlighted at first."""
        first_read = self.delivery is None
        self.delivery = delivery
        self.query_one("#delivery-title", Label).update(f"{delivery.event} · {delivery.id}")
        now = self.console.gateway.clock.now()
        next_try = due(delivery.next_attempt_at, now)
        self.query_one("#delivery-summary", Static).update(summary(delivery, next_try))
        warning = self.query_one("#delivery-worker", Static)
        warning.update(worker_warning(backlog, now))
        warning.display = backlog.stalled and delivery.status == "pending"
        refill(
            self.query_one("#attempts-table", DataTable),
            (
                (
                    str(attempt.number),
                    [
                        str(attempt.number),
                        to_second(attempt.started_at),
                        str(attempt.http_status or "—"),
                        f"{attempt.latency_ms} ms",
                        attempt.error or "—",
                        attempt.ip_resolved or "—",
                        attempt.tls_version or "—",
                    ],
                )
                for attempt in delivery.attempts
            ),
        )
        self.query_one("#request-body", Static).update(JSON(json.dumps(delivery.request_body)))
        if first_read and delivery.attempts:
            table = self.query_one("#attempts-table", DataTable)
            table.move_cursor(row=len(delivery.attempts) - 1, animate=False)
        self._show_attempt()

    @on(DataTable.RowHighlighted, "#attempts-table")
    def _show_attempt(self) -> None:
        attempt = self._highlighted_attempt()
        shown = (
            Text("Not tried yet.", style="dim")
            if attempt is None
            else attempt_view(attempt, detail=self.detailed)
        )
        self.query_one("#attempt-view", Static).update(shown)
        self.refresh_bindings()

    def action_toggle_detail(self) -> None:
        self.detailed = not self.detailed
        self._show_attempt()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Ctrl+T is offered only while the attempt shown keeps a library's words out of view."""
        if action == "toggle_detail":
            attempt = self._highlighted_attempt()
            return attempt is not None and bool(
                explain(attempt.error, attempt.error_message).detail
            )
        return True

    def _highlighted_attempt(self) -> AttemptDetail | None:
        if self.delivery is None or not self.delivery.attempts:
            return None
        row = self.query_one("#attempts-table", DataTable).cursor_row
        return self.delivery.attempts[min(max(row, 0), len(self.delivery.attempts) - 1)]

    def action_copy(self) -> None:
        """The focused attempt's signature, the request body as sent, or the delivery id."""
        delivery, focused = self.delivery, self.focused
        if delivery is None:
            return
        if focused is not None and focused.id == "request-body":
            copy_value(self.app, "request body", encode_body(delivery.request_body).decode())
        elif (
            focused is not None
            and focused.id == "attempts-table"
            and (attempt := self._highlighted_attempt())
        ):
            if attempt.signature:
                copy_value(self.app, "signature", attempt.signature)
            else:
                self.notify(f"Attempt {attempt.number} was sent unsigned.", timeout=4)
        else:
            copy_value(self.app, "delivery id", delivery.id)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_redeliver(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self.redeliver()

        question = ConfirmModal(
            f"Send {self.delivery_id} again?",
            "It is queued now with a fresh retry schedule, the same id and the same body; "
            "a receiver that de-duplicates on the id ignores it.",
            confirm_label="Redeliver",
        )
        self.app.push_screen(question, confirmed)

    def _redelivered(self, queued: DeliveryOut, backlog: DeliveryBacklog) -> None:
        """Say what happens next: sent within seconds, or nothing until a worker runs."""
        if backlog.stalled:
            self.notify(
                f"{queued.event} {queued.id} is queued, but {NO_WORKER}.",
                title="Redeliver",
                severity="warning",
                timeout=10,
            )
        else:
            self.notify(
                f"{queued.event} {queued.id} is due now; a running delivery worker sends it "
                "within seconds.",
                title="Redeliver",
            )
        self.load()

    @work(thread=True, exclusive=True, group="delivery", exit_on_error=False)
    def load(self) -> None:
        gateway = self.console.gateway
        delivery = gateway.get_delivery(self.delivery_id)
        backlog = gateway.delivery_backlog(delivery.operator_id)
        self.app.call_from_thread(self.show, delivery, backlog)

    @work(thread=True, exclusive=True, group="redeliver", exit_on_error=False)
    def redeliver(self) -> None:
        gateway = self.console.gateway
        # Read first: the redelivery itself is due now, so afterwards nothing looks stalled.
        backlog = gateway.delivery_backlog()
        queued = gateway.redeliver(self.delivery_id)
        self.app.call_from_thread(self._redelivered, queued, backlog)
