"""A state machine over the operator API and the God Mode actions around it (issue 18).

Every step goes through the real routes: operators' servers with their secret keys on
`/api/operator`, an admin on `/api/s2s`. A model predicts balances, restrictions and the
outbox events each action queues, from the documented rules alone (2 % fee rounded to cents,
shares = (amount − fee) / price, a winning share pays 1.00, the scoring rule of
core/scoring.py). After every step: no balance below zero and each player's balance and status
as the model says, `stats verify` clean, and the outbox holds exactly the predicted events per
operator and type. A refused request must change nothing at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from predictu_console.core import scoring
from predictu_console.core.clock import FrozenClock
from predictu_console.core.models import Actor
from predictu_console.core.stats import verify_rollups
from predictu_console.db.base import Base
from predictu_console.db.session import SessionFactory, session_scope
from predictu_console.db.tables import Delivery, Market, Operator, Player
from tests.factories import active_operator, generate_keys

OPERATOR_API = "/api/operator"
S2S = "/api/s2s"
FEE_RATE = Decimal("0.02")
CENT, MICRO = Decimal("0.01"), Decimal("0.000001")
"""Money is kept to cents; a position's shares to six decimals (its column's scale)."""
RESTRICTING_WINS = int(scoring.RESTRICT_AT * scoring.WINDOW)

CATEGORIES = {"casino": ("sports", "politics"), "sportsbook": ("sports",)}
"""Two operators, so events must reach the right one and a category can be refused."""
operators = st.sampled_from(sorted(CATEGORIES))
players = st.sampled_from(["alice", "bob"])
sides = st.sampled_from(["yes", "no"])
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(400), places=2)
prices = st.sampled_from([Decimal(p) for p in ("0.05", "0.10", "0.15", "0.40", "0.50", "0.75")])
"""Prices whose shares are exact or repeating thirds: a stored share count never sits on a
rounding boundary, so the model's payouts are exact on both backends."""

STATUS_OF = {
    "NOT_FOUND": 404,
    "PLAYER_EXISTS": 409,
    "INSUFFICIENT_BALANCE": 409,
    "MARKET_CLOSED": 409,
    "OPERATOR_INACTIVE": 403,
    "CATEGORY_NOT_ALLOWED": 403,
    "PLAYER_RESTRICTED": 403,
}


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Env:
    """The fixtures the machine drives: the app's client, an admin, the database, the clock."""

    client: TestClient
    admin: dict[str, str]
    factory: SessionFactory
    god: Actor
    clock: FrozenClock


@dataclass
class OperatorModel:
    """What the model knows of an operator: its key, what it may offer, whether it trades."""

    id: str
    key: dict[str, str]
    categories: tuple[str, ...]
    active: bool = True


@dataclass
class PlayerModel:
    """A player's balance, restriction and settled positions as the documented rules have it."""

    id: str
    balance: Decimal = Decimal(0)
    restricted: bool = False
    settled: list[tuple[int, bool]] = field(default_factory=list)
    """(resolution number, was it a long-shot win) of each settled position, oldest first."""

    def long_shot_wins(self, *, wins_first: bool) -> int:
        """Long-shot wins among the last WINDOW settled positions. Positions settled by the
        same resolution tie, and the rule may order them either way: `wins_first` picks."""
        newest = sorted(self.settled, key=lambda s: (-s[0], s[1] != wins_first))
        return sum(win for _, win in newest[: scoring.WINDOW])


@dataclass
class PositionModel:
    """A player's open position on one side of a market, as stored (shares to 6 decimals)."""

    stake: Decimal = Decimal(0)
    shares: Decimal = Decimal(0)


@dataclass
class MarketModel:
    """A market's category, whether it is still open, and the positions it will settle."""

    category: str
    open: bool = True
    positions: dict[tuple[str, str, str], PositionModel] = field(default_factory=dict)
    """By (operator, external player id, side)."""


