"""`TrendChart`: a titled chart of one or more series drawn with Textual's `Sparkline`.

Bars alone say nothing to a screen reader and little without colour, so a chart always shows
a one-line summary in words, and, while it has the focus (Tab reaches it), every value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Sparkline, Static


@dataclass(frozen=True)
class ChartContent:
    """What one chart shows: its series as (label, values) rows, and the same in words."""

    title: str
    rows: Sequence[tuple[str, Sequence[float]]]
    summary: str
    values: str


class TrendChart(Vertical, can_focus=True):
    """One chart; `show` fills it. Its values in words appear while it has the focus."""

    DEFAULT_CSS = """
    TrendChart {
        height: auto;
        margin-top: 1;
        & > .chart-title { text-style: bold; }
        & > .chart-row { height: auto; }
        & .chart-label { width: 10; color: $text-muted; }
        & Sparkline { width: 1fr; max-width: 90; height: 2; }
        & > .chart-values { display: none; color: $text-muted; }
        &:focus > .chart-title { text-style: bold reverse; }
        &:focus > .chart-values { display: block; }
    }
    """

    def __init__(self, rows: int = 1, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.row_count = rows

    def compose(self) -> ComposeResult:
        yield Static(classes="chart-title")
        for _ in range(self.row_count):
            with Horizontal(classes="chart-row"):
                yield Label(classes="chart-label")
                yield Sparkline([])
        yield Static(classes="chart-summary")
        yield Static(classes="chart-values")

    def show(self, content: ChartContent) -> None:
        """Draw `content`, whose rows match the count this chart was made with."""
        self.query_one(".chart-title", Static).update(f"{content.title}  (Tab: the values)")
        for row, (label, values) in zip(
            self.query(".chart-row").results(Horizontal), content.rows, strict=True
        ):
            row.query_one(Label).update(label)
            row.query_one(Sparkline).data = list(values)
        self.query_one(".chart-summary", Static).update(content.summary)
        self.query_one(".chart-values", Static).update(content.values)
