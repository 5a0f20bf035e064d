"""The HTTP half of the callback sender: httpcore, with the address check and the deadline.

Imported by `CallbackSender` on its first send, not with it: most console sessions and
commands send nothing, and httpcore (with h11, and trio when it is installed) cost a tenth of
the console's start-up (issue 21). See `sender.py` for the rules this enforces.
"""

from __future__ import annotations

import ipaddress
import math
import socket
import ssl
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import httpcore

from predictu_console.core.callbacks.wire import (
    KEEPALIVE_SECONDS,
    MAX_RESPONSE_BYTES,
    CallbackFailure,
    Response,
    is_public,
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


deadline = _Deadline()
"""The deadline of the request this thread is sending: set and cleared by the sender."""


class _DeadlineStream(httpcore.NetworkStream):
    """A stream whose every read, write and TLS handshake gets only the time left."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, deadline.left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, deadline.left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        secured = self._inner.start_tls(ssl_context, server_hostname, deadline.left(timeout))
        return _DeadlineStream(secured)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
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
        except socket.gaierror:
            raise CallbackFailure(
                "DNS_RESOLUTION_FAILED", f"Could not resolve {host}: no DNS record answers for it"
            ) from None
        except UnicodeError:
            # The resolver's IDNA step refuses empty labels and labels over 63 characters.
            raise CallbackFailure("INVALID_URL", f"{host} is not a valid host name") from None
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
                    timeout=deadline.left(),
                    local_address=local_address,
                    socket_options=socket_options,
                )
                return _DeadlineStream(stream)
            except httpcore.ConnectError as error:
                refused = error
        raise refused or httpcore.ConnectError(f"no address for {host}")


def new_pool(
    context: ssl.SSLContext,
    size: int,
    *,
    allow_private: bool,
    network: httpcore.NetworkBackend | None = None,
) -> httpcore.ConnectionPool:
    """A pool that connects only to addresses that passed the check (or through `network`,
    the demo's simulated servers), `size` connections at most, each kept alive for
    `KEEPALIVE_SECONDS`."""
    return httpcore.ConnectionPool(
        ssl_context=context,
        network_backend=network or GuardedBackend(allow_private=allow_private),
        retries=0,
        max_connections=size,
        keepalive_expiry=KEEPALIVE_SECONDS,
    )


def exchange(
    pool: httpcore.ConnectionPool,
    url: httpcore.URL,
    body: bytes,
    headers: dict[str, str],
    timeout_ms: int,
) -> Response:
    """POST `body` through `pool`, reading at most `MAX_RESPONSE_BYTES` of the answer, within
    the deadline `CallbackSender.post` set. Raises CallbackFailure."""
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
                deadline.left()
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


def target(url: str) -> httpcore.URL:
    """`url` as it will be sent. Raises CallbackFailure (NOT_HTTPS, INVALID_URL).

    Validation refuses such URLs when they are saved; this catches what came another way.
    """
    invalid = CallbackFailure(
        "INVALID_URL", "Callback URL is not a valid URL (check its host, port and characters)"
    )
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        raise invalid from None
    if scheme != "https":
        raise CallbackFailure("NOT_HTTPS", "Callback URL does not use HTTPS")
    try:
        return httpcore.URL(url)
    except (ValueError, TypeError):
        # httpcore refuses non-ASCII text (TypeError) and malformed ports (ValueError).
        raise invalid from None


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
