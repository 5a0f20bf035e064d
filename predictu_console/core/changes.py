"""What changed: flat, dotted views of an operator's admin-writable state, and their diff.

`changes` in the API, the audit log's before/after, and the console's "changed meanwhile"
all come from here, so they always agree on what a field is called and how it is compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from predictu_console.core.fields import json_number
from predictu_console.core.models import FieldChange, OperatorOut
from predictu_console.db.tables import Operator

_PLAIN_FIELDS = ("name", "contact_email", "billing_email", "status", "callback_url")
_WRITABLE_FIELDS = (
    *_PLAIN_FIELDS,
    "revenue_share_predictu",
    "allowed_categories",
    "allowed_origins",
)


def snapshot(row: Operator) -> dict[str, Any]:
    """The admin-writable state as flat JSON values, nested keys dotted (`config.x`)."""
    flat: dict[str, Any] = {field: getattr(row, field) for field in _PLAIN_FIELDS}
    flat["revenue_share_predictu"] = json_number(row.revenue_share_predictu)
    flat["allowed_categories"] = list(row.allowed_categories)
    flat["allowed_origins"] = list(row.allowed_origins)
    flat.update({f"branding.{key}": value for key, value in row.branding.items()})
    flat.update({f"config.{key}": value for key, value in row.config.items()})
    return flat


def changes_between(old: OperatorOut, new: OperatorOut) -> dict[str, FieldChange]:
    """What an admin-writable field went from and to between two reads of one operator."""

    def flat(operator: OperatorOut) -> dict[str, Any]:
        data = operator.model_dump(mode="json")
        values = {field: data[field] for field in _WRITABLE_FIELDS}
        for group in ("branding", "config"):
            values.update({f"{group}.{key}": value for key, value in data[group].items()})
        return values

    return {
        path: FieldChange.model_validate(change)
        for path, change in diff(flat(old), flat(new)).items()
    }


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """`{"path": {"from": old, "to": new}}` for every path whose value differs."""
    return {
        path: {"from": before.get(path), "to": value}
        for path, value in after.items()
        if before.get(path) != value
    }
