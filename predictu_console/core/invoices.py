"""Monthly invoices: one per operator per closed UTC month in which it earned revenue.

Rounding rule: the Predictu share is Σ(revenue × share in force ÷ 100) over the month's
buckets, rounded once, half to even, to cents; the operator share is the gross minus that,
so the two always sum exactly to the gross. A revenue-share change applies to revenue
earned after it: each fee is booked under the share in force when its trade was placed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from predictu_console.core import audit
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.ids import new_id
from predictu_console.core.models import Actor, InvoiceOut
from predictu_console.core.money import cents, month_of
from predictu_console.core.validation import invalid
from predictu_console.db.tables import Invoice, OperatorRevenue

PAYMENT_TERMS = timedelta(days=30)
RECENT = 6

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class MonthClosed(BaseModel):
    """What `close_month` did."""

    month: str
    created: int
    already_invoiced: int


def month_start(month: str) -> datetime:
    """Midnight UTC on the first day of `YYYY-MM`."""
    year, number = (int(part) for part in month.split("-"))
    return datetime(year, number, 1, tzinfo=UTC)


def next_month(month: str) -> str:
    """The month after `YYYY-MM`."""
    return month_of(month_start(month) + timedelta(days=32))


def previous_month(moment: datetime) -> str:
    """The last fully closed month at `moment`."""
    return month_of(month_start(month_of(moment)) - timedelta(days=1))


def split(buckets: list[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal, Decimal]:
    """(gross, predictu, operator) from (share %, revenue) buckets, by the rule above."""
    gross = sum((revenue for _, revenue in buckets), Decimal(0))
    predictu = cents(sum((revenue * share / 100 for share, revenue in buckets), Decimal(0)))
    return gross, predictu, gross - predictu


def status_of(invoice: Invoice, now: datetime) -> Literal["pending", "paid", "overdue"]:
    """Paid once paid; overdue after its due date; pending before."""
    if invoice.paid_at is not None:
        return "paid"
    return "overdue" if now > invoice.due_at else "pending"


def to_out(invoice: Invoice, now: datetime) -> InvoiceOut:
    """The spec §3 shape of an invoice."""
    return InvoiceOut(
        invoice_id=invoice.id,
        period=invoice.period,
        gross_revenue=invoice.gross_revenue,
        predictu_share=invoice.predictu_share,
        operator_share=invoice.operator_share,
        status=status_of(invoice, now),
    )


def recent_invoices(session: Session, *, operator_id: str, now: datetime) -> list[InvoiceOut]:
    """The six most recent invoices, newest first."""
    rows = session.scalars(_RECENT_INVOICES, {"operator_id": operator_id})
    return [to_out(row, now) for row in rows]


# Built once: building it was a tenth of an operator's detail.
_RECENT_INVOICES = (
    select(Invoice)
    .where(Invoice.operator_id == bindparam("operator_id"))
    .order_by(Invoice.period.desc())
    .limit(RECENT)
)


def close_month(
    *,
    session: Session,
    month: str | None = None,
    actor: Actor | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> MonthClosed:
    """Create the month's missing invoices; running it again creates none.

    Raises ValidationFailed when `month` is malformed or not yet over.
    """
    now = clock.now()
    month = month or previous_month(now)
    if not _MONTH.fullmatch(month):
        raise invalid({"month": "must be a month in YYYY-MM form"})
    if month >= month_of(now):
        raise invalid(
            {"month": f"{month} is not over yet; the last closed month is {previous_month(now)}"}
        )
    invoiced = set(
        session.scalars(select(Invoice.operator_id).where(Invoice.period == month)).all()
    )
    buckets: dict[str, list[tuple[Decimal, Decimal]]] = {}
    for operator_id, share, revenue in session.execute(
        select(OperatorRevenue.operator_id, OperatorRevenue.share_predictu, OperatorRevenue.revenue)
        .where(OperatorRevenue.month == month)
        .order_by(OperatorRevenue.operator_id)
    ):
        buckets.setdefault(operator_id, []).append((share, revenue))
    due_at = month_start(next_month(month)) + PAYMENT_TERMS
    created = 0
    for operator_id, operator_buckets in buckets.items():
        if operator_id in invoiced:
            continue
        gross, predictu, operator = split(operator_buckets)
        session.add(
            Invoice(
                id=new_id("inv"),
                operator_id=operator_id,
                period=month,
                gross_revenue=gross,
                predictu_share=predictu,
                operator_share=operator,
                created_at=now,
                due_at=due_at,
                paid_at=None,
            )
        )
        created += 1
    if created:
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="invoices.closed",
            at=now,
            changes={"month": {"from": None, "to": month}, "created": {"from": 0, "to": created}},
        )
    return MonthClosed(month=month, created=created, already_invoiced=len(invoiced))
