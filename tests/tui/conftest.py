"""The real console on a seeded test database (the same demo the screenshots show)."""

from __future__ import annotations

import pytest

from predictu_console.core import ids
from predictu_console.tui.app import PredictuApp, make_tui
from predictu_console.tui.backend import Backend
from tests.tui.screens import demo_backend, seeded_ids


@pytest.fixture
def backend(session_factory, clock, monkeypatch) -> Backend:
    monkeypatch.setattr(ids, "random_base62", seeded_ids())
    return demo_backend(session_factory, clock)


@pytest.fixture
def console(backend) -> PredictuApp:
    return make_tui(backend, poll_seconds=3600)
