"""`/operators` and `/operators/{id}` (spec §1–§4)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, status

from predictu_console.api.deps import ClockDep, Db, GodMode
from predictu_console.api.errors import responses
from predictu_console.core import operators
from predictu_console.core.models import (
    OperatorCreate,
    OperatorCreated,
    OperatorDetail,
    OperatorListQuery,
    OperatorPage,
    OperatorUpdate,
    OperatorUpdated,
)
from predictu_console.db.session import session_scope

router = APIRouter(prefix="/operators", tags=["operators"])

_UPDATE_EXAMPLE = {
    "name": "Example Casino (Updated)",
    "status": "active",
    "callback_url": "https://api-v2.example-casino.com/callbacks/predictu",
    "revenue_share_predictu": 35,
    "allowed_origins": ["https://www.example-casino.com"],
    "branding": {"primary_color": "#2ecc71"},
    "config": {"new_tier_limit": 20, "can_promote_vip": True},
}


@router.get("", responses=responses(400, 401, 403))
def list_operators(
    actor: GodMode, db: Db, clock: ClockDep, query: Annotated[OperatorListQuery, Query()]
) -> OperatorPage:
    """List operators, filtered by status, searched by name or domain, sorted and paged."""
    with session_scope(db, write=False) as session:
        return operators.list_operators(session=session, query=query, clock=clock)


@router.post("", status_code=status.HTTP_201_CREATED, responses=responses(400, 401, 403, 409))
def create_operator(
    actor: GodMode, db: Db, clock: ClockDep, data: OperatorCreate
) -> OperatorCreated:
    """Create an operator in `onboarding`, with step 1 of the checklist complete."""
    with session_scope(db) as session:
        operator = operators.create_operator(session=session, actor=actor, data=data, clock=clock)
    return OperatorCreated(operator=operator)


@router.get("/{operator_id}", responses=responses(401, 403, 404))
def get_operator(actor: GodMode, db: Db, clock: ClockDep, operator_id: str) -> OperatorDetail:
    """The full operator with keys, onboarding checklist and recent invoices."""
    with session_scope(db, write=False) as session:
        return operators.get_operator(session=session, operator_id=operator_id, clock=clock)


@router.patch("/{operator_id}", responses=responses(400, 401, 403, 404, 409))
def update_operator(
    actor: GodMode,
    db: Db,
    clock: ClockDep,
    operator_id: str,
    data: Annotated[OperatorUpdate, Body(openapi_examples={"spec": {"value": _UPDATE_EXAMPLE}})],
) -> OperatorUpdated:
    """Change only the fields sent; `changes` reports exactly what differed."""
    with session_scope(db) as session:
        return operators.update_operator(
            session=session, actor=actor, operator_id=operator_id, data=data, clock=clock
        )
