"""Invoices: exact splits by the share in force, idempotent month closing, statuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from predictu_console.core import audit, invoices, operators
from predictu_console.core.errors import ValidationFailed
from predictu_console.db.session import session_scope
from predictu_console.db.tables import Invoice
from tests.core.test_stats import _market, _register, _trade
from tests.factories import active_operator
from tests.factories import update as patch


def _close(session_factory, clock, month=None):
    with session_scope(session_factory) as session:
        return invoices.close_month(session=session, month=month, clock=clock)


def _detail(session_factory, clock, operator_id):
    with session_scope(session_factory, write=False) as session:
        return operators.get_operator(session=session, operator_id=operator_id, clock=clock)


@given(
    buckets=st.lists(
        st.tuples(
            st.decimals(min_value=1, max_value=99, places=2),
            st.decimals(min_value=0, max_value=10**9, places=2),
        ),
        max_size=5,
    )
)
def test_split_always_sums_exactly_to_the_gross(buckets):
    gross, predictu, operator = invoices.split(buckets)
    assert predictu + operator == gross
    assert predictu == predictu.quantize(Decimal("0.01"))
    exact = sum((revenue * share / 100 for share, revenue in buckets), Decimal(0))
    assert abs(predictu - exact) <= Decimal("0.005")


def test_half_cents_round_to_even():
    assert invoices.split([(Decimal(25), Decimal("0.10"))]) == (
        Decimal("0.10"),
        Decimal("0.02"),
        Decimal("0.08"),
    )
    assert invoices.split([(Decimal(30), Decimal("0.05"))])[1] == Decimal("0.02")  # 0.015 → 0.02


@pytest.fixture
def february(session_factory, god, clock):
    """An operator whose February revenue was earned at 30 %, then 40 %."""
    clock.set(datetime(2025, 2, 10, 12, tzinfo=UTC))
    op = active_operator(session_factory, god, clock, revenue_share_predictu=30)
    market = _market(session_factory, clock)
    player = _register(session_factory, clock, op.id, "p", deposit=Decimal(100_000))
    _trade(session_factory, clock, player, market, "1000.00")  # fee 20.00 at 30 %
    patch(session_factory, god, clock, op.id, revenue_share_predictu=40)
    _trade(session_factory, clock, player, market, "500.00")  # fee 10.00 at 40 %
    clock.set(datetime(2025, 3, 18, 14, 30, tzinfo=UTC))
    return op


def test_closing_a_month_invoices_it_by_the_share_in_force(session_factory, clock, february):
    result = _close(session_factory, clock)

    assert (result.month, result.created, result.already_invoiced) == ("2025-02", 1, 0)
    (invoice,) = _detail(session_factory, clock, february.id).recent_invoices
    assert invoice.model_dump(mode="json") | {"invoice_id": "x"} == {
        "invoice_id": "x",
        "period": "2025-02",
        "gross_revenue": 30.0,
        "predictu_share": 10.0,  # 20 × 30 % + 10 × 40 %
        "operator_share": 20.0,
        "status": "pending",
    }
    assert invoice.invoice_id.startswith("inv_")


def test_closing_again_creates_nothing_and_audits_once(session_factory, clock, february):
    _close(session_factory, clock, "2025-02")
    again = _close(session_factory, clock, "2025-02")

    assert (again.created, again.already_invoiced) == (0, 1)
    with session_scope(session_factory, write=False) as session:
        assert session.query(Invoice).count() == 1
        assert audit.verify_chain(session).ok


def test_a_month_without_revenue_creates_no_invoices(session_factory, clock, february):
    assert _close(session_factory, clock, "2025-01").created == 0


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2025-03", "not over yet"),
        ("2026-01", "not over yet"),
        ("2025-13", "YYYY-MM"),
        ("Feb", "YYYY-MM"),
    ],
)
def test_open_or_malformed_months_are_refused(session_factory, clock, month, message):
    with pytest.raises(ValidationFailed) as raised:
        _close(session_factory, clock, month)
    assert message in raised.value.fields["month"]


def test_an_unpaid_invoice_becomes_overdue_after_thirty_days(session_factory, clock, february):
    _close(session_factory, clock, "2025-02")
    clock.set(datetime(2025, 3, 31, 0, 0, tzinfo=UTC))
    assert _detail(session_factory, clock, february.id).recent_invoices[0].status == "pending"
    clock.advance(timedelta(milliseconds=1))
    assert _detail(session_factory, clock, february.id).recent_invoices[0].status == "overdue"
    with session_scope(session_factory) as session:
        session.query(Invoice).update({"paid_at": clock.now()})
    assert _detail(session_factory, clock, february.id).recent_invoices[0].status == "paid"


def test_the_detail_shows_the_six_most_recent_invoices(session_factory, god, clock):
    clock.set(datetime(2024, 3, 15, tzinfo=UTC))
    op = active_operator(session_factory, god, clock)
    market = _market(session_factory, clock)
    player = _register(session_factory, clock, op.id, "p", deposit=Decimal(100_000))
    for _ in range(8):
        _trade(session_factory, clock, player, market, "100")
        clock.advance(timedelta(days=31))
        _close(session_factory, clock)

    periods = [inv.period for inv in _detail(session_factory, clock, op.id).recent_invoices]
    assert periods == ["2024-10", "2024-09", "2024-08", "2024-07", "2024-06", "2024-05"]
