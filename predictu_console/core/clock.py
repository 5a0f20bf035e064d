"""The one source of time: injectable, so expiry and month boundaries test without sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


def truncate_to_ms(moment: datetime) -> datetime:
    """Drop sub-millisecond precision, so what is stored equals what the API prints."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class Clock(Protocol):
    """Anything that tells the current UTC time."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock, in UTC, at millisecond precision."""

    def now(self) -> datetime:
        return truncate_to_ms(datetime.now(UTC))


class FrozenClock:
    """A clock that only moves when told to; for tests and simulations."""

    def __init__(self, start: datetime) -> None:
        self._now = truncate_to_ms(start.astimezone(UTC))

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to `moment`."""
        self._now = truncate_to_ms(moment.astimezone(UTC))

    def advance(self, delta: timedelta) -> None:
        """Move time forward."""
        self._now = truncate_to_ms(self._now + delta)


SYSTEM_CLOCK: Clock = SystemClock()
