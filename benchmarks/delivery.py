"""Delivery worker throughput against a bare HTTP client, to one local HTTPS receiver.

Both send the same signed bodies with the same headers, with the same concurrency, in the
same run, to one receiver (uvicorn, in its own process and pinned to its own core, as an
operator's server would be). The worker also claims each delivery, records each attempt
and moves callback health in the database (SQLite in a temp dir unless `--database-url`);
the bare client (one pooled httpx client) writes nothing. Both keep connections alive.
Rounds alternate, best of five each.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, make_url, select, text

from benchmarks.receiver import receiving
from benchmarks.report import Row, ratio_row
from predictu_console.core import admins, keys, operators
from predictu_console.core.callbacks import outbox
from predictu_console.core.callbacks.events import DomainEvent
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.callbacks.signing import signed_headers
from predictu_console.core.callbacks.worker import DeliveryWorker, Results, WorkerConfig
from predictu_console.core.crypto import SecretBox
from predictu_console.core.ids import random_base62
from predictu_console.core.keys import KeyCreate
from predictu_console.core.models import OperatorCreate, OperatorUpdate
from predictu_console.db.migrate import upgrade
from predictu_console.db.session import (
    SessionFactory,
    engine_of,
    make_engine,
    make_session_factory,
    session_scope,
)
from predictu_console.db.tables import Delivery
from predictu_console.settings import Settings

BOX = SecretBox(bytes(range(32)))
ROUNDS = 5
THROUGHPUT_TARGET = 0.7


def keyed_operator(factory: SessionFactory, url: str) -> tuple[str, str]:
    """A new admin and a keyed operator; named afresh each run, as a PostgreSQL database
    keeps the last run's."""
    run = random_base62(6).lower()
    with session_scope(factory) as session:
        admin = admins.create_admin(
            session=session,
            data=admins.AdminCreate(email=f"bench-{run}@predictu.com", name="Bench"),
        )
        actor = admins.actor_for(admin)
        created = operators.create_operator(
            session=session,
            actor=actor,
            data=OperatorCreate.model_validate(
                {
                    "name": f"Bench Casino {run}",
                    "domain": f"bench-{run}.example.com",
                    "contact_email": f"a@bench-{run}.example.com",
                    "revenue_share_predictu": 30,
                }
            ),
        )
        operators.update_operator(
            session=session,
            actor=actor,
            operator_id=created.id,
            data=OperatorUpdate.model_validate({"callback_url": url}),
        )
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
        )
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

    def recorded(self, results: Results) -> None:
        super().recorded(results)
        with self._lock:
            self.remaining -= len(results)
            if self.remaining <= 0:
                self.finished.set()


def worker_seconds(
    factory: SessionFactory, operator_id: str, ca_file: Path, count: int, concurrency: int
) -> float:
    """Queue `count` events, then time a worker delivering and recording them."""
    _queue(factory, operator_id, count)
    worker = CountingWorker(
        count,
        factory=factory,
        box=BOX,
        sender=CallbackSender(ca_bundle=ca_file, allow_private=True),
        config=WorkerConfig(concurrency=concurrency, poll_seconds=0.01),
    )
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


def bare_seconds(url: str, secret: str, ca_file: Path, count: int, concurrency: int) -> float:
    """The same signed requests from one pooled httpx client, no database."""
    now = datetime.now(UTC)
    body = b'{"event":"TRADE_PLACED","payload":{"amount":25,"price":0.42,"side":"yes"}}'
    headers = signed_headers(
        secrets=[secret], body=body, event="TRADE_PLACED", delivery_id="dlv_bench", now=now
    )
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


@contextmanager
def _own_schema(database_url: str | None) -> Iterator[str | None]:
    """A PostgreSQL schema of this run's own, dropped after it, so every run starts empty
    (a database keeps the last run's rows, and its audit log is sealed under that run's
    key); SQLite runs get a fresh file anyway."""
    if database_url is None:
        yield None
        return
    schema = f"predictu_bench_{random_base62(8).lower()}"
    admin = make_engine(database_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _rates(database_url: str | None, events: int, concurrency: int) -> tuple[float, float]:
    """Deliveries per second of the worker and of the bare client, best of five rounds."""
    with _own_schema(database_url) as url:
        return _rates_on(url, events, concurrency)


def _rates_on(database_url: str | None, events: int, concurrency: int) -> tuple[float, float]:
    work = Path(tempfile.mkdtemp(prefix="predictu-bench-delivery-"))
    factory = make_session_factory(Settings(home=work, database_url=database_url))
    upgrade(engine_of(factory))
    with receiving(work) as (base, ca_file):
        url = f"{base}/ok"
        operator_id, secret = keyed_operator(factory, url)
        ours, bare = [], []
        for _ in range(ROUNDS):
            bare.append(bare_seconds(url, secret, ca_file, events, concurrency))
            ours.append(worker_seconds(factory, operator_id, ca_file, events, concurrency))
    engine_of(factory).dispose()
    return events / min(ours), events / min(bare)


def run(database_url: str | None = None, events: int = 400, concurrency: int = 8) -> list[Row]:
    """The worker's throughput on SQLite, and on `database_url` too when given."""
    rows = []
    for backend, url in [("SQLite", None), ("PostgreSQL", database_url)]:
        if backend == "SQLite" or url:
            ours, bare = _rates(url, events, concurrency)
            rows.append(
                ratio_row(
                    f"delivery worker throughput, {backend} ({events} events, concurrency "
                    f"{concurrency})",
                    ours,
                    bare,
                    unit="/s",
                    reference_is="bare httpx client",
                    at_least=THROUGHPUT_TARGET,
                )
            )
    return rows
