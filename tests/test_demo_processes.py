"""`predictu-console demo` as a real process: Ctrl+C while thousands of operators are seeded,
with the next batch being planned in a second process, and seeding again."""

from __future__ import annotations

import os
import signal

import pytest
from sqlalchemy import func, select

from predictu_console.core.demo.catalogue import CAST_SIZE
from predictu_console.core.demo.seed import BULK_BATCH
from predictu_console.db.session import session_scope
from predictu_console.db.tables import Operator
from tests.cli_runner import invoke
from tests.processes import children, eventually, start

OPERATORS = CAST_SIZE + 2 * BULK_BATCH + 100
"""Three batches of generated operators: the second and third are planned in the planner."""


def _operators(session_factory) -> int:
    with session_scope(session_factory, write=False) as session:
        return session.scalar(select(func.count()).select_from(Operator)) or 0


@pytest.mark.slow
def test_ctrl_c_keeps_the_batches_written_stops_the_planner_and_seeding_again_finishes(
    database_url, session_factory, tmp_path
):
    env = {
        **os.environ,
        "PREDICTU_HOME": str(tmp_path / "home"),
        "PREDICTU_DATABASE_URL": database_url,
    }
    log = tmp_path / "demo.log"
    demo = start(
        "demo", "--no-tui", "--operators", str(OPERATORS), env=env, log=log, own_group=True
    )
    # The first batch of generated operators is in: the planner is at work on the next.
    eventually(lambda: _operators(session_factory) > CAST_SIZE, timeout=90, process=demo, log=log)
    planners = children(demo.pid)
    assert planners

    os.killpg(demo.pid, signal.SIGINT)  # what Ctrl+C in its terminal does to the job
    assert demo.wait(timeout=60) == 130
    output = log.read_text()
    assert "Traceback" not in output, output
    # Nothing it started outlives it (multiprocessing's resource tracker takes a moment).
    eventually(lambda: not any(os.path.exists(f"/proc/{pid}") for pid in planners), timeout=10)
    written = _operators(session_factory)
    assert (written - CAST_SIZE) % BULK_BATCH == 0  # whole batches, never part of one

    again = invoke("demo", "--no-tui", "--operators", str(OPERATORS), env=env)
    assert again.returncode == 0, again.stderr
    assert f"seeded {OPERATORS - written} of {OPERATORS} demo operators" in again.stderr
    assert invoke("stats", "verify", env=env).returncode == 0
    assert invoke("audit", "verify", env=env).returncode == 0
    assert _operators(session_factory) == OPERATORS
