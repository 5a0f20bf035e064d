"""Start-up as a user feels it: from `exec` to the answer, real processes in a real pty.

- `predictu-console --help` against `python -c 'import textual.app'`: what a typo, a `--help`
  or a short command pays before it does anything;
- the console, from `exec` to its first page of operators painted in a pty of 160×48 (read
  from the terminal until the first and the 25th operator of the page are on it), against a
  bare Textual app with one DataTable of 25 rows started the same way and read the same way.

Pairs run alternately after one unmeasured start of each (files in the page cache, the
console admin created); the medians are compared.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.bare_table import COLUMNS, PTY_ROWS, cell
from benchmarks.report import Row, median_row
from predictu_console.core import operators
from predictu_console.core.models import OperatorListQuery
from predictu_console.db.session import make_session_factory, session_scope
from predictu_console.settings import Settings
from predictu_console.tui.screens.operator_list import PAGE_SIZE

HELP_LIMIT = 0.5
CONSOLE_LIMIT = 1.5
ROWS, COLUMNS_WIDE = 48, 160
PAINT_TIMEOUT = 60.0


def _exit_ms(argv: Sequence[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - started) * 1000


def _painted_ms(argv: Sequence[str], env: dict[str, str], markers: Sequence[str]) -> float:
    """Milliseconds from spawning `argv` in a pty until every marker was written to it."""
    import pexpect  # the dev extra's: the runner's --help must work without it

    wanted = [marker.encode() for marker in markers]
    started = time.perf_counter()
    child = pexpect.spawn(argv[0], list(argv[1:]), env=env, dimensions=(ROWS, COLUMNS_WIDE))
    try:
        seen = b""
        while not all(marker in seen for marker in wanted):
            seen += child.read_nonblocking(1 << 16, timeout=PAINT_TIMEOUT)
        return (time.perf_counter() - started) * 1000
    finally:
        child.terminate(force=True)


def _first_page_names(home: Path) -> list[str]:
    """The first and the 25th operator of the list's first page, as the console sorts it."""
    factory = make_session_factory(Settings(home=home))
    with session_scope(factory, write=False) as session:
        page = operators.list_operators(session=session, query=OperatorListQuery(limit=PAGE_SIZE))
    return [page.operators[0].name, page.operators[PTY_ROWS - 1].name]


def run(home: Path, help_runs: int = 15, console_runs: int = 7) -> list[Row]:
    """The `--help` row, and the console's start in a pty on the demo database in `home`."""
    env = {**os.environ, "PREDICTU_HOME": str(home), "TERM": "xterm-256color"}
    env.pop("PREDICTU_DATABASE_URL", None)
    python = sys.executable
    helps, imports = [], []
    for _ in range(help_runs):  # alternated, so both see the same machine
        helps.append(_exit_ms([python, "-m", "predictu_console", "--help"], env))
        imports.append(_exit_ms([python, "-c", "import textual.app"], env))

    console = [python, "-m", "predictu_console"]
    bare = [python, "-m", "benchmarks.bare_table"]
    names = _first_page_names(home)
    cells = [cell(0, 0, 0), cell(0, PTY_ROWS - 1, COLUMNS - 1)]
    ours, reference = [], []
    for number in range(console_runs + 1):
        painted = _painted_ms(console, env, names), _painted_ms(bare, env, cells)
        if number:  # the first start of each only warms the caches
            ours.append(painted[0])
            reference.append(painted[1])
    return [
        median_row(
            "`predictu-console --help`, exec → exit",
            helps,
            imports,
            reference_is="`python -c 'import textual.app'`",
            at_most=HELP_LIMIT,
        ),
        median_row(
            "console: exec → first page of operators painted in a pty",
            ours,
            reference,
            reference_is="bare Textual app, one 25-row DataTable, same pty",
            at_most=CONSOLE_LIMIT,
        ),
    ]
