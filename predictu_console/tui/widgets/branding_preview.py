"""A brand's colours drawn as players would see them, for the wizard's branding page."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group
from rich.text import Text

from predictu_console.core.labels import field_label

COLOURS = ("primary_color", "secondary_color", "bg_primary", "bg_secondary")
"""Branding's colour fields; their labels are the forms' (`core.labels`)."""


def branding_preview(values: Mapping[str, str]) -> Group:
    """Swatches of the typed colours, then a market card in the theme once all four are valid
    (`values` maps each of COLOURS to its text)."""
    valid = {c: v for c, v in values.items() if len(v) == 7 and v.startswith("#")}
    swatches = Text()
    for colour, value in values.items():
        swatches.append("      ", style=f"on {value}" if colour in valid else "")
        swatches.append(f" {field_label(f'branding.{colour}')} {value}   ")
    card = Text()
    if len(valid) == len(COLOURS):
        bg, panel = valid["bg_primary"], valid["bg_secondary"]
        card.append("  Will it rain in Lisbon tomorrow?  ", style=f"bold white on {panel}")
        card.append("\n")
        card.append("  Yes 62¢  ", style=f"bold white on {valid['primary_color']}")
        card.append("  No 38¢  ", style=f"white on {valid['secondary_color']}")
        card.append(" " * 16, style=f"on {bg}")
    return Group(swatches, Text(""), card)
