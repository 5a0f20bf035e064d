"""The list's sparklines look exactly as Textual's `Sparkline` draws them."""

from __future__ import annotations

import random

import pytest
from rich.console import Console
from rich.text import Text
from textual.renderables.sparkline import Sparkline

from predictu_console.tui.widgets.sparkline_cell import HIGH, LOW, sparkline_text


def _textual(values: list[float], width: int) -> Text:
    """Textual's drawing of one line, as characters and styles."""
    console = Console(width=200, color_system=None)
    drawing = Sparkline(values, width=width, min_color=LOW, max_color=HIGH)
    text = Text()
    for segment in console.render(drawing, console.options.update_width(width)):
        text.append(segment.text, segment.style)
    return text


def _days(seed: int) -> list[float]:
    """Thirty days of volume, some without trades, as the demo's operators have them."""
    days = random.Random(seed)
    return [days.choice([0.0, days.random() * 1e6]) for _ in range(30)]


SERIES = [
    [],
    [5.0],
    [0.0] * 30,
    [0.0] * 29 + [1250.5],
    [float(day) for day in range(30)],
    [9.0, 1.0, 4.0],
    [float(day % 7) for day in range(45)],
    *(_days(seed) for seed in range(20)),
]


@pytest.mark.parametrize("width", [30, 12, 1])
def test_a_sparkline_draws_the_bars_and_colours_textual_draws(width: int):
    for values in SERIES:
        assert sparkline_text(values, width) == _textual(values, width), values
