"""Turns pydantic's error lists into the field → message map every front end shows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from predictu_console.core.errors import ValidationFailed

ModelT = TypeVar("ModelT", bound=BaseModel)

_SPECIAL = {
    ("extra_forbidden", "domain"): "cannot be changed once the operator exists",
}
_PLAIN = {
    "missing": "is required",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "greater_than": "must be more than {gt}",
    "less_than": "must be less than {lt}",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "decimal_parsing": "must be a number",
    "decimal_type": "must be a number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "finite_number": "must be a number",
    "decimal_max_places": "must have at most {decimal_places} decimal places",
    "bool_parsing": "must be yes or no (true or false)",
    "bool_type": "must be yes or no (true or false)",
    "string_type": "must be text",
    "string_too_short": "must be at least {min_length} characters long",
    "string_too_long": "must be at most {max_length} characters long",
    "list_type": "must be a list",
    "too_short": "must have at least {min_length} entries",
    "too_long": "must have at most {max_length} entries",
    "literal_error": "must be one of {expected}",
    "enum": "must be one of {expected}",
}
"""Pydantic's error types as a sentence about the value; any other keeps pydantic's text."""


def _limit(value: Any) -> str:
    """A limit as a person writes it: `0`, not `0.0`; `active, inactive`, not `'active'`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("'", "")


def _plain(kind: str, error: Mapping[str, Any]) -> str | None:
    """The sentence for a pydantic error type, with its limits filled in: `must be at most
    72`, `must be one of active, inactive or all`; None for a type not in `_PLAIN`."""
    template = _PLAIN.get(kind)
    if template is None:
        return None
    context = {key: _limit(value) for key, value in error.get("ctx", {}).items()}
    try:
        return template.format(**context)
    except KeyError:  # a limit pydantic did not report: the sentence without it
        return None


def fields_from_errors(errors: Iterable[Mapping[str, Any]], *, skip: int = 0) -> dict[str, str]:
    """`{"config.new_tier_limit": "must be at least 1"}`; `skip` drops leading loc parts
    (`body`). Messages are sentences about the value, not pydantic's wording."""
    fields: dict[str, str] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())][skip:]
        path = ".".join(loc) or "body"
        kind = str(error.get("type", ""))
        message = (
            _SPECIAL.get((kind, path)) or _plain(kind, error) or str(error.get("msg", "is invalid"))
        )
        if kind == "json_invalid":
            # The location is a character offset, not a field.
            reason = error.get("ctx", {}).get("error", "malformed")
            path, message = "body", f"is not valid JSON ({reason} at character {loc[-1]})"
        if kind == "extra_forbidden" and (kind, path) not in _SPECIAL:
            message = "is not a known field"
        fields.setdefault(path, message.removeprefix("Value error, "))
    return fields


def invalid(fields: Mapping[str, str]) -> ValidationFailed:
    """A VALIDATION_ERROR whose message names every offending field."""
    details = "; ".join(f"{path}: {message}" for path, message in fields.items())
    return ValidationFailed(f"Invalid input ({details})", fields=fields)


def from_pydantic(error: ValidationError) -> ValidationFailed:
    """A pydantic ValidationError as the domain's VALIDATION_ERROR."""
    return invalid(fields_from_errors(error.errors()))


def parse(model: type[ModelT], data: Mapping[str, Any]) -> ModelT:
    """Validate raw input into `model`. Raises ValidationFailed with per-field messages."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise from_pydantic(error) from None
