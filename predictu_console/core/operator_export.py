"""The operator list as a file: CSV or JSON, every row the list's filters and sort select.

One function serves the console's `x` and `predictu-console operators export`. The rows are
the list's own (`OperatorSummary`), read in one transaction page after page in the list's
order, so the file holds exactly what the list shows, on every page. Values are written as
the API writes them: timestamps in ISO 8601 UTC, money and shares as plain numbers.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any, Literal, get_args

from sqlalchemy.orm import Session

from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.fields import format_timestamp
from predictu_console.core.models import OperatorListQuery, OperatorSummary
from predictu_console.core.operators import list_operators
from predictu_console.core.validation import invalid

ExportFormat = Literal["csv", "json"]
FORMATS: tuple[str, ...] = get_args(ExportFormat)
COLUMNS = tuple(OperatorSummary.model_fields)
"""The CSV header and each JSON object's keys, in this order."""
_PAGE = 100


def export_operators(
    *,
    session: Session,
    query: OperatorListQuery,
    export_format: str,
    clock: Clock = SYSTEM_CLOCK,
) -> str:
    """Every operator `query`'s status, search, sort and order select (its limit and offset
    are ignored: the file holds them all), as CSV or JSON text. Raises ValidationFailed for
    an unknown format."""
    if export_format not in FORMATS:
        raise invalid({"format": f"must be csv or json, not {export_format!r}"})
    rows: list[dict[str, Any]] = []
    page_query = query.model_copy(update={"limit": _PAGE, "offset": 0})
    while True:
        page = list_operators(session=session, query=page_query, clock=clock)
        rows += [summary.model_dump(mode="json") for summary in page.operators]
        if len(page.operators) < _PAGE:
            break
        page_query = page_query.model_copy(update={"offset": page_query.offset + _PAGE})
    if export_format == "json":
        return _json(rows, query, clock)
    return _csv(rows)


def write_export(text: str, path: Path) -> Path:
    """Write an export to `path`, readable by its owner only (it holds revenue figures),
    replacing a file there; returns the absolute path. Raises ValidationFailed naming the
    path and the reason when it cannot be written."""
    target = path.expanduser().absolute()
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(text)
    except OSError as error:
        raise invalid({"output": f"cannot write {target}: {error.strerror}"}) from None
    return target


def _json(rows: list[dict[str, Any]], query: OperatorListQuery, clock: Clock) -> str:
    document = {
        "exported_at": format_timestamp(clock.now()),
        "filters": query.model_dump(include={"status", "search", "sort", "order"}),
        "total": len(rows),
        "operators": rows,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue()


def _cell(value: Any) -> Any:
    """`true`/`false` as JSON and spreadsheets read them, not Python's `True`."""
    return str(value).lower() if isinstance(value, bool) else value
