"""What each demo operator's onboarding did, step by step, and when its trading stopped.

The cast (core/demo/seed.py) carries the plan out through the real services; the generated
operators (core/demo/bulk.py) are set up in bulk from the same plan, drawn from the same
per-operator random stream, so both read one description of the demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from predictu_console.core.demo.activity import Activity, MarketInfo, generate
from predictu_console.core.demo.catalogue import DemoOperator
from predictu_console.core.demo.servers import callback_url
from predictu_console.core.models import ONBOARDING_STEPS, OperatorCreate

_PALETTE = ("#1a7a3a", "#2ecc71", "#c0392b", "#8e44ad", "#2980b9", "#d35400", "#f1c40f")
INACTIVE_AFTER = 0.7
"""An inactive operator traded for this share of the time from its onboarding to `now`."""


@dataclass(frozen=True)
class Step:
    """One onboarding action: a PATCH of `fields`, the first key pair, or the test PING, and
    the checklist steps it completes."""

    kind: Literal["patch", "keys", "ping"]
    fields: dict[str, Any]
    completes: tuple[str, ...]

    @property
    def activates(self) -> bool:
        """True for the PATCH that activates the operator."""
        return "status" in self.fields


def operator_rng(spec: DemoOperator) -> random.Random:
    """The operator's own random stream: the same operator is always seeded the same way."""
    return random.Random(f"demo-{spec.index}")


def creation(spec: DemoOperator) -> OperatorCreate:
    """What the demo creates the operator with, cast or generated."""
    return OperatorCreate(
        name=spec.name,
        domain=spec.domain,
        contact_email=f"admin@{spec.domain}",
        billing_email=f"billing@{spec.domain}",
        revenue_share_predictu=spec.revenue_share,
        allowed_categories=list(spec.categories),
    )


def onboarding_plan(spec: DemoOperator, rng: random.Random) -> list[Step]:
    """The steps after creation that this operator has done, in checklist order."""
    domain = spec.domain
    actions: list[tuple[Literal["patch", "keys", "ping"], dict[str, Any]]] = [
        ("patch", {"revenue_share_predictu": spec.revenue_share}),
        ("keys", {}),
        ("patch", {"callback_url": callback_url(domain)}),
        ("ping", {}),
        ("patch", {"branding": {"primary_color": rng.choice(_PALETTE)}}),
        ("patch", {"allowed_origins": [f"https://www.{domain}", f"https://m.{domain}"]}),
        ("patch", {"status": "active"}),
    ]
    steps = [
        Step(kind, fields, (step,))
        for (kind, fields), step in zip(actions, ONBOARDING_STEPS[1:], strict=True)
    ]
    return steps[: spec.onboarding_steps - 1]


def condensed(plan: list[Step]) -> list[Step]:
    """The same steps with every setup PATCH sent as one, as a script onboarding in bulk would.

    The generated operators are onboarded this way: ten thousand of them at seven service
    calls each made seeding take ten minutes on a 2-core machine. The cast keeps a
    step-by-step history, which the demo's audit tab shows.
    """
    setup = [step for step in plan if step.kind == "patch" and not step.activates]
    merged = Step(
        "patch",
        {name: value for step in setup for name, value in step.fields.items()},
        tuple(name for step in setup for name in step.completes),
    )
    return [
        *[step for step in plan if step.kind == "keys"],
        *([merged] if setup else []),
        *[step for step in plan if step.kind == "ping"],
        *[step for step in plan if step.activates],
    ]


def history(
    spec: DemoOperator,
    rng: random.Random,
    *,
    operator_id: str,
    between: tuple[datetime, datetime],
    markets: list[MarketInfo],
) -> Activity:
    """The operator's months of trading, drawn from its stream, `between` its onboarding and
    when it stopped."""
    start, end = between
    return generate(
        rng=rng,
        operator_id=operator_id,
        share=spec.revenue_share,
        categories=spec.categories,
        players=spec.players,
        trades_per_player=spec.trades_per_player,
        start=start,
        end=end,
        markets=markets,
    )


def active_until(spec: DemoOperator, onboarded: datetime, now: datetime) -> datetime:
    """When the operator stopped trading: `now`, or earlier for an inactive one."""
    if spec.stage == "inactive":
        return onboarded + (now - onboarded) * INACTIVE_AFTER
    return now
