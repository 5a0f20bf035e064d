"""The eight onboarding steps in a row: done ✓, current ▶, open ○ (never colour alone)."""

from __future__ import annotations

from rich.text import Text

from predictu_console.core.models import STEPS, OperatorDetail
from predictu_console.tui.formatting import severity

LAYOUTS = (
    (True, " {mark} {number}{label} "),
    (False, " {mark} {number}{label} "),
    (False, "{mark}{number}{label}"),
)
"""Widest first: every label; only the current step's; then marks closed up."""


def step_indicator(detail: OperatorDetail, current: int, width: int) -> Text:
    """`✓ 1 Record  ▶ 2 Revenue  ○ 3 Keys …` with `current` (1-based) marked, in `width` cells.

    When not every label fits, only the current step keeps its label (` ✓ 1   ▶ 2 Revenue
    ○ 3 …`), then the marks close up (`✓1 ▶2 Revenue ○3 …`): the current step always shows.
    """
    text = Text()
    for every_label, cell in LAYOUTS:
        text = Text()
        for number, step in enumerate(STEPS, start=1):
            done = detail.onboarding_checklist[step.id].complete
            mark, style = ("✓", severity("ok")) if done else ("○", "dim")
            if number == current:
                mark, style = "▶", "bold reverse"
            label = f" {step.short_label}" if every_label or number == current else ""
            text.append(cell.format(mark=mark, number=number, label=label), style=style)
            text.append(" ")
        text.rstrip()
        if text.cell_len <= width:
            break
    return text
