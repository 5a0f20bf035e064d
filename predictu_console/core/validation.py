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


def fields_from_errors(errors: Iterable[Mapping[str, Any]], *, skip: int = 0) -> dict[str, str]:
    """`{"config.new_tier_limit": "Input should be …"}`; `skip` drops leading loc parts (`body`)."""
    fields: dict[str, str] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())][skip:]
        path = ".".join(loc) or "body"
        kind = str(error.get("type", ""))
        message = _SPECIAL.get((kind, path)) or str(error.get("msg", "is invalid"))
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
