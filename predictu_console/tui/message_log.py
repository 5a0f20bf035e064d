"""Every toast the console showed this session, kept so it can be read again after it fades.

Toasts vanish after a few seconds, and an admin looking away misses a saved change or an
error's code. The app records each one here as it shows it; the notifications screen lists
them, newest first. The log lives as long as the console and holds at most `KEPT` messages.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime

KEPT = 500


@dataclass(frozen=True)
class LoggedMessage:
    """One toast: when, how serious, its title and text, and the detail it left out (a
    library's own words) for whoever asks."""

    at: datetime
    severity: str
    title: str
    message: str
    detail: str = ""


class MessageLog:
    """The session's toasts, oldest dropped first once `KEPT` are held."""

    def __init__(self) -> None:
        self._messages: deque[LoggedMessage] = deque(maxlen=KEPT)

    def record(self, message: LoggedMessage) -> None:
        """Keep one more toast."""
        self._messages.append(message)

    def newest_first(self) -> list[LoggedMessage]:
        """Every kept toast, the latest first."""
        return list(reversed(self._messages))
