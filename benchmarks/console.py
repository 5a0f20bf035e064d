"""The console at scale, against a bare Textual app measured in the same run.

- launch → first page of operators on screen, against a bare Textual app showing one
  DataTable of 50 rows (same terminal size, same headless driver), median of 7, interleaved;
- keystroke → filtered page: a key typed into the search box, through the same key
  handling a terminal's key goes through, until the rows that match are painted.
"""

from __future__ import annotations

import asyncio
import getpass
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from textual import events
from textual.app import App
from textual.widgets import DataTable

from benchmarks.bare_table import BareTable
from benchmarks.report import Row, median_row
from predictu_console.core import admins
from predictu_console.core.callbacks.sender import sender_for
from predictu_console.core.crypto import secret_box
from predictu_console.db.session import make_session_factory, session_scope
from predictu_console.settings import Settings
from predictu_console.tui.app import PredictuApp, make_tui
from predictu_console.tui.gateway import Gateway
from predictu_console.tui.screens.operator_list import OperatorListScreen

LAUNCH_LIMIT = 2.0
KEYSTROKE_LIMIT_MS = 50
SIZE = (160, 48)
BARE_ROWS = 50
AppT = TypeVar("AppT", bound=App[Any])
TERMS = ("royal", "lucky", "gold", "neon", "spins", "club", "star", "wild", "red", "arena")


async def _painted(app: App[Any]) -> None:
    painted = asyncio.Event()
    app.call_after_refresh(painted.set)
    await painted.wait()


async def _bare_refill_ms(samples: int) -> list[float]:
    """The floor under a keystroke: a bare DataTable given a new page and repainted."""
    app = BareTable(BARE_ROWS)
    times = []
    async with app.run_test(size=SIZE):
        await _painted(app)
        for page in range(1, samples + 1):
            started = time.perf_counter()
            app.fill(page)
            await _painted(app)
            times.append((time.perf_counter() - started) * 1000)
    return times


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


async def _typed_ms(app: PredictuApp, screen: OperatorListScreen, key: str) -> tuple[float, float]:
    """Post the key as the terminal driver does; time it until its page is in the table, and
    until it is on the screen.

    Not `pilot.press`: it waits for the whole process to go idle after each key, which
    measures Pilot more than the console. The page is on the screen once it is in the table
    and the screen has refreshed after it; that paint is over before the next key, as it is
    for a typist.
    """
    assert app._driver is not None
    shown = screen.page
    started = time.perf_counter()
    app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
    while screen.page is shown:
        await asyncio.sleep(0.0005)
    filled = time.perf_counter()
    await _painted(app)
    return (filled - started) * 1000, (time.perf_counter() - started) * 1000


async def _keystroke_ms(make_app: Callable[[], PredictuApp]) -> list[tuple[float, float]]:
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
                samples.append(await _typed_ms(app, screen, key))
    return samples


def run(home: Path, runs: int = 7) -> list[Row]:
    """Launch and search rows for the console on the demo database in `home`."""
    settings = Settings(home=home)
    factory = make_session_factory(settings)
    with session_scope(factory) as session:
        actor = admins.console_admin(session=session, email=None, os_user=getpass.getuser())

    def console() -> PredictuApp:
        gateway = Gateway(
            factory=factory, actor=actor, box=secret_box(settings), sender=sender_for(settings)
        )
        return make_tui(gateway, poll_seconds=3600, freeze_start_up=True)  # as the CLI runs it

    ours, bare = [], []
    for _ in range(runs):  # interleaved, so both see the same machine
        ours.append(asyncio.run(_launch_ms(console, _console_rows)))
        bare.append(asyncio.run(_launch_ms(lambda: BareTable(BARE_ROWS), _bare_rows)))
    filled, painted = zip(*asyncio.run(_keystroke_ms(console)), strict=True)
    refills = asyncio.run(_bare_refill_ms(len(painted)))
    typed, floor = statistics.median(painted), statistics.median(refills)
    return [
        median_row(
            "console: launch → first page of operators shown",
            ours,
            bare,
            reference_is="bare Textual DataTable",
            at_most=LAUNCH_LIMIT,
        ),
        Row(
            "console: keystroke in search → filtered page painted",
            f"{typed:.1f} ms median, {max(painted):.1f} ms max (in the table after "
            f"{statistics.median(filled):.1f} ms)",
            f"{floor:.1f} ms median (bare DataTable: new page, repainted)",
            f"{typed / floor:.2f}×",
            target=f"≤ {KEYSTROKE_LIMIT_MS} ms median",
            met=typed <= KEYSTROKE_LIMIT_MS,
        ),
    ]
