"""Run every benchmark, print the results table and write it to benchmarks/RESULTS.md.

    python -m benchmarks [--operators 10000] [--fresh] [--only SECTION ...]
                         [--database-url POSTGRES_URL]

Each row sets ours against a reference measured side by side in the same run, since a
machine's speed varies from run to run; the ratio is what is compared with the target.
Sections: scale (seeding, and reads at 100 / 1,000 / N operators), startup (real processes:
`--help`, and the console from exec to its first page in a pty), console, api, ping, delivery.
`--fresh` seeds the N-operator database again instead of using the kept one; `--database-url`
adds the delivery worker's row on that PostgreSQL.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import api, console, delivery, ping, scale, startup
from benchmarks.demo_data import cache_dir, cached
from benchmarks.report import Row, table, write_results

SECTIONS = ("scale", "startup", "console", "api", "ping", "delivery")


def _home(args: argparse.Namespace, rows: list[Row]) -> Path:
    """The N-operator database: seeded by the scale section, or the kept one."""
    if "scale" in args.only or cached(args.operators) is None:
        home, scale_rows = scale.run(args.operators, fresh=args.fresh)
        rows += scale_rows
        return home
    return cache_dir(args.operators)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operators", type=int, default=10_000)
    parser.add_argument("--fresh", action="store_true", help="seed the N-operator database again")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--database-url", help="PostgreSQL for the delivery worker's row too")
    args = parser.parse_args()
    started = time.monotonic()
    rows: list[Row] = []
    home = _home(args, rows)
    sections: dict[str, Callable[[], list[Row]]] = {
        "startup": lambda: startup.run(home),
        "console": lambda: console.run(home),
        "api": lambda: api.run(home),
        "ping": ping.run,
        "delivery": lambda: delivery.run(args.database_url),
    }
    for name, section in sections.items():
        if name in args.only:
            print(f"running {name}…", file=sys.stderr)
            rows += section()
    seconds = time.monotonic() - started
    print(table(rows))
    print(f"{seconds / 60:.1f} minutes", file=sys.stderr)
    if args.only == list(SECTIONS):
        write_results(rows, seconds=seconds, scale=f"{args.operators:,} operators")


if __name__ == "__main__":
    main()
