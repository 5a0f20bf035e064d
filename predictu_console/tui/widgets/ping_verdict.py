"""The outcome of a callback test as a small table: the callback dialog and the wizard show it."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from predictu_console.core.callbacks.event_types import EventType
from predictu_console.core.callbacks.explained import explain
from predictu_console.core.callbacks.ping import PingResult


def verdict(result: PingResult, event: EventType, *, detail: bool = False) -> Table:
    """The event, then status, latency, TLS, IP and signature on success; the error and fix else.

    What happened is said in a sentence; the library's own words (OpenSSL's, say) only with
    `detail`, which the dialog shows on a key (`has_detail` says whether there are any).
    """
    outcome = result.test_result
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    table.add_row("Event", event if event == "PING" else f"{event} (test sample)")
    if result.success:
        table.add_row("Result", Text("✓ delivered and acknowledged", style="bold green"))
        table.add_row("HTTP status", str(outcome.http_status))
    else:
        table.add_row("Result", Text(f"✗ {outcome.error}", style="bold red"))
        explained = explain(outcome.error, outcome.error_message)
        table.add_row("What happened", explained.sentence)
        if explained.detail and detail:
            table.add_row("Detail", explained.detail)
        table.add_row("Try", outcome.suggestion or "")
    table.add_row("Latency", f"{outcome.latency_ms} ms")
    table.add_row("TLS", outcome.tls_version or "—")
    table.add_row("Address", outcome.ip_resolved or "—")
    table.add_row("Signature", outcome.signature_sent or "—")
    return table


def has_detail(result: PingResult) -> bool:
    """Whether the verdict keeps a library's words out of view, for `verdict(detail=True)`."""
    outcome = result.test_result
    return bool(explain(outcome.error, outcome.error_message).detail)
