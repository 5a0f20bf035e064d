"""Seeding the demo database: idempotent, resumable, and scalable with `--operators N`.

Each operator of the hand-written cast goes through the real services: created, then each
onboarding step done by the core action that completes it (a PATCH, `keys.generate_keys`,
and a real signed PING), so its audit trail, checklist, key pairs and notifications are
genuine. Its months of platform activity are inserted in bulk (core/demo/activity.py,
through the one economics, without callbacks); its last days of traffic are real
operator-API actions (core/demo/traffic.py) whose events the real delivery code sends.
Demo operators' servers are simulated in-process (core/demo/servers.py); those of
CALLBACK_TROUBLE go down before `now`, so their last event's attempts really fail. The
generated operators that follow the cast are set up in bulk (core/demo/bulk.py says what
they get less of). No secret key is ever printed. Operators are written in batches, one
transaction each, so an interrupted run resumes where it stopped, and a commit is not paid
for each of ten thousand operators.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from predictu_console.core import invoices, keys, operators
from predictu_console.core.admins import AdminCreate, actor_for, create_admin
from predictu_console.core.callbacks import ping
from predictu_console.core.callbacks.delivery import RETRY_DELAYS
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.clock import Clock, FrozenClock, truncate_to_ms
from predictu_console.core.crypto import SecretBox
from predictu_console.core.demo import bulk
from predictu_console.core.demo.activity import MarketInfo, insert_activity
from predictu_console.core.demo.catalogue import CALLBACK_TROUBLE, CAST_SIZE, DemoOperator, cast
from predictu_console.core.demo.pipeline import planned_batches
from predictu_console.core.demo.plan import (
    active_until,
    creation,
    history,
    onboarding_plan,
    operator_rng,
)
from predictu_console.core.demo.servers import (
    SimulatedServers,
    operator_secrets,
    outage_of,
    simulated_sender,
)
from predictu_console.core.demo.traffic import Traffic, caller_of, deliver_due
from predictu_console.core.models import Actor, AdminOut, OperatorUpdate
from predictu_console.core.money import month_of
from predictu_console.db.session import SessionFactory, engine_of, session_scope
from predictu_console.db.tables import Admin, Delivery, Invoice, Market, Operator

DEMO_ADMIN_EMAIL = "demo@predictu.com"
UNPAID_OPERATOR = "goldengoose.casino"
"""Its invoices stay unpaid, so the demo shows overdue ones."""
BATCH = 25
"""Cast operators a transaction: each is a few dozen service calls."""
BULK_BATCH = 1000
"""Generated operators a transaction: each adds a few rows to each table's executemany."""
WORKER = "demo"
"""The worker name on the demo's delivery attempts."""
RECENT_DAYS = 2
"""The cast's last days of traffic are real actions, with their callbacks."""

# title, category, opened days ago, resolved days ago (None: still open), outcome
MARKETS = [
    ("Will the incumbent win the 2026 mayoral race?", "politics", 125, None, None),
    ("Will the budget bill pass before recess?", "politics", 125, 60, "yes"),
    ("Will turnout exceed 60% in the referendum?", "politics", 100, 20, "no"),
    ("Will the central bank cut rates in Q3?", "politics", 80, None, None),
    ("Will the home side win the cup final?", "sports", 125, 90, "no"),
    ("Will the league MVP be a rookie?", "sports", 125, None, None),
    ("Will the champion defend the title?", "sports", 110, 40, "yes"),
    ("Will the marathon record fall this year?", "sports", 60, None, None),
    ("Will BTC close above $100k this month?", "crypto", 125, 95, "yes"),
    ("Will ETH flip its all-time high by year end?", "crypto", 120, None, None),
    ("Will a spot SOL ETF be approved?", "crypto", 90, 30, "no"),
    ("Will stablecoin supply top $300bn?", "crypto", 70, None, None),
    ("Will the blockbuster gross $1bn worldwide?", "entertainment", 125, 70, "yes"),
    ("Will the indie film win best picture?", "entertainment", 115, None, None),
    ("Will the band announce a reunion tour?", "entertainment", 85, 10, "no"),
    ("Will the finale draw 20m viewers?", "entertainment", 50, None, None),
]

OLDEST_MARKET_DAYS = max(opened for _, _, opened, _, _ in MARKETS)
"""No demo activity is older than the oldest market."""


class SeedReport(BaseModel):
    """What a seeding run did."""

    operators_total: int
    operators_created: int
    trades_created: int
    invoices_created: int


def demo_actor(session: Session, clock: Clock) -> Actor:
    """The God Mode admin the demo acts as, created on first use."""
    admin = session.scalar(select(Admin).where(Admin.email == DEMO_ADMIN_EMAIL))
    if admin is None:
        data = AdminCreate(email=DEMO_ADMIN_EMAIL, name="Demo Seeder")
        return actor_for(create_admin(session=session, data=data, clock=clock))
    return actor_for(AdminOut.model_validate(admin, from_attributes=True))


