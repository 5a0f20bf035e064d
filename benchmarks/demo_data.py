"""Demo databases for benchmarks, seeded the way a user seeds them: `predictu-console demo`.

Seeding 10,000 operators takes minutes on a 2-core machine, so that database is kept in the
user's cache directory, under a fingerprint of the code that shapes its content (the demo
seeder, the tables and the migrations). A change to any of them seeds it again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
from sqlalchemy import func, select

from predictu_console.db.session import make_session_factory, session_scope
from predictu_console.db.tables import Operator
from predictu_console.settings import Settings

PACKAGE = Path(__file__).resolve().parent.parent / "predictu_console"
SHAPING = ("core/demo", "db/tables.py", "db/migrations")


@dataclass(frozen=True)
class Seeding:
    """What seeding a demo database cost."""

    operators: int
    seconds: float
    rows: int
    trades: int
    when: str

    @property
    def rows_per_second(self) -> float:
        """Rows of every table written per second of `demo`."""
        return self.rows / self.seconds


def seed(home: Path, operators: int) -> float:
    """Seed (or grow) the demo database in `home` to N operators; the seconds it took."""
    env = {**os.environ, "PREDICTU_HOME": str(home)}
    env.pop("PREDICTU_DATABASE_URL", None)
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "predictu_console",
            "demo",
            "--no-tui",
            "--operators",
            str(operators),
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def counted(home: Path, operators: int, seconds: float) -> Seeding:
    """The seeding of `home`, with its rows counted."""
    factory = make_session_factory(Settings(home=home))
    with session_scope(factory, write=False) as session:
        counts = {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Operator.metadata.sorted_tables  # every table shares it
        }
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    return Seeding(operators, seconds, sum(counts.values()), counts["trades"], when)


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in SHAPING:
        for path in sorted((PACKAGE / part).rglob("*.py")) or [PACKAGE / part]:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cache_dir(operators: int) -> Path:
    """Where the seeded database of N operators is kept."""
    root = Path(platformdirs.user_cache_dir("predictu-console")) / "benchmarks"
    return root / f"demo-{operators}-{_fingerprint()}"


def cached(operators: int) -> Seeding | None:
    """The kept database's seeding, or None when there is none for the current code."""
    meta = cache_dir(operators) / "seeding.json"
    return Seeding(**json.loads(meta.read_text())) if meta.exists() else None


def keep(home: Path, seeding: Seeding) -> Path:
    """Move a seeded `home` into the cache; returns where it now is."""
    target = cache_dir(seeding.operators)
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(home, target)
    (target / "seeding.json").write_text(json.dumps(asdict(seeding)))
    return target
