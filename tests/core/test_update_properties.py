"""Property: any valid partial update keeps the invariants and reports exactly its diff, the
diff its preview showed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from predictu_console.core import operators
from predictu_console.core.errors import ValidationFailed
from predictu_console.core.models import OperatorUpdate
from predictu_console.core.validation import parse
from predictu_console.db.session import session_scope
from tests.factories import make_operator, update

WRITABLE = (
    "name",
    "contact_email",
    "billing_email",
    "status",
    "callback_url",
    "revenue_share_predictu",
    "allowed_categories",
    "allowed_origins",
)

hosts = st.sampled_from(["a.example.com", "b.example.org", "pay.casino.io", "x-y.games"])
colours = st.from_regex(r"\A#[0-9a-fA-F]{6}\Z")
limits = st.integers(min_value=1, max_value=5000)
shares = st.one_of(
    st.integers(min_value=1, max_value=99),
    st.decimals(min_value=1, max_value=99, places=2, allow_nan=False, allow_infinity=False).map(
        float
    ),
)
patches = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(["Prop Casino", "prop casino", "Prop Casino II", "Другое Казино"]),
        "contact_email": st.sampled_from(["a@prop.example.com", "b@prop.example.com"]),
        "billing_email": st.sampled_from(["bill@prop.example.com", "acct@prop.example.com"]),
        "callback_url": st.one_of(st.none(), hosts.map(lambda h: f"https://{h}/callbacks")),
        "revenue_share_predictu": shares,
        "allowed_categories": st.lists(
            st.sampled_from(["politics", "sports", "crypto", "entertainment"]),
            min_size=1,
            max_size=8,
        ),
        "allowed_origins": st.lists(hosts.map(lambda h: f"https://{h}"), max_size=3),
        "branding": st.fixed_dictionaries(
            {}, optional={"primary_color": colours, "bg_secondary": colours}
        ),
        "config": st.fixed_dictionaries(
            {},
            optional={
                "new_tier_limit": limits,
                "regular_tier_limit": limits,
                "vip_tier_limit": limits,
                "can_promote_vip": st.booleans(),
                "auto_promote_days": st.integers(min_value=1, max_value=365),
            },
        ),
    },
)


def _flatten(detail: dict[str, Any]) -> dict[str, Any]:
    """The writable state read back from the detail's JSON, nested keys dotted."""
    flat = {field: detail[field] for field in WRITABLE}
    for group in ("branding", "config"):
        flat.update({f"{group}.{key}": value for key, value in detail[group].items()})
    return flat


def _detail(session_factory, operator_id):
    with session_scope(session_factory, write=False) as session:
        return operators.get_operator(session=session, operator_id=operator_id).model_dump(
            mode="json"
        )


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(patch=patches)
def test_any_valid_patch_keeps_invariants_and_reports_the_real_difference(
    session_factory, god, clock, patch
):
    # One operator per database, patched again by every example: states accumulate.
    with session_scope(session_factory, write=False) as session:
        page = operators.list_operators(session=session, query=operators.OperatorListQuery())
    if page.total == 0:
        make_operator(session_factory, god, clock, name="Prop Casino", domain="prop.example.com")
        with session_scope(session_factory, write=False) as session:
            page = operators.list_operators(session=session, query=operators.OperatorListQuery())
    operator_id = page.operators[0].id
    before = _detail(session_factory, operator_id)
    clock.advance(timedelta(seconds=1))

    try:
        with session_scope(session_factory, write=False) as session:
            data = parse(OperatorUpdate, patch)
            preview = operators.preview_update(session=session, operator_id=operator_id, data=data)
    except ValidationFailed as refused_preview:
        preview_refusal: ValidationFailed | None = refused_preview
    else:
        preview_refusal = None
    try:
        result = update(session_factory, god, clock, operator_id, **patch)
    except ValidationFailed as error:
        assert set(error.fields) <= {f"config.{key}" for key in patch.get("config", {})}
        assert _detail(session_factory, operator_id) == before
        assert preview_refusal is not None and preview_refusal.fields == error.fields
        return
    assert preview_refusal is None
    assert preview == result.changes

    after = _detail(session_factory, operator_id)
    assert after["revenue_share_predictu"] + after["revenue_share_operator"] == 100
    config = after["config"]
    assert config["new_tier_limit"] <= config["regular_tier_limit"] <= config["vip_tier_limit"]
    old, new = _flatten(before), _flatten(after)
    expected = {key: {"from": old[key], "to": new[key]} for key in new if old[key] != new[key]}
    assert result.model_dump(mode="json")["changes"] == expected
    touched = bool(expected) or after["onboarding_step"] != before["onboarding_step"]
    assert after["version"] - before["version"] == (1 if touched else 0)
    assert (after["updated_at"] != before["updated_at"]) == touched
