"""The scoring rule that restricts a player on its own: long-shot wins too often to be luck.

A position's price is what its shares cost on average (stake ÷ shares). A *long-shot win*
is a settled position that paid out although its price was below `LONG_SHOT_PRICE`. A
player's score is the share of long-shot wins among their last `WINDOW` settled positions
(newest settlement first; fewer positions count as losses), so it runs from 0 to 1. When a
market's resolution leaves an unrestricted player at `RESTRICT_AT` or above, that same
transaction restricts them as `suspected_insider` (core/platform.py `resolve_market`).

An honest player buying at 0.20 wins about one bet in five; eight long-shot wins in ten
happen by chance less than once in ten thousand such players.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from predictu_console.db.tables import Position

WINDOW = 10
LONG_SHOT_PRICE = Decimal("0.20")
RESTRICT_AT = Decimal("0.80")
CLASSIFICATION = "suspected_insider"


def score(session: Session, *, player_id: str) -> Decimal:
    """The player's long-shot wins over their last `WINDOW` settled positions, 0–1."""
    recent = session.execute(
        select(Position.stake, Position.shares, Position.payout)
        .where(Position.player_id == player_id, Position.status == "settled")
        .order_by(Position.settled_at.desc(), Position.id.desc())
        .limit(WINDOW)
    ).all()
    wins = sum(
        1
        for stake, shares, payout in recent
        if payout is not None and payout > 0 and stake < LONG_SHOT_PRICE * shares
    )
    return Decimal(wins) / WINDOW


def reason(player_score: Decimal) -> str:
    """Why the rule restricted a player, in words an admin reads beside the score."""
    wins = int(player_score * WINDOW)
    return (
        f"Scoring: {wins} of the last {WINDOW} settled positions won at prices "
        f"below {LONG_SHOT_PRICE}"
    )
