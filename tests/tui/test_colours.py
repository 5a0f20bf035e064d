"""Severity colours as a 16-colour terminal (TERM=screen) shows them."""

from __future__ import annotations

from rich.color import ColorSystem
from rich.segment import Segment
from textual.color import Color

from tests.tui.screens import SIZE, settle

RED = {1, 9}
MAGENTA = {5, 13}


def painted(app, word: str) -> list[Segment]:
    """The list's cells that read `word`, as the app paints them (its filters turn named
    colours into its theme's RGB), leaving out the cursor's row."""
    table = app.screen.query_one("#operators")
    cursor_line = table.cursor_row + 1  # below the header
    cells = []
    for y in range(table.size.height):
        if y == cursor_line:
            continue
        strip = table.render_line(y)
        for line_filter in app._filters:
            strip = strip.apply_filter(line_filter, Color(0, 0, 0))
        cells += [segment for segment in strip if segment.text.strip().endswith(f" {word}")]
    return cells


def in_16_colours(segment: Segment) -> int:
    assert segment.style is not None and segment.style.color is not None
    return segment.style.color.downgrade(ColorSystem.STANDARD).number


async def test_in_16_colours_onboarding_reads_calm_and_failing_reads_as_an_alarm(console):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        onboarding, failing = painted(console, "onboarding"), painted(console, "failing")
        assert onboarding and failing

        assert all(in_16_colours(cell) not in RED | MAGENTA for cell in onboarding)
        assert all(in_16_colours(cell) in RED for cell in failing)
        assert all(cell.style.bold for cell in failing)  # what NO_COLOR keeps of an alarm
