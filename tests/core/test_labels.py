"""Fields and actions by the names people read, from the one table the forms use."""

from __future__ import annotations

import pytest

from predictu_console.core.labels import action_label, field_label, labelled, spoken


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("config.regular_tier_limit", "Regular tier limit"),
        ("revenue_share_predictu", "Predictu revenue share"),
        ("onboarding.activate", "Onboarding step 8 (Activate)"),
        ("allowed_origins.1", "Allowed origins, entry 2"),
        ("api_keys.key_4fZ9qL2m8XcR1tYb.expires_at", "API key key_4fZ9qL2m8XcR1tYb expires"),
        ("player_id", "Player id"),
    ],
)
def test_a_field_path_reads_as_its_label(path, label):
    assert field_label(path) == label


def test_core_messages_naming_fields_by_id_read_with_their_labels():
    said = spoken("regular_tier_limit (100) must not exceed vip_tier_limit (50)")

    assert said == "Regular tier limit (100) must not exceed VIP tier limit (50)"
    assert spoken("see https://cdn.example.com/callback_url") == (
        "see https://cdn.example.com/callback_url"
    )


def test_field_errors_in_one_line_name_each_field_once():
    fields = {
        "config.new_tier_limit": "new_tier_limit (500) must not exceed regular_tier_limit (100)",
        "revenue_share_predictu": "must be at least 1",
    }

    assert labelled(fields) == (
        "New tier limit (500) must not exceed regular tier limit (100); "
        "Predictu revenue share must be at least 1"
    )


def test_audit_actions_read_as_what_happened():
    assert action_label("operator.updated") == "Operator edited"
    assert action_label("KEY_ROTATED") == "API keys rotated"
    assert action_label("operator.archived") == "Operator archived"
