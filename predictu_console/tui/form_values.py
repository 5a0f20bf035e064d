"""Typed text → the values core validates. Unparseable text is passed through unchanged,
so core's own message ("must be a number") is what the admin sees beside the field."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation


def number(text: str) -> Decimal | str:
    """`27.5` or `27.5%` → Decimal('27.5'); anything else stays text for core to reject."""
    try:
        value = Decimal(text.removesuffix("%").strip())
    except InvalidOperation:
        return text
    return value if value.is_finite() else text


def integer(text: str) -> int | str:
    """`1,000` or `1000` → 1000; anything else stays text."""
    compact = text.replace(",", "").replace("_", "")
    return int(compact) if re.fullmatch(r"-?\d{1,12}", compact) else text


def word_list(text: str) -> list[str]:
    """Comma- or space-separated words, empties dropped."""
    return [word for word in re.split(r"[,\s]+", text) if word]


def optional_text(text: str) -> str | None:
    """Empty means "not set"."""
    return text or None