def _markets(session: Session, now: datetime) -> list[MarketInfo]:
    existing = {market.title: market for market in session.scalars(select(Market))}
    for number, (title, category, opened, resolved, outcome) in enumerate(MARKETS):
        if title not in existing:
            market = Market(
                id=f"mkt_demo{number:02d}",
                title=title,
                category=category,
                status="open" if resolved is None else "resolved",
                outcome=outcome,
                created_at=truncate_to_ms(now - timedelta(days=opened)),
                resolved_at=None
                if resolved is None
                else truncate_to_ms(now - timedelta(days=resolved)),
            )
            session.add(market)
            existing[title] = market
    session.flush()
    return [
        MarketInfo(m.id, m.category, m.created_at, m.resolved_at, m.outcome)
        for m in existing.values()
    ]


def _patch(session: Session, actor: Actor, clock: Clock, operator_id: str, **fields: Any) -> None:
    operators.update_operator(
        session=session,
        actor=actor,
        operator_id=operator_id,
        data=OperatorUpdate.model_validate(fields),
        clock=clock,
    )


@dataclass
class _Run:
    """What every operator's seeding shares: the transaction, the demo admin, the master
    key's box, and a real sender on the simulated servers."""

    actor: Actor
    box: SecretBox
    sender: CallbackSender
    servers: SimulatedServers
    markets: list[MarketInfo]
    now: datetime
    session: Session | None = None

    def deliver(self, clock: Clock, rng: random.Random) -> None:
        """Send every delivery due at the clock's moment, as a worker would then."""
        assert self.session is not None
        deliver_due(
            self.session, sender=self.sender, box=self.box, now=clock.now(), rng=rng, worker=WORKER
        )


def _ping(run: _Run, clock: Clock, operator_id: str) -> None:
    """The real test PING to the operator's configured URL; a success completes step 5."""
    assert run.session is not None
    prepared = ping.prepare_ping(
        session=run.session,
        operator_id=operator_id,
        data=ping.PingRequest(),
        box=run.box,
        clock=clock,
    )
    result = ping.send_ping(prepared, run.sender)
    ping.record_ping(
        session=run.session, actor=run.actor, prepared=prepared, result=result, clock=clock
    )


def _onboard(
    run: _Run,
    clock: FrozenClock,
    spec: DemoOperator,
    operator_id: str,
    rng: random.Random,
) -> None:
    assert run.session is not None
    for step in onboarding_plan(spec, rng):
        clock.advance(timedelta(minutes=rng.randint(3, 90)))
        if step.kind == "patch":
            _patch(run.session, run.actor, clock, operator_id, **step.fields)
        elif step.kind == "keys":
            # The secret is the operator's: the demo keeps it only in the sealed row.
            keys.generate_keys(
                session=run.session,
                actor=run.actor,
                operator_id=operator_id,
                data=keys.KeyCreate(),
                box=run.box,
                clock=clock,
            )
        else:
            _ping(run, clock, operator_id)
        if step.activates:
            run.deliver(clock, rng)


def _recent_traffic(
    run: _Run, clock: FrozenClock, operator_id: str, end: datetime, rng: random.Random
) -> str | None:
    """A player signs up in the last days before `end`, deposits and trades within the
    minute, through the operator API's core; the worker's next poll delivers the events.
    Returns the player's external id (None for an operator without keys)."""
    assert run.session is not None
    caller = caller_of(run.session, operator_id)
    if caller is None:
        return None
    traffic = Traffic(run.session, run.actor, clock, rng)
    clock.set(truncate_to_ms(end - timedelta(days=RECENT_DAYS) * rng.random()))
    player = traffic.register(caller)
    for action in (traffic.deposit, traffic.trade):
        clock.advance(timedelta(seconds=rng.randint(5, 30)))
        action(caller, player)
    clock.advance(timedelta(seconds=1))
    run.deliver(clock, rng)
    return player


def _first_failure(failures: int, now: datetime) -> datetime:
    """When a delivery must first fail to have failed `failures` times by `now`, with its next
    retry still ahead, half a retry wait away."""
    waits = sum(RETRY_DELAYS[: failures - 1], timedelta())
    return truncate_to_ms(now - waits - RETRY_DELAYS[failures - 1] / 2)


def _outage(
    run: _Run, clock: FrozenClock, spec: DemoOperator, operator_id: str, player: str
) -> None:
    """The operator's server goes down; `player` then withdraws, and the BALANCE_CHANGED
    callback is really attempted on the retry schedule until `now`."""
    assert run.session is not None
    rng = random.Random(spec.domain)
    failures = CALLBACK_TROUBLE[spec.domain]
    run.servers.outages[spec.domain] = outage_of(spec.domain)
    caller = caller_of(run.session, operator_id)
    assert caller is not None
    clock.set(_first_failure(failures, run.now))
    Traffic(run.session, run.actor, clock, rng).withdraw(caller, player)
    for _ in range(failures):
        run.deliver(clock, rng)
        due = run.session.scalar(
            select(func.min(Delivery.next_attempt_at)).where(
                Delivery.operator_id == operator_id, Delivery.status == "pending"
            )
        )
        if due is None or due > run.now:
            break
        clock.set(due)


