"""Sending one signed callback over HTTPS, safely, and classifying what went wrong.

Safety: HTTPS only, certificates verified (self-signed refused), redirects never followed,
the response read up to a cap, the whole exchange bounded by one deadline, and the address
actually connected to checked against loopback, private, link-local, multicast, reserved and
metadata ranges (IPv4-mapped, 6to4 and NAT64 forms unwrapped) — resolved by us, connected
to by us, so DNS rebinding cannot slip past the check.

Deliveries reuse kept-alive connections, as webhook senders at scale do: a connection is
checked when it is opened, and stays bound to the address that passed. A PING always opens
a fresh one, since it exists to test DNS, TCP and TLS from scratch.
"""

from __future__ import annotations

import ipaddress
import math
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpcore

from predictu_console.settings import Settings

MAX_RESPONSE_BYTES = 64 * 1024
MAX_CONNECTIONS = 256
KEEPALIVE_SECONDS = 30.0
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class CallbackFailure(Exception):
    """A delivery failed; `code` is one of the spec §7 errors or BLOCKED_ADDRESS."""

    def __init__(self, code: str, message: str, *, ip: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.ip = code, message, ip


@dataclass(frozen=True)
class Response:
    """What came back from a delivery that reached the operator's server."""

    status: int
    body: bytes
    tls_version: str | None
    ip: str | None


def embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address hidden in an IPv4-mapped, 6to4 or NAT64 IPv6 address, else itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return address.ipv4_mapped
        if address.sixtofour:
            return address.sixtofour
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_public(address: IPAddress) -> bool:
    """False for every address a callback must never reach from inside the platform."""
    address = embedded_ipv4(address)
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


class _Deadline(threading.local):
    """When the request this thread is sending must be done by (`time.monotonic()`).

    Per thread, not per connection: a kept-alive connection serves many requests, each with
    its own deadline, and httpcore's sync pool does all of a request's I/O on its thread.
    """

    at = math.inf

    def left(self, timeout: float | None = None) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("deadline passed")
        return left if timeout is None else min(timeout, left)


_deadline = _Deadline()


class _DeadlineStream(httpcore.NetworkStream):
    """A stream whose every read, write and TLS handshake gets only the time left."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _deadline.left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _deadline.left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        secured = self._inner.start_tls(ssl_context, server_hostname, _deadline.left(timeout))
        return _DeadlineStream(secured)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves the host itself, refuses blocked addresses, connects to the checked one."""

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise CallbackFailure(
                "DNS_RESOLUTION_FAILED", f"Could not resolve {host}: {error.strerror}"
            ) from None
        refused: httpcore.ConnectError | None = None
        for *_, sockaddr in infos:
            ip = str(sockaddr[0])
            if not self.allow_private and not is_public(ipaddress.ip_address(ip)):
                raise CallbackFailure(
                    "BLOCKED_ADDRESS",
                    f"{host} resolves to {ip}, which callbacks may not reach",
                    ip=ip,
                )
            try:
                # TLS still verifies and sends SNI for `host`: only the TCP peer is pinned.
                stream = super().connect_tcp(
                    ip,
                    port,
                    timeout=_deadline.left(),
                    local_address=local_address,
                    socket_options=socket_options,
                )
                return _DeadlineStream(stream)
            except httpcore.ConnectError as error:
                refused = error
        raise refused or httpcore.ConnectError(f"no address for {host}")


class CallbackSender:
    """POSTs signed bodies to operators; one instance per process, shared by its threads."""

    def __init__(self, *, ca_bundle: Path | None = None, allow_private: bool = False) -> None:
        self.ca_bundle, self.allow_private = ca_bundle, allow_private
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
        return httpcore.ConnectionPool(
            ssl_context=context,
            network_backend=_GuardedBackend(allow_private=self.allow_private),
            retries=0,
            max_connections=size,
            keepalive_expiry=KEEPALIVE_SECONDS,
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
        """Deliver `body`, on a new connection if `fresh`. Raises CallbackFailure."""
        if urlsplit(url).scheme.lower() != "https":
            raise CallbackFailure("NOT_HTTPS", "Callback URL does not use HTTPS")
        _deadline.at = time.monotonic() + timeout_ms / 1000
        context, shared = self._ready()
        pool = self._new_pool(context, 1) if fresh else shared
        try:
            return self._exchange(pool, url, body, headers, timeout_ms)
        finally:
            _deadline.at = math.inf
            if fresh:
                pool.close()

    def _exchange(
        self,
        pool: httpcore.ConnectionPool,
        url: str,
        body: bytes,
        headers: dict[str, str],
        timeout_ms: int,
    ) -> Response:
        remaining = timeout_ms / 1000
        timeouts = {"connect": remaining, "read": remaining, "write": remaining, "pool": remaining}
        try:
            with pool.stream(
                "POST",
                url,
                headers=list(headers.items()),
                content=body,
                extensions={"timeout": timeouts},
            ) as response:
                stream = response.extensions.get("network_stream")
                ssl_object = stream.get_extra_info("ssl_object") if stream else None
                server = stream.get_extra_info("server_addr") if stream else None
                received = b""
                for chunk in response.iter_stream():
                    received += chunk
                    if len(received) > MAX_RESPONSE_BYTES:
                        raise CallbackFailure(
                            "INVALID_RESPONSE",
                            f"Response body exceeded {MAX_RESPONSE_BYTES // 1024} KiB",
                        )
                    _deadline.left()
                return Response(
                    status=response.status,
                    body=received,
                    tls_version=ssl_object.version() if ssl_object else None,
                    ip=server[0] if server else None,
                )
        except CallbackFailure:
            raise
        except (httpcore.TimeoutException, TimeoutError):
            raise CallbackFailure(
                "TIMEOUT", f"Callback did not respond within {timeout_ms}ms"
            ) from None
        except (httpcore.ConnectError, OSError, ssl.SSLError) as error:
            raise _classify(error) from None
        except httpcore.ProtocolError as error:
            raise CallbackFailure("INVALID_RESPONSE", f"Malformed HTTP response: {error}") from None


def _classify(error: BaseException) -> CallbackFailure:
    text = str(error)
    cause = error.__cause__ or error.__context__
    if (
        isinstance(error, ssl.SSLError)
        or isinstance(cause, ssl.SSLError)
        or "SSL" in text
        or "certificate" in text
    ):
        return CallbackFailure("TLS_ERROR", f"TLS handshake failed: {text}")
    if isinstance(cause, ConnectionRefusedError) or "refused" in text.lower():
        return CallbackFailure("CONNECTION_REFUSED", "TCP connection was refused")
    return CallbackFailure("CONNECTION_REFUSED", f"Could not connect: {text}")


def sender_for(settings: Settings) -> CallbackSender:
    """The sender configured by `PREDICTU_CALLBACK_CA_BUNDLE` and `…_ALLOW_PRIVATE`."""
    return CallbackSender(
        ca_bundle=settings.callback_ca_bundle, allow_private=settings.callback_allow_private
    )
