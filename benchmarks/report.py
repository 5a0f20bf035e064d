"""Rows of the results table, and RESULTS.md, which the runner rewrites above its history."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
HISTORY_MARK = "<!-- history: kept by the runner; write below this line -->"


@dataclass(frozen=True)
class Row:
    """One measurement: ours against a reference from the same run, and the target."""

    what: str
    ours: str
    reference: str = "—"
    ratio: str = "—"
    target: str = "—"
    met: bool | None = None


def ratio_row(
    what: str,
    ours: float,
    reference: float,
    *,
    unit: str,
    reference_is: str,
    at_least: float | None = None,
    at_most: float | None = None,
) -> Row:
    """A row whose ratio is ours / reference, met when it lies on the target's side."""
    ratio = ours / reference
    if at_least is not None:
        target, met = f"≥ {at_least:.0%}", ratio >= at_least
        shown = f"{ratio:.0%}"
    else:
        assert at_most is not None
        target, met = f"≤ {at_most:g}×", ratio <= at_most
        shown = f"{ratio:.2f}×"
    return Row(
        what, f"{ours:,.1f} {unit}", f"{reference:,.1f} {unit} ({reference_is})", shown, target, met
    )


def median_row(
    what: str,
    ours: Sequence[float],
    reference: Sequence[float],
    *,
    reference_is: str,
    at_most: float,
) -> Row:
    """A row comparing the medians of two sets of millisecond samples."""
    return ratio_row(
        what,
        statistics.median(ours),
        statistics.median(reference),
        unit="ms",
        reference_is=reference_is,
        at_most=at_most,
    )


def table(rows: Iterable[Row]) -> str:
    """The rows as a markdown table."""
    marks = {True: "✓", False: "✗ missed", None: ""}
    lines = ["| what | ours | reference | ratio | target | met |", "|---|---|---|---|---|---|"]
    lines += [
        f"| {r.what} | {r.ours} | {r.reference} | {r.ratio} | {r.target} | {marks[r.met]} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def machine() -> str:
    """What the numbers were measured on."""
    return (
        f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def write_results(rows: list[Row], *, seconds: float, scale: str) -> None:
    """Replace the generated part of RESULTS.md, keeping the history written below it."""
    history = ""
    if RESULTS.exists() and HISTORY_MARK in RESULTS.read_text():
        history = RESULTS.read_text().split(HISTORY_MARK, 1)[1]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    RESULTS.write_text(
        "# Benchmark results\n\n"
        f"Written by `python -m benchmarks` on {when}: {scale}; {machine()}. "
        f"The run took {seconds / 60:.1f} minutes.\n\n"
        f"{table(rows)}\n{HISTORY_MARK}{history}"
    )
