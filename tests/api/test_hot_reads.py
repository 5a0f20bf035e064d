"""The operators' list and detail, answered beside FastAPI (api/hot_reads.py), answer exactly
as their routes do: same status, body bytes and headers, errors included."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient

from predictu_console.api.app import create_app
from predictu_console.core import admins
from predictu_console.core.admins import AdminCreate
from predictu_console.core.demo.seed import seed
from predictu_console.db.session import session_scope
from tests.factories import BOX, token_for

BASE = "/api/s2s/operators"
UNEQUAL_HEADERS = ("x-request-id", "ratelimit-reset")  # fresh each request; seconds to a reset
LISTS = [
    "",
    "?sort=volume&limit=25",
    "?search=casino&status=active&sort=name&order=asc",
    "?sort=users&order=asc&limit=5&offset=3",
    "?search=%25",
    "?limit=0",
    "?limit=5&limit=6",
    "?search=",
    "?colour=red",
]


@pytest.fixture
def both(settings, session_factory, clock) -> Iterator[tuple[TestClient, TestClient]]:
    """A client of the app as it runs, and one of the same app with every request routed
    through FastAPI, on one database."""
    seed(factory=session_factory, clock=clock, box=BOX)
    with ExitStack() as stack:
        fast, routed = (
            stack.enter_context(TestClient(_app(settings, session_factory, clock, hot=hot)))
            for hot in (True, False)
        )
        yield fast, routed


def _app(settings, session_factory, clock, *, hot):
    return create_app(settings, session_factory=session_factory, clock=clock, hot_reads=hot)


def _answer(client: TestClient, path: str, headers: dict[str, str]) -> tuple[object, ...]:
    response = client.get(path, headers=headers)
    kept = {k: v for k, v in response.headers.items() if k not in UNEQUAL_HEADERS}
    return response.status_code, response.content, kept


def _ids(client: TestClient, auth: dict[str, str]) -> list[str]:
    page = client.get(BASE, params={"sort": "volume", "limit": 3}, headers=auth).json()
    return [row["id"] for row in page["operators"]]


def test_lists_and_details_answer_as_their_routes_do(both, auth):
    fast, routed = both
    paths = [BASE + query for query in LISTS]
    paths += [f"{BASE}/{operator_id}" for operator_id in _ids(routed, auth)]
    paths += [f"{BASE}/op_nobody", f"{BASE}/{_ids(routed, auth)[0]}?verbose=1"]

    for path in paths:
        answered = _answer(fast, path, auth)
        assert answered == _answer(routed, path, auth), path
        assert answered[0] in (200, 400, 404)


def test_refusals_answer_as_their_routes_do(both, session_factory, clock):
    fast, routed = both
    with session_scope(session_factory) as session:
        admins.create_admin(
            session=session, data=AdminCreate(email="ops@casino.com", role="operator_admin")
        )
    operator_admin = token_for(session_factory, clock, "ops@casino.com")

    for headers in ({}, {"Authorization": "Bearer tok_x.y"}, {"Authorization": "Basic a"}):
        assert _answer(fast, BASE, headers) == _answer(routed, BASE, headers)
    forbidden = {"Authorization": f"Bearer {operator_admin}"}
    assert _answer(fast, f"{BASE}/op_x", forbidden) == _answer(routed, f"{BASE}/op_x", forbidden)
    assert _answer(fast, BASE, forbidden)[0] == 403


def test_rate_limits_count_and_refuse_as_the_routes_do(settings, session_factory, clock, auth):
    limited = settings.model_copy(update={"rate_limits": True})
    for hot in (True, False):
        with TestClient(_app(limited, session_factory, clock, hot=hot)) as client:
            answers = [_timeless(_answer(client, f"{BASE}/op_nobody", auth)) for _ in range(61)]
        if hot:
            fast = answers
    assert fast == answers
    assert fast[0][2]["ratelimit-remaining"] == "59" and fast[0][0] == 404
    assert fast[-1][0] == 429


def _timeless(answer: tuple[object, ...]) -> tuple[object, ...]:
    """`answer` without the seconds to wait, which depend on when each app was asked."""
    status, body, headers = answer
    assert isinstance(body, bytes) and isinstance(headers, dict)
    kept = {k: v for k, v in headers.items() if k not in ("retry-after", "content-length")}
    return status, re.sub(rb"retry in \d+ s", b"retry in N s", body), kept


def test_a_list_reads_its_token_and_its_page_in_one_transaction(
    settings, session_factory, clock, auth
):
    opened = []

    def counting():
        opened.append(1)
        return session_factory()

    counting.kw = session_factory.kw  # type: ignore[attr-defined]
    app = create_app(settings, session_factory=counting, clock=clock)  # type: ignore[arg-type]
    with TestClient(app) as client:
        assert client.get(BASE, headers=auth).status_code == 200
        assert client.get(f"{BASE}/op_nobody", headers=auth).status_code == 404

    assert len(opened) == 2
