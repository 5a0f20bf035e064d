"""The operator API (operator-side spec §1): what an operator's server does with its secret key.

The key identifies the operator; every action is scoped to that operator's players and
allowed categories, and is the platform's own action (core/platform.py), so its economics,
refusals and callback events are the same wherever it comes from.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from predictu_console.core import keys, platform
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.crypto import SecretBox
from predictu_console.core.database import transaction
from predictu_console.core.errors import KeyExpired, NotFound, Unauthorized
from predictu_console.core.fields import Money, Share, Status, Timestamp, format_timestamp
from predictu_console.core.keys import PUBLIC_PREFIX, SECRET_PREFIX, KeyStatus
from predictu_console.core.models import InputModel
from predictu_console.core.players import PlayerSummary
from predictu_console.db.session import SessionFactory
from predictu_console.db.tables import ApiKey, Market, Operator, Player, Trade

LAST_USED_RESOLUTION = timedelta(minutes=1)
"""`last_used_at` moves at most once a minute per key: one write, not one per request."""

NO_KEY = "Send the operator's secret key as `Authorization: Bearer sk_live_…`"
PUBLIC_KEY_SENT = (
    "That is a public key (pk_live_…): it identifies the operator in players' browsers. "
    "Authenticate with the secret key (sk_live_…)"
)
UNKNOWN_KEY = "No operator has this secret key; check it, or generate a new key pair"


class OperatorCaller(BaseModel):
    """Who is calling: the operator its secret key belongs to, and that key."""

    model_config = ConfigDict(frozen=True)

    operator_id: str
    key_id: str


def authenticate(
    *, factory: SessionFactory, secret: str, box: SecretBox, clock: Clock = SYSTEM_CLOCK
) -> OperatorCaller:
    """The caller a secret key identifies, its use recorded. Raises Unauthorized, KeyExpired."""
    if secret.startswith(PUBLIC_PREFIX):
        raise Unauthorized(PUBLIC_KEY_SENT)
    if not secret.startswith(SECRET_PREFIX):
        raise Unauthorized(NO_KEY)
    now = clock.now()
    with transaction(factory, write=False) as session:
        key = keys.find_by_secret(session, secret)
        unhashed = key is None and keys.unhashed_keys_remain(session, now)
    if unhashed:
        with transaction(factory) as session:
            keys.hash_unhashed_keys(session, box=box, now=now)
            key = keys.find_by_secret(session, secret)
    if key is None:
        raise Unauthorized(UNKNOWN_KEY)
    if keys.key_status(key, now) == "expired":
        assert key.expires_at is not None
        raise KeyExpired(
            f"This secret key's grace period ended at {format_timestamp(key.expires_at)}; "
            "use the operator's newest secret key"
        )
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        _record_use(factory, key.id, now)
    return OperatorCaller(operator_id=key.operator_id, key_id=key.id)


def _record_use(factory: SessionFactory, key_id: str, now: datetime) -> None:
    # Conditional, so concurrent requests write it once and an older moment never wins.
    with transaction(factory) as session:
        session.execute(
            update(ApiKey)
            .where(
                ApiKey.id == key_id,
                or_(
                    ApiKey.last_used_at.is_(None),
                    ApiKey.last_used_at <= now - LAST_USED_RESOLUTION,
                ),
            )
            .values(last_used_at=now)
        )


def _json_number(value: Any) -> Any:
    # JSON true, "10" and the like are typos, not amounts.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("must be a number")
    return value


Amount = Annotated[
    Decimal,
    BeforeValidator(_json_number),
    Field(gt=0, le=1_000_000, decimal_places=2),
    WithJsonSchema(
        {"type": "number", "exclusiveMinimum": 0, "maximum": 1_000_000, "multipleOf": 0.01}
    ),
]
Price = Annotated[
    Decimal,
    BeforeValidator(_json_number),
    # Float bounds: the message a caller reads then says 0.99, not a Decimal's repr.
    Field(ge=0.01, le=0.99, decimal_places=4),
    WithJsonSchema({"type": "number", "minimum": 0.01, "maximum": 0.99, "multipleOf": 0.0001}),
]
ExternalPlayerId = Annotated[str, Field(pattern=r"^[A-Za-z0-9._:@-]{1,100}$")]
"""The operator's own id for a player: it appears in URL paths, so URL-safe characters only."""


class PlayerCreate(InputModel):
    """Body of `POST /players`."""

    external_player_id: ExternalPlayerId


class BalanceChange(InputModel):
    """Body of `POST /players/{external_player_id}/balance`."""

    amount: Amount
    reason: Literal["deposit", "withdrawal"]


class TradeOrder(InputModel):
    """Body of `POST /trades`."""

    external_player_id: ExternalPlayerId
    market_id: str = Field(min_length=1, max_length=32)
    side: platform.Side
    amount: Amount
    price: Price


class CallerKey(BaseModel):
    """The key the request authenticated with."""

    key_id: str
    status: KeyStatus
    expires_at: Timestamp | None


