"""Refusals read as sentences about the value, never in pydantic's words."""

from __future__ import annotations

import pytest

from predictu_console.core.errors import ValidationFailed
from predictu_console.core.keys import KeyCreate
from predictu_console.core.models import OperatorCreate, OperatorListQuery
from predictu_console.core.validation import parse


def _fields(model, data) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        parse(model, data)
    return refused.value.fields


def test_limits_choices_and_numbers_are_said_plainly():
    assert _fields(OperatorListQuery, {"status": "paused", "limit": 0, "offset": "a"}) == {
        "status": "must be one of active, inactive, onboarding or all",
        "limit": "must be at least 1",
        "offset": "must be a whole number",
    }
    assert _fields(KeyCreate, {"grace_period_hours": 80}) == {
        "grace_period_hours": "must be at most 72"
    }


def test_a_missing_field_is_required_and_a_bad_share_is_not_a_number():
    fields = _fields(OperatorCreate, {"name": "Fine Casino", "revenue_share_predictu": "lots"})
    assert fields["domain"] == "is required"
    assert fields["revenue_share_predictu"] == "must be a number"
    assert not any("Input should" in message for message in fields.values())


def test_a_bad_email_address_is_one_sentence_that_says_why():
    data = {
        "name": "Abc Casino",
        "domain": "abc.io",
        "contact_email": "not-an-email",
        "revenue_share_predictu": 30,
        "allowed_categories": ["sports"],
    }
    assert _fields(OperatorCreate, data) == {
        "contact_email": "is not a valid email address (an email address must have an @-sign)"
    }
