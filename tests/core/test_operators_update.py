"""Updating operators: partial merge, exact `changes`, status rules, audit and notifications."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from predictu_console.core import audit, notifications, operators
from predictu_console.core.admins import AdminCreate, actor_for, create_admin
from predictu_console.core.changes import changes_between
from predictu_console.core.errors import (
    NameExists,
    NotFound,
    OnboardingIncomplete,
    StaleVersion,
    ValidationFailed,
)
from predictu_console.core.models import FieldChange, OperatorUpdate
from predictu_console.db.session import session_scope
from tests.factories import READY_TO_ACTIVATE, complete_steps, make_operator, update


@pytest.fixture
def operator(session_factory, god, clock):
    return make_operator(
        session_factory, god, clock, name="Example Casino", revenue_share_predictu=30
    )


def _history(session_factory, operator_id):
    with session_scope(session_factory, write=False) as session:
        return audit.history(session, operator_id=operator_id)


def test_only_sent_fields_change_and_changes_lists_each_with_from_and_to(
    session_factory, god, clock, operator
):
    clock.advance(timedelta(minutes=5))
    result = update(
        session_factory,
        god,
        clock,
        operator.id,
        name="Example Casino (Updated)",
        revenue_share_predictu=35,
        config={"can_promote_vip": True},
    )

    assert result.model_dump(mode="json")["changes"] == {
        "name": {"from": "Example Casino", "to": "Example Casino (Updated)"},
        "revenue_share_predictu": {"from": 30, "to": 35},
        "config.can_promote_vip": {"from": False, "to": True},
    }
    updated = result.operator
    assert updated.revenue_share_operator == 65
    assert updated.contact_email == operator.contact_email
    assert updated.config.new_tier_limit == operator.config.new_tier_limit
    assert updated.updated_at == clock.now() != operator.updated_at
    assert updated.version == operator.version + 1


def test_branding_and_config_merge_key_by_key(session_factory, god, clock, operator):
    update(session_factory, god, clock, operator.id, branding={"primary_color": "#2ECC71"})
    result = update(
        session_factory, god, clock, operator.id, branding={"logo_url": "https://cdn.x.io/l.png"}
    )

    assert result.operator.branding.primary_color == "#2ecc71"
    assert result.operator.branding.logo_url == "https://cdn.x.io/l.png"
    assert result.operator.branding.secondary_color == "#0d5a25"


def test_allowed_origins_replace_the_whole_list(session_factory, god, clock, operator):
    update(
        session_factory,
        god,
        clock,
        operator.id,
        allowed_origins=["https://a.example.com", "https://b.example.com"],
    )
    result = update(
        session_factory,
        god,
        clock,
        operator.id,
        allowed_origins=["https://C.example.com:443/"[:-1]],
    )

    assert result.operator.allowed_origins == ["https://c.example.com"]
    assert result.changes["allowed_origins"].from_ == [
        "https://a.example.com",
        "https://b.example.com",
    ]


def test_a_patch_that_changes_nothing_writes_nothing(session_factory, god, clock, operator):
    result = update(
        session_factory,
        god,
        clock,
        operator.id,
        name="Example Casino",
        config={"vip_tier_limit": 1000},
    )

    assert result.changes == {}
    assert result.operator.version == operator.version
    assert [row.action for row in _history(session_factory, operator.id)] == ["operator.created"]


def test_each_change_writes_one_audit_row_with_before_and_after(
    session_factory, god, clock, operator
):
    update(session_factory, god, clock, operator.id, contact_email="new@example-casino.com")

    latest = _history(session_factory, operator.id)[0]
    assert latest.action == "operator.updated"
    assert latest.actor_email == "god@predictu.com"
    assert latest.changes == {
        "contact_email": {"from": operator.contact_email, "to": "new@example-casino.com"}
    }


def test_renaming_onto_another_operators_name_is_refused(session_factory, god, clock, operator):
    make_operator(session_factory, god, clock, name="LuckySpin")

    with pytest.raises(NameExists):
        update(session_factory, god, clock, operator.id, name="LUCKYSPIN")
    renamed = update(session_factory, god, clock, operator.id, name="EXAMPLE CASINO")
    assert renamed.changes["name"].to == "EXAMPLE CASINO"


def test_unknown_operator_is_not_found(session_factory, god, clock):
    with pytest.raises(NotFound) as raised:
        update(session_factory, god, clock, "op_missing", name="Whatever")
    assert raised.value.code == "NOT_FOUND"


def test_callback_url_must_be_https_and_null_clears_it(session_factory, god, clock, operator):
    with pytest.raises(ValidationFailed):
        update(session_factory, god, clock, operator.id, callback_url="http://api.example.com/cb")
    set_ = update(
        session_factory, god, clock, operator.id, callback_url="https://api.example.com/cb"
    )
    cleared = update(session_factory, god, clock, operator.id, callback_url=None)

    assert set_.operator.callback_url == "https://api.example.com/cb"
    assert cleared.operator.callback_url is None
    assert cleared.changes["callback_url"].to is None


def test_tier_order_is_checked_against_the_merged_config(session_factory, god, clock, operator):
    with pytest.raises(ValidationFailed) as raised:
        update(session_factory, god, clock, operator.id, config={"vip_tier_limit": 50})
    assert set(raised.value.fields) == {"config.vip_tier_limit"}
    ok = update(
        session_factory,
        god,
        clock,
        operator.id,
        config={"new_tier_limit": 1, "regular_tier_limit": 50, "vip_tier_limit": 50},
    )
    assert ok.operator.config.vip_tier_limit == 50


def test_activation_is_refused_while_steps_one_to_seven_are_open(
    session_factory, god, clock, operator
):
    with pytest.raises(OnboardingIncomplete) as raised:
        update(session_factory, god, clock, operator.id, status="active")

    assert raised.value.code == "ONBOARDING_INCOMPLETE"
    assert raised.value.remaining_steps == [
        "configure_revenue",
        "generate_keys",
        "set_callback",
        "test_ping",
        "configure_branding",
        "whitelist_origins",
    ]
    # People read the steps as the checklist numbers and names them, never by their ids.
    assert "3 Generate API keys; 4 Set the callback URL" in raised.value.message
    assert "generate_keys" not in raised.value.message


def test_the_onboarding_patch_confirms_its_steps_even_when_values_are_unchanged(
    session_factory, god, clock, operator
):
    clock.advance(timedelta(minutes=1))
    result = update(
        session_factory, god, clock, operator.id, revenue_share_predictu=30, branding={}
    )

    assert result.changes == {}
    assert result.operator.onboarding_step == 3
    actions = [row.action for row in _history(session_factory, operator.id)]
    assert actions.count("onboarding.step_completed") == 2
    with session_scope(session_factory, write=False) as session:
        checklist = operators.get_operator(
            session=session, operator_id=operator.id
        ).onboarding_checklist
    assert checklist["configure_revenue"].completed_at == clock.now()
    assert checklist["configure_branding"].completed_at == clock.now()


def test_a_step_keeps_its_first_completion_time(session_factory, god, clock, operator):
    first = clock.now()
    update(session_factory, god, clock, operator.id, revenue_share_predictu=31)
    clock.advance(timedelta(hours=1))
    update(session_factory, god, clock, operator.id, revenue_share_predictu=32)

    with session_scope(session_factory, write=False) as session:
        checklist = operators.get_operator(
            session=session, operator_id=operator.id
        ).onboarding_checklist
    assert checklist["configure_revenue"].completed_at == first


def test_an_empty_origin_list_does_not_complete_the_whitelist_step(
    session_factory, god, clock, operator
):
    result = update(session_factory, god, clock, operator.id, allowed_origins=[])
    assert result.operator.onboarding_step == 1


def test_full_lifecycle_onboarding_to_active_to_inactive_and_back(
    session_factory, god, clock, operator
):
    update(session_factory, god, clock, operator.id, **READY_TO_ACTIVATE)
    complete_steps(session_factory, clock, operator.id, "generate_keys", "test_ping")

    active = update(session_factory, god, clock, operator.id, status="active")
    assert active.operator.status == "active"
    assert active.operator.onboarding_step == 8
    assert active.operator.onboarding_complete is True
    assert (
        update(session_factory, god, clock, operator.id, status="inactive").operator.status
        == "inactive"
    )
    assert (
        update(session_factory, god, clock, operator.id, status="active").operator.status
        == "active"
    )


@pytest.mark.parametrize(
    ("path", "target"),
    [([], "inactive"), (["active"], "onboarding"), (["active", "inactive"], "onboarding")],
)
def test_forbidden_status_moves_are_validation_errors(
    session_factory, god, clock, operator, path, target
):
    update(session_factory, god, clock, operator.id, **READY_TO_ACTIVATE)
    complete_steps(session_factory, clock, operator.id, "generate_keys", "test_ping")
    for status in path:
        update(session_factory, god, clock, operator.id, status=status)

    with pytest.raises(ValidationFailed) as raised:
        update(session_factory, god, clock, operator.id, status=target)
    assert "cannot change from" in raised.value.fields["status"]


def test_sensitive_changes_notify_every_god_mode_admin(session_factory, god, clock, operator):
    with session_scope(session_factory) as session:
        other = create_admin(
            session=session, data=AdminCreate(email="other@predictu.com"), clock=clock
        )
        ops = create_admin(
            session=session,
            data=AdminCreate(email="ops@predictu.com", role="operator_admin"),
            clock=clock,
        )

    update(session_factory, god, clock, operator.id, contact_email="quiet@example-casino.com")
    update(
        session_factory,
        actor_for(other),
        clock,
        operator.id,
        revenue_share_predictu=40,
        config={"auto_promote_days": 9},
    )

    with session_scope(session_factory, write=False) as session:
        for admin_id in (god.admin_id, other.id):
            inbox = notifications.list_notifications(session, admin_id=admin_id)
            assert len(inbox) == 1
            assert set(inbox[0].changes) == {"revenue_share_predictu", "config.auto_promote_days"}
            assert "other@predictu.com" in inbox[0].message
        assert notifications.list_notifications(session, admin_id=ops.id) == []


def test_notifications_can_be_marked_read(session_factory, god, clock, operator):
    update(session_factory, god, clock, operator.id, revenue_share_predictu=40)
    update(session_factory, god, clock, operator.id, revenue_share_predictu=41)
    with session_scope(session_factory) as session:
        assert notifications.unread_count(session, admin_id=god.admin_id) == 2
        assert notifications.mark_read(session, actor=god, at=clock.now()) == 2
    with session_scope(session_factory, write=False) as session:
        assert notifications.unread_count(session, admin_id=god.admin_id) == 0
        assert (
            notifications.list_notifications(session, admin_id=god.admin_id, unread_only=True) == []
        )
        assert all(
            notice.read_at == clock.now()
            for notice in notifications.list_notifications(session, admin_id=god.admin_id)
        )


def test_an_update_from_a_stale_read_is_refused_and_reports_what_changed(
    session_factory, god, clock, operator
):
    opened = operator  # what an admin's edit form was built from
    update(
        session_factory,
        god,
        clock,
        operator.id,
        revenue_share_predictu=33,
        config={"vip_tier_limit": 900},
    )

    with session_scope(session_factory) as session, pytest.raises(StaleVersion) as raised:
        operators.update_operator(
            session=session,
            actor=god,
            operator_id=operator.id,
            data=OperatorUpdate(contact_email="mine@example.com"),
            expected_version=opened.version,
            clock=clock,
        )
    assert (raised.value.code, raised.value.expected, raised.value.current) == (
        "PRECONDITION_FAILED",
        1,
        2,
    )
    with session_scope(session_factory, write=False) as session:
        now = operators.get_operator(session=session, operator_id=operator.id)
    meanwhile = changes_between(opened, now)
    assert {path: (c.from_, c.to) for path, c in meanwhile.items()} == {
        "revenue_share_predictu": (30, 33),
        "config.vip_tier_limit": (1000, 900),
    }
    retried = update_with_version(session_factory, god, clock, operator.id, now.version)
    assert retried.operator.contact_email == "mine@example.com"


def update_with_version(session_factory, god, clock, operator_id, version):
    with session_scope(session_factory) as session:
        return operators.update_operator(
            session=session,
            actor=god,
            operator_id=operator_id,
            data=OperatorUpdate(contact_email="mine@example.com"),
            expected_version=version,
            clock=clock,
        )


def test_the_preview_shows_exactly_what_the_update_then_does_and_writes_nothing(
    session_factory, god, clock, operator
):
    # The PING went to the URL this PATCH sends again: a new one would reopen step 5.
    update(session_factory, god, clock, operator.id, callback_url=READY_TO_ACTIVATE["callback_url"])
    complete_steps(session_factory, clock, operator.id, "generate_keys", "test_ping")
    # Steps this PATCH confirms count towards the activation it asks for, in both.
    data = OperatorUpdate.model_validate(
        {**READY_TO_ACTIVATE, "status": "active", "name": "Example Casino II"}
    )
    history = len(_history(session_factory, operator.id))
    with session_scope(session_factory, write=False) as session:
        preview = operators.preview_update(
            session=session, operator_id=operator.id, data=data, expected_version=2
        )
    assert len(_history(session_factory, operator.id)) == history

    with session_scope(session_factory) as session:
        result = operators.update_operator(
            session=session, actor=god, operator_id=operator.id, data=data, expected_version=2
        )
    assert preview == result.changes
    assert {"status", "name", "allowed_origins"} <= set(preview)


def test_a_preview_waits_for_no_writer(session_factory, god, clock, operator):
    """A writer holds the SQLite write lock, or PostgreSQL's row and audit locks, meanwhile."""

    def preview() -> dict[str, FieldChange]:
        with session_scope(session_factory, write=False) as session:
            return operators.preview_update(
                session=session, operator_id=operator.id, data=OperatorUpdate(name="Previewed")
            )

    with session_scope(session_factory) as writing, ThreadPoolExecutor(1) as pool:
        operators.update_operator(
            session=writing, actor=god, operator_id=operator.id, data=OperatorUpdate(name="Mine")
        )
        changes = pool.submit(preview).result(timeout=10)
    assert changes["name"].to == "Previewed"
