"""Snapshots of every screen in `tests/tui/screens.py`, from the real app on seeded demo data.

Rendering does not depend on the database backend, so these run on SQLite alone.
"""

from __future__ import annotations

import pytest

from tests.tui.screens import SHOTS


@pytest.fixture
def database_url(databases, tmp_path, clock):
    return databases.demo("sqlite", tmp_path, clock)


@pytest.mark.parametrize("shot", SHOTS, ids=[shot.name for shot in SHOTS])
def test_screen(snap_compare, console, shot):
    assert snap_compare(console, terminal_size=shot.size, run_before=shot.steps)
