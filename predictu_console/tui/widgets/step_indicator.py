"""The eight onboarding steps in a row: done ✓, current ▶, open ○ (never colour alone)."""

from __future__ import annotations

from rich.text import Text

from predictu_console.core.models import ONBOARDING_STEPS, OperatorDetail

SHORT_LABELS = {
    "create_record": "Record",
    "configure_revenue": "Revenue",
    "generate_keys": "Keys",
    "set_callback": "Callback",
    "test_ping": "PING",
    "configure_branding": "Branding",
    "whitelist_origins": "Origins",
    "activate": "Activate",
}


def step_indicator(detail: OperatorDetail, current: int) -> Text:
    """`✓ 1 Record  ▶ 2 Revenue  ○ 3 Keys …` with `current` (1-based) marked."""
    text = Text()
    for number, step in enumerate(ONBOARDING_STEPS, start=1):
        done = detail.onboarding_checklist[step].complete
        mark, style = ("✓", "green") if done else ("○", "dim")
        if number == current:
            mark, style = "▶", "bold reverse"
        text.append(f" {mark} {number} {SHORT_LABELS[step]} ", style=style)
        text.append(" ")
    return text
