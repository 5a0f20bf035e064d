"""The delivery worker: drains the outbox with bounded concurrency until told to stop.

Run it as `predictu-console worker`, or inside `serve`. Any number of workers, in any number
of processes, can share a database (core/delivery.py explains the claims). Stopping is
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
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta

from pydantic import BaseModel, Field, model_validator

from predictu_console.core import delivery
from predictu_console.core.callback_sender import CallbackSender
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.crypto import SecretBox
from predictu_console.db.session import SessionFactory, session_scope

log = logging.getLogger(__name__)


class WorkerConfig(BaseModel):
    """How hard and how carefully a worker delivers."""

    concurrency: int = Field(default=8, ge=1, le=256)
    poll_seconds: float = Field(default=1.0, gt=0, le=60)
    timeout_ms: int = Field(default=10_000, ge=100, le=30_000)
    lease_seconds: float = Field(default=60.0, gt=0, le=3600)

    @model_validator(mode="after")
    def _lease_outlasts_send(self) -> WorkerConfig:
        # A live worker must never lose its lease mid-send, or two could deliver at once.
        if self.lease_seconds * 1000 < 2 * self.timeout_ms:
            raise ValueError("lease_seconds must be at least twice the timeout")
        return self


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

    def claim(self, limit: int) -> list[delivery.Claim]:
        """Lease up to `limit` due deliveries."""
        lease = timedelta(seconds=self.config.lease_seconds)
        with session_scope(self.factory) as session:
            return delivery.claim_due(
                session, box=self.box, now=self.clock.now(), limit=limit, lease=lease
            )

    def deliver(self, claim: delivery.Claim) -> delivery.Outcome:
        """Send one claimed delivery and record the attempt."""
        outcome = delivery.send(
            claim, self.sender, timeout_ms=self.config.timeout_ms, now=self.clock.now()
        )
        with session_scope(self.factory) as session:
            delivery.record_attempt(
                session, claim=claim, outcome=outcome, worker=self.name,
                now=self.clock.now(), rng=self.rng,
            )  # fmt: skip
        result = (
            f"delivered (HTTP {outcome.http_status})"
            if outcome.success
            else f"{outcome.error}: {outcome.error_message}"
        )
        log.info(
            "%s %s to %s, attempt in %d ms: %s",
            claim.delivery_id, claim.event, claim.operator_id, outcome.latency_ms, result,
        )  # fmt: skip
        return outcome

    def run_once(self) -> list[delivery.Outcome]:
        """Claim one batch, deliver it concurrently, and wait for every attempt."""
        claims = self.claim(self.config.concurrency)
        if not claims:
            return []
        with ThreadPoolExecutor(self.config.concurrency) as pool:
            return list(pool.map(self.deliver, claims))

    def run(self, stop: threading.Event) -> None:
        """Keep every slot busy while work is due; poll when idle; drain and return on stop."""
        in_flight: set[Future[delivery.Outcome]] = set()
        with ThreadPoolExecutor(self.config.concurrency, thread_name_prefix="delivery") as pool:
            while not stop.is_set():
                free = self.config.concurrency - len(in_flight)
                claims = self._claim_logged(free) if free else []
                in_flight |= {pool.submit(self.deliver, claim) for claim in claims}
                if claims and len(in_flight) < self.config.concurrency:
                    continue  # more may be due: claim again before waiting
                if in_flight:
                    done, in_flight = wait(
                        in_flight, timeout=self.config.poll_seconds, return_when=FIRST_COMPLETED
                    )
                    _log_errors(done)
                else:
                    stop.wait(self.config.poll_seconds)
            _log_errors(wait(in_flight).done)

    def _claim_logged(self, limit: int) -> list[delivery.Claim]:
        # A database outage must not kill the worker: log it and try again next poll.
        try:
            return self.claim(limit)
        except Exception:
            log.exception("claiming deliveries failed; retrying in %s s", self.config.poll_seconds)
            return []


def _log_errors(done: set[Future[delivery.Outcome]]) -> None:
    # A failed record leaves its lease to expire, and the delivery is attempted again.
    for future in done:
        error = future.exception()
        if error is not None:
            log.error("recording a delivery failed: %r", error)
