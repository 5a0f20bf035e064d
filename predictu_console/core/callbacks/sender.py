"""Sending one signed callback over HTTPS, safely, and classifying what went wrong.

Safety: HTTPS only, certificates verified (self-signed refused), redirects never followed,
the response read up to a cap, the whole exchange bounded by one deadline, and the address
actually connected to checked against every special-purpose range of IANA's registries that
is not globally reachable, plus multicast and IPv6 outside global unicast (IPv4-mapped, 6to4
and NAT64 forms unwrapped) — resolved by us, connected to by us, so DNS rebinding cannot
slip past the check. A URL the sender cannot use is an INVALID_URL failure, never a crash.
The HTTP side (httpcore, the checked connections, the deadline) is `transport.py`, imported
on the first send.

Deliveries reuse kept-alive connections, as webhook senders at scale do: a connection is
checked when it is opened, and stays bound to the address that passed. A PING always opens
a fresh one, since it exists to test DNS, TCP and TLS from scratch.

The network is the one thing that can be swapped: `demo` and `simulate` give the sender a
backend that simulates the demo operators' servers in-process (core/demo/servers.py), with
the clock their latency is measured on; every other step here runs as it does in production.
"""

from __future__ import annotations

import logging
import math
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from predictu_console.core.callbacks.wire import CallbackFailure, Response
from predictu_console.settings import Settings

if TYPE_CHECKING:
    import httpcore

log = logging.getLogger(__name__)
MAX_CONNECTIONS = 256


@dataclass(frozen=True)
class Exchange:
    """One POST's outcome as a value: the response, or the classified failure."""

    latency_ms: int
    response: Response | None = None
    failure: CallbackFailure | None = None


class CallbackSender:
    """POSTs signed bodies to operators; one instance per process, shared by its threads."""

    def __init__(
        self,
        *,
        ca_bundle: Path | None = None,
        allow_private: bool = False,
        network: httpcore.NetworkBackend | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        """`network` replaces the guarded internet (the demo's simulated servers), and
        `timer` is the clock that network's latencies are measured on."""
        self.ca_bundle, self.allow_private = ca_bundle, allow_private
        self.network, self.timer = network, timer
        self._made = threading.Lock()
        self._context: ssl.SSLContext | None = None
        self._pool: httpcore.ConnectionPool | None = None

    def _ready(self) -> tuple[ssl.SSLContext, httpcore.ConnectionPool]:
        """The TLS context and the shared pool, made on first use: loading the system's CA
        certificates took a fifth of the console's launch, and most sessions send nothing."""

        with self._made:
            if self._context is None:
                self._context = ssl.create_default_context()
                if self.ca_bundle is not None:
                    self._context.load_verify_locations(cafile=str(self.ca_bundle))
            if self._pool is None:
                self._pool = self._new_pool(self._context, MAX_CONNECTIONS)
            return self._context, self._pool

    def _new_pool(self, context: ssl.SSLContext, size: int) -> httpcore.ConnectionPool:
        from predictu_console.core.callbacks import transport

        return transport.new_pool(
            context, size, allow_private=self.allow_private, network=self.network
        )

    def post(
        self,
        url: str,
        body: bytes,
        headers: dict[str, str],
        *,
        timeout_ms: int,
        fresh: bool = False,
    ) -> Response:
        """Deliver `body`, on a new connection if `fresh`. Raises CallbackFailure.

        Anything else it raises is a bug: `exchange` turns it into a failure with `failure_of`.
        """
        from predictu_console.core.callbacks import transport

        target = transport.target(url)
        transport.deadline.at = time.monotonic() + timeout_ms / 1000
        context, shared = self._ready()
        pool = self._new_pool(context, 1) if fresh else shared
        try:
            return transport.exchange(pool, target, body, headers, timeout_ms)
        finally:
            transport.deadline.at = math.inf
            if fresh:
                pool.close()

    def exchange(
        self,
        url: str,
        body: bytes,
        headers: dict[str, str],
        *,
        timeout_ms: int,
        fresh: bool = False,
    ) -> Exchange:
        """`post`, timed, with every failure classified: what deliveries and PINGs record."""
        started = self.timer()
        try:
            response = self.post(url, body, headers, timeout_ms=timeout_ms, fresh=fresh)
        except Exception as error:
            failure = failure_of(error, url)
            return Exchange(self._milliseconds_since(started), failure=failure)
        return Exchange(self._milliseconds_since(started), response=response)

    def _milliseconds_since(self, started: float) -> int:
        return round((self.timer() - started) * 1000)


def failure_of(error: Exception, url: str) -> CallbackFailure:
    """What a send that raised `error` failed with: an unforeseen error is logged and becomes
    SEND_FAILED, so it costs one failed attempt, never the worker or a 500."""
    if isinstance(error, CallbackFailure):
        return error
    log.error("sending a callback to %r failed unexpectedly", url, exc_info=error)
    return CallbackFailure(
        "SEND_FAILED",
        "The callback could not be sent because of an internal error; "
        "the details are in the server log",
    )


def sender_for(settings: Settings) -> CallbackSender:
    """The sender configured by `PREDICTU_CALLBACK_CA_BUNDLE` and `…_ALLOW_PRIVATE`."""
    return CallbackSender(
        ca_bundle=settings.callback_ca_bundle, allow_private=settings.callback_allow_private
    )
