"""A demo database of N operators for benchmarks, seeded the way a user would seed it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DemoHome:
    """Where the data is, and what seeding it cost (None when it was already there)."""

    home: Path
    seed_seconds: float | None


def demo_home(operators: int, home: Path | None = None) -> DemoHome:
    """Run `predictu-console demo --no-tui --operators N` into `home` (a new temp dir if None)."""
    home = home or Path(tempfile.mkdtemp(prefix="predictu-bench-"))
    env = {**os.environ, "PREDICTU_HOME": str(home)}
    env.pop("PREDICTU_DATABASE_URL", None)
    started = time.monotonic()
    demo = subprocess.run(
        [sys.executable, "-m", "predictu_console", "demo", "--no-tui",
         "--operators", str(operators)],
        env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seconds = time.monotonic() - started
    return DemoHome(home, None if "seeded 0 of" in demo.stderr else seconds)
