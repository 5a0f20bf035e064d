"""Fields and audited actions by the names a person reads: the one table of each that every
front end names them from.

The API, the audit records and notifications' `changes` keep the field ids (`config.
regular_tier_limit`): they are the contract. Whatever a person reads — a form's labels, its
errors, a diff, the audit view, a notification, the CLI's output — says "Regular tier limit",
from here, so one field never goes by two names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from predictu_console.core.models import STEPS

FIELD_LABELS = {
    "id": "ID",
    "name": "Name",
    "domain": "Domain",
    "status": "Status",
    "contact_email": "Contact email",
    "billing_email": "Billing email",
    "callback_url": "Callback URL",
    "callback_status": "Callback health",
    "callback_failure_count": "Callback failures in a row",
    "revenue_share_predictu": "Predictu revenue share",
    "revenue_share_operator": "Operator revenue share",
    "allowed_categories": "Market categories",
    "allowed_origins": "Allowed origins",
    "branding": "Branding",
    "branding.primary_color": "Primary colour",
    "branding.secondary_color": "Secondary colour",
    "branding.bg_primary": "Background colour",
    "branding.bg_secondary": "Second background colour",
    "branding.logo_url": "Logo URL",
    "branding.icon_url": "Icon URL",
    "config": "Configuration",
    "config.new_tier_limit": "New tier limit",
    "config.regular_tier_limit": "Regular tier limit",
    "config.vip_tier_limit": "VIP tier limit",
    "config.auto_promote_enabled": "Auto-promote",
    "config.auto_promote_days": "Auto-promote after days",
    "config.auto_promote_trades": "Auto-promote after trades",
    "config.daily_loss_limit_enabled": "Daily loss limit",
    "config.can_promote_vip": "Can promote VIP",
    "api_keys.current": "Current API key",
    "api_keys.*.expires_at": "API key {id} expires",
    "deliveries.*.status": "Delivery {id} status",
    "deliveries.*.next_attempt_at": "Delivery {id} next attempt",
    "test_callback.url": "Tested URL",
    "test_callback.event": "Tested event",
    "notifications.unread": "Unread notifications",
    "timeout_ms": "Timeout",
    **{
        f"onboarding.{step.id}": f"Onboarding step {i} ({step.label})"
        for i, step in enumerate(STEPS, start=1)
    },
}
"""Field path → label; `*` stands for a record id in the path, `{id}` shows it."""

_ID_PART = re.compile(r"^[a-z]{2,4}_(?=.*[0-9A-Z])[0-9A-Za-z]{8,}$")
"""A record id in a path (`key_4fZ9qL2m8XcR1tYb`), not a field (`api_keys`)."""


def field_label(path: str) -> str:
    """`config.regular_tier_limit` → `Regular tier limit`; a path the table lacks still reads
    as words (`player_id` → `Player id`), never as a dotted id."""
    if path in FIELD_LABELS:
        return FIELD_LABELS[path]
    field, entry = list_entry(path)
    if entry:
        return f"{field_label(field)}, {entry}"
    parts = path.split(".")
    ids = [part for part in parts if _ID_PART.match(part)]
    pattern = ".".join("*" if _ID_PART.match(part) else part for part in parts)
    if len(ids) == 1 and pattern in FIELD_LABELS:
        return FIELD_LABELS[pattern].format(id=ids[0])
    words = " ".join(part.replace("_", " ") for part in parts)
    return words[:1].upper() + words[1:]


def list_entry(path: str) -> tuple[str, str]:
    """`allowed_origins.1` → (`allowed_origins`, `entry 2`): an error about one entry of a
    list belongs to the list's field; a path that is not one → (path, ``)."""
    field, _, index = path.rpartition(".")
    return (field, f"entry {int(index) + 1}") if field and index.isdigit() else (path, "")


def in_sentence(label: str) -> str:
    """A label inside a sentence: `regular tier limit`, but `VIP tier limit`, `Predictu …`."""
    if label[1:2].isupper() or label.startswith("Predictu"):
        return label
    return label[:1].lower() + label[1:]


def _spoken_ids() -> dict[str, str]:
    ids: dict[str, str] = {}
    last_parts = [path.rpartition(".")[2] for path in FIELD_LABELS]
    for path, label in FIELD_LABELS.items():
        if "*" in path or "_" not in path:
            continue
        ids[path] = label
        last = path.rpartition(".")[2]
        if last_parts.count(last) == 1:  # `vip_tier_limit` alone, as core's rules name it
            ids[last] = label
    return ids


_SPOKEN = _spoken_ids()
_MENTION = re.compile(
    r"(?<![\w./-])("
    + "|".join(map(re.escape, sorted(_SPOKEN, key=len, reverse=True)))
    + r")(?![\w/])"
)


def spoken(message: str) -> str:
    """`regular_tier_limit (100) must not exceed vip_tier_limit (50)` → `Regular tier limit
    (100) must not exceed VIP tier limit (50)`: core's messages name fields by id, as the API
    does; what people read names them by label."""

    def label(match: re.Match[str]) -> str:
        text = _SPOKEN[match.group(1)]
        return text if match.start() == 0 else in_sentence(text)

    return _MENTION.sub(label, message)


def labelled(fields: Mapping[str, str]) -> str:
    """`Regular tier limit must be at least 1; Name is required`: field errors as one line,
    each naming its field once."""
    said = []
    for path, message in fields.items():
        label, sentence = field_label(path), spoken(message)
        said.append(sentence if sentence.startswith(label) else f"{label} {sentence}")
    return "; ".join(said)


ACTION_LABELS = {
    "operator.created": "Operator created",
    "operator.updated": "Operator edited",
    "onboarding.step_completed": "Onboarding step completed",
    "KEY_ROTATED": "API keys rotated",
    "callback.ping_succeeded": "Callback test passed",
    "callback.ping_failed": "Callback test failed",
    "callback.url_tested": "Callback URL tested",
    "callback.event_tested": "Callback event tested",
    "callback.health_changed": "Callback health changed",
    "delivery.redelivered": "Delivery sent again",
    "player.restricted": "Player restricted",
    "market.created": "Market opened",
    "market.resolved": "Market resolved",
    "invoices.closed": "Month's invoices closed",
    "notifications.read": "Notifications marked read",
    "admin.created": "Admin created",
    "admin.token_issued": "Session token issued",
    "admin.tokens_revoked": "Session tokens revoked",
}
"""Audit action → what happened, as the audit view says it; the records keep the action ids."""


def action_label(action: str) -> str:
    """`operator.updated` → `Operator edited`; an action the table lacks, as words."""
    return ACTION_LABELS.get(action) or field_label(action.lower())
