"""Running `predictu-console` as real processes, the way users and operators' scripts do."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

T = TypeVar("T")


MODULE = (sys.executable, "-m", "predictu_console")
"""`python -m predictu_console`, the way the tests start the command."""

CONSOLE_SCRIPT = (str(Path(sys.executable).with_name("predictu-console")),)
"""The `predictu-console` script the install put beside the interpreter."""


def run(
    *args: str, env: dict[str, str], entry: tuple[str, ...] = MODULE
) -> subprocess.CompletedProcess[str]:
    """Run one command to completion as a process started by `entry`, capturing its output.

    A command that finishes runs faster in the test's process (tests/cli_runner.py); this is
    for what only a process shows: that an entry point works, what it imports.
    """
    return subprocess.run(
        [*entry, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def start(
    *args: str, env: dict[str, str], log: Path, own_group: bool = False
) -> subprocess.Popen[bytes]:
    """Start a long-running command with its output going to `log`.

    `own_group`: in a process group of its own, as a terminal's foreground job is, so that
    `os.killpg` is what Ctrl+C does to it and every process it started.
    """
    with log.open("w") as output:
        return subprocess.Popen(
            [*MODULE, *args],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=own_group,
        )


def children(pid: int) -> list[int]:
    """The live processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone while we looked
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def eventually(
    check: Callable[[], T | None],
    *,
    timeout: float,
    process: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
) -> T:
    """Poll `check` until it returns something truthy; fail with the process's log if not."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline or (process is not None and process.poll() is not None):
            pytest.fail(f"gave up waiting:\n{log.read_text() if log else ''}")
        time.sleep(0.1)


def answers(url: str) -> bool:
    """True once a server answers 200 at `url`."""
    try:
        return httpx.get(url).status_code == 200
    except httpx.TransportError:
        return False


def until_answering(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until `server` answers on `port`; fail with its log if it stops or never does."""
    eventually(
        lambda: answers(f"http://127.0.0.1:{port}/healthz"), timeout=30, process=server, log=log
    )


@contextmanager
def running_serve(*options: str, env: dict[str, str], log: Path) -> Iterator[int]:
    """A `serve` process with `options` on a free port, answering; yields the port."""
    port = free_port()
    server = start("serve", "--port", str(port), *options, env=env, log=log)
    try:
        until_answering(port, server, log)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)
