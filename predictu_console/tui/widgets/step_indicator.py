"""The eight onboarding steps in a row: done ✓, current ▶, open ○ (never colour alone)."""

from __future__ import annotations

from rich.text import Text

from predictu_console.core.models import STEPS, OperatorDetail


def step_indicator(detail: OperatorDetail, current: int) -> Text:
    """`✓ 1 Record  ▶ 2 Revenue  ○ 3 Keys …` with `current` (1-based) marked."""
    text = Text()
    for number, step in enumerate(STEPS, start=1):
        done = detail.onboarding_checklist[step.id].complete
        mark, style = ("✓", "green") if done else ("○", "dim")
        if number == current:
            mark, style = "▶", "bold reverse"
        text.append(f" {mark} {number} {step.short_label} ", style=style)
        text.append(" ")
    return text
