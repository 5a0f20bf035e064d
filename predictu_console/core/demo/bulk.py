"""Generated demo operators, set up and given their history in bulk: thousands a transaction.

Each operator is built in memory by the core's own pieces, then written with one executemany
a table for the whole batch: its row as `create_operator` makes it
(`operators.new_operator`), each onboarding PATCH applied under `update_operator`'s rules
(`operators.apply_update`: the tier order, and activation only once every other step is
done), a real key pair made as step 3 makes one (`keys.new_key_pair`: the same format,
sealed under the master key and lookup-hashed, so it authenticates at the operator API and
signs callbacks), and its months of activity (core/demo/activity.py, through the one
economics).

What they do not get, unlike the cast: no PING is sent (the seeder marks the PING step done,
and their callback health stays `unknown`), no callback is queued or delivered, no admin is
notified, and one audit row, `demo.bulk_seeded` with the operator's final state, stands for
the row each service call would have written. Seeding ten thousand operators through the
services took four to ten minutes.

A batch is planned (`plan_batch`: everything above but the key pairs, which need the
master key and the database's lookup key, and the audit rows, which need the chain's head)
apart from its writing (`write_batch`), so the demo can plan the next batch in another
process while this one is written (core/demo/pipeline.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from predictu_console.core import audit, keys, onboarding, operators
from predictu_console.core.changes import diff, snapshot
from predictu_console.core.crypto import SecretBox
from predictu_console.core.demo.activity import Activity, MarketInfo, activity_tables
from predictu_console.core.demo.catalogue import CAST_SIZE, DemoOperator
from predictu_console.core.demo.plan import (
    active_until,
    condensed,
    creation,
    history,
    onboarding_plan,
    operator_rng,
)
from predictu_console.core.models import Actor, OperatorUpdate
from predictu_console.db.base import Base, table_of
from predictu_console.db.bulk import PreparedRows, insert_prepared, insert_rows, prepare_rows
from predictu_console.db.session import prepare_bulk_write
from predictu_console.db.tables import ApiKey, OnboardingStep, Operator, OperatorStats

AUDIT_ACTION = "demo.bulk_seeded"
NOTE = (
    f"generated operators (all but the first {CAST_SIZE}) were set up in bulk: their key pairs "
    "are real, but no PING or callback was sent for them, and one audit row each says so"
)
"""What `demo` tells the person running it when it seeded generated operators."""


@dataclass(frozen=True)
class PlannedOperator:
    """What writing one generated operator still takes: its key pair and its audit row."""

    operator_id: str
    keys_made_at: datetime | None
    """When step 3 made its key pair; None before it got that far."""
    updated_at: datetime
    changes: dict[str, Any]
    """Its audit row's changes, but its key pair's."""
    completed: list[str]
    """The onboarding steps it completed, in checklist order."""


@dataclass(frozen=True)
class PlannedBatch:
    """Generated operators ready to write, rows prepared for the database's dialect."""

    operators: list[PlannedOperator]
    setup: list[PreparedRows]
    """Operators, their rollups and their checklists: what their key pairs refer to."""
    activity: list[PreparedRows]
    trades: int


@dataclass
class _Setup:
    """One generated operator, built in memory."""

    row: Operator
    keys_made_at: datetime | None
    activity: Activity | None


def _set_up(spec: DemoOperator, markets: list[MarketInfo], now: datetime) -> _Setup:
    rng = operator_rng(spec)
    at = now - timedelta(days=spec.age_days, minutes=rng.randint(0, 600))
    row = operators.new_operator(creation(spec), at)
    keys_made_at = None
    for step in condensed(onboarding_plan(spec, rng)):
        at += timedelta(minutes=rng.randint(3, 90))
        if step.kind == "patch":
            operators.apply_update(row, OperatorUpdate.model_validate(step.fields), at)
            continue
        if step.kind == "keys":
            keys_made_at = at
        # The PING is not sent: the step is marked done, as the audit row says.
        for name in step.completes:
            onboarding.complete(row, name, at)
        row.version += 1
        row.updated_at = at
    if spec.stage == "onboarding":
        return _Setup(row, keys_made_at, None)
    end = active_until(spec, at, now)
    activity = history(spec, rng, operator_id=row.id, between=(at, end), markets=markets)
    if spec.stage == "inactive":
        operators.apply_update(row, OperatorUpdate(status="inactive"), end)
    return _Setup(row, keys_made_at, activity)


