"""Players as God Mode sees them: an operator's players with their activity, and restriction.

An admin's restriction is idempotent: restricting a restricted player changes nothing, emits
no event and writes no audit row, and answers the player as they are.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from predictu_console.core import audit, platform, scoring
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.errors import NotFound
from predictu_console.core.fields import Money, Share, Timestamp
from predictu_console.core.models import Actor, InputModel
from predictu_console.core.platform import Text
from predictu_console.db.tables import Operator, Player, Trade

MANUAL = "manual"
"""The classification of a restriction an admin made, beside the rule's `suspected_insider`."""


class PlayerSummary(BaseModel):
    """A player as the operator API shows them (operator-side spec §1)."""

    id: str
    external_player_id: str
    balance: Money
    status: Literal["active", "restricted"]
    created_at: Timestamp

    @classmethod
    def of(cls, row: Player) -> PlayerSummary:
        """The summary of a player's row."""
        return cls(**summary_fields(row))


def summary_fields(row: Player) -> dict[str, object]:
    """What every view of a player starts from."""
    return {
        "id": row.id,
        "external_player_id": row.external_player_id,
        "balance": row.balance,
        "status": "restricted" if row.restricted else "active",
        "created_at": row.created_at,
    }


class PlayerOut(PlayerSummary):
    """A player with their activity and, once restricted, why, when and how they scored."""

    last_active_at: Timestamp
    trade_count: int
    volume: Money
    restricted_reason: str | None
    restricted_at: Timestamp | None
    restriction_score: Share | None
    classification: str | None


class PlayerResponse(BaseModel):
    """Response of `POST /operators/{id}/players/{external_player_id}/restrict`."""

    success: Literal[True] = True
    player: PlayerOut


class PlayerListQuery(BaseModel):
    """Query of `GET /operators/{id}/players`; any other parameter is an error."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10_000_000)


class PlayerPage(BaseModel):
    """One page of an operator's players, newest first."""

    players: list[PlayerOut]
    total: int
    limit: int
    offset: int


class PlayerRestrict(InputModel):
    """Body of a restriction: the admin's reason, kept with the player and in the audit log."""

    reason: Text


def list_players(*, session: Session, operator_id: str, query: PlayerListQuery) -> PlayerPage:
    """One page of the operator's players, newest first. Raises NotFound."""
    _require_operator(session, operator_id)
    of_operator = Player.operator_id == operator_id
    total = session.scalar(select(func.count()).select_from(Player).where(of_operator)) or 0
    rows = session.scalars(
        select(Player)
        .where(of_operator)
        .order_by(Player.created_at.desc(), Player.id.desc())
        .limit(query.limit)
        .offset(query.offset)
    ).all()
    activity = _activity(session, [row.id for row in rows])
    return PlayerPage(
        players=[_out(row, *activity.get(row.id, (0, Decimal(0)))) for row in rows],
        total=total,
        limit=query.limit,
        offset=query.offset,
    )


def restrict_player(
    *,
    session: Session,
    actor: Actor,
    operator_id: str,
    external_player_id: str,
    data: PlayerRestrict,
    clock: Clock = SYSTEM_CLOCK,
) -> PlayerOut:
    """Restrict the player as `manual`, scored by the rule as it stands. Raises NotFound.

    USER_RESTRICTED carries that score and classification; a second restriction is a no-op.
    """
    _require_operator(session, operator_id)
    player_id = session.scalar(
        select(Player.id).where(
            Player.operator_id == operator_id, Player.external_player_id == external_player_id
        )
    )
    if player_id is None:
        raise NotFound(f"No player {external_player_id!r} at operator {operator_id!r}")
    event = platform.restrict_player(
        session=session,
        player_id=player_id,
        score=scoring.score(session, player_id=player_id),
        classification=MANUAL,
        reason=data.reason,
        clock=clock,
    )
    player = session.get_one(Player, player_id)
    if event is not None:
        audit.record(
            session,
            actor=actor,
            action="player.restricted",
            at=event.timestamp,
            operator_id=operator_id,
            changes={
                "player_id": {"from": None, "to": player.id},
                "status": {"from": "active", "to": "restricted"},
                "restricted_reason": {"from": None, "to": data.reason},
            },
        )
    return _out(player, *_activity(session, [player_id]).get(player_id, (0, Decimal(0))))


def _require_operator(session: Session, operator_id: str) -> None:
    if session.get(Operator, operator_id) is None:
        raise NotFound(f"No operator found with id {operator_id!r}")


def _activity(session: Session, player_ids: list[str]) -> dict[str, tuple[int, Decimal]]:
    """Trade count and volume per player, for one page of players."""
    if not player_ids:
        return {}
    rows = session.execute(
        select(Trade.player_id, func.count(), func.sum(Trade.amount))
        .where(Trade.player_id.in_(player_ids))
        .group_by(Trade.player_id)
    ).all()
    return {player_id: (count, Decimal(volume)) for player_id, count, volume in rows}


def _out(row: Player, trade_count: int, volume: Decimal) -> PlayerOut:
    return PlayerOut(
        **summary_fields(row),
        last_active_at=row.last_active_at,
        trade_count=trade_count,
        volume=volume,
        restricted_reason=row.restricted_reason,
        restricted_at=row.restricted_at,
        restriction_score=row.restriction_score,
        classification=row.classification,
    )
