"""Servers on one core, the measuring side on the others.

Without pinning, the scheduler sometimes runs a server and its client on one core of two,
and either side's rate halves from one round to the next.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def pinned_apart(command: list[str], **popen: Any) -> Iterator[subprocess.Popen[Any]]:
    """Run `command` on the last core and this process on the rest, until the block ends."""
    cores = sorted(os.sched_getaffinity(0))
    apart = len(cores) >= 2
    server = subprocess.Popen(
        command,
        preexec_fn=(lambda: os.sched_setaffinity(0, {cores[-1]})) if apart else None,
        **popen,
    )
    try:
        if apart:
            os.sched_setaffinity(0, set(cores[:-1]))
        yield server
    finally:
        os.sched_setaffinity(0, set(cores))
        server.terminate()
        server.wait(10)
