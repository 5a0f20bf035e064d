"""Console latency at scale, against a bare Textual app measured in the same run.

    python -m benchmarks.console [--operators 10000] [--home DIR]

- launch → first page of operators on screen, vs a bare Textual app showing one DataTable
  of 50 rows (same terminal size, same headless driver);
- search → filtered page on screen: from the moment the debounce fires (250 ms after the
  last key, by design) to the new rows being shown.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from benchmarks.demo_data import demo_home
from predictu_console.core import admins
from predictu_console.core.callback_sender import sender_for
from predictu_console.core.crypto import secret_box
from predictu_console.db.session import make_session_factory, session_scope
from predictu_console.settings import Settings
from predictu_console.tui.app import PredictuApp, make_tui
from predictu_console.tui.backend import Backend
from predictu_console.tui.screens.operator_list import SEARCH_DEBOUNCE, OperatorListScreen

SIZE = (160, 48)
AppT = TypeVar("AppT", bound=App[Any])
TERMS = ("royal", "lucky", "gold", "neon", "spins", "club", "star", "wild", "red", "arena")


class BareTable(App[None]):
    """The reference: one DataTable with a page of rows, nothing else."""

    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*(f"Column {n}" for n in range(9)))
        for row in range(50):
            table.add_row(*(f"cell {row}.{n}" for n in range(9)))


async def _launch_ms(make_app: Callable[[], AppT], has_rows: Callable[[AppT], bool]) -> float:
    started = time.perf_counter()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        while not has_rows(app):
            await pilot.pause(0.001)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed


def _bare_rows(app: BareTable) -> bool:
    return app.query_one(DataTable).row_count > 0


def _console_rows(app: PredictuApp) -> bool:
    screen = app.screen
    return isinstance(screen, OperatorListScreen) and screen.query_one(DataTable).row_count > 0


async def _search_ms(make_app: Callable[[], PredictuApp]) -> list[float]:
    app = make_app()
    samples = []
    async with app.run_test(size=SIZE) as pilot:
        while not _console_rows(app):
            await pilot.pause(0.001)
        screen = app.screen
        assert isinstance(screen, OperatorListScreen)
        for term in TERMS * 3:
            shown = screen.page
            started = time.perf_counter()
            screen._requery(search=term, offset=0)  # what the debounce timer calls
            while screen.page is shown:
                await pilot.pause(0.001)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operators", type=int, default=10_000)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    home = demo_home(args.operators, args.home).home
    settings = Settings(home=home)
    factory = make_session_factory(settings)
    with session_scope(factory) as session:
        actor = admins.console_admin(session=session, email=None, os_user=getpass.getuser())

    def console() -> PredictuApp:
        backend = Backend(
            factory=factory, actor=actor, box=secret_box(settings), sender=sender_for(settings)
        )
        return make_tui(backend, poll_seconds=3600)

    ours, bare = [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine
        ours.append(asyncio.run(_launch_ms(console, _console_rows)))
        bare.append(asyncio.run(_launch_ms(BareTable, _bare_rows)))
    searches = asyncio.run(_search_ms(console))
    ours_ms, bare_ms = statistics.median(ours), statistics.median(bare)
    print(f"| what ({args.operators:,} operators) | ours | reference | ratio |")
    print("|---|---|---|---|")
    print(f"| launch → first page shown | {ours_ms:.0f} ms | {bare_ms:.0f} ms (bare Textual "
          f"DataTable) | {ours_ms / bare_ms:.2f}× |")  # fmt: skip
    print(f"| search → filtered page shown (after the {SEARCH_DEBOUNCE * 1000:.0f} ms debounce) "
          f"| {statistics.median(searches):.1f} ms median, "
          f"{max(searches):.1f} ms max | — | — |")  # fmt: skip


if __name__ == "__main__":
    main()
