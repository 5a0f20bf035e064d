"""The operator list's first page, read with the database driver alone (issue 21).

Importing SQLAlchemy's ORM, pydantic and the core costs a console more than twice what
Textual itself does, so the console paints its first page from this read and imports the
rest afterwards; then it reads the page again through `operators.list_operators`, which
replaces this one and from then on is the only way the list is read. The statements are the
ones `operators._page_statements` builds for a page without a search, spelled out, and
tests/core/test_first_page.py checks that both give the same page on SQLite and PostgreSQL.

Nothing is written here and no rule is decided: whatever only the regular start can settle
(a database to create or migrate, an admin to create, an admin who is not God Mode) makes
`read_first_page` answer None, and the console starts the regular way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from contextlib import closing
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, Protocol
from urllib.parse import quote

from predictu_console.core.console_email import console_email
from predictu_console.core.money import month_of
from predictu_console.db.revisions import VERSION_TABLE, shipped_head

SORT_KEYS = {
    "name": ("o.name_key",),
    "created": ("o.created_at", "o.id"),
    "volume": ("s.total_volume", "s.operator_id"),
    "users": ("s.user_count", "s.operator_id"),
}
"""The list's orders as `operators._SORT_KEYS` has them: each one an index reads in order."""


class Listing(Protocol):
    """What the first page is filtered and sorted by: the list's remembered choices."""

    @property
    def status(self) -> str: ...
    @property
    def sort(self) -> str: ...
    @property
    def order(self) -> str: ...


class FirstRow(NamedTuple):
    """An operator as the list shows it: the fields of `OperatorSummary` it has columns for."""

    id: str
    name: str
    domain: str
    status: str
    user_count: int
    total_volume: Decimal
    mtd_revenue: Decimal
    onboarding_step: int
    callback_status: str
    created_at: datetime


class FirstPage(NamedTuple):
    """The first page of the list, as `OperatorPage` has it."""

    operators: list[FirstRow]
    total: int
    limit: int
    offset: int


class ConsoleAdmin(NamedTuple):
    """The God Mode admin the console acts as."""

    id: str
    email: str
    role: str


class FirstSight(NamedTuple):
    """Everything the console's first screen shows that comes from the database."""

    admin: ConsoleAdmin
    page: FirstPage


class Dialect(NamedTuple):
    """How a driver takes parameters and gives back moments and money."""

    parameter: Callable[[str], str]
    bind_moment: Callable[[datetime], object]
    moment: Callable[[Any], datetime]
    money: Callable[[Any], Decimal]


def _sqlite_moment(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


SQLITE = Dialect(
    parameter=lambda name: f":{name}",
    # As `db.base.UTCDateTime` and SQLAlchemy store them: naive UTC text, compared as text.
    bind_moment=lambda moment: moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
    moment=_sqlite_moment,
    # `db.base.Money`: integer cents on SQLite.
    money=lambda cents: Decimal(int(cents or 0)).scaleb(-2),
)
POSTGRESQL = Dialect(
    parameter=lambda name: f"%({name})s",
    bind_moment=lambda moment: moment,
    moment=lambda moment: moment.astimezone(UTC),
    money=lambda amount: Decimal(amount or 0),
)


def _statements(listing: Listing, dialect: Dialect) -> tuple[str, str]:
    """The count and page statements of `listing`, in `dialect`'s parameter style."""
    p = dialect.parameter
    where = f" WHERE o.status = {p('status')}" if listing.status != "all" else ""
    direction = " DESC" if listing.order == "desc" else " ASC"
    ordering = ", ".join(key + direction for key in SORT_KEYS[listing.sort])
    count = f"SELECT count(*) FROM operators AS o{where}"
    page = (
        "SELECT o.id, o.name, o.domain, o.status, s.user_count, s.total_volume,"
        " (SELECT sum(r.revenue) FROM operator_revenue AS r"
        f"  WHERE r.operator_id = o.id AND r.month = {p('month')}),"
        " (SELECT count(*) FROM operator_onboarding AS step"
        "  WHERE step.operator_id = o.id AND step.completed_at IS NOT NULL),"
        " o.callback_status, o.created_at"
        f" FROM operators AS o JOIN operator_stats AS s ON s.operator_id = o.id{where}"
        f" ORDER BY {ordering} LIMIT {p('limit')} OFFSET {p('offset')}"
    )
    return count, page


def read_page(
    connection: Any, dialect: Dialect, *, listing: Listing, limit: int, now: datetime
) -> FirstPage:
    """The first `limit` operators of `listing` through a DB-API `connection`."""
    count, page = _statements(listing, dialect)
    parameters: Mapping[str, object] = {
        "status": listing.status,
        "month": month_of(now),
        "limit": limit,
        "offset": 0,
    }
    cursor = connection.cursor()
    cursor.execute(count, parameters)
    total = int(cursor.fetchone()[0])
    cursor.execute(page, parameters)
    rows = [
        FirstRow(
            id=id_,
            name=name,
            domain=domain,
            status=status,
            user_count=int(users),
            total_volume=dialect.money(volume),
            mtd_revenue=dialect.money(revenue),
            onboarding_step=int(steps),
            callback_status=health,
            created_at=dialect.moment(created),
        )
        for id_, name, domain, status, users, volume, revenue, steps, health, created in cursor
    ]
    return FirstPage(operators=rows, total=total, limit=limit, offset=0)


def read_first_page(
    path: Path, *, os_user: str, listing: Listing, limit: int, now: datetime
) -> FirstSight | None:
    """The console admin of `os_user` and the first page of `listing` in the SQLite file at
    `path`; None when only the regular start can tell: no such file, a schema that is not
    the newest, no God Mode admin for `os_user` yet, or any error of the driver."""
    head = shipped_head()
    try:
        connection = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    with closing(connection):
        try:
            stamped = [
                row[0] for row in connection.execute(f"SELECT version_num FROM {VERSION_TABLE}")
            ]
            if head is None or stamped != [head]:
                return None
            found = connection.execute(
                "SELECT id, email, role FROM admins WHERE email = ?", (console_email(os_user),)
            ).fetchone()
            if found is None or found[2] != "god_mode":
                return None
            page = read_page(connection, SQLITE, listing=listing, limit=limit, now=now)
        except sqlite3.Error:
            return None
    return FirstSight(ConsoleAdmin(*found), page)
