"""A signed test PING, as the console sends it, against a bare httpx request to the same server.

Ours is the whole action an admin waits for: read the operator and open its secret, sign,
send on a fresh connection (a PING tests DNS, TCP and TLS from scratch), check the reply,
and record health and the audit row. The reference is one httpx request with the same body
and headers on a fresh connection too, its TLS context made once, as ours is. Samples
alternate; medians are compared.
"""

from __future__ import annotations

import getpass
import ssl
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.delivery import BOX, _operator
from benchmarks.receiver import receiving
from benchmarks.report import Row, ratio_row
from predictu_console.core import admins, ping
from predictu_console.core.callback_sender import CallbackSender
from predictu_console.core.ping import PingRequest
from predictu_console.db.migrate import upgrade
from predictu_console.db.session import engine_of, make_session_factory, session_scope
from predictu_console.settings import Settings
from predictu_console.tui.backend import Backend

SAMPLES = 60
LATENCY_LIMIT = 1.1


def run(samples: int = SAMPLES) -> list[Row]:
    """The PING latency row."""
    work = Path(tempfile.mkdtemp(prefix="predictu-bench-ping-"))
    factory = make_session_factory(Settings(home=work))
    upgrade(engine_of(factory))
    with receiving(work) as (base, ca_file):
        url = f"{base}/ok"
        operator_id, _ = _operator(factory, url)
        with session_scope(factory) as session:
            actor = admins.console_admin(session=session, email=None, os_user=getpass.getuser())
        backend = Backend(
            factory=factory, actor=actor, box=BOX,
            sender=CallbackSender(ca_bundle=ca_file, allow_private=True),
        )  # fmt: skip
        with session_scope(factory, write=False) as session:
            same = ping.prepare_ping(
                session=session, operator_id=operator_id, data=PingRequest(), box=BOX
            )
        context = ssl.create_default_context(cafile=str(ca_file))
        ours, bare = [], []
        for _ in range(samples):
            started = time.perf_counter()
            result = backend.test_callback(operator_id, PingRequest())
            ours.append((time.perf_counter() - started) * 1000)
            assert result.success, result.test_result
            started = time.perf_counter()
            with httpx.Client(verify=context) as client:
                reply = client.post(url, content=same.body, headers=same.headers)
            bare.append((time.perf_counter() - started) * 1000)
            assert reply.status_code == 200
    return [
        ratio_row(
            "signed PING, fresh connection (median)", statistics.median(ours),
            statistics.median(bare), unit="ms", reference_is="bare httpx request",
            at_most=LATENCY_LIMIT,
        )  # fmt: skip
    ]
