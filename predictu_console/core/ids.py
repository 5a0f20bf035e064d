"""Prefixed random identifiers (`op_…`, `adm_…`) drawn from the OS's CSPRNG."""

from __future__ import annotations

import secrets
import string

ID_LENGTH = 16
"""Base62 characters after an id's prefix: over 95 bits."""
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


_UNBIASED = 248
"""The largest multiple of 62 a byte reaches: bytes below it, taken modulo 62, are uniform."""
_SPELLING = bytes(ord(BASE62[byte % 62]) for byte in range(_UNBIASED)) + bytes(256 - _UNBIASED)
_BIASED = bytes(range(_UNBIASED, 256))


def random_base62(length: int) -> str:
    """A uniformly random base62 string; 22 characters carry over 130 bits.

    Random bytes are spelled one character each, those that would bias the alphabet
    dropped: one read of the OS's CSPRNG and one translation, about a fifth of the cost of
    spelling a big random number digit by digit. Seeding a million demo trades spent a
    third of its generation time drawing ids.
    """
    while True:
        drawn = secrets.token_bytes(length + length // 2 + 8).translate(_SPELLING, _BIASED)
        if len(drawn) >= length:
            return drawn[:length].decode()


def new_id(prefix: str, length: int = ID_LENGTH) -> str:
    """A new identifier such as `op_4fZ9qL2m8XcR1tYb`."""
    return f"{prefix}_{random_base62(length)}"


class IdSource:
    """New identifiers, as `new_id` makes them, read from the OS's CSPRNG many at a time.

    For bulk work: each read of the CSPRNG is a system call, and seeding ten thousand demo
    operators made two and a half million of them, 7 % of its time. A source holds its
    unread bytes, so it belongs to the one piece of work that made it; ids are never
    secrets, and keys keep drawing with `random_base62`.
    """

    def __init__(self, per_read: int = 64) -> None:
        self._per_read = per_read
        self._spelled = ""
        self._at = 0

    def new(self, prefix: str) -> str:
        """A new identifier such as `trd_4fZ9qL2m8XcR1tYb`."""
        start, self._at = self._at, self._at + ID_LENGTH
        if self._at > len(self._spelled):
            self._spelled = random_base62(ID_LENGTH * self._per_read)
            start, self._at = 0, ID_LENGTH
        return f"{prefix}_{self._spelled[start : self._at]}"
