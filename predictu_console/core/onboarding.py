"""The 8-step onboarding checklist (spec §3): steps complete by doing them, once.

While an operator is onboarding the checklist says where it stands now, so undoing a step's
work reopens it: clearing the callback URL reopens steps 4 and 5, and a new URL reopens step 5,
whose PING went to the old one. Once the operator is active the checklist is the record of how
it got there, and callback health alone says how the current URL fares.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from predictu_console.core import audit
from predictu_console.core.fields import format_timestamp
from predictu_console.core.models import ONBOARDING_STEPS, Actor, ChecklistStep
from predictu_console.db.tables import OnboardingStep, Operator

ACTIVATION_PREREQUISITES = ONBOARDING_STEPS[:-1]


def new_checklist(created_at: datetime) -> list[OnboardingStep]:
    """All eight steps, `create_record` already complete (spec §2 side effects)."""
    return [
        OnboardingStep(
            step=step,
            position=position,
            completed_at=created_at if step == "create_record" else None,
        )
        for position, step in enumerate(ONBOARDING_STEPS, start=1)
    ]


def complete(operator: Operator, step: str, at: datetime) -> bool:
    """Mark `step` done; False when it already was (its first completion time stays)."""
    for row in operator.steps:
        if row.step == step:
            if row.completed_at is not None:
                return False
            row.completed_at = at
            return True
    raise KeyError(step)


def reopen(operator: Operator, step: str) -> datetime | None:
    """Mark `step` open again; returns when it had been completed, None when it was open."""
    for row in operator.steps:
        if row.step == step:
            completed_at, row.completed_at = row.completed_at, None
            return completed_at
    raise KeyError(step)


def reopened_by_url(before: str | None, after: str | None) -> tuple[str, ...]:
    """The steps a change of the callback URL from `before` to `after` undoes while onboarding."""
    if after == before:
        return ()
    return ("test_ping",) if after else ("set_callback", "test_ping")


def remaining(operator: Operator, steps: tuple[str, ...] = ACTIVATION_PREREQUISITES) -> list[str]:
    """Which of `steps` are still open, in checklist order."""
    done = {row.step for row in operator.steps if row.completed_at is not None}
    return [step for step in steps if step not in done]


def checklist(operator: Operator) -> dict[str, ChecklistStep]:
    """The checklist in spec §3's shape, in step order."""
    by_step = {row.step: row.completed_at for row in operator.steps}
    return {
        step: ChecklistStep(complete=by_step.get(step) is not None, completed_at=by_step.get(step))
        for step in ONBOARDING_STEPS
    }


def record_completion(
    session: Session, *, actor: Actor | None, operator_id: str, step: str, at: datetime
) -> None:
    """The audit row of a step's completion; write it only when `complete` returned True."""
    audit.record(
        session,
        actor=actor,
        action="onboarding.step_completed",
        at=at,
        operator_id=operator_id,
        changes={f"onboarding.{step}": {"from": None, "to": format_timestamp(at)}},
    )


def record_reopening(
    session: Session,
    *,
    actor: Actor,
    operator_id: str,
    step: str,
    completed_at: datetime,
    at: datetime,
) -> None:
    """The audit row of a step reopened; write it only when `reopen` found it complete."""
    audit.record(
        session,
        actor=actor,
        action="onboarding.step_reopened",
        at=at,
        operator_id=operator_id,
        changes={f"onboarding.{step}": {"from": format_timestamp(completed_at), "to": None}},
    )
