"""Callback health (DESIGN §5), moved by every real callback outcome: PINGs and deliveries.

`healthy` after a success; `degraded` after 1–4 consecutive failures; `failing` after 5 or
more. Reaching `failing` notifies every God Mode admin once, not on every failure after.
Health describes the configured URL: a new URL starts `unknown` with no history, as a new
operator does, instead of inheriting the old endpoint's failures or last success.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from predictu_console.core import notifications
from predictu_console.core.fields import format_timestamp
from predictu_console.db.tables import Operator

FAILING_AFTER = 5


def record_outcome(
    session: Session, operator: Operator, *, success: bool, at: datetime
) -> dict[str, Any]:
    """Apply one outcome to the operator's row; returns what changed, as an audit diff."""
    before_status, before_count = operator.callback_status, operator.callback_failure_count
    if success:
        operator.callback_status, operator.callback_failure_count = "healthy", 0
        operator.callback_last_success = at
    else:
        operator.callback_failure_count += 1
        failing = operator.callback_failure_count >= FAILING_AFTER
        operator.callback_status = "failing" if failing else "degraded"
    changes: dict[str, Any] = {}
    if operator.callback_status != before_status:
        changes["callback_status"] = {"from": before_status, "to": operator.callback_status}
    if operator.callback_failure_count != before_count:
        changes["callback_failure_count"] = {
            "from": before_count,
            "to": operator.callback_failure_count,
        }
    if operator.callback_status == "failing" and before_status != "failing":
        notifications.notify_god_mode_admins(
            session,
            kind="callback.failing",
            message=f"{operator.name}: callbacks are failing "
            f"({operator.callback_failure_count} consecutive failures)",
            at=at,
            operator_id=operator.id,
            changes=changes,
        )
    return changes


def reset(operator: Operator) -> dict[str, Any]:
    """Back to `unknown`, no failures and no last success; returns what changed, as an audit
    diff (empty when the health was already blank)."""
    blank = {
        "callback_status": "unknown",
        "callback_failure_count": 0,
        "callback_last_success": None,
    }
    changes: dict[str, Any] = {}
    for column, value in blank.items():
        before = getattr(operator, column)
        if before != value:
            changes[column] = {
                "from": format_timestamp(before) if isinstance(before, datetime) else before,
                "to": value,
            }
            setattr(operator, column, value)
    return changes
