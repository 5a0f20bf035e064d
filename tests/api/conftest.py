"""An API client on the test database, and a God Mode token for it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from predictu_console.api.app import create_app
from predictu_console.core import admins
from predictu_console.db.session import session_scope


@pytest.fixture
def app(settings, session_factory, clock):
    return create_app(settings, session_factory=session_factory, clock=clock)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def token_for(session_factory, clock, email: str) -> str:
    with session_scope(session_factory) as session:
        return admins.issue_token(
            session=session, email=email, ttl=timedelta(days=1), clock=clock
        ).token


@pytest.fixture
def auth(session_factory, clock, god) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(session_factory, clock, god.email)}"}
