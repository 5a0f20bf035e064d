"""`predictu-console operators export`: the operator list as CSV or JSON, filtered and sorted
as `GET /operators` is, to stdout or a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from predictu_console.core import operator_export
from predictu_console.core.models import OperatorListQuery
from predictu_console.core.validation import parse
from predictu_console.db.session import SessionFactory, session_scope

EXIT_OK = 0


def run(args: argparse.Namespace, factory: SessionFactory) -> int:
    """Export; the file's path and row count go to stderr, so stdout stays the data alone.
    Raises ValidationFailed for a bad filter or an unwritable `--output`."""
    raw = {"status": args.status, "search": args.search, "sort": args.sort, "order": args.order}
    query = parse(OperatorListQuery, raw)
    with session_scope(factory, write=False) as session:
        text = operator_export.export_operators(
            session=session, query=query, export_format=args.format
        )
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    written = operator_export.write_export(text, Path(args.output))
    print(f"wrote the operator list as {args.format.upper()} to {written}", file=sys.stderr)
    return EXIT_OK
