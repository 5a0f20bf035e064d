"""Seeding speed, and what the list and the detail cost at 100, 1,000 and 10,000 operators.

One database grows from 100 to 1,000 operators (seeding resumes), and the reads are timed
at each size through the service core, as every front end calls it (median of 30). The
10,000-operator database comes from the cache when the current code seeded one before
(benchmarks/demo_data.py); otherwise the same database grows to it and is kept.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from benchmarks.demo_data import Seeding, cache_dir, cached, counted, keep, seed
from benchmarks.report import Row, ratio_row
from predictu_console.core import operators
from predictu_console.core.models import OperatorListQuery
from predictu_console.db.session import make_session_factory, session_scope
from predictu_console.settings import Settings

SIZES = (100, 1_000)
GROWTH_LIMIT = 1.5
"""Reads at 10,000 operators may cost at most this much more than at 100."""
UNBOUNDED = {"list 25, search=lucky"}
"""A substring search reads every name: it grows with the table, by design (see README)."""


def _median_ms(fn: Callable[[], object], repeat: int = 50) -> float:
    for _ in range(5):  # warm: the kept database starts out of the page cache
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def read_costs(home: Path) -> dict[str, float]:
    """Median milliseconds of each read the console and the API make most."""
    factory = make_session_factory(Settings(home=home))

    def page(**query: object) -> Callable[[], object]:
        def run() -> object:
            with session_scope(factory, write=False) as session:
                return operators.list_operators(
                    session=session, query=OperatorListQuery.model_validate(query)
                )

        return run

    with session_scope(factory, write=False) as session:
        query = OperatorListQuery(sort="volume", limit=1)
        busiest = operators.list_operators(session=session, query=query).operators[0].id

    def detail() -> object:
        with session_scope(factory, write=False) as session:
            return operators.get_operator(session=session, operator_id=busiest)

    return {
        "list 25, sort=volume": _median_ms(page(sort="volume", limit=25)),
        "list 25, search=lucky": _median_ms(page(search="lucky", limit=25)),
        "detail of the busiest operator": _median_ms(detail),
    }


def run(operators_at_scale: int, *, fresh: bool) -> tuple[Path, list[Row]]:
    """The seeded database of `operators_at_scale`, and the seeding and growth rows."""
    work = Path(tempfile.mkdtemp(prefix="predictu-bench-")) / "home"
    seconds, costs = 0.0, {}
    for size in SIZES:
        seconds += seed(work, size)
        costs[size] = read_costs(work)
    grown = counted(work, SIZES[-1], seconds)
    rows = [_seeding_row(grown, "this run")]
    at_scale = None if fresh else cached(operators_at_scale)
    if at_scale is None:
        seconds += seed(work, operators_at_scale)
        at_scale = counted(work, operators_at_scale, seconds)
        home = keep(work, at_scale)
        rows.append(_seeding_row(at_scale, "this run"))
    else:
        home = cache_dir(operators_at_scale)
        rows.append(_seeding_row(at_scale, f"kept from {at_scale.when}"))
    costs[operators_at_scale] = read_costs(home)
    small = costs[SIZES[0]]
    for what, large_ms in costs[operators_at_scale].items():
        shown = " / ".join(f"{costs[size][what]:.1f}" for size in costs)
        row = ratio_row(
            f"{what}: {' / '.join(f'{size:,}' for size in costs)} operators",
            large_ms,
            small[what],
            unit="ms",
            reference_is=f"at {SIZES[0]}",
            at_most=GROWTH_LIMIT,
        )
        if what in UNBOUNDED:
            row = replace(row, target="—", met=None)
        rows.append(replace(row, ours=f"{shown} ms"))
    return home, rows


def _seeding_row(seeding: Seeding, when: str) -> Row:
    return Row(
        f"seed {seeding.operators:,} operators with `demo` ({seeding.trades:,} trades; {when})",
        f"{seeding.rows_per_second:,.0f} rows/s ({seeding.rows:,} rows in {seeding.seconds:.0f} s)",
    )
