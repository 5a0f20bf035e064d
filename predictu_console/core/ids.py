"""Prefixed random identifiers (`op_…`, `adm_…`) drawn from the OS's CSPRNG."""

from __future__ import annotations

import secrets
import string

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def random_base62(length: int) -> str:
    """A uniformly random base62 string; 22 characters carry over 130 bits."""
    return "".join(secrets.choice(BASE62) for _ in range(length))


def new_id(prefix: str, length: int = 16) -> str:
    """A new identifier such as `op_4fZ9qL2m8XcR1tYb`."""
    return f"{prefix}_{random_base62(length)}"
