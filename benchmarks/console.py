"""The console at scale, against a bare Textual app measured in the same run.

- launch → first page of operators on screen, against a bare Textual app showing one
  DataTable of 50 rows (same terminal size, same headless driver), median of 7, interleaved;
- keystroke → filtered page: a key typed into the search box, through the same key
  handling a terminal's key goes through, until the table holds the rows that match.
"""

from __future__ import annotations

import asyncio
import getpass
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable

from benchmarks.report import Row, ratio_row
from predictu_console.core import admins
from predictu_console.core.callback_sender import sender_for
from predictu_console.core.crypto import secret_box
from predictu_console.db.session import make_session_factory, session_scope
from predictu_console.settings import Settings
from predictu_console.tui.app import PredictuApp, make_tui
from predictu_console.tui.backend import Backend
from predictu_console.tui.screens.operator_list import OperatorListScreen

LAUNCH_LIMIT = 2.0
KEYSTROKE_LIMIT_MS = 50
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


async def _typed_ms(pilot: Pilot[None], screen: OperatorListScreen, key: str) -> float:
    shown = screen.page
    started = time.perf_counter()
    await pilot.press(key)
    while screen.page is shown:
        await asyncio.sleep(0.0005)
    return (time.perf_counter() - started) * 1000


async def _keystroke_ms(make_app: Callable[[], PredictuApp]) -> list[float]:
    """Type each term, then erase it, timing every key's filtered page."""
    app = make_app()
    samples = []
    async with app.run_test(size=SIZE) as pilot:
        while not _console_rows(app):
            await pilot.pause(0.001)
        screen = app.screen
        assert isinstance(screen, OperatorListScreen)
        await pilot.press("slash")
        for term in TERMS:
            for key in [*term, *["backspace"] * len(term)]:
                samples.append(await _typed_ms(pilot, screen, key))
    return samples


def run(home: Path, runs: int = 7) -> list[Row]:
    """Launch and search rows for the console on the demo database in `home`."""
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
    for _ in range(runs):  # interleaved, so both see the same machine
        ours.append(asyncio.run(_launch_ms(console, _console_rows)))
        bare.append(asyncio.run(_launch_ms(BareTable, _bare_rows)))
    keystrokes = asyncio.run(_keystroke_ms(console))
    typed = statistics.median(keystrokes)
    return [
        ratio_row(
            "console: launch → first page of operators shown", statistics.median(ours),
            statistics.median(bare), unit="ms", reference_is="bare Textual DataTable",
            at_most=LAUNCH_LIMIT,
        ),  # fmt: skip
        Row(
            "console: keystroke in search → filtered page shown",
            f"{typed:.1f} ms median, {max(keystrokes):.1f} ms max",
            target=f"≤ {KEYSTROKE_LIMIT_MS} ms median",
            met=typed <= KEYSTROKE_LIMIT_MS,
        ),
    ]
