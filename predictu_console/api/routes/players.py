"""`/operators/{id}/players`: God Mode lists an operator's players and restricts one (§2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from predictu_console.api.deps import ClockDep, Db, GodMode
from predictu_console.api.errors import responses
from predictu_console.api.payloads import model_response
from predictu_console.core import players
from predictu_console.core.database import transaction
from predictu_console.core.players import (
    PlayerListQuery,
    PlayerPage,
    PlayerResponse,
    PlayerRestrict,
)

router = APIRouter(prefix="/operators/{operator_id}/players", tags=["players"])


@router.get("", responses=responses(400, 401, 403, 404, 429), response_model=PlayerPage)
def list_players(
    actor: GodMode,
    db: Db,
    operator_id: str,
    query: Annotated[PlayerListQuery, Query()],
    response: Response,
) -> Response:
    """The operator's players, newest first, with balance, status, trade count and volume."""
    with transaction(db, write=False) as session:
        page = players.list_players(session=session, operator_id=operator_id, query=query)
    return model_response(page, response)


@router.post("/{external_player_id}/restrict", responses=responses(400, 401, 403, 404, 429))
def restrict_player(
    actor: GodMode,
    db: Db,
    clock: ClockDep,
    operator_id: str,
    external_player_id: str,
    data: PlayerRestrict,
) -> PlayerResponse:
    """Stop the player's trades (classification `manual`); emits USER_RESTRICTED once.

    Restricting a restricted player changes nothing and answers the player as they are.
    """
    with transaction(db) as session:
        player = players.restrict_player(
            session=session,
            actor=actor,
            operator_id=operator_id,
            external_player_id=external_player_id,
            data=data,
            clock=clock,
        )
    return PlayerResponse(player=player)
