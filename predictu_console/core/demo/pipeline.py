"""Planning the next batch of generated operators in another process while this one writes.

A batch's time splits about evenly between planning it (building the operators and their
months of activity through the core's own pieces: Python through and through) and writing
it (mostly SQLite's own insert work and the commit). One process does one after the other;
with a second process planning ahead, the two overlap on a machine of two cores or more,
and rows prepared for SQLite cross between them as plain numbers and text.

The planner only builds rows: it never opens the database and holds no secret. It ignores
Ctrl-C, which is the writer's to handle: the writer rolls back the batch in hand and stops
the planner, which finishes the batch it is planning first (a few seconds at most). One
batch is planned in this process: starting another would cost more than it saves.
"""

from __future__ import annotations

import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from datetime import datetime
from multiprocessing import get_context

from sqlalchemy.engine import Dialect, make_url

from predictu_console.core.demo.activity import MarketInfo
from predictu_console.core.demo.bulk import PlannedBatch, plan_batch
from predictu_console.core.demo.catalogue import DemoOperator
from predictu_console.core.errors import PlannerStopped

AHEAD = 2
"""Batches handed to the planner before their turn: the one it plans while the writer
writes, and the one after it, so the planner never waits on the writer."""

Batch = Sequence[DemoOperator]


@contextmanager
def planned_batches(
    batches: Sequence[Batch], *, markets: list[MarketInfo], now: datetime, dialect: Dialect
) -> Iterator[Iterator[PlannedBatch]]:
    """The planned `batches`, in order, planned ahead in another process when there are
    several; the planner stops when the block ends, however it ends."""
    if len(batches) < 2:
        yield (plan_batch(batch, markets=markets, now=now, dialect=dialect) for batch in batches)
        return
    # "spawn": a fresh interpreter, not a copy of this one with its open connections.
    planner = ProcessPoolExecutor(
        max_workers=1, mp_context=get_context("spawn"), initializer=_leave_interrupts
    )
    url = _url_of(dialect)

    def submit(batch: Batch) -> Future[PlannedBatch]:
        return planner.submit(_plan, list(batch), markets=markets, now=now, dialect=url)

    try:
        with _interrupts_ignored_by_new_processes():
            waiting = deque(submit(batch) for batch in batches[:AHEAD])  # starts the planner
        yield _in_order(waiting, batches[AHEAD:], submit)
    finally:
        planner.shutdown(wait=True, cancel_futures=True)


def _in_order(
    waiting: deque[Future[PlannedBatch]],
    later: Sequence[Batch],
    submit: Callable[[Batch], Future[PlannedBatch]],
) -> Iterator[PlannedBatch]:
    upcoming = iter(later)
    while waiting:
        try:
            planned = waiting.popleft().result()
        except BrokenProcessPool as error:
            raise PlannerStopped(
                "The process planning the next demo operators stopped before it was done; "
                "the operators written are kept, and running demo again seeds the rest",
                detail=str(error),
            ) from error
        batch = next(upcoming, None)
        if batch is not None:
            waiting.append(submit(batch))
        yield planned


@contextmanager
def _interrupts_ignored_by_new_processes() -> Iterator[None]:
    """Ignore Ctrl-C while the planner starts, so it ignores it from its first instruction:
    an ignored signal stays ignored in a new program, and Python leaves it so. Only the main
    thread may change it; elsewhere the planner ignores Ctrl-C once it has started."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _url_of(dialect: Dialect) -> str:
    """What names the dialect in another process: dialects themselves do not pickle."""
    return f"{dialect.name}+{dialect.driver}://"


def _plan(
    batch: list[DemoOperator], *, markets: list[MarketInfo], now: datetime, dialect: str
) -> PlannedBatch:
    """`plan_batch` in the planner, for the dialect `_url_of` named."""
    return plan_batch(batch, markets=markets, now=now, dialect=make_url(dialect).get_dialect()())


def _leave_interrupts() -> None:
    """The planner's Ctrl-C is the writer's: it stops the planner once the batch in hand is
    written or rolled back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
