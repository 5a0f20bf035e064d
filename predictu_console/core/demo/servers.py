"""The demo operators' callback servers, simulated in-process, for `demo` and `simulate` only.

Demo operators' domains are made up, so their callbacks cannot reach a real server. Instead
of writing a delivery log by hand, `demo` and `simulate` give the real `CallbackSender` this
network: the real PING and delivery code signs, sends and records every attempt, and only the
far end is simulated. Each demo operator's server parses the HTTP request, verifies
`X-Predictu-Signature` (or `-Previous`, during a rotation) with the operator's secret key as
the docs tell operators to, and answers `{"status": "ok", "received_event": …}`, or 401 on a
bad signature. A server that is down (catalogue.CALLBACK_TROUBLE: Vegas Vault's times out,
Midnight Mirage's refuses connections) fails as a real one would, and the delivery log shows
that failure. No TLS is negotiated and no address resolved, so attempts record neither.

Latency is simulated too, on a per-thread virtual clock the sender measures with: a stable
40–320 ms per request (derived from its body), the whole timeout for one that times out.
Hosts that are not demo operators' go to the real, guarded internet.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

import h11
import httpcore
from sqlalchemy import select
from sqlalchemy.orm import Session

from predictu_console.core.callbacks.outbox import MAX_SIGNING_KEYS
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.callbacks.signing import sign
from predictu_console.core.callbacks.transport import GuardedBackend
from predictu_console.core.crypto import SecretBox
from predictu_console.core.demo.catalogue import CALLBACK_TROUBLE, CAST_DOMAINS, GENERATED_SUFFIX
from predictu_console.core.keys import NEWEST_FIRST
from predictu_console.db.session import SessionFactory, session_scope
from predictu_console.db.tables import ApiKey, Operator

Outage = Literal["timeout", "refused"]
NOTE = (
    "demo operators' callback servers are simulated in-process: their key pairs, PINGs and "
    "deliveries are real, and so is every failure the delivery log shows"
)
"""What `demo` and `simulate` tell the person running them."""
SECRETS_REREAD_SECONDS = 5.0
SecretsOf = Callable[[str], Sequence[str]]
"""The secret keys the operator whose callback host this is has deployed."""


def callback_url(domain: str) -> str:
    """Where a demo operator receives its callbacks."""
    return f"https://api.{domain}/callbacks/predictu"


def _domain(host: str) -> str | None:
    """The demo operator's domain whose callback host `host` is, or None for any other host."""
    domain = host.removeprefix("api.")
    demo = domain in CAST_DOMAINS or domain.endswith(GENERATED_SUFFIX)
    return domain if host != domain and demo else None


class _VirtualTime(threading.local):
    seconds = 0.0


class SimulatedServers(httpcore.NetworkBackend):
    """A network on which every demo operator's callback host answers in-process."""

    def __init__(self, *, secrets_of: SecretsOf, fallback: httpcore.NetworkBackend) -> None:
        self.secrets_of, self.fallback = secrets_of, fallback
        self.outages: dict[str, Outage] = {}
        self._time = _VirtualTime()

    def timer(self) -> float:
        """The calling thread's virtual clock, in seconds: simulated latencies add to it."""
        return self._time.seconds

    def elapse(self, seconds: float) -> None:
        """Let simulated time pass on the calling thread."""
        self._time.seconds += seconds

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        """A connection to the demo operator's server, or through `fallback` for other hosts.

        Raises httpcore.ConnectError when that server refuses connections.
        """
        domain = _domain(host)
        if domain is None:
            started = time.monotonic()
            try:
                stream = self.fallback.connect_tcp(
                    host, port, timeout, local_address, socket_options
                )
            finally:
                self.elapse(time.monotonic() - started)
            return _Timed(self, stream)
        outage = self.outages.get(domain)
        if outage == "refused":
            self.elapse(0.012)
            raise httpcore.ConnectError("[Errno 111] Connection refused")
        return _ServerStream(self, host, hanging=outage == "timeout")

    def answer(self, host: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        """What the operator's handler answers: it verifies the signature first."""
        signatures = [headers.get(f"x-predictu-signature{s}", "") for s in ("", "-previous")]
        known = self.secrets_of(host)
        verified = any(
            hmac.compare_digest(sign(secret, body), signature)
            for secret in known
            for signature in signatures
            if signature
        )
        self.elapse((40 + int.from_bytes(hashlib.sha256(body).digest()[:2]) % 281) / 1000)
        if not verified:
            return 401, b'{"error": "invalid signature"}'
        event = headers.get("x-predictu-event", "")
        return 200, json.dumps({"status": "ok", "received_event": event}).encode()


class _ServerStream(httpcore.NetworkStream):
    """One connection to a simulated server: HTTP/1.1 parsed and answered with h11."""

    def __init__(self, servers: SimulatedServers, host: str, *, hanging: bool) -> None:
        self.servers, self.host, self.hanging = servers, host, hanging
        self.connection = h11.Connection(h11.SERVER)
        self.request: h11.Request | None = None
        self.body = b""
        self.outgoing = b""

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:  # h11 would take empty data for the end of the connection
            return
        self.connection.receive_data(buffer)
        while (event := self.connection.next_event()) not in (h11.NEED_DATA, h11.PAUSED):
            if isinstance(event, h11.Request):
                self.request = event
            elif isinstance(event, h11.Data):
                self.body += event.data
            elif isinstance(event, h11.EndOfMessage):
                self._respond()
                return

    def _respond(self) -> None:
        if self.hanging or self.request is None:
            return
        headers = {name.decode().lower(): value.decode() for name, value in self.request.headers}
        status, reply = self.servers.answer(self.host, headers, self.body)
        response = h11.Response(
            status_code=status,
            headers=[
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(reply))),
                ("Connection", "close"),
            ],
        )
        self.outgoing = b"".join(
            self.connection.send(event) or b""
            for event in (response, h11.Data(data=reply), h11.EndOfMessage())
        )

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self.hanging:
            self.servers.elapse(timeout or 0.0)
            raise httpcore.ReadTimeout("the operator's server did not answer")
        chunk, self.outgoing = self.outgoing[:max_bytes], self.outgoing[max_bytes:]
        return chunk

    def close(self) -> None:
        self.outgoing = b""

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return self

    def get_extra_info(self, info: str) -> Any:
        return None


