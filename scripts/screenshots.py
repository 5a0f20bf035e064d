"""Regenerate `screenshots/*.svg` from the real console on demo data.

    python -m scripts.screenshots [NAME ...]

Names (such as `markets market-resolve-80x24`) regenerate only those pictures. The data is
seeded at a fixed moment with fixed ids, so the pictures only change when the console does.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from predictu_console.core import ids
from predictu_console.core.clock import FrozenClock
from predictu_console.db.migrate import upgrade
from predictu_console.db.session import engine_of, make_session_factory
from predictu_console.settings import Settings
from predictu_console.tui.app import make_tui
from tests.tui.screens import SHOTS, demo_gateway, seeded_ids

OUT = Path(__file__).resolve().parent.parent / "screenshots"
MOMENT = datetime(2025, 3, 18, 14, 30, tzinfo=UTC)


async def main(names: list[str]) -> None:
    unknown = set(names) - {shot.name for shot in SHOTS}
    if unknown:
        raise SystemExit(f"No such screenshot: {', '.join(sorted(unknown))}")
    OUT.mkdir(exist_ok=True)
    for shot in SHOTS:
        if names and shot.name not in names:
            continue
        ids.random_base62 = seeded_ids()
        with tempfile.TemporaryDirectory() as home:
            factory = make_session_factory(Settings(home=Path(home)))
            upgrade(engine_of(factory))
            gateway = demo_gateway(factory, FrozenClock(MOMENT))
            app = make_tui(gateway, poll_seconds=3600)
            async with app.run_test(size=shot.size) as pilot:
                await shot.steps(pilot)
                app.save_screenshot(f"{shot.name}.svg", str(OUT))
        print(f"screenshots/{shot.name}.svg")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
