"""The browser console's gate: nothing of textual-serve without a credential."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import CookieJar
from aiohttp.test_utils import TestClient, TestServer

from predictu_console.core import admins
from predictu_console.core.admins import AdminCreate
from predictu_console.core.clock import SYSTEM_CLOCK
from predictu_console.db.session import SessionFactory, session_scope
from predictu_console.web import server
from predictu_console.web.gate import COOKIE, Gate
from predictu_console.web.run import session_token_check
from predictu_console.web.server import ConsoleServer
from tests.factories import actor_for_new_admin, token_for

EVERY_ROUTE = ["/", "/ws", "/static/js/textual.js", "/static/", "/download/anything"]


class StartedApps:
    """Stands in for textual-serve's AppService: records each console it is asked to start."""

    commands: list[str] = []

    def __init__(self, command: str, **_: object) -> None:
        self.commands.append(command)

    async def start(self, width: int, height: int) -> None:
        """Nothing to start: the record is the point."""

    async def stop(self) -> None:
        """Nothing to stop."""


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(StartedApps, "commands", [])
    monkeypatch.setattr(server, "AppService", StartedApps)
    return StartedApps.commands


async def _no_session_token(token: str) -> str | None:
    return None


async def _client(gate: Gate) -> AsyncIterator[TestClient]:
    app = await ConsoleServer(gate=gate, host="127.0.0.1", port=8001)._make_app()
    # unsafe: the jar keeps cookies of an IP address host, as browsers do.
    async with TestClient(TestServer(app), cookie_jar=CookieJar(unsafe=True)) as client:
        yield client


@pytest.fixture
async def gate() -> Gate:
    return Gate(admin_email="god@predictu.com", check_session_token=_no_session_token)


@pytest.fixture
async def client(gate: Gate) -> AsyncIterator[TestClient]:
    async for running in _client(gate):
        yield running


def _origin(client: TestClient) -> dict[str, str]:
    return {"Origin": f"http://{client.host}:{client.port}"}


async def test_without_a_credential_every_route_is_a_plain_401_and_no_console_starts(
    client, started
):
    for path in EVERY_ROUTE:
        response = await client.get(path, headers={"Upgrade": "websocket", "Connection": "Upgrade"})
        body = await response.text()
        assert response.status == 401, path
        assert "401 Unauthorized" in body and "textual" not in body.lower(), path
    wrong = await client.get("/?token=not-the-token")
    assert wrong.status == 401
    assert started == []


async def test_the_start_up_token_opens_one_session_once_and_leaves_the_url(client, gate, started):
    token = gate.start_up_token
    response = await client.get(f"/?token={token}&fontsize=18")
    assert response.status == 200
    assert response.url.query == {"fontsize": "18"}  # redirected without the token
    assert "textual-terminal" in await response.text()
    assert (await client.get("/static/js/textual.js")).status == 200
    async with client.ws_connect("/ws", headers=_origin(client)):
        pass
    assert started == [server.console_command("god@predictu.com")]

    client.session.cookie_jar.clear()
    assert (await client.get(f"/?token={token}")).status == 401  # spent


async def test_a_websocket_from_another_site_is_refused_even_with_the_cookie(client, gate, started):
    await client.get(f"/?token={gate.start_up_token}")
    assert COOKIE in {cookie.key for cookie in client.session.cookie_jar}
    response = await client.get(
        "/ws",
        headers={"Upgrade": "websocket", "Connection": "Upgrade", "Origin": "https://evil.example"},
    )
    assert response.status == 401
    assert started == []


async def test_a_god_mode_session_token_opens_the_console_as_its_admin(
    session_factory: SessionFactory, started
):
    actor_for_new_admin(session_factory, SYSTEM_CLOCK, "ops@predictu.com")
    with session_scope(session_factory) as session:
        admins.create_admin(
            session=session, data=AdminCreate(email="partner@casino.com", role="operator_admin")
        )
    gate = Gate(
        admin_email="god@predictu.com", check_session_token=session_token_check(session_factory)
    )
    async for client in _client(gate):
        operator_admin = token_for(session_factory, SYSTEM_CLOCK, "partner@casino.com")
        assert (await client.get(f"/?token={operator_admin}")).status == 401

        token = token_for(session_factory, SYSTEM_CLOCK, "ops@predictu.com")
        assert (await client.get(f"/?token={token}")).status == 200
        async with client.ws_connect("/ws", headers=_origin(client)):
            pass
    assert started == [server.console_command("ops@predictu.com")]
