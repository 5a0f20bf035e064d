"""Sparklines for table cells: Textual's one-line `Sparkline` drawing, made directly as `Text`.

The operator list draws one per row, fifty a page, anew as the admin types in the search.
Drawn through Textual's renderable and Rich's console (a `Fraction` per bucket, a blended
`Color` and `Style` per bar) they took a third of a keystroke at 10,000 operators
(issue 21). This draws the same characters in the same styles with plain arithmetic and one
style per colour; a test compares it with Textual's drawing.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rich.color import Color
from rich.style import Style
from rich.text import Span, Text

BARS = "▁▂▃▄▅▆▇█"
"""Textual's `Sparkline.BARS`, lowest first."""
LOW, HIGH = Color.parse("#3b6e8f"), Color.parse("#4fc3f7")
"""The colours of the lowest and the highest bar; those between blend the two."""


@lru_cache(maxsize=4096)
def _style(red: int, green: int, blue: int) -> Style:
    return Style.from_color(Color.from_rgb(red, green, blue))


_CHANNELS = tuple(zip(LOW.get_truecolor(), HIGH.get_truecolor(), strict=True))
"""(low, high) of red, green and blue."""


def _blended(ratio: float) -> Style:
    """The bar colour `ratio` of the way from LOW to HIGH, as Textual's `blend_colors`
    computes it."""
    (r1, r2), (g1, g2), (b1, b2) = _CHANNELS
    return _style(
        int(r1 + (r2 - r1) * ratio), int(g1 + (g2 - g1) * ratio), int(b1 + (b2 - b1) * ratio)
    )


def sparkline_text(values: Sequence[float], width: int) -> Text:
    """`values` as a sparkline `width` bars wide: each bar the highest value of its bucket,
    coloured by its height, as Textual's `Sparkline` draws one line."""
    data = list(values)
    if len(data) < 2:  # no data: a flat low line; one value: a full bar in the high colour
        bar, colour = ("▁", LOW) if not data else ("█", HIGH)
        return Text(bar * width, spans=[Span(0, width, Style.from_color(colour))])
    minimum = min(data)
    extent = max(data) - minimum or 1
    count = len(data)
    buckets = [data[count * n // width : count * (n + 1) // width] for n in range(width)]
    buckets = [bucket for bucket in buckets if bucket]
    step, index = len(buckets) / width, 0.0
    bars, spans = [], []
    for offset in range(width):
        ratio = (max(buckets[int(index)]) - minimum) / extent
        bars.append(BARS[int(ratio * (len(BARS) - 1))])
        spans.append(Span(offset, offset + 1, _blended(ratio)))
        index += step
    return Text("".join(bars), spans=spans)
