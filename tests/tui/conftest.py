"""The real console on a seeded test database, with helpers that wait instead of sleeping."""

from __future__ import annotations

import random

import pytest

from predictu_console.core import ids
from predictu_console.core.admins import AdminCreate, actor_for, create_admin
from predictu_console.core.demo.seed import seed
from predictu_console.db.session import session_scope
from predictu_console.tui.app import PredictuApp, make_tui
from predictu_console.tui.backend import Backend
from predictu_console.tui.screens.operator_list import SEARCH_DEBOUNCE

SIZE = (140, 44)


@pytest.fixture
def stable_ids(monkeypatch):
    """Ids from a seeded generator, so screens (and snapshots) are the same every run."""
    rng = random.Random(42)
    monkeypatch.setattr(
        ids, "random_base62", lambda length: "".join(rng.choice(ids.BASE62) for _ in range(length))
    )


@pytest.fixture
def backend(session_factory, clock, stable_ids) -> Backend:
    seed(factory=session_factory, clock=clock)
    with session_scope(session_factory) as session:
        admin = create_admin(
            session=session, data=AdminCreate(email="ana@predictu.com", name="Ana"), clock=clock
        )
    return Backend(factory=session_factory, actor=actor_for(admin, os_user="ana"), clock=clock)


@pytest.fixture
def console(backend) -> PredictuApp:
    return make_tui(backend, poll_seconds=3600)


async def settle(pilot, *, typed: bool = False) -> None:
    """Let every worker finish (and, after typing, the search debounce fire) and repaint."""
    if typed:
        await pilot.pause(SEARCH_DEBOUNCE + 0.05)
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def table_names(app) -> list[str]:
    """Names in the list's table, top to bottom."""
    table = app.screen.query_one("#operators")
    return [str(table.get_row_at(index)[0]) for index in range(table.row_count)]
