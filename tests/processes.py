"""Running `predictu-console` as real processes, the way users and operators' scripts do."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

T = TypeVar("T")


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run one command to completion, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "predictu_console", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def start(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start a long-running command with its output going to `log`."""
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "predictu_console", *args],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


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
