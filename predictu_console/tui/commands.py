"""Command palette providers: "Go to operator…" by name, domain or id, and the console's
other screens by name.

Typed as the hit reads works too: `go to lucky`, `operator: lucky` and `lucky` all search
for `lucky`.
"""

from __future__ import annotations

import asyncio
import re
from functools import partial
from typing import cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from predictu_console.tui.base import Console

COMMAND_WORDS = re.compile(r"^\s*(go(\s+to)?\s+)?(operators?\b)?\s*:?\s*", re.IGNORECASE)
"""The words of the hits' own text, left out of what is searched for."""


class OperatorCommands(Provider):
    """Finds operators as you type and opens the chosen one."""

    async def search(self, query: str) -> Hits:
        from predictu_console.core.models import OperatorListQuery

        app = cast(Console, self.app)
        term = COMMAND_WORDS.sub("", query).strip()
        if len(term) < 2:
            return
        page = await asyncio.to_thread(
            app.gateway.list_operators,
            OperatorListQuery(search=term, limit=10, sort="name", order="asc"),
        )
        matcher = self.matcher(term)
        for operator in page.operators:
            text = f"Go to operator: {operator.name} ({operator.domain})"
            yield Hit(
                max(matcher.match(text), 0.1),
                matcher.highlight(text),
                partial(self._open, operator.id),
                help=f"{operator.status} · onboarding {operator.onboarding_step}/8",
            )

    def _open(self, operator_id: str) -> None:
        from predictu_console.tui.screens.operator_detail import OperatorDetailScreen

        self.app.push_screen(OperatorDetailScreen(operator_id))


MARKETS_HELP = "Open and resolved markets: open one, resolve one"


class ScreenCommands(Provider):
    """The screens beside the operator list, offered as soon as the palette opens."""

    async def discover(self) -> Hits:
        yield DiscoveryHit("Markets", self._open_markets, help=MARKETS_HELP)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        score = matcher.match("Markets")
        if score > 0:
            yield Hit(score, matcher.highlight("Markets"), self._open_markets, help=MARKETS_HELP)

    def _open_markets(self) -> None:
        from predictu_console.tui.screens.markets import MarketsScreen

        if not isinstance(self.app.screen, MarketsScreen):
            self.app.push_screen(MarketsScreen())
