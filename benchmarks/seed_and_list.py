"""Seed a demo database of N operators, then time the list and detail at that scale.

    python -m benchmarks.seed_and_list [--operators 10000] [--home DIR]

Prints a markdown table. Seeding goes through `predictu-console demo` in a subprocess, as
a user would run it; the reads call the service core directly, as every front end does.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.demo_data import demo_home
from predictu_console.core import operators
from predictu_console.core.models import OperatorListQuery
from predictu_console.db.session import make_session_factory, session_scope
from predictu_console.db.tables import Player, Trade
from predictu_console.settings import Settings


def _median_ms(fn: Callable[[], object], repeat: int = 30) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operators", type=int, default=10_000)
    parser.add_argument("--home", type=Path, help="reuse or keep this data directory")
    args = parser.parse_args()
    data = demo_home(args.operators, args.home)
    home = data.home

    factory = make_session_factory(Settings(home=home))
    with session_scope(factory, write=False) as session:
        trades = session.scalar(select(func.count()).select_from(Trade)) or 0
        players = session.scalar(select(func.count()).select_from(Player)) or 0
        busiest = (
            operators.list_operators(
                session=session, query=OperatorListQuery(sort="volume", limit=1)
            )
            .operators[0]
            .id
        )

    def page(**query: object) -> Callable[[], object]:
        def run() -> object:
            with session_scope(factory, write=False) as session:
                return operators.list_operators(
                    session=session, query=OperatorListQuery.model_validate(query)
                )

        return run

    def detail() -> object:
        with session_scope(factory, write=False) as session:
            return operators.get_operator(session=session, operator_id=busiest)

    print(f"| what ({args.operators:,} operators, {trades:,} trades) | result |")
    print("|---|---|")
    if data.seed_seconds is not None:
        seconds = data.seed_seconds
        print(f"| seed with `demo --operators {args.operators}` | {seconds:.0f} s, "
              f"{(trades + players) / seconds:,.0f} trade and player rows/s |")  # fmt: skip
    else:
        print(f"| seed | reused the data already in {home} |")
    for label, fn in [
        ("list 25, sort=volume", page(sort="volume", limit=25)),
        ("list 25, sort=users", page(sort="users", limit=25)),
        ("list 25, sort=created", page(limit=25)),
        ("list 25, search=lucky", page(search="lucky", limit=25)),
        ("detail of the busiest operator", detail),
    ]:
        print(f"| {label} | {_median_ms(fn):.1f} ms median |")


if __name__ == "__main__":
    main()
