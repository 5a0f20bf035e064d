"""Creating operators: defaults, side effects and uniqueness (spec §2, DESIGN §5)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from predictu_console.core import audit, operators
from predictu_console.core.errors import DomainExists, NameExists, ValidationFailed
from predictu_console.core.models import OperatorCreate
from predictu_console.db.session import session_scope
from tests.factories import make_operator, operator_payload


def test_new_operator_starts_onboarding_with_step_one_done(session_factory, god, clock):
    created = make_operator(session_factory, god, clock, revenue_share_predictu=25)

    assert created.id.startswith("op_")
    assert created.status == "onboarding"
    assert created.onboarding_step == 1
    assert created.onboarding_complete is False
    assert created.revenue_share_operator == Decimal(75)
    assert created.allowed_origins == []
    assert created.callback_status == "unknown"
    assert created.created_at == clock.now()
    with session_scope(session_factory, write=False) as session:
        detail = operators.get_operator(session=session, operator_id=created.id)
    assert detail.onboarding_checklist["create_record"].completed_at == clock.now()
    assert [step.complete for step in detail.onboarding_checklist.values()] == [True] + [False] * 7


def test_defaults_fill_billing_email_categories_branding_and_config(session_factory, god, clock):
    created = make_operator(
        session_factory, god, clock, contact_email="boss@lucky.io", config={"new_tier_limit": 15}
    )

    assert created.billing_email == "boss@lucky.io"
    assert created.allowed_categories == ["politics", "sports", "crypto", "entertainment"]
    assert created.branding.primary_color == "#1a7a3a"
    assert created.branding.bg_secondary == "#0f1a0f"
    assert created.config.model_dump() == {
        "new_tier_limit": 15,
        "regular_tier_limit": 100,
        "vip_tier_limit": 1000,
        "auto_promote_enabled": True,
        "auto_promote_days": 7,
        "auto_promote_trades": 5,
        "daily_loss_limit_enabled": False,
        "can_promote_vip": False,
    }


def test_creation_is_audited_with_the_admin_in_the_same_transaction(session_factory, god, clock):
    created = make_operator(session_factory, god, clock, name="Audited Casino")

    with session_scope(session_factory, write=False) as session:
        rows = audit.history(session, operator_id=created.id)
    assert [row.action for row in rows] == ["operator.created"]
    assert rows[0].actor_id == god.admin_id
    assert rows[0].changes["name"] == {"from": None, "to": "Audited Casino"}


def test_a_failed_create_leaves_no_operator_and_no_audit_row(session_factory, god, clock):
    make_operator(session_factory, god, clock, name="Only One")

    with pytest.raises(NameExists):
        make_operator(session_factory, god, clock, name="only one")

    with session_scope(session_factory, write=False) as session:
        check = audit.verify_chain(session)
        page = operators.list_operators(session=session, query=operators.OperatorListQuery())
    assert page.total == 1
    assert check.ok and check.checked == 2  # the admin, then the one operator


@pytest.mark.parametrize("variant", ["LUCKYSPIN", "luckyspin", "  LuckySpin  "])
def test_names_are_unique_ignoring_case_and_spaces(session_factory, god, clock, variant):
    make_operator(session_factory, god, clock, name="LuckySpin")

    with pytest.raises(NameExists) as raised:
        make_operator(session_factory, god, clock, name=variant)
    assert raised.value.code == "NAME_EXISTS"
    assert raised.value.fields == {"name": "another operator already has this name"}


def test_domains_are_unique(session_factory, god, clock):
    make_operator(session_factory, god, clock, domain="luckyspin.io")

    with pytest.raises(DomainExists) as raised:
        make_operator(session_factory, god, clock, domain="LuckySpin.IO")
    assert raised.value.code == "DOMAIN_EXISTS"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "ab"}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "Evil\x1b[2JCasino"}, "name"),
        ({"domain": "https://luckyspin.io"}, "domain"),
        ({"domain": "luckyspin.io/path"}, "domain"),
        ({"domain": "luckyspin.io:8080"}, "domain"),
        ({"domain": "localhost"}, "domain"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"billing_email": "a@"}, "billing_email"),
        ({"revenue_share_predictu": 0}, "revenue_share_predictu"),
        ({"revenue_share_predictu": 100}, "revenue_share_predictu"),
        ({"revenue_share_predictu": 30.125}, "revenue_share_predictu"),
        ({"revenue_share_predictu": "30"}, "revenue_share_predictu"),
        ({"revenue_share_predictu": True}, "revenue_share_predictu"),
        ({"allowed_categories": []}, "allowed_categories"),
        ({"allowed_categories": ["casino"]}, "allowed_categories.0"),
        ({"config": {"new_tier_limit": 0}}, "config.new_tier_limit"),
        ({"config": {"new_tier_limit": True}}, "config.new_tier_limit"),
        ({"config": {"max_bet": 5}}, "config.max_bet"),
        ({"status": "active"}, "status"),
        ({"name": None}, "name"),
    ],
)
def test_invalid_create_input_names_the_field(overrides, field):
    with pytest.raises(ValidationError) as raised:
        OperatorCreate.model_validate(operator_payload(**overrides))
    locations = {".".join(str(part) for part in error["loc"]) for error in raised.value.errors()}
    assert field in locations


def test_tier_limits_must_be_ordered_after_merging_defaults(session_factory, god, clock):
    with pytest.raises(ValidationFailed) as raised:
        make_operator(session_factory, god, clock, config={"new_tier_limit": 500})
    assert raised.value.code == "VALIDATION_ERROR"
    assert raised.value.fields == {
        "config.new_tier_limit": "new_tier_limit (500) must not exceed regular_tier_limit (100)"
    }


def test_categories_are_deduplicated_into_canonical_order(session_factory, god, clock):
    created = make_operator(
        session_factory, god, clock, allowed_categories=["crypto", "politics", "crypto"]
    )
    assert created.allowed_categories == ["politics", "crypto"]


def test_fractional_revenue_share_is_kept_exactly(session_factory, god, clock):
    created = make_operator(session_factory, god, clock, revenue_share_predictu=27.5)
    assert created.revenue_share_predictu == Decimal("27.5")
    assert created.revenue_share_operator == Decimal("72.5")
    assert created.model_dump(mode="json")["revenue_share_operator"] == 72.5
