"""The console's first page, read with the driver alone, is the page the core lists."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import make_url

from predictu_console.core import admins, first_page, operators
from predictu_console.core.clock import FrozenClock
from predictu_console.core.models import OperatorListQuery
from predictu_console.db.session import (
    SessionFactory,
    engine_of,
    make_session_factory,
    session_scope,
)
from predictu_console.tui.screens.operator_list import SORTS, STATUS_FILTERS
from tests.databases import BACKENDS, Databases, settings_for

DIALECTS = {"sqlite": first_page.SQLITE, "postgresql": first_page.POSTGRESQL}
OS_USER = "ada"


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, databases: Databases, tmp_path: Path, clock: FrozenClock
) -> str:
    """The demo: operators with players, trades and revenue this month, in every status."""
    return databases.demo(request.param, tmp_path, clock)


def _regular(factory: SessionFactory, clock: FrozenClock, **listing: object) -> list[dict]:
    with session_scope(factory, write=False) as session:
        query = OperatorListQuery.model_validate(listing)
        page = operators.list_operators(session=session, query=query, clock=clock)
    fields = first_page.FirstRow._fields
    shown = [{field: getattr(row, field) for field in fields} for row in page.operators]
    return [page.total, *shown]


def _first(page: first_page.FirstPage) -> list[object]:
    return [page.total, *(row._asdict() for row in page.operators)]


@pytest.mark.parametrize("limit", [3, 50])
def test_every_status_and_order_gives_the_core_listings_page(
    session_factory, database_url, clock, limit
):
    dialect = DIALECTS[make_url(database_url).get_backend_name()]
    connection = engine_of(session_factory).raw_connection()
    try:
        for status, sort, order in itertools.product(STATUS_FILTERS, SORTS, ("asc", "desc")):
            listing = SimpleNamespace(status=status, sort=sort, order=order)
            page = first_page.read_page(
                connection, dialect, listing=listing, limit=limit, now=clock.now()
            )
            expected = _regular(
                session_factory, clock, status=status, sort=sort, order=order, limit=limit
            )
            assert _first(page) == expected, (status, sort, order)
            assert (page.limit, page.offset) == (limit, 0)
    finally:
        connection.close()


def test_the_lists_choices_are_the_ones_the_core_accepts():
    fields = OperatorListQuery.model_fields
    assert set(STATUS_FILTERS) == set(fields["status"].annotation.__args__)
    assert set(SORTS) == set(fields["sort"].annotation.__args__) == set(first_page.SORT_KEYS)


@pytest.fixture
def sqlite_demo(databases, tmp_path, clock) -> Iterator[tuple[Path, SessionFactory]]:
    """The demo in an SQLite file, with the OS user's console admin made the regular way."""
    url = databases.demo("sqlite", tmp_path, clock)
    factory = make_session_factory(settings_for(url, tmp_path / "home"))
    with session_scope(factory) as session:
        admins.console_admin(session=session, email=None, os_user=OS_USER, clock=clock)
    yield Path(make_url(url).database or ""), factory
    engine_of(factory).dispose()


DEFAULT = SimpleNamespace(status="all", sort="created", order="desc")


def _read(path: Path, clock: FrozenClock, os_user: str = OS_USER) -> first_page.FirstSight | None:
    return first_page.read_first_page(
        path, os_user=os_user, listing=DEFAULT, limit=50, now=clock.now()
    )


def test_a_current_file_gives_the_console_admin_and_the_first_page(sqlite_demo, clock):
    path, factory = sqlite_demo
    sight = _read(path, clock)

    assert sight is not None
    assert (sight.admin.email, sight.admin.role) == ("ada@console.predictu.com", "god_mode")
    assert _first(sight.page) == _regular(factory, clock, limit=50)


def _change(path: Path, statement: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(statement)
    connection.close()


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE alembic_version SET version_num = '0001'",
        "UPDATE admins SET role = 'operator_admin' WHERE email LIKE 'ada@%'",
        "DELETE FROM admins WHERE email LIKE 'ada@%'",
    ],
    ids=["an older schema", "an operator admin", "no admin yet"],
)
def test_what_only_the_regular_start_settles_gives_no_first_page(sqlite_demo, clock, change):
    path, _ = sqlite_demo
    assert _read(path, clock) is not None
    _change(path, change)
    assert _read(path, clock) is None


def test_a_missing_file_gives_no_first_page_and_is_not_created(tmp_path, clock):
    missing = tmp_path / "nowhere" / "predictu.db"
    assert _read(missing, clock) is None
    assert not missing.parent.exists()
