"""Delivery worker throughput against a bare HTTP client, to one local HTTPS receiver.

    python -m benchmarks.delivery [--events 400] [--concurrency 8] [--database-url URL]

Both send the same signed bodies with the same headers, with the same concurrency, in the
same run, to one receiver (uvicorn, in its own process and pinned to its own core, as an
operator's server would be). The worker also claims each delivery, records each attempt
and moves callback health in the database (SQLite in a temp dir unless `--database-url`);
the bare client (one pooled httpx client) writes nothing. Both keep connections alive.
Rounds alternate, best of five each.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from predictu_console.core import admins, keys, operators, outbox
from predictu_console.core.callback_sender import CallbackSender
from predictu_console.core.crypto import SecretBox
from predictu_console.core.delivery import Claim, Outcome
from predictu_console.core.delivery_worker import DeliveryWorker, WorkerConfig
from predictu_console.core.events import DomainEvent
from predictu_console.core.keys import KeyCreate
from predictu_console.core.models import OperatorCreate, OperatorUpdate
from predictu_console.core.signing import signed_headers
from predictu_console.db.migrate import upgrade
from predictu_console.db.session import (
    SessionFactory,
    engine_of,
    make_session_factory,
    session_scope,
)
from predictu_console.db.tables import Delivery
from predictu_console.settings import Settings

BOX = SecretBox(bytes(range(32)))
ROUNDS = 5


def _operator(factory: SessionFactory, url: str) -> tuple[str, str]:
    with session_scope(factory) as session:
        admin = admins.create_admin(
            session=session, data=admins.AdminCreate(email="bench@predictu.com", name="Bench")
        )
        actor = admins.actor_for(admin)
        created = operators.create_operator(
            session=session, actor=actor,
            data=OperatorCreate.model_validate({
                "name": "Bench Casino", "domain": "bench.example.com",
                "contact_email": "a@bench.example.com", "revenue_share_predictu": 30,
            }),
        )  # fmt: skip
        operators.update_operator(
            session=session, actor=actor, operator_id=created.id,
            data=OperatorUpdate.model_validate({"callback_url": url}),
        )  # fmt: skip
        secret = keys.generate_keys(
            session=session, actor=actor, operator_id=created.id, data=KeyCreate(), box=BOX
        ).key_pair.secret_key
    return created.id, secret


def _queue(factory: SessionFactory, operator_id: str, count: int) -> list[str]:
    now = datetime.now(UTC)
    events = [
        DomainEvent(
            event="TRADE_PLACED",
            operator_id=operator_id,
            timestamp=now,
            payload={"trade_id": f"trd_{n}", "amount": 25, "price": 0.42, "side": "yes"},
        )  # fmt: skip
        for n in range(count)
    ]
    with session_scope(factory) as session:
        return outbox.emit(session, events)


class CountingWorker(DeliveryWorker):
    """A worker that says when it has recorded `target` attempts: no polling to skew timing."""

    def __init__(self, target: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.remaining, self.finished = target, threading.Event()
        self._lock = threading.Lock()

    def record(self, results: list[tuple[Claim, Outcome]]) -> None:
        super().record(results)
        with self._lock:
            self.remaining -= len(results)
            if self.remaining <= 0:
                self.finished.set()


def worker_seconds(factory: SessionFactory, operator_id: str, ca_file: Path,
                   count: int, concurrency: int) -> float:  # fmt: skip
    """Queue `count` events, then time a worker delivering and recording them."""
    _queue(factory, operator_id, count)
    worker = CountingWorker(
        count, factory=factory, box=BOX,
        sender=CallbackSender(ca_bundle=ca_file, allow_private=True),
        config=WorkerConfig(concurrency=concurrency, poll_seconds=0.01),
    )  # fmt: skip
    stop = threading.Event()
    started = time.perf_counter()
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    worker.finished.wait()
    elapsed = time.perf_counter() - started
    stop.set()
    thread.join()
    with session_scope(factory, write=False) as session:
        pending = select(func.count()).where(Delivery.status != "delivered")
        assert session.scalar(pending) == 0, "some deliveries were not delivered"
    return elapsed


def bare_seconds(url: str, secret: str, ca_file: Path, count: int,
                 concurrency: int) -> float:  # fmt: skip
    """The same signed requests from one pooled httpx client, no database."""
    now = datetime.now(UTC)
    body = b'{"event":"TRADE_PLACED","payload":{"amount":25,"price":0.42,"side":"yes"}}'
    headers = signed_headers(secret=secret, body=body, event="TRADE_PLACED",
                             delivery_id="dlv_bench", now=now)  # fmt: skip
    limits = httpx.Limits(max_connections=concurrency)
    with (
        httpx.Client(verify=str(ca_file), limits=limits) as client,
        ThreadPoolExecutor(concurrency) as pool,
    ):
        started = time.perf_counter()
        responses = list(
            pool.map(lambda _: client.post(url, content=body, headers=headers), range(count))
        )
        elapsed = time.perf_counter() - started
    assert all(response.status_code == 200 for response in responses)
    return elapsed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(base: str, ca_file: Path) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.post(f"{base}/ok", verify=str(ca_file))
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="predictu-bench-delivery-"))
    settings = Settings(home=work, database_url=args.database_url)
    factory = make_session_factory(settings)
    upgrade(engine_of(factory))
    # One core for the receiver, the other for the senders: without pinning, the scheduler
    # sometimes runs both on one core and either side's rate halves.
    cores = sorted(os.sched_getaffinity(0))
    pinned = len(cores) >= 2
    with subprocess.Popen(
        [sys.executable, "-m", "benchmarks.receiver", str(work), str(free_port())],
        stdout=subprocess.PIPE, text=True,
        preexec_fn=(lambda: os.sched_setaffinity(0, {cores[-1]})) if pinned else None,
    ) as receiver:  # fmt: skip
        if pinned:
            os.sched_setaffinity(0, set(cores[:-1]))
        assert receiver.stdout is not None
        base, ca = receiver.stdout.readline().split()
        url, ca_file = f"{base}/ok", Path(ca)
        _wait_until_up(base, ca_file)
        operator_id, secret = _operator(factory, url)
        ours, bare = [], []
        for _ in range(ROUNDS):
            bare.append(bare_seconds(url, secret, ca_file, args.events, args.concurrency))
            ours.append(worker_seconds(factory, operator_id, ca_file, args.events,
                                       args.concurrency))  # fmt: skip
        receiver.terminate()
    print("rounds (s): ours", [f"{t:.2f}" for t in ours], "bare", [f"{t:.2f}" for t in bare])
    ours_rate, bare_rate = args.events / min(ours), args.events / min(bare)
    backend = engine_of(factory).dialect.name
    print(f"| what ({args.events} events, concurrency {args.concurrency}, {backend}) "
          "| ours | reference | ratio | target |")  # fmt: skip
    print("|---|---|---|---|---|")
    print(f"| delivery throughput | {ours_rate:,.0f}/s | {bare_rate:,.0f}/s (bare httpx client) "
          f"| {ours_rate / bare_rate:.0%} | ≥ 70% |")  # fmt: skip


if __name__ == "__main__":
    main()
