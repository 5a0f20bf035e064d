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
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from predictu_console.core import audit, keys, onboarding, operators
from predictu_console.core.changes import diff, snapshot
from predictu_console.core.crypto import SecretBox
from predictu_console.core.demo.activity import Activity, MarketInfo, insert_activity
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
from predictu_console.db.bulk import insert_rows
from predictu_console.db.session import prepare_bulk_write
from predictu_console.db.tables import ApiKey, OnboardingStep, Operator, OperatorStats

AUDIT_ACTION = "demo.bulk_seeded"
NOTE = (
    f"generated operators (all but the first {CAST_SIZE}) were set up in bulk: their key pairs "
    "are real, but no PING or callback was sent for them, and one audit row each says so"
)
"""What `demo` tells the person running it when it seeded generated operators."""


@dataclass
class _Setup:
    """One generated operator, ready to insert."""

    row: Operator
    key: ApiKey | None
    activity: Activity | None


def _set_up(
    session: Session, box: SecretBox, spec: DemoOperator, markets: list[MarketInfo], now: datetime
) -> _Setup:
    rng = operator_rng(spec)
    at = now - timedelta(days=spec.age_days, minutes=rng.randint(0, 600))
    row = operators.new_operator(creation(spec), at)
    key = None
    for step in condensed(onboarding_plan(spec, rng)):
        at += timedelta(minutes=rng.randint(3, 90))
        if step.kind == "patch":
            operators.apply_update(row, OperatorUpdate.model_validate(step.fields), at)
            continue
        if step.kind == "keys":
            label = keys.KeyCreate().label
            key, _ = keys.new_key_pair(
                session, box=box, operator_id=row.id, label=label, created_at=at
            )
        # The PING is not sent: the step is marked done, as the audit row says.
        for name in step.completes:
            onboarding.complete(row, name, at)
        row.version += 1
        row.updated_at = at
    if spec.stage == "onboarding":
        return _Setup(row, key, None)
    end = active_until(spec, at, now)
    activity = history(spec, rng, operator_id=row.id, between=(at, end), markets=markets)
    if spec.stage == "inactive":
        operators.apply_update(row, OperatorUpdate(status="inactive"), end)
    return _Setup(row, key, activity)


def _columns(row: Base) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in table_of(type(row)).columns}


def _audit_row(actor: Actor, setup: _Setup) -> audit.Pending:
    changes = diff({}, snapshot(setup.row))
    if setup.key is not None:
        changes["api_keys.current"] = {"from": None, "to": setup.key.id}
    changes["onboarding.completed"] = {
        "from": None,
        "to": [step.step for step in setup.row.steps if step.completed_at is not None],
    }
    return audit.Pending(
        actor, AUDIT_ACTION, setup.row.updated_at, operator_id=setup.row.id, changes=changes
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


def seed_generated(
    session: Session,
    *,
    actor: Actor,
    box: SecretBox,
    specs: Sequence[DemoOperator],
    markets: list[MarketInfo],
    now: datetime,
) -> int:
    """Write the generated operators `specs` in the caller's transaction; returns the trades
    written."""
    prepare_bulk_write(session)
    with _collector_paused():
        setups = [_set_up(session, box, spec, markets, now) for spec in specs]
        rows = [setup.row for setup in setups]
        insert_rows(session, table_of(Operator), [_columns(row) for row in rows])
        insert_rows(
            session,
            table_of(OperatorStats),
            [{"operator_id": row.id, "user_count": 0, "total_volume": Decimal(0)} for row in rows],
        )
        insert_rows(
            session,
            table_of(OnboardingStep),
            [{**_columns(step), "operator_id": row.id} for row in rows for step in row.steps],
        )
        insert_rows(
            session, table_of(ApiKey), [_columns(setup.key) for setup in setups if setup.key]
        )
        trades = insert_activity(session, [setup.activity for setup in setups if setup.activity])
        audit.record_many(session, [_audit_row(actor, setup) for setup in setups])
        return trades
