"""Running `predictu-console web` for a test: a real process on a free port."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.factories import TEST_MASTER_KEY
from tests.processes import eventually, free_port, start

URL = re.compile(r"http://\S+/\?token=\S+")


def web_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    """The environment of a `web` process (and of a command preparing its data)."""
    return {
        **os.environ,
        "PREDICTU_HOME": str(tmp_path / "home"),
        "PREDICTU_DATABASE_URL": database_url,
        "PREDICTU_MASTER_KEY": TEST_MASTER_KEY,
    }


@contextmanager
def web(
    tmp_path: Path, database_url: str, *options: str
) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """A `web` process in a process group of its own; yields it, its token URL and its log."""
    port, log = free_port(), tmp_path / "web.log"
    env = web_env(tmp_path, database_url)
    server = start("web", "--port", str(port), *options, env=env, log=log, own_group=True)
    try:
        match = eventually(lambda: URL.search(log.read_text()), timeout=30, process=server, log=log)
        yield server, match.group(0), log
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
