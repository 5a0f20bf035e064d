"""Operator traffic for `demo` and `simulate`: what operators' servers and God Mode do, by the
same core functions the operator API and the console call (core/operator_api.py,
core/players.py, core/markets.py), so every figure, refusal and callback event is real.

Each action runs in the caller's transaction at the traffic's clock; `deliver_due` then sends
what is due through the real delivery code (claim, sign, send, record), in that transaction:
the sender it is given talks to the simulated demo servers, so nothing waits on a network.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from predictu_console.core import ids, markets, operator_api, players
from predictu_console.core.callbacks import delivery
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.clock import Clock
from predictu_console.core.crypto import SecretBox
from predictu_console.core.errors import NotFound
from predictu_console.core.keys import IS_CURRENT
from predictu_console.core.models import Actor
from predictu_console.core.money import cents
from predictu_console.core.platform import MarketCreate
from predictu_console.db.tables import ApiKey, Market, Operator, Player

TIMEOUT_MS = 10_000
DEPOSITS = (20, 50, 100, 200, 500)
STAKES = (5, 10, 20, 25, 50)
TITLES = {
    "politics": "Will the motion pass the next vote?",
    "sports": "Will the favourite win on Saturday?",
    "crypto": "Will BTC close the week higher?",
    "entertainment": "Will the sequel top the box office?",
}
"""What a new market asks, per category, when `resolve` opens one to replace a resolved one."""


def caller_of(session: Session, operator_id: str) -> operator_api.OperatorCaller | None:
    """The operator as its server calls the operator API, with its current key; None without."""
    key_id = session.scalar(
        select(ApiKey.id).where(ApiKey.operator_id == operator_id, IS_CURRENT).limit(1)
    )
    return (
        None
        if key_id is None
        else operator_api.OperatorCaller(operator_id=operator_id, key_id=key_id)
    )


def deliver_due(
    session: Session,
    *,
    sender: CallbackSender,
    box: SecretBox,
    now: datetime,
    rng: random.Random,
    worker: str,
) -> list[delivery.Outcome]:
    """Claim every delivery due at `now`, send it, and record the attempts."""
    claims = delivery.claim_due(
        session, box=box, now=now, limit=1000, lease=timedelta(milliseconds=2 * TIMEOUT_MS)
    )
    results = [(c, delivery.send(c, sender, timeout_ms=TIMEOUT_MS, now=now)) for c in claims]
    delivery.record_attempts(session, results, worker=worker, now=now, rng=rng)
    return [outcome for _, outcome in results]


@dataclass
class Traffic:
    """Actions at `clock`'s moment in `session`, chosen with `rng`."""

    session: Session
    actor: Actor
    clock: Clock
    rng: random.Random

    def register(self, caller: operator_api.OperatorCaller) -> str:
        """A new player signs up at the operator (USER_REGISTERED); returns its external id."""
        external_id = f"web-{ids.random_base62(10)}"
        operator_api.register_player(
            session=self.session,
            caller=caller,
            data=operator_api.PlayerCreate(external_player_id=external_id),
            clock=self.clock,
        )
        return external_id

    def move(
        self, caller: operator_api.OperatorCaller, player: str, amount: Decimal, reason: str
    ) -> None:
        """A deposit or withdrawal (BALANCE_CHANGED). Raises InsufficientBalance."""
        operator_api.change_balance(
            session=self.session,
            caller=caller,
            external_player_id=player,
            data=operator_api.BalanceChange.model_validate({"amount": amount, "reason": reason}),
            clock=self.clock,
        )

    def deposit(self, caller: operator_api.OperatorCaller, player: str) -> None:
        """The player tops up by a usual amount."""
        self.move(caller, player, Decimal(self.rng.choice(DEPOSITS)), "deposit")

    def withdraw(self, caller: operator_api.OperatorCaller, player: str) -> None:
        """The player cashes out part of their balance. Raises InsufficientBalance."""
        balance = self._balance(caller, player)
        amount = cents(balance * Decimal(self.rng.randint(20, 80)) / 100)
        self.move(caller, player, max(amount, Decimal("0.01")), "withdrawal")

    def _balance(self, caller: operator_api.OperatorCaller, player: str) -> Decimal:
        balance = self.session.scalar(
            select(Player.balance).where(
                Player.operator_id == caller.operator_id, Player.external_player_id == player
            )
        )
        return balance or Decimal(0)

    def trade(self, caller: operator_api.OperatorCaller, player: str) -> None:
        """The player stakes up to half their balance on a side of an open market of the
        operator's categories (TRADE_PLACED, BALANCE_CHANGED). Raises NotFound without one,
        and the trade's refusals."""
        offered = operator_api.open_markets(session=self.session, caller=caller).markets
        if not offered:
            raise NotFound("No open market in the operator's categories")
        market = self.rng.choice(offered)
        half = cents(self._balance(caller, player) / 2)
        stake = min(Decimal(self.rng.choice(STAKES)), half)
        operator_api.place_trade(
            session=self.session,
            caller=caller,
            data=operator_api.TradeOrder(
                external_player_id=player,
                market_id=market.id,
                side=self.rng.choice(("yes", "no")),
                amount=max(stake, Decimal("0.01")),
                price=Decimal(self.rng.randint(10, 90)) / 100,
            ),
            clock=self.clock,
        )

    def restrict(self, operator_id: str, player: str) -> None:
        """A God Mode admin restricts the player (USER_RESTRICTED)."""
        players.restrict_player(
            session=self.session,
            actor=self.actor,
            operator_id=operator_id,
            external_player_id=player,
            data=players.PlayerRestrict(reason="Unusual win rate, simulated review"),
            clock=self.clock,
        )

    def resolve(self) -> None:
        """A God Mode admin resolves the oldest open market and opens a new one in its
        category (POSITION_RESOLVED, BALANCE_CHANGED, MARKET_RESOLVED)."""
        market = self.session.scalars(
            select(Market).where(Market.status == "open").order_by(Market.created_at).limit(1)
        ).first()
        if market is None:
            return
        markets.resolve_market(
            session=self.session,
            actor=self.actor,
            market_id=market.id,
            data=markets.MarketResolve(outcome=self.rng.choice(("yes", "no"))),
            clock=self.clock,
        )
        markets.create_market(
            session=self.session,
            actor=self.actor,
            data=MarketCreate(title=TITLES[market.category], category=market.category),
            clock=self.clock,
        )

    def some_player(self, operator_id: str) -> str | None:
        """One of the operator's unrestricted players with money, at random."""
        return self.session.scalar(
            select(Player.external_player_id)
            .where(
                Player.operator_id == operator_id,
                Player.restricted.is_(False),
                Player.balance > 0,
            )
            .order_by(func.random())
            .limit(1)
        )


def active_operators(session: Session) -> list[str]:
    """The operators that trade now, oldest first."""
    return list(
        session.scalars(
            select(Operator.id).where(Operator.status == "active").order_by(Operator.created_at)
        )
    )
