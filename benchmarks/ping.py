"""A signed test PING against a bare httpx request to the same local HTTPS server.

Ours is the PING's send as the console, the API and the CLI make it: read the operator and
open its secrets, sign, send on a fresh connection (a PING tests DNS, TCP and TLS from
scratch, through the sender's address checks) and check the reply. The reference is one httpx
request with the same body and headers, on a fresh connection too, its TLS context made once,
as ours is. The whole test callback, as front ends call it (`ping.test_callback`: the send,
then recording health, onboarding and the audit row in a write transaction), is a row of its
own. Samples alternate; medians are compared.
"""

from __future__ import annotations

import getpass
import ssl
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.delivery import BOX, keyed_operator
from benchmarks.receiver import receiving
from benchmarks.report import Row, median_row
from predictu_console.core import admins
from predictu_console.core.callbacks import ping
from predictu_console.core.callbacks.ping import PingRequest
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.db.migrate import upgrade
from predictu_console.db.session import engine_of, make_session_factory, session_scope
from predictu_console.settings import Settings

SAMPLES = 60
LATENCY_LIMIT = 1.1


def run(samples: int = SAMPLES) -> list[Row]:
    """The PING latency row."""
    work = Path(tempfile.mkdtemp(prefix="predictu-bench-ping-"))
    factory = make_session_factory(Settings(home=work))
    upgrade(engine_of(factory))
    with receiving(work) as (base, ca_file):
        url = f"{base}/ok"
        operator_id, _ = keyed_operator(factory, url)
        with session_scope(factory) as session:
            actor = admins.console_admin(session=session, email=None, os_user=getpass.getuser())
        sender = CallbackSender(ca_bundle=ca_file, allow_private=True)
        context = ssl.create_default_context(cafile=str(ca_file))
        ours, bare, whole = [], [], []
        for _ in range(samples):
            started = time.perf_counter()
            with session_scope(factory, write=False) as session:
                prepared = ping.prepare_ping(
                    session=session, operator_id=operator_id, data=PingRequest(), box=BOX
                )
            result = ping.send_ping(prepared, sender)
            ours.append((time.perf_counter() - started) * 1000)
            assert result.success, result.test_result
            started = time.perf_counter()
            with httpx.Client(verify=context) as client:
                reply = client.post(url, content=prepared.body, headers=prepared.headers)
            bare.append((time.perf_counter() - started) * 1000)
            assert reply.status_code == 200
            started = time.perf_counter()
            result = ping.test_callback(
                factory=factory,
                actor=actor,
                operator_id=operator_id,
                data=PingRequest(),
                box=BOX,
                sender=sender,
            )
            whole.append((time.perf_counter() - started) * 1000)
            assert result.success, result.test_result
    return [
        median_row(
            "signed PING: sign and send on a fresh connection (median)",
            ours,
            bare,
            reference_is="bare httpx request",
            at_most=LATENCY_LIMIT,
        ),
        Row(
            "signed PING: the whole test callback, recorded (median)",
            f"{statistics.median(whole):.1f} ms",
        ),
    ]
