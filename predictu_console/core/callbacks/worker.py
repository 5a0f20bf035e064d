"""The delivery worker: drains the outbox with bounded concurrency until told to stop.

Run it as `predictu-console worker`, or inside `serve`. Any number of workers, in any number
of processes, can share a database (`delivery.py` explains the claims). Stopping is
graceful: no new claims, in-flight deliveries finish (each is bounded by its timeout), and
a worker killed outright only leaves leases that expire.

Order: deliveries are attempted oldest-due first, concurrently; a retry waits its turn, so
callbacks for one operator can arrive out of order. Receivers order by the body's
`timestamp` and de-duplicate on `X-Predictu-Delivery`.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager, closing
from dataclasses import dataclass, field
from datetime import timedelta

from pydantic import BaseModel, Field, ValidationInfo, field_validator
from sqlalchemy.orm import Session

from predictu_console.core.callbacks import delivery
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.crypto import SecretBox
from predictu_console.db.session import HeldConnection, SessionFactory, session_scope

log = logging.getLogger(__name__)
InFlight = dict[Future[delivery.Outcome], delivery.Claim]
"""Sends under way, and the claim each belongs to."""
Finished = list[tuple[delivery.Claim, Future[delivery.Outcome]]]
"""Sends that have ended, waiting to be recorded."""
Results = Sequence[tuple[delivery.Claim, delivery.Outcome]]
"""Attempts to record, each with the claim it was made under."""


def _collect(in_flight: InFlight, stop: threading.Event, keep: int, poll: float) -> Finished:
    """Take ended sends out of `in_flight` until at most `keep` remain, a poll interval
    passes with none ending, or `stop` is set."""
    finished: Finished = []
    while len(in_flight) > keep and not stop.is_set():
        done, _ = wait(in_flight, timeout=poll, return_when=FIRST_COMPLETED)
        if not done:
            break
        finished += [(in_flight.pop(future), future) for future in done]
    return finished


class WorkerConfig(BaseModel):
    """How hard and how carefully a worker delivers."""

    concurrency: int = Field(default=8, ge=1, le=256)
    poll_seconds: float = Field(default=1.0, gt=0, le=60)
    timeout_ms: int = Field(default=10_000, ge=100, le=30_000)
    lease_seconds: float = Field(default=60.0, gt=0, le=3600)

    @field_validator("lease_seconds")
    @classmethod
    def _lease_outlasts_send(cls, lease: float, info: ValidationInfo) -> float:
        # A live worker must never lose its lease mid-send, or two could deliver at once.
        timeout_ms = info.data.get("timeout_ms")
        if timeout_ms is not None and lease * 1000 < 2 * timeout_ms:
            raise ValueError(f"must be at least twice the timeout ({2 * timeout_ms / 1000:g} s)")
        return lease


@dataclass
class DeliveryWorker:
    """One worker; `run` until `stop` is set, or `run_once` for a single batch."""

    factory: SessionFactory
    box: SecretBox
    sender: CallbackSender
    clock: Clock = SYSTEM_CLOCK
    config: WorkerConfig = field(default_factory=WorkerConfig)
    name: str = field(default_factory=lambda: f"{socket.gethostname()}/{os.getpid()}")
    rng: random.Random = field(default_factory=random.Random)

    def claim(self, limit: int, *, results: Results = ()) -> list[delivery.Claim]:
        """Record `results` (finished attempts), then lease up to `limit` due deliveries, in
        one transaction: on PostgreSQL every transaction costs round trips of its own (BEGIN,
        COMMIT, and the pool's ping unless `run` holds the connection)."""
        return self._claim(session_scope(self.factory), limit, results)

    def _claim(
        self, transaction: AbstractContextManager[Session], limit: int, results: Results
    ) -> list[delivery.Claim]:
        now = self.clock.now()
        with transaction as session:
            if results:
                delivery.record_attempts(session, results, worker=self.name, now=now, rng=self.rng)
            claims = (
                delivery.claim_due(
                    session,
                    box=self.box,
                    now=now,
                    limit=limit,
                    lease=timedelta(seconds=self.config.lease_seconds),
                )
                if limit
                else []
            )
        self.recorded(results)
        return claims

    def send(self, claim: delivery.Claim) -> delivery.Outcome:
        """Send one claimed delivery; runs on a pool thread, with no transaction open."""
        return delivery.send(
            claim, self.sender, timeout_ms=self.config.timeout_ms, now=self.clock.now()
        )

    def record(self, results: Results) -> None:
        """Record finished attempts, several in one transaction, and log each."""
        self.claim(0, results=results)

    def recorded(self, results: Results) -> None:
        """Log each attempt once its transaction has committed."""
        for claim, outcome in results:
            result = (
                f"delivered (HTTP {outcome.http_status})"
                if outcome.success
                else f"{outcome.error}: {outcome.error_message}"
            )
            log.info(
                "%s %s to %s, attempt in %d ms: %s",
                claim.delivery_id,
                claim.event,
                claim.operator_id,
                outcome.latency_ms,
                result,
            )

    def run_once(self) -> list[delivery.Outcome]:
        """Claim one batch, send it concurrently, and record every attempt."""
        claims = self.claim(self.config.concurrency)
        if not claims:
            return []
        with ThreadPoolExecutor(self.config.concurrency) as pool:
            outcomes = list(pool.map(self.send, claims))
        self.record(list(zip(claims, outcomes, strict=True)))
        return outcomes

    def run(self, stop: threading.Event) -> None:
        """Keep every thread busy while work is due; poll when idle; drain and return on stop.

        Pool threads only send; this thread claims and records. Claims come in batches (up to
        twice `concurrency` deliveries, the next batch once no more than `concurrency` remain
        in flight), each in the transaction that records the sends finished since the last:
        the database sees one short transaction per batch, and no sender waits for it. While
        deliveries are in flight the transactions share one connection (`HeldConnection`).
        """
        size, poll = self.config.concurrency, self.config.poll_seconds
        in_flight: InFlight = {}
        finished: Finished = []
        held = HeldConnection(self.factory)
        with closing(held), ThreadPoolExecutor(size, thread_name_prefix="delivery") as pool:
            while not stop.is_set():
                wanted = 2 * size - len(in_flight)
                claims = self._settle_and_claim(held, finished, wanted)
                in_flight.update((pool.submit(self.send, claim), claim) for claim in claims)
                if not in_flight:
                    finished = []
                    held.close()  # idle: a connection kept for hours could be long dead
                    stop.wait(poll)
                elif len(claims) == wanted:  # more may be due: refill once a batch is free
                    finished = _collect(in_flight, stop, keep=size, poll=poll)
                else:  # caught up: record each send as it ends, or look again after a poll
                    finished = _collect(in_flight, stop, keep=len(in_flight) - 1, poll=poll)
            wait(in_flight)  # drain: every claimed send ends within its timeout
            drained = finished + [(claim, f) for f, claim in in_flight.items()]
            self._settle_and_claim(held, drained, 0)

    def _settle_and_claim(
        self, held: HeldConnection, finished: Finished, limit: int
    ) -> list[delivery.Claim]:
        # `send` turns every failure into an outcome, so only an interrupt can crash one. That
        # send, or attempts whose transaction failed, leave their leases to expire: they are
        # attempted again then. A database outage must not kill the worker: log it and try
        # again next poll.
        results = []
        for claim, future in finished:
            error = future.exception()
            if error is None:
                results.append((claim, future.result()))
            else:
                log.error("sending %s failed: %r", claim.delivery_id, error)
        if not (results or limit):
            return []
        try:
            return self._claim(held.transaction(), limit, results)
        except Exception:
            log.exception(
                "recording %d attempts and claiming deliveries failed; retrying in %s s",
                len(results),
                self.config.poll_seconds,
            )
            return []
