"""`predictu-console web` as a real process: its URL, its gate, its bind warning, Ctrl+C."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

import aiohttp
import httpx
import pytest

from tests.processes import children, eventually
from tests.web.serving import web


def _origin(url: str) -> dict[str, str]:
    return {"Origin": url.split("/?", 1)[0]}


async def _read_until_closed(tab: aiohttp.ClientWebSocketResponse) -> None:
    async for _ in tab:
        pass


def _ctrl_c(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGINT)  # what Ctrl+C in its terminal does


def _terminate(server: subprocess.Popen[bytes]) -> None:
    server.terminate()  # the server alone: it has to stop its consoles itself


@pytest.mark.slow
@pytest.mark.parametrize("stop", [_ctrl_c, _terminate], ids=["ctrl-c", "sigterm"])
async def test_the_url_opens_a_console_process_and_stopping_the_server_stops_it(
    tmp_path, database_url, stop
):
    with web(tmp_path, database_url) as (server, url, log):
        base = url.split("/?", 1)[0]
        assert url.startswith("http://127.0.0.1:")
        assert "warning" not in log.read_text()
        assert httpx.get(base).status_code == 401
        assert httpx.get(f"{base}/ws", headers={"Upgrade": "websocket"}).status_code == 401
        assert children(server.pid) == []  # no credential, no console

        jar = aiohttp.CookieJar(unsafe=True)  # keeps an IP address host's cookie, as browsers do
        async with aiohttp.ClientSession(cookie_jar=jar) as browser:
            assert (await browser.get(url)).status == 200
            async with browser.ws_connect(f"{base}/ws", headers=_origin(url)) as tab:
                await tab.receive(timeout=30)  # the console is drawing
                console = eventually(lambda: children(server.pid), timeout=30, log=log)
                reading = asyncio.create_task(_read_until_closed(tab))  # as a browser does

                stop(server)
                stopping = time.monotonic()
                assert await asyncio.to_thread(server.wait, 30) == 0
                assert time.monotonic() - stopping < 10
                await reading
        assert eventually(
            lambda: not any(Path(f"/proc/{pid}").exists() for pid in console), timeout=10
        )
        assert "stopped" in log.read_text()


@pytest.mark.slow
def test_listening_beyond_this_machine_says_so(tmp_path, database_url):
    with web(tmp_path, database_url, "--host", "0.0.0.0") as (server, url, log):
        assert "warning: listening on 0.0.0.0, not only on this machine" in log.read_text()
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0
