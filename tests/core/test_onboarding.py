"""The checklist follows the callback URL: a new URL needs a new PING, no URL reopens step 4."""

from __future__ import annotations

from datetime import timedelta

import pytest

from predictu_console.core import audit, operators
from predictu_console.core.errors import OnboardingIncomplete
from predictu_console.db.session import session_scope
from predictu_console.db.tables import Operator
from tests.factories import (
    READY_TO_ACTIVATE,
    active_operator,
    complete_steps,
    make_operator,
    update,
)

URL = READY_TO_ACTIVATE["callback_url"]


@pytest.fixture
def pinged(session_factory, god, clock):
    """An onboarding operator whose URL was set and PINGed, the last callback having failed."""
    made = make_operator(session_factory, god, clock)
    update(session_factory, god, clock, made.id, callback_url=URL)
    complete_steps(session_factory, clock, made.id, "test_ping")
    _fail_callbacks(session_factory, made.id, clock)
    return made


def _fail_callbacks(session_factory, operator_id, clock):
    with session_scope(session_factory) as session:
        row = session.get(Operator, operator_id)
        row.callback_status, row.callback_failure_count = "degraded", 2
        row.callback_last_success = clock.now() - timedelta(days=1)


def _detail(session_factory, operator_id):
    with session_scope(session_factory, write=False) as session:
        return operators.get_operator(session=session, operator_id=operator_id)


def _actions(session_factory, operator_id):
    with session_scope(session_factory, write=False) as session:
        return [row.action for row in audit.history(session, operator_id=operator_id)]


def _open_steps(detail):
    return [step for step, state in detail.onboarding_checklist.items() if not state.complete]


def test_clearing_the_callback_url_reopens_the_callback_and_ping_steps(
    session_factory, god, clock, pinged
):
    clock.advance(timedelta(minutes=5))
    result = update(session_factory, god, clock, pinged.id, callback_url=None)

    detail = _detail(session_factory, pinged.id)
    assert {"set_callback", "test_ping"} <= set(_open_steps(detail))
    assert result.operator.onboarding_step == detail.onboarding_step == 1
    assert _actions(session_factory, pinged.id).count("onboarding.step_reopened") == 2


def test_a_new_callback_url_reopens_only_the_ping_and_starts_with_blank_health(
    session_factory, god, clock, pinged
):
    update(session_factory, god, clock, pinged.id, callback_url="https://fixed.example.com/cb")

    detail = _detail(session_factory, pinged.id)
    assert detail.onboarding_checklist["set_callback"].complete
    assert not detail.onboarding_checklist["test_ping"].complete
    assert (detail.callback_status, detail.callback_failure_count) == ("unknown", 0)
    assert detail.callback_last_success is None
    assert "callback.health_reset" in _actions(session_factory, pinged.id)


def test_resending_the_same_url_keeps_the_ping_and_the_health(session_factory, god, clock, pinged):
    update(session_factory, god, clock, pinged.id, callback_url=URL)

    detail = _detail(session_factory, pinged.id)
    assert detail.onboarding_checklist["test_ping"].complete
    assert (detail.callback_status, detail.callback_failure_count) == ("degraded", 2)


def test_activating_with_a_new_untested_url_in_the_same_patch_is_refused(
    session_factory, god, clock, pinged
):
    ready = {**READY_TO_ACTIVATE, "callback_url": "https://fixed.example.com/cb"}
    complete_steps(session_factory, clock, pinged.id, "generate_keys")

    with pytest.raises(OnboardingIncomplete) as refused:
        update(session_factory, god, clock, pinged.id, **ready, status="active")

    assert refused.value.remaining_steps == ["test_ping"]


def test_an_active_operators_checklist_is_history_but_its_health_follows_the_url(
    session_factory, god, clock
):
    made = active_operator(session_factory, god, clock)
    _fail_callbacks(session_factory, made.id, clock)

    update(session_factory, god, clock, made.id, callback_url=None)

    detail = _detail(session_factory, made.id)
    assert detail.onboarding_complete
    assert detail.callback_status == "unknown"