def _columns(row: Base) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in table_of(type(row)).columns}


def _planned(setup: _Setup) -> PlannedOperator:
    row = setup.row
    return PlannedOperator(
        operator_id=row.id,
        keys_made_at=setup.keys_made_at,
        updated_at=row.updated_at,
        changes=diff({}, snapshot(row)),
        completed=[step.step for step in row.steps if step.completed_at is not None],
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch is built and written.

    A batch is a hundred thousand rows, each a container that lives until it is written,
    and every few thousand new containers the collector walks them all again: a fifth of
    the seeding's CPU time. Rows are freed by reference counting as usual; the few cycles
    a batch makes (ORM rows and their steps) are collected once it is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _prepared(dialect: Dialect, tables: dict[Table, list[dict[str, Any]]]) -> list[PreparedRows]:
    prepared = (prepare_rows(table, rows, dialect) for table, rows in tables.items())
    return [rows for rows in prepared if rows is not None]


def plan_batch(
    specs: Sequence[DemoOperator], *, markets: list[MarketInfo], now: datetime, dialect: Dialect
) -> PlannedBatch:
    """Build the generated operators `specs` and their activity, without the database."""
    with _collector_paused():
        setups = [_set_up(spec, markets, now) for spec in specs]
        rows = [setup.row for setup in setups]
        activity, totals = activity_tables(setup.activity for setup in setups if setup.activity)
        # New operators: their rollups start at what their activity adds up to.
        added = {operator_id: (users, volume) for operator_id, users, volume in totals}
        setup_tables = {
            table_of(Operator): [_columns(row) for row in rows],
            table_of(OperatorStats): [
                {"operator_id": row.id, "user_count": users, "total_volume": volume}
                for row in rows
                for users, volume in [added.get(row.id, (0, Decimal(0)))]
            ],
            table_of(OnboardingStep): [
                {**_columns(step), "operator_id": row.id} for row in rows for step in row.steps
            ],
        }
        return PlannedBatch(
            operators=[_planned(setup) for setup in setups],
            setup=_prepared(dialect, setup_tables),
            activity=_prepared(dialect, activity),
            trades=sum(len(setup.activity.trades) for setup in setups if setup.activity),
        )


def write_batch(session: Session, batch: PlannedBatch, *, actor: Actor, box: SecretBox) -> int:
    """Write a planned batch in the caller's transaction, with its operators' key pairs and
    audit rows; returns the trades written."""
    prepare_bulk_write(session)
    with _collector_paused():
        for rows in batch.setup:
            insert_prepared(session, rows)
        made = {
            planned.operator_id: keys.new_key_pair(
                session,
                box=box,
                operator_id=planned.operator_id,
                label=keys.KeyCreate().label,
                created_at=planned.keys_made_at,
            )[0]
            for planned in batch.operators
            if planned.keys_made_at is not None
        }
        insert_rows(session, table_of(ApiKey), [_columns(key) for key in made.values()])
        for rows in batch.activity:
            insert_prepared(session, rows)
        audit.record_many(
            session,
            [
                _audit_row(actor, planned, made.get(planned.operator_id))
                for planned in batch.operators
            ],
        )
    return batch.trades


def _audit_row(actor: Actor, planned: PlannedOperator, key: ApiKey | None) -> audit.Pending:
    changes = dict(planned.changes)
    if key is not None:
        changes["api_keys.current"] = {"from": None, "to": key.id}
    changes["onboarding.completed"] = {"from": None, "to": planned.completed}
    return audit.Pending(
        actor, AUDIT_ACTION, planned.updated_at, operator_id=planned.operator_id, changes=changes
    )
