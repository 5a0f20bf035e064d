"""`predictu-console simulate`: live operator traffic against the current database.

Like the Stripe CLI's `trigger`, but continuous: every tick one operator's server (an active
operator with an API key) registers a player, moves a balance or places a trade through the
operator API's core functions, and now and then a God Mode admin restricts a player or
resolves a market (core/demo/traffic.py). Each action is its own transaction, so the console
sees it at once; a refused one (an empty balance, a restricted player) writes nothing and is
counted as refused. A real delivery worker (core/callbacks/worker.py) sends the resulting
callbacks meanwhile, to the demo operators' servers simulated in-process
(core/demo/servers.py): the troubled ones time out or refuse, and their health shows it.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import func, select

from predictu_console.core.callbacks.worker import DeliveryWorker, WorkerConfig
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.crypto import SecretBox
from predictu_console.core.demo.seed import demo_actor
from predictu_console.core.demo.servers import database_secrets, simulated_sender
from predictu_console.core.demo.traffic import Traffic, active_operators, caller_of
from predictu_console.core.errors import NotFound, PredictuError
from predictu_console.core.models import Actor
from predictu_console.db.session import SessionFactory, session_scope
from predictu_console.db.tables import DeliveryAttempt

ACTIONS = {
    "registration": 3.0,
    "deposit": 3.0,
    "trade": 8.0,
    "withdrawal": 1.5,
    "restriction": 0.3,
    "resolution": 0.05,
}
"""How often each action comes, relatively: mostly trading, rarely a market's end."""
NO_TRAFFIC = (
    "No active operator with an API key to simulate traffic for; "
    "seed the demo first: predictu-console demo --no-tui"
)


class SimulationConfig(BaseModel):
    """How long and how fast to simulate."""

    seconds: float | None = Field(default=None, gt=0, le=86_400)
    """Stop after this long; None runs until stopped."""
    rate: float = Field(default=5.0, gt=0, le=100)
    """Actions per second."""


@dataclass
class Tally:
    """What the simulation did so far."""

    actions: Counter[str] = field(default_factory=Counter)
    refused: int = 0
    delivered: int = 0
    failed: int = 0

    def line(self, elapsed: float) -> str:
        """One line a person reads: the actions by kind, refusals, and callback attempts."""
        kinds = ", ".join(
            f"{count} {kind}{'' if count == 1 else 's'}"
            for kind, count in sorted(self.actions.items())
        )
        return (
            f"{elapsed:5.0f} s  {sum(self.actions.values())} actions ({kinds or 'none'}), "
            f"{self.refused} refused · callbacks: {self.delivered} delivered, "
            f"{self.failed} failed attempts"
        )


def _act(traffic: Traffic, kind: str, operator_id: str) -> bool:
    """Do one action of `kind` at the operator; False when it had nobody to do it for."""
    caller = caller_of(traffic.session, operator_id)
    if caller is None:
        return False
    if kind == "registration":
        traffic.register(caller)
        return True
    if kind == "resolution":
        traffic.resolve()
        return True
    player = traffic.some_player(operator_id)
    if player is None:
        traffic.deposit(caller, traffic.register(caller))
        return True
    if kind == "deposit":
        traffic.deposit(caller, player)
    elif kind == "trade":
        traffic.trade(caller, player)
    elif kind == "withdrawal":
        traffic.withdraw(caller, player)
    else:
        traffic.restrict(operator_id, player)
    return True


def _attempts_since(factory: SessionFactory, since: datetime) -> tuple[int, int]:
    """(successful, failed) delivery attempts started since `since`."""
    failed = DeliveryAttempt.error.is_not(None)
    with session_scope(factory, write=False) as session:
        row = session.execute(
            select(func.count(), func.count().filter(failed)).where(
                DeliveryAttempt.started_at >= since
            )
        ).one()
    return row[0] - row[1], row[1]


@dataclass
class Simulation:
    """One run: its database, master key, and the demo admin who restricts and resolves."""

    factory: SessionFactory
    box: SecretBox
    actor: Actor
    clock: Clock = SYSTEM_CLOCK
    rng: random.Random = field(default_factory=random.Random)

    def step(self, tally: Tally) -> None:
        """One action, in its own transaction; a refused one rolls back and is counted."""
        kind = self.rng.choices(list(ACTIONS), weights=list(ACTIONS.values()))[0]
        try:
            with session_scope(self.factory) as session:
                operators = active_operators(session)
                traffic = Traffic(session, self.actor, self.clock, self.rng)
                if operators and _act(traffic, kind, self.rng.choice(operators)):
                    tally.actions[kind] += 1
        except PredictuError:
            tally.refused += 1

    def worker(self, *, allow_private: bool) -> DeliveryWorker:
        """A real delivery worker whose sender reaches the simulated demo servers."""

        sender, _ = simulated_sender(
            secrets_of=database_secrets(self.factory, self.box), allow_private=allow_private
        )
        config = WorkerConfig(poll_seconds=0.2)
        return DeliveryWorker(
            factory=self.factory, box=self.box, sender=sender, clock=self.clock, config=config
        )


def prepare(*, factory: SessionFactory, box: SecretBox) -> Simulation:
    """A simulation of the database's traffic. Raises NotFound when no active operator has a
    key to trade with (run `demo` first)."""
    with session_scope(factory) as session:
        actor = demo_actor(session, SYSTEM_CLOCK)
        if not any(caller_of(session, op) for op in active_operators(session)):
            raise NotFound(NO_TRAFFIC)
    return Simulation(factory, box, actor)


def simulate(
    run: Simulation,
    *,
    config: SimulationConfig,
    stop: threading.Event,
    report: Callable[[str], None],
    allow_private: bool = False,
) -> Tally:
    """Drive traffic until `config.seconds` pass or `stop` is set, reporting once a second;
    the delivery worker then finishes the callbacks in flight."""
    factory = run.factory
    since = SYSTEM_CLOCK.now()
    worker_stop = threading.Event()
    delivering = threading.Thread(
        target=run.worker(allow_private=allow_private).run, args=(worker_stop,), daemon=True
    )
    delivering.start()
    tally, started = Tally(), time.monotonic()
    steps, next_report = 0, started + 1
    try:
        while not stop.is_set():
            if config.seconds is not None and time.monotonic() - started >= config.seconds:
                break
            run.step(tally)
            steps += 1
            if time.monotonic() >= next_report:
                tally.delivered, tally.failed = _attempts_since(factory, since)
                report(tally.line(time.monotonic() - started))
                next_report += 1
            # Paced from the start, so slow actions do not lower the rate asked for.
            stop.wait(max(0.0, started + steps / config.rate - time.monotonic()))
    finally:
        worker_stop.set()
        delivering.join()
    tally.delivered, tally.failed = _attempts_since(factory, since)
    report(tally.line(time.monotonic() - started))
    return tally
