"""`/operators` and `/operators/{id}` (spec §1–§4)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Response, status

from predictu_console.api.deps import ClockDep, Db, GodMode
from predictu_console.api.errors import responses
from predictu_console.api.payloads import etag, model_response
from predictu_console.core import operators
from predictu_console.core.database import transaction
from predictu_console.core.models import (
    OperatorCreate,
    OperatorCreated,
    OperatorDetail,
    OperatorListQuery,
    OperatorPage,
    OperatorUpdate,
    OperatorUpdated,
)
from predictu_console.core.validation import invalid

router = APIRouter(prefix="/operators", tags=["operators"])

CREATE_EXAMPLE = {
    "name": "LuckySpin Casino",
    "domain": "luckyspin.io",
    "contact_email": "admin@luckyspin.io",
    "billing_email": "billing@luckyspin.io",
    "revenue_share_predictu": 25,
    "allowed_categories": ["politics", "sports", "crypto", "entertainment"],
    "config": {
        "new_tier_limit": 15,
        "regular_tier_limit": 200,
        "vip_tier_limit": 2000,
        "auto_promote_enabled": True,
        "auto_promote_days": 5,
        "auto_promote_trades": 3,
    },
}
_UPDATE_EXAMPLE = {
    "name": "Example Casino (Updated)",
    "status": "active",
    "callback_url": "https://api-v2.example-casino.com/callbacks/predictu",
    "revenue_share_predictu": 35,
    "allowed_origins": ["https://www.example-casino.com"],
    "branding": {"primary_color": "#2ecc71"},
    "config": {"new_tier_limit": 20, "can_promote_vip": True},
}


@router.get("", responses=responses(400, 401, 403, 429), response_model=OperatorPage)
def list_operators(
    actor: GodMode,
    db: Db,
    clock: ClockDep,
    query: Annotated[OperatorListQuery, Query()],
    response: Response,
) -> Response:
    """List operators, filtered by status, searched by name or domain, sorted and paged."""
    with transaction(db, write=False) as session:
        page = operators.list_operators(session=session, query=query, clock=clock)
    return model_response(page, response)


@router.post("", status_code=status.HTTP_201_CREATED, responses=responses(400, 401, 403, 409, 429))
def create_operator(
    actor: GodMode,
    db: Db,
    clock: ClockDep,
    data: Annotated[OperatorCreate, Body(openapi_examples={"spec": {"value": CREATE_EXAMPLE}})],
) -> OperatorCreated:
    """Create an operator in `onboarding`, with step 1 of the checklist complete."""
    with transaction(db) as session:
        operator = operators.create_operator(session=session, actor=actor, data=data, clock=clock)
    return OperatorCreated(operator=operator)


def expected_version(if_match: str | None) -> int | None:
    """The version an `If-Match` header names; None for no header or `*`. Raises on junk."""
    if if_match is None or if_match.strip() == "*":
        return None
    match = _ETAG.fullmatch(if_match.strip())
    if match is None:
        raise invalid({"If-Match": 'must be an ETag from GET /operators/{id}, like "v3"'})
    return int(match.group(1))


_ETAG = re.compile(r'(?:W/)?"v([0-9]{1,12})"')


@router.get(
    "/{operator_id}", responses=responses(401, 403, 404, 429), response_model=OperatorDetail
)
def get_operator(
    actor: GodMode, db: Db, clock: ClockDep, operator_id: str, response: Response
) -> Response:
    """The full operator with keys, onboarding checklist and recent invoices.

    The `ETag` names this version: send it back as `If-Match` to update only if nobody
    changed the operator in between.
    """
    with transaction(db, write=False) as session:
        detail = operators.get_operator(session=session, operator_id=operator_id, clock=clock)
    response.headers["ETag"] = etag(detail.version)
    return model_response(detail, response)


@router.patch("/{operator_id}", responses=responses(400, 401, 403, 404, 409, 412, 429))
def update_operator(
    actor: GodMode,
    db: Db,
    clock: ClockDep,
    operator_id: str,
    data: Annotated[OperatorUpdate, Body(openapi_examples={"spec": {"value": _UPDATE_EXAMPLE}})],
    response: Response,
    if_match: Annotated[str | None, Header(description='An ETag, e.g. "v3"')] = None,
) -> OperatorUpdated:
    """Change only the fields sent; `changes` reports exactly what differed.

    With `If-Match`, the update applies only to that version: otherwise 412
    `PRECONDITION_FAILED`, and nothing changes.
    """
    with transaction(db) as session:
        updated = operators.update_operator(
            session=session,
            actor=actor,
            operator_id=operator_id,
            data=data,
            clock=clock,
            expected_version=expected_version(if_match),
        )
    response.headers["ETag"] = etag(updated.operator.version)
    return updated
