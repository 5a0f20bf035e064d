"""Seeding the demo database: idempotent, resumable, and scalable with `--operators N`.

Each operator goes through the real services (create, then each onboarding step by the
PATCH that completes it), so its audit trail, checklist and notifications are genuine; only
the platform activity is inserted in bulk. Steps 3 (keys) and 5 (test PING) are marked done
directly, with their audit rows, since no keys or callbacks exist in a demo; the cast gets a
synthesised delivery history (core/demo/deliveries.py).
Operators are written `BATCH` to a transaction, so an interrupted run resumes where it
stopped, and a commit is not paid for each of ten thousand operators.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from predictu_console.core import invoices, onboarding, operators
from predictu_console.core.admins import AdminCreate, actor_for, create_admin
from predictu_console.core.clock import Clock, FrozenClock, truncate_to_ms
from predictu_console.core.demo.activity import MarketInfo, generate, insert_activity
from predictu_console.core.demo.catalogue import CAST_SIZE, DemoOperator, cast
from predictu_console.core.demo.deliveries import seed_deliveries
from predictu_console.core.models import Actor, AdminOut, OperatorCreate, OperatorUpdate
from predictu_console.core.money import month_of
from predictu_console.db.session import SessionFactory, session_scope
from predictu_console.db.tables import Admin, Invoice, Market, Operator

DEMO_ADMIN_EMAIL = "demo@predictu.com"
UNPAID_OPERATOR = "goldengoose.casino"
"""Its invoices stay unpaid, so the demo shows overdue ones."""
CALLBACK_TROUBLE = {"vegasvault.com": 3, "midnightmirage.casino": 7}
"""Consecutive callback failures, so the demo shows degraded and failing health."""
BATCH = 25

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

_PALETTE = ("#1a7a3a", "#2ecc71", "#c0392b", "#8e44ad", "#2980b9", "#d35400", "#f1c40f")


class SeedReport(BaseModel):
    """What a seeding run did."""

    operators_total: int
    operators_created: int
    trades_created: int
    invoices_created: int


def _demo_actor(session: Session, clock: Clock) -> Actor:
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


def _mark_done(session: Session, actor: Actor, at: datetime, operator_id: str, step: str) -> None:
    row = session.get(Operator, operator_id)
    assert row is not None
    if onboarding.complete(row, step, at):
        row.version += 1
        row.updated_at = at
        if step == "test_ping":
            row.callback_status, row.callback_last_success = "healthy", at
        onboarding.record_completion(
            session, actor=actor, operator_id=operator_id, step=step, at=at
        )


Step = tuple[str, dict[str, Any]]
"""("patch", fields) sends a PATCH; ("done", {"step": name}) marks a step with no demo data."""


def _onboarding_plan(spec: DemoOperator, rng: random.Random) -> list[Step]:
    """The steps after creation that this operator has done, in checklist order."""
    domain = spec.domain
    steps: list[Step] = [
        ("patch", {"revenue_share_predictu": spec.revenue_share}),
        ("done", {"step": "generate_keys"}),
        ("patch", {"callback_url": f"https://api.{domain}/callbacks/predictu"}),
        ("done", {"step": "test_ping"}),
        ("patch", {"branding": {"primary_color": rng.choice(_PALETTE)}}),
        ("patch", {"allowed_origins": [f"https://www.{domain}", f"https://m.{domain}"]}),
        ("patch", {"status": "active"}),
    ]
    return steps[: spec.onboarding_steps - 1]


def _condensed(plan: list[Step]) -> list[Step]:
    """The same steps with every setup PATCH sent as one, as a script onboarding in bulk would.

    The generated operators are seeded this way: ten thousand of them at seven service calls
    each made seeding take ten minutes on a 2-core machine. The cast keeps a step-by-step
    history, which the demo's audit tab shows.
    """
    marks = [step for step in plan if step[0] == "done"]
    setup = {
        name: value
        for kind, fields in plan
        if kind == "patch" and "status" not in fields
        for name, value in fields.items()
    }
    activation = [step for step in plan if "status" in step[1]]
    return [*marks, *([("patch", setup)] if setup else []), *activation]


def _onboard(
    session: Session,
    actor: Actor,
    clock: FrozenClock,
    spec: DemoOperator,
    operator_id: str,
    rng: random.Random,
) -> None:
    plan = _onboarding_plan(spec, rng)
    for kind, fields in plan if spec.index < CAST_SIZE else _condensed(plan):
        clock.advance(timedelta(minutes=rng.randint(3, 90)))
        if kind == "patch":
            _patch(session, actor, clock, operator_id, **fields)
        else:
            _mark_done(session, actor, clock.now(), operator_id, fields["step"])


def _seed_operator(
    session: Session, actor: Actor, spec: DemoOperator, markets: list[MarketInfo], now: datetime
) -> int:
    rng = random.Random(f"demo-{spec.index}")
    clock = FrozenClock(now - timedelta(days=spec.age_days, minutes=rng.randint(0, 600)))
    created = operators.create_operator(
        session=session,
        actor=actor,
        data=OperatorCreate(
            name=spec.name,
            domain=spec.domain,
            contact_email=f"admin@{spec.domain}",
            billing_email=f"billing@{spec.domain}",
            revenue_share_predictu=spec.revenue_share,
            allowed_categories=list(spec.categories),
        ),
        clock=clock,
    )
    _onboard(session, actor, clock, spec, created.id, rng)
    if spec.stage == "onboarding":
        return 0
    active_until = now
    if spec.stage == "inactive":
        active_until = clock.now() + (now - clock.now()) * 0.7
    activity = generate(
        rng=rng,
        operator_id=created.id,
        share=spec.revenue_share,
        categories=spec.categories,
        players=spec.players,
        trades_per_player=spec.trades_per_player,
        start=clock.now(),
        end=active_until,
        markets=markets,
    )
    insert_activity(session, activity)
    failures = CALLBACK_TROUBLE.get(spec.domain, 0)
    if spec.index >= CAST_SIZE:
        failures = rng.choice((0,) * 17 + (1, 3, 6))
    else:
        url = f"https://api.{spec.domain}/callbacks/predictu"
        seed_deliveries(
            session,
            rng,
            operator_id=created.id,
            url=url,
            failures=failures,
            active_until=active_until,
            now=now,
        )
    if failures:
        row = session.get(Operator, created.id)
        assert row is not None
        row.callback_failure_count = failures
        row.callback_status = "failing" if failures >= 5 else "degraded"
    if spec.stage == "inactive":
        clock.set(active_until)
        _patch(session, actor, clock, created.id, status="inactive")
    return len(activity.trades)


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
    count: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SeedReport:
    """Seed the first `count` demo operators that are missing, then close their invoices."""
    now = clock.now()
    with session_scope(factory) as session:
        actor = _demo_actor(session, clock)
        markets = _markets(session, now)
        present = set(session.scalars(select(Operator.domain)))
    specs = cast(count)
    missing = [spec for spec in specs if spec.domain not in present]
    done = len(specs) - len(missing)
    trades = 0
    for start in range(0, len(missing), BATCH):
        with session_scope(factory) as session:
            for spec in missing[start : start + BATCH]:
                trades += _seed_operator(session, actor, spec, markets, now)
        done += len(missing[start : start + BATCH])
        if progress:
            progress(done, len(specs))
    with session_scope(factory) as session:
        invoices_created = _close_and_pay_invoices(session, actor, now)
    return SeedReport(
        operators_total=len(specs),
        operators_created=len(missing),
        trades_created=trades,
        invoices_created=invoices_created,
    )