class OperatorApiMachine(RuleBasedStateMachine):
    """Operators register, fund and trade; an admin restricts, deactivates and resolves."""

    markets = Bundle("markets")
    registered = Bundle("registered")
    """(operator, external player id) of players who registered."""

    def __init__(self, env: Env) -> None:
        super().__init__()
        self.env = env
        # Fresh operators per example: the database outlives examples, the model does not.
        self.operators: dict[str, OperatorModel] = {}
        for name, categories in CATEGORIES.items():
            made = active_operator(env.factory, env.god, env.clock, allowed_categories=categories)
            secret = generate_keys(env.factory, env.god, env.clock, made.id)
            key = {"Authorization": f"Bearer {secret}"}
            self.operators[name] = OperatorModel(made.id, key, categories)
        self.players: dict[tuple[str, str], PlayerModel] = {}
        self.market_models: dict[str, MarketModel] = {}
        self.resolutions = 0
        self.expected = self._outbox()  # what onboarding queued; every step adds to it

    # --- rules ----------------------------------------------------------------------------

    @initialize(target=markets)
    def open_sports_market(self) -> str:
        return self._open_market("sports")

    @initialize(target=markets)
    def open_politics_market(self) -> str:
        return self._open_market("politics")

    @initialize(target=registered, operator=operators, player=players)
    def first_player(self, operator: str, player: str) -> MultipleResults[tuple[str, str]]:
        return self.register(operator, player)

    @rule(target=markets, category=st.sampled_from(["sports", "politics"]))
    def open_market(self, category: str) -> str:
        return self._open_market(category)

    @rule(target=registered, operator=operators, player=players)
    def register(self, operator: str, player: str) -> MultipleResults[tuple[str, str]]:
        send = self._sender(operator, "/players", {"external_player_id": player})
        if (operator, player) in self.players:
            self._refused(send, {"PLAYER_EXISTS"})
            return multiple()
        response = send()
        assert response.status_code == 201, response.text
        registered = response.json()["player"]
        assert (registered["balance"], registered["status"]) == (0, "active")
        self.players[operator, player] = PlayerModel(registered["id"])
        self._expect(operator, "USER_REGISTERED")
        return multiple((operator, player))

    @rule(operator=operators, player=registered, amount=amounts)
    def deposit(self, operator: str, player: tuple[str, str], amount: Decimal) -> None:
        self._change_balance(operator, player[1], amount, "deposit")

    @rule(operator=operators, player=registered, amount=amounts)
    def withdraw(self, operator: str, player: tuple[str, str], amount: Decimal) -> None:
        self._change_balance(operator, player[1], amount, "withdrawal")

    @rule(
        operator=operators,
        player=registered,
        market=markets,
        side=sides,
        amount=amounts,
        price=prices,
    )
    def trade(
        self,
        operator: str,
        player: tuple[str, str],
        market: str,
        side: str,
        amount: Decimal,
        price: Decimal,
    ) -> None:
        self._trade(operator, player[1], market, side, amount, price)

    @rule(player=registered, wins=st.integers(1, RESTRICTING_WINS))
    def long_shot_run(self, player: tuple[str, str], wins: int) -> None:
        """A player backs `wins` long shots in a row and every one comes in: what the
        scoring rule exists to catch, and too many steps for random rules to stumble on."""
        operator, external_id = player
        self._change_balance(operator, external_id, Decimal(wins), "deposit")
        for _ in range(wins):
            market = self._open_market("sports")
            self._trade(operator, external_id, market, "yes", Decimal(1), Decimal("0.10"))
            self._resolve(market, "yes")

    @rule(operator=operators, player=players)
    def restrict(self, operator: str, player: str) -> None:
        path = f"{S2S}/operators/{self.operators[operator].id}/players/{player}/restrict"
        body = {"reason": "Chargebacks reported by the operator"}

        def send() -> Response:
            return self.env.client.post(path, json=body, headers=self.env.admin)

        model = self.players.get((operator, player))
        if model is None:
            self._refused(send, {"NOT_FOUND"})
            return
        before = self._snapshot()
        response = send()
        assert response.status_code == 200, response.text
        assert response.json()["player"]["status"] == "restricted"
        if model.restricted:  # idempotent: nothing changes, no second event
            assert self._snapshot() == before
            return
        model.restricted = True
        self._expect(operator, "USER_RESTRICTED")

    @rule(operator=operators, active=st.booleans())
    def set_status(self, operator: str, active: bool) -> None:
        model = self.operators[operator]
        response = self.env.client.patch(
            f"{S2S}/operators/{model.id}",
            json={"status": "active" if active else "inactive"},
            headers=self.env.admin,
        )
        assert response.status_code == 200, response.text
        if active != model.active:
            model.active = active
            self._expect(operator, "OPERATOR_STATUS_CHANGED")

    @rule(market=markets, outcome=sides)
    def resolve(self, market: str, outcome: str) -> None:
        self._resolve(market, outcome)

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def the_database_agrees_with_the_model(self) -> None:
        ids = {model.id: name for name, model in self.operators.items()}
        with session_scope(self.env.factory, write=False) as session:
            lowest = session.scalar(select(func.min(Player.balance)))
            drift = verify_rollups(session)
            rows = session.execute(
                select(
                    Player.operator_id,
                    Player.external_player_id,
                    Player.balance,
                    Player.restricted,
                ).where(Player.operator_id.in_(ids))
            ).all()
        assert lowest is None or lowest >= 0
        assert drift == []
        assert {(ids[op], ext): (balance, restricted) for op, ext, balance, restricted in rows} == {
            key: (model.balance, model.restricted) for key, model in self.players.items()
        }
        assert self._outbox() == self.expected

    # --- actions, each checked against the model ------------------------------------------

    def _open_market(self, category: str) -> str:
        response = self.env.client.post(
            f"{S2S}/markets",
            json={"title": f"Will {category} surprise us?", "category": category},
            headers=self.env.admin,
        )
        assert response.status_code == 201, response.text
        market_id: str = response.json()["market"]["id"]
        self.market_models[market_id] = MarketModel(category)
        return market_id

    def _change_balance(self, operator: str, player: str, amount: Decimal, reason: str) -> None:
        send = self._sender(
            operator, f"/players/{player}/balance", {"amount": float(amount), "reason": reason}
        )
        model = self.players.get((operator, player))
        if model is None:
            self._refused(send, {"NOT_FOUND"})
            return
        delta = amount if reason == "deposit" else -amount
        if model.balance + delta < 0:
            self._refused(send, {"INSUFFICIENT_BALANCE"})
            return
        response = send()
        assert response.status_code == 200, response.text
        model.balance += delta
        assert response.json()["player"]["balance"] == float(model.balance)
        self._expect(operator, "BALANCE_CHANGED")

    def _trade(
        self, operator: str, player: str, market: str, side: str, amount: Decimal, price: Decimal
    ) -> None:
        order = {
            "external_player_id": player,
            "market_id": market,
            "side": side,
            "amount": float(amount),
            "price": float(price),
        }
        send = self._sender(operator, "/trades", order)
        trader, model = self.operators[operator], self.players.get((operator, player))
        if model is None:  # players belong to one operator: another's are not found
            self._refused(send, {"NOT_FOUND"})
            return
        book = self.market_models[market]
        # Which refusal wins when several apply is the product's choice; any of them will do.
        refusals = {
            code
            for code, applies in (
                ("OPERATOR_INACTIVE", not trader.active),
                ("CATEGORY_NOT_ALLOWED", book.category not in trader.categories),
                ("MARKET_CLOSED", not book.open),
                ("PLAYER_RESTRICTED", model.restricted),
                ("INSUFFICIENT_BALANCE", model.balance < amount),
            )
            if applies
        }
        if refusals:
            self._refused(send, refusals)
            return
        response = send()
        assert response.status_code == 201, response.text
        fee = _cents(amount * FEE_RATE)
        shares = (amount - fee) / price
        assert response.json()["trade"]["shares"] == pytest.approx(float(shares), abs=1e-6)
        model.balance -= amount
        position = book.positions.setdefault((operator, player, side), PositionModel())
        position.stake += amount - fee
        position.shares = (position.shares + shares).quantize(MICRO)
        self._expect(operator, "TRADE_PLACED")
        self._expect(operator, "BALANCE_CHANGED")

    def _resolve(self, market: str, outcome: str) -> None:
        path = f"{S2S}/markets/{market}/resolve"

        def send() -> Response:
            return self.env.client.post(path, json={"outcome": outcome}, headers=self.env.admin)

        book = self.market_models[market]
        if not book.open:
            self._refused(send, {"MARKET_CLOSED"})
            return
        # A second apart, so the scoring rule's "newest settlement first" has an order.
        self.env.clock.advance(timedelta(seconds=1))
        response = send()
        assert response.status_code == 200, response.text
        book.open = False
        self.resolutions += 1
        for (operator, player, side), position in book.positions.items():
            model = self.players[operator, player]
            payout = _cents(position.shares) if side == outcome else Decimal(0)
            self._expect(operator, "POSITION_RESOLVED")
            if payout:
                model.balance += payout
                self._expect(operator, "BALANCE_CHANGED")
            long_shot = payout > 0 and position.stake < scoring.LONG_SHOT_PRICE * position.shares
            model.settled.append((self.resolutions, long_shot))
        affected = {operator for operator, _, _ in book.positions}
        for operator in affected:
            self._expect(operator, "MARKET_RESOLVED")
        body = response.json()
        assert (body["positions_settled"], body["operators_affected"]) == (
            len(book.positions),
            len(affected),
        )
        for operator, player in {(operator, player) for operator, player, _ in book.positions}:
            self._apply_scoring_rule(operator, player)

    def _apply_scoring_rule(self, operator: str, player: str) -> None:
        model = self.players[operator, player]
        if model.restricted:
            return
        if model.long_shot_wins(wins_first=False) >= RESTRICTING_WINS:
            model.restricted = True
        elif model.long_shot_wins(wins_first=True) >= RESTRICTING_WINS:
            # Only the order of two positions settled together decides: take the product's.
            with session_scope(self.env.factory, write=False) as session:
                model.restricted = session.get_one(Player, model.id).restricted
        if model.restricted:
            self._expect(operator, "USER_RESTRICTED")

    # --- helpers --------------------------------------------------------------------------

    def _sender(self, operator: str, path: str, body: dict[str, Any]) -> Callable[[], Response]:
        """A request of the operator's server, sent when called."""
        key = self.operators[operator].key
        return lambda: self.env.client.post(f"{OPERATOR_API}{path}", json=body, headers=key)

    def _refused(self, send: Callable[[], Response], codes: set[str]) -> None:
        """The request is refused with one of `codes` and its status, and writes nothing."""
        before = self._snapshot()
        response = send()
        refusal = (response.status_code, response.json().get("error", {}).get("code"))
        assert refusal in {(STATUS_OF[code], code) for code in codes}, response.text
        assert self._snapshot() == before

    def _snapshot(self) -> tuple[object, ...]:
        """Every table's row count, and the state of every player, market and operator."""
        with session_scope(self.env.factory, write=False) as session:
            counts = session.execute(
                select(
                    *(
                        select(func.count()).select_from(table).scalar_subquery()
                        for table in Base.metadata.sorted_tables
                    )
                )
            ).one()
            players = session.execute(
                select(Player.id, Player.balance, Player.restricted).order_by(Player.id)
            ).all()
            markets = session.execute(select(Market.id, Market.status).order_by(Market.id)).all()
            operators = session.execute(
                select(Operator.id, Operator.status, Operator.version).order_by(Operator.id)
            ).all()
        return tuple(counts), players, markets, operators

    def _outbox(self) -> Counter[tuple[str, str]]:
        """Outbox rows of this example's operators, by (operator name, event type)."""
        names = {model.id: name for name, model in self.operators.items()}
        with session_scope(self.env.factory, write=False) as session:
            rows = session.execute(
                select(Delivery.operator_id, Delivery.event).where(Delivery.operator_id.in_(names))
            ).all()
        return Counter((names[operator_id], event) for operator_id, event in rows)

    def _expect(self, operator: str, event: str) -> None:
        self.expected[operator, event] += 1


@pytest.mark.slow
def test_any_mix_of_operator_and_admin_actions_keeps_the_books_and_the_outbox_exact(
    client, auth, session_factory, god, clock
):
    env = Env(client=client, admin=auth, factory=session_factory, god=god, clock=clock)

    run_state_machine_as_test(
        lambda: OperatorApiMachine(env),
        settings=settings(max_examples=12, stateful_step_count=25, deadline=None),
    )