def _seed_cast_member(run: _Run, spec: DemoOperator) -> int:
    """One operator of the hand-written cast, through the real services; the trades written."""
    assert run.session is not None
    now = run.now
    rng = operator_rng(spec)
    clock = FrozenClock(now - timedelta(days=spec.age_days, minutes=rng.randint(0, 600)))
    created = operators.create_operator(
        session=run.session, actor=run.actor, data=creation(spec), clock=clock
    )
    _onboard(run, clock, spec, created.id, rng)
    if spec.stage == "onboarding":
        return 0
    stopped = active_until(spec, clock.now(), now)
    activity = history(
        spec, rng, operator_id=created.id, between=(clock.now(), stopped), markets=run.markets
    )
    trades = insert_activity(run.session, [activity])
    trouble = spec.domain in CALLBACK_TROUBLE
    quiet_from = _first_failure(CALLBACK_TROUBLE[spec.domain], now) if trouble else now
    end = min(stopped, quiet_from) - timedelta(minutes=5)
    player = _recent_traffic(run, clock, created.id, end, rng)
    if spec.stage == "inactive":
        clock.set(stopped)
        _patch(run.session, run.actor, clock, created.id, status="inactive")
        run.deliver(clock, rng)
    if trouble and player is not None:
        _outage(run, clock, spec, created.id, player)
    return trades


def _close_and_pay_invoices(session: Session, actor: Actor, now: datetime) -> int:
    created = 0
    month = month_of(now - timedelta(days=OLDEST_MARKET_DAYS))
    last_closed = invoices.previous_month(now)
    while month <= last_closed:
        created += invoices.close_month(
            session=session, month=month, actor=actor, clock=FrozenClock(now)
        ).created
        month = invoices.next_month(month)
    unpaid = select(Operator.id).where(Operator.domain == UNPAID_OPERATOR).scalar_subquery()
    for invoice in session.scalars(
        select(Invoice).where(
            Invoice.period < last_closed,
            Invoice.paid_at.is_(None),
            Invoice.operator_id != unpaid,
        )
    ):
        invoice.paid_at = min(now, invoice.due_at - timedelta(days=3))
    return created


def seed(
    *,
    factory: SessionFactory,
    clock: Clock,
    box: SecretBox,
    count: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SeedReport:
    """Seed the first `count` demo operators that are missing, then close their invoices.

    `box` seals the operators' secret keys, as in production; their callbacks go to the
    simulated demo servers (core/demo/servers.py).
    """
    now = clock.now()
    with session_scope(factory) as session:
        actor = demo_actor(session, clock)
        markets = _markets(session, now)
        present = set(session.scalars(select(Operator.domain)))
    specs = cast(count)
    missing = [spec for spec in specs if spec.domain not in present]
    cast_missing = [spec for spec in missing if spec.index < CAST_SIZE]
    done = len(specs) - len(missing)
    trades = 0
    run = _Run(actor, box, *_sender(lambda: run.session, box), markets, now)

    def written(batch: list[DemoOperator]) -> None:
        nonlocal done
        done += len(batch)
        if progress:
            progress(done, len(specs))

    bulk_batches = _batches([spec for spec in missing if spec.index >= CAST_SIZE], BULK_BATCH)
    dialect = engine_of(factory).dialect
    with planned_batches(bulk_batches, markets=markets, now=now, dialect=dialect) as planned:
        for batch in _batches(cast_missing, BATCH):
            with session_scope(factory) as session:
                run.session = session
                trades += sum(_seed_cast_member(run, spec) for spec in batch)
            written(batch)
        for batch, plan in zip(bulk_batches, planned, strict=True):
            with session_scope(factory) as session:
                trades += bulk.write_batch(session, plan, actor=actor, box=box)
            written(batch)
    with session_scope(factory) as session:
        invoices_created = _close_and_pay_invoices(session, actor, now)
    return SeedReport(
        operators_total=len(specs),
        operators_created=len(missing),
        trades_created=trades,
        invoices_created=invoices_created,
    )


def _batches(specs: list[DemoOperator], size: int) -> list[list[DemoOperator]]:
    return [specs[start : start + size] for start in range(0, len(specs), size)]


def _sender(
    session: Callable[[], Session | None], box: SecretBox
) -> tuple[CallbackSender, SimulatedServers]:
    """The simulated servers verify with the secrets the seeding transaction has sealed; the
    troubled ones go down only when their outage begins (`_outage`)."""

    deployed: dict[str, tuple[str, ...]] = {}

    def secrets_of(host: str) -> tuple[str, ...]:
        # Each operator deploys its one key pair once: no demo operator rotates keys.
        current = session()
        if host not in deployed and current is not None:
            deployed[host] = operator_secrets(current, box, host)
        return deployed.get(host, ())

    return simulated_sender(secrets_of=secrets_of, outages=False)
