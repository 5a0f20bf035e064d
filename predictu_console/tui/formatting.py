"""How values read in a terminal: never by colour alone, always with a word or a symbol."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from rich.text import Text

SEVERITY_STYLE = {
    "ok": "#4ebf71",
    "progress": "#4fa3e0",
    "warning": "#e6b422",
    "alarm": "bold #e5484d",
    "muted": "#8a8a8a",
}
"""One colour per severity, picked to keep its meaning in a 16-colour terminal.

Named ANSI colours are the terminal's own, and Textual first maps them to its theme's RGB:
under TERM=screen its yellow came back as bright red and its red as magenta, so onboarding
read as an alarm and failing did not. These RGB values fall, in 16 colours, on bright
green, cyan, bright yellow, bright red and light grey. The alarm is also bold, which
NO_COLOR keeps; the words and symbols carry the meaning either way.
"""
STATUS_SEVERITY = {
    "active": "ok",
    "onboarding": "progress",
    "inactive": "muted",
    "restricted": "alarm",
    "open": "ok",
    "resolved": "muted",
}
STATUS_SYMBOL = {
    "active": "●",
    "inactive": "■",
    "onboarding": "◐",
    "restricted": "⊘",
    "open": "●",
    "resolved": "✓",
}
HEALTH_SEVERITY = {"healthy": "ok", "degraded": "warning", "failing": "alarm", "unknown": "muted"}
HEALTH_SYMBOL = {"healthy": "✓", "degraded": "!", "failing": "✗", "unknown": "?"}


def severity(name: str) -> str:
    """The style of a severity (`ok`, `progress`, `warning`, `alarm`, `muted`)."""
    return SEVERITY_STYLE[name]


def status_text(status: str) -> Text:
    """`● active` in the colour of its severity: the word carries the meaning, colour helps."""
    style = severity(STATUS_SEVERITY[status]) if status in STATUS_SEVERITY else ""
    return Text(f"{STATUS_SYMBOL.get(status, '')} {status}", style=style)


def health_text(health: str) -> Text:
    """`✓ healthy`, `! degraded`, `✗ failing`, `? unknown`."""
    style = severity(HEALTH_SEVERITY[health]) if health in HEALTH_SEVERITY else ""
    return Text(f"{HEALTH_SYMBOL.get(health, '')} {health}", style=style)


def count(number: int, noun: str, plural: str = "") -> str:
    """`1 operator`, `2 operators`, `1,204 deliveries` (`plural` when adding an s is wrong)."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$")
"""An ISO 8601 moment with its offset, as the API and the audit records write them."""


def shown(value: Any) -> str:
    """A stored value as the console shows it everywhere, never as a Python repr: `—` for
    nothing, lists joined, `yes`/`no`, numbers without trailing zeros, times as `when`
    writes them, text as it is."""
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
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, str) and _TIMESTAMP.match(value):
        # Audit records keep times as the API writes them: shown as the console shows times.
        return when(datetime.fromisoformat(value).astimezone(UTC))
    return str(value)


def money(amount: Decimal) -> str:
    """`245,000.00`."""
    return f"{amount:,.2f}"


def page_position(offset: int, shown: int, total: int, page_size: int, noun: str) -> str:
    """`1–50 of 10,000 operators · page 1 of 200`, for a page holding at least one row."""
    first, last = offset + 1, offset + shown
    pages = -(-total // page_size)
    rows = f"{first:,}" if first == last else f"{first:,}–{last:,}"
    return f"{rows} of {count(total, noun)} · page {offset // page_size + 1} of {pages}"


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


DELIVERY_SEVERITY = {
    "delivered": "ok",
    "pending": "progress",
    "failed": "alarm",
    "skipped": "muted",
}
DELIVERY_SYMBOL = {"delivered": "✓", "pending": "⟳", "failed": "✗", "skipped": "–"}


def delivery_status_text(status: str) -> Text:
    """`✓ delivered`, `⟳ pending`, `✗ failed`, `– skipped`."""
    return Text(f"{DELIVERY_SYMBOL[status]} {status}", style=severity(DELIVERY_SEVERITY[status]))