class _Timed(httpcore.NetworkStream):
    """A real connection whose time on the wire passes on the virtual clock too."""

    def __init__(self, servers: SimulatedServers, inner: httpcore.NetworkStream) -> None:
        self.servers, self.inner = servers, inner

    def _timed(self, call: Callable[[], Any]) -> Any:
        started = time.monotonic()
        try:
            return call()
        finally:
            self.servers.elapse(time.monotonic() - started)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        chunk: bytes = self._timed(lambda: self.inner.read(max_bytes, timeout))
        return chunk

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._timed(lambda: self.inner.write(buffer, timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        secured = self._timed(lambda: self.inner.start_tls(ssl_context, server_hostname, timeout))
        return _Timed(self.servers, secured)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


def operator_secrets(session: Session, box: SecretBox, host: str) -> tuple[str, ...]:
    """The secret keys the operator whose callback URL is on `host` was given, newest first:
    what its server verifies signatures with."""
    sealed = session.execute(
        select(ApiKey.id, ApiKey.sealed_secret)
        .join(Operator, Operator.id == ApiKey.operator_id)
        .where(Operator.callback_url.startswith(f"https://{host}/"))
        .order_by(NEWEST_FIRST)
        .limit(MAX_SIGNING_KEYS)
    ).all()
    return tuple(box.open(key_id, secret) for key_id, secret in sealed)


def database_secrets(factory: SessionFactory, box: SecretBox) -> SecretsOf:
    """Secrets as the operators have deployed them, read from the database: a rotated key
    reaches its operator's server within `SECRETS_REREAD_SECONDS`, as a deploy would."""
    deployed: dict[str, tuple[float, tuple[str, ...]]] = {}

    def secrets_of(host: str) -> tuple[str, ...]:
        read_at, secrets = deployed.get(host, (-math.inf, ()))
        if time.monotonic() - read_at > SECRETS_REREAD_SECONDS:
            with session_scope(factory, write=False) as session:
                secrets = operator_secrets(session, box, host)
            deployed[host] = (time.monotonic(), secrets)
        return secrets

    return secrets_of


def simulated_sender(
    *, secrets_of: SecretsOf, allow_private: bool = False, outages: bool = True
) -> tuple[CallbackSender, SimulatedServers]:
    """A real sender on the simulated network, and that network (to take servers down).

    With `outages`, the troubled cast operators' servers (CALLBACK_TROUBLE) are down from
    the start: a failure count under five times out, more refuses connections.
    """
    servers = SimulatedServers(
        secrets_of=secrets_of, fallback=GuardedBackend(allow_private=allow_private)
    )
    if outages:
        servers.outages.update({domain: outage_of(domain) for domain in CALLBACK_TROUBLE})
    return CallbackSender(network=servers, timer=servers.timer), servers


def outage_of(domain: str) -> Outage:
    """How a troubled cast operator's server fails: slow ones time out, dead ones refuse."""
    return "timeout" if CALLBACK_TROUBLE[domain] < 5 else "refused"