class MeOut(BaseModel):
    """Response of `GET /me`."""

    operator_id: str
    name: str
    status: Status
    key: CallerKey


class MarketOut(BaseModel):
    """A market the operator's players may trade on."""

    id: str
    title: str
    category: str
    status: Literal["open", "resolved"]


class MarketsOut(BaseModel):
    """Response of `GET /markets`."""

    markets: list[MarketOut]


class PlayerResponse(BaseModel):
    """Response of `POST /players` and `POST /players/{external_player_id}/balance`."""

    player: PlayerSummary


class TradeOut(BaseModel):
    """A booked trade."""

    id: str
    market_id: str
    side: platform.Side
    amount: Money
    price: Share
    shares: Money
    created_at: Timestamp


class TradeResponse(BaseModel):
    """Response of `POST /trades`."""

    trade: TradeOut


def me(*, session: Session, caller: OperatorCaller, clock: Clock = SYSTEM_CLOCK) -> MeOut:
    """The operator and the key the request came with. Raises NotFound."""
    operator = _operator(session, caller)
    key = session.get(ApiKey, caller.key_id)
    if key is None:
        raise NotFound(f"No API key with id {caller.key_id!r}")
    return MeOut(
        operator_id=operator.id,
        name=operator.name,
        status=operator.status,
        key=CallerKey(
            key_id=key.id, status=keys.key_status(key, clock.now()), expires_at=key.expires_at
        ),
    )


def open_markets(*, session: Session, caller: OperatorCaller) -> MarketsOut:
    """The open markets in the operator's allowed categories, oldest first."""
    operator = _operator(session, caller)
    rows = session.scalars(
        select(Market)
        .where(Market.status == "open", Market.category.in_(operator.allowed_categories))
        .order_by(Market.created_at, Market.id)
    )
    return MarketsOut(
        markets=[
            MarketOut(id=row.id, title=row.title, category=row.category, status="open")
            for row in rows
        ]
    )


def register_player(
    *, session: Session, caller: OperatorCaller, data: PlayerCreate, clock: Clock = SYSTEM_CLOCK
) -> PlayerResponse:
    """A new player of the operator (USER_REGISTERED). Raises PlayerExists."""
    event = platform.register_player(
        session=session,
        operator_id=caller.operator_id,
        external_player_id=data.external_player_id,
        clock=clock,
    )
    player = session.get(Player, event.payload["user_id"])
    assert player is not None
    return PlayerResponse(player=PlayerSummary.of(player))


def change_balance(
    *,
    session: Session,
    caller: OperatorCaller,
    external_player_id: str,
    data: BalanceChange,
    clock: Clock = SYSTEM_CLOCK,
) -> PlayerResponse:
    """Deposit or withdraw (BALANCE_CHANGED). Raises NotFound, InsufficientBalance."""
    player = _player(session, caller, external_player_id)
    delta = data.amount if data.reason == "deposit" else -data.amount
    platform.adjust_balance(
        session=session, player_id=player.id, amount=delta, reason=data.reason, clock=clock
    )
    return PlayerResponse(player=PlayerSummary.of(player))


def place_trade(
    *, session: Session, caller: OperatorCaller, data: TradeOrder, clock: Clock = SYSTEM_CLOCK
) -> TradeResponse:
    """Book a player's trade (TRADE_PLACED, BALANCE_CHANGED).

    Raises NotFound, OperatorInactive, OperatorOnboarding, CategoryNotAllowed, MarketClosed,
    PlayerRestricted, InsufficientBalance.
    """
    player = _player(session, caller, data.external_player_id)
    if session.get(Market, data.market_id) is None:
        raise NotFound(f"No market with id {data.market_id!r}")
    events = platform.place_trade(
        session=session,
        data=platform.TradeCreate(
            player_id=player.id,
            market_id=data.market_id,
            side=data.side,
            amount=data.amount,
            price=data.price,
        ),
        clock=clock,
    )
    trade = session.get(Trade, events[0].payload["trade_id"])
    assert trade is not None
    return TradeResponse(
        trade=TradeOut(
            id=trade.id,
            market_id=trade.market_id,
            side=trade.side,
            amount=trade.amount,
            price=trade.price,
            shares=platform.trade_shares(trade),
            created_at=trade.created_at,
        )
    )


def _operator(session: Session, caller: OperatorCaller) -> Operator:
    operator = session.get(Operator, caller.operator_id)
    if operator is None:
        raise NotFound(f"No operator found with id {caller.operator_id!r}")
    return operator


def _player(session: Session, caller: OperatorCaller, external_player_id: str) -> Player:
    """The operator's player by its external id: another operator's players are not found."""
    player = session.scalar(
        select(Player).where(
            Player.operator_id == caller.operator_id,
            Player.external_player_id == external_player_id,
        )
    )
    if player is None:
        raise NotFound(f"No player {external_player_id!r} is registered with this operator")
    return player
