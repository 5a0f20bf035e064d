"""One line of whole parts that leaves out the least important first when it is too narrow.

A Static cuts its text at the right edge, so at 80 columns a header lost whatever came last,
an onboarding figure or an unread count halved (`onboarding 8/`). Here each part has a rank
and a line shows the most important parts that fit, in their own order: what is left out
is left out whole, and a number is never cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.events import Resize
from textual.widgets import Static


@dataclass(frozen=True)
class Part:
    """A piece of a line and how much it matters: rank 0 is kept longest."""

    rank: int
    text: Text | str


def fitting(parts: Sequence[Part], width: int, separator: str = "  ") -> list[Part]:
    """The parts, in their order, that fit in `width` joined by `separator`: the least
    important left out first, never one kept while a more important one is left out; the
    most important always kept (cut at the edge if it alone is too wide)."""
    kept: set[int] = set()
    used = 0
    for index in sorted(range(len(parts)), key=lambda index: parts[index].rank):
        needed = Text.assemble(parts[index].text).cell_len + (cell_len(separator) if kept else 0)
        if kept and used + needed > width:
            break
        kept.add(index)
        used += needed
    return [part for index, part in enumerate(parts) if index in kept]


def fit(parts: Sequence[Part], width: int, separator: str = "  ") -> Text:
    """The line of the parts that fit in `width`."""
    return Text(separator).join(
        Text.assemble(part.text) for part in fitting(parts, width, separator)
    )


class FittedLine(Static):
    """A Static showing `Part`s, refitted whenever its width changes."""

    DEFAULT_CSS = "FittedLine { text-wrap: nowrap; text-overflow: ellipsis; }"

    def __init__(self, content: str = "", *, id: str | None = None) -> None:
        super().__init__(content, id=id)
        self._parts: Sequence[Part] = ()

    def show(self, parts: Sequence[Part]) -> None:
        """Show as many of `parts` as fit, from now on at every width."""
        self._parts = parts
        self._refit()

    def on_resize(self, _event: Resize) -> None:
        self._refit()

    def _refit(self) -> None:
        if self._parts:
            self.update(fit(self._parts, self.size.width or self.app.size.width))
