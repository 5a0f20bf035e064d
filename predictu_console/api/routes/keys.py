"""`/operators/{id}/keys` and `/operators/{id}/public-key` (spec §5–§6)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, status

from predictu_console.api.deps import ClockDep, Db, GodMode, SecretBoxDep, limit_by_client
from predictu_console.api.errors import responses
from predictu_console.core import keys
from predictu_console.core.database import transaction
from predictu_console.core.keys import KeyCreate, KeysGenerated, PublicKeyOut

router = APIRouter(prefix="/operators/{operator_id}", tags=["keys"])


@router.post(
    "/keys", status_code=status.HTTP_201_CREATED, responses=responses(400, 401, 403, 404, 429)
)
def generate_keys(
    actor: GodMode,
    db: Db,
    clock: ClockDep,
    box: SecretBoxDep,
    operator_id: str,
    data: Annotated[
        KeyCreate | None,
        Body(
            openapi_examples={
                "spec": {"value": {"label": "Production keys v2", "grace_period_hours": 24}}
            }
        ),
    ] = None,
) -> KeysGenerated:
    """A new key pair; the secret is in this response only. Earlier keys start their grace."""
    with transaction(db) as session:
        return keys.generate_keys(
            session=session,
            actor=actor,
            operator_id=operator_id,
            data=data or KeyCreate(),
            box=box,
            clock=clock,
        )


@router.get("/public-key", responses=responses(404, 429), dependencies=[Depends(limit_by_client)])
def public_key(db: Db, clock: ClockDep, operator_id: str) -> PublicKeyOut:
    """The current public key. Needs no token: it is public information."""
    with transaction(db, write=False) as session:
        return keys.public_key(session=session, operator_id=operator_id, clock=clock)
