"""How values read in a terminal: never by colour alone, always with a word or a symbol."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from rich.text import Text

STATUS_STYLE = {
    "active": "green",
    "inactive": "red",
    "onboarding": "yellow",
    "restricted": "red",
    "open": "green",
    "resolved": "dim",
}
STATUS_SYMBOL = {
    "active": "●",
    "inactive": "■",
    "onboarding": "◐",
    "restricted": "⊘",
    "open": "●",
    "resolved": "✓",
}
HEALTH_STYLE = {"healthy": "green", "degraded": "yellow", "failing": "red", "unknown": "dim"}
HEALTH_SYMBOL = {"healthy": "✓", "degraded": "!", "failing": "✗", "unknown": "?"}


def status_text(status: str) -> Text:
    """`● active` in green: the word carries the meaning, the colour only helps."""
    return Text(f"{STATUS_SYMBOL.get(status, '')} {status}", style=STATUS_STYLE.get(status, ""))


def health_text(health: str) -> Text:
    """`✓ healthy`, `! degraded`, `✗ failing`, `? unknown`."""
    return Text(f"{HEALTH_SYMBOL.get(health, '')} {health}", style=HEALTH_STYLE.get(health, ""))


def shown(value: Any) -> str:
    """A stored value as the console shows it everywhere, never as a Python repr: `—` for
    nothing, lists joined, `yes`/`no`, numbers without trailing zeros, text as it is."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | Decimal):
        return f"{Decimal(str(value)).normalize():f}"
    if isinstance(value, list | tuple):
        return ", ".join(shown(item) for item in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{key}: {shown(item)}" for key, item in value.items())
    return str(value)


def money(amount: Decimal) -> str:
    """`245,000.00`."""
    return f"{amount:,.2f}"


def counted(count: int, noun: str) -> str:
    """`1 position`, `4 positions`, `1,204 positions`."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def page_position(offset: int, shown: int, total: int, page_size: int, noun: str) -> str:
    """`1–50 of 10,000 operators · page 1 of 200`, for a page holding at least one row."""
    first, last = offset + 1, offset + shown
    pages = -(-total // page_size)
    rows = f"{first:,}" if first == last else f"{first:,}–{last:,}"
    return f"{rows} of {counted(total, noun)} · page {offset // page_size + 1} of {pages}"


def percent(value: Decimal) -> str:
    """`30%`, `27.5%`."""
    return f"{value.normalize():f}%"


def when(moment: datetime | None) -> str:
    """`2025-03-18 14:30 UTC`, or an em dash."""
    return "—" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def to_second(moment: datetime | None) -> str:
    """`2025-03-18 14:30:05`, for event logs where seconds matter; or an em dash."""
    return "—" if moment is None else f"{moment:%Y-%m-%d %H:%M:%S}"


def day(moment: datetime) -> str:
    """`2025-03-18`."""
    return f"{moment:%Y-%m-%d}"


def span(seconds: int) -> str:
    """`2 h 05 m`, `4 m 30 s`, `12 s`: two units at most, the larger first."""
    seconds = abs(seconds)
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} m"
    return f"{minutes} m {secs:02d} s" if minutes else f"{secs} s"


def expiry(expires_at: datetime | None, now: datetime) -> str:
    """`—` for a current key, `in 23 h 59 m` during its grace period, `expired 2 h ago` after."""
    if expires_at is None:
        return "—"
    seconds = int((expires_at - now).total_seconds())
    return f"in {span(seconds)}" if seconds > 0 else f"expired {span(seconds)} ago"


OVERDUE_AFTER_SECONDS = 5
"""A due delivery still unclaimed after this long reads `overdue`, not `now`."""


def due(moment: datetime | None, now: datetime) -> str:
    """When a delivery is next tried: `—`, `now`, `in 4 m 58 s`, or `overdue 2 m 10 s` once
    no worker took it within a few seconds (a running worker claims within a poll)."""
    if moment is None:
        return "—"
    seconds = int((moment - now).total_seconds())
    if seconds > 0:
        return f"in {span(seconds)}"
    return "now" if seconds > -OVERDUE_AFTER_SECONDS else f"overdue {span(seconds)}"


DELIVERY_STYLE = {"delivered": "green", "pending": "yellow", "failed": "red", "skipped": "dim"}
DELIVERY_SYMBOL = {"delivered": "✓", "pending": "⟳", "failed": "✗", "skipped": "–"}


def delivery_status_text(status: str) -> Text:
    """`✓ delivered`, `⟳ pending`, `✗ failed`, `– skipped`."""
    return Text(f"{DELIVERY_SYMBOL[status]} {status}", style=DELIVERY_STYLE[status])
