"""Rate limits on every endpoint, counted by `limits` with a moving window.

The spec's seven limits, and ours for the endpoints the spec does not list: 60 a minute
for reads, 30 a minute for writes; on the operator API, 120 a minute for reads and 60 for
writes. Counted per caller (the admin; the operator's secret key; the client address for
the public-key endpoint), per endpoint, and per resource for `{id}` endpoints. Failed
authentications are counted too, per client address, before the token is looked up.

In memory by default; `PREDICTU_RATE_LIMIT_STORAGE=redis://…` shares the counts between
server processes, so several of them together allow exactly the limit. When that storage
stops answering, each process counts on its own until it answers again: limits stay on,
requests keep being served, and `/healthz` says so. `PREDICTU_RATE_LIMITS=0` turns it all off.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import anyio
from fastapi import Request, Response
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from predictu_console.api.paths import API_PREFIX
from predictu_console.core.errors import RateLimited
from predictu_console.settings import Settings

log = logging.getLogger(__name__)

LIMITS: dict[tuple[str, str], RateLimitItem] = {
    # The spec's.
    ("GET", "/operators"): parse("60/minute"),
    ("POST", "/operators"): parse("10/minute"),
    ("GET", "/operators/{operator_id}"): parse("60/minute"),
    ("PATCH", "/operators/{operator_id}"): parse("30/minute"),
    ("POST", "/operators/{operator_id}/keys"): parse("5/hour"),
    ("GET", "/operators/{operator_id}/public-key"): parse("120/minute"),
    ("POST", "/operators/{operator_id}/test"): parse("10/minute"),
    # Ours: reads 60 a minute, writes 30.
    ("GET", "/operators/{operator_id}/audit"): parse("60/minute"),
    ("GET", "/operators/{operator_id}/deliveries"): parse("60/minute"),
    ("GET", "/deliveries/{delivery_id}"): parse("60/minute"),
    ("POST", "/deliveries/{delivery_id}/redeliver"): parse("30/minute"),
    ("GET", "/notifications"): parse("60/minute"),
    ("POST", "/notifications/read"): parse("30/minute"),
    ("POST", "/markets"): parse("30/minute"),
    ("GET", "/markets"): parse("60/minute"),
    # A resolution settles every open position of the market: few calls, heavy each.
    ("POST", "/markets/{market_id}/resolve"): parse("10/minute"),
    ("GET", "/operators/{operator_id}/players"): parse("60/minute"),
    ("POST", "/operators/{operator_id}/players/{external_player_id}/restrict"): parse("30/minute"),
    # The operator API, per secret key: reads 120 a minute, writes 60 (a balance change
    # per player). Its paths keep their prefix: they are outside API_PREFIX.
    ("GET", "/api/operator/me"): parse("120/minute"),
    ("GET", "/api/operator/markets"): parse("120/minute"),
    ("POST", "/api/operator/players"): parse("60/minute"),
    ("POST", "/api/operator/players/{external_player_id}/balance"): parse("60/minute"),
    ("POST", "/api/operator/trades"): parse("60/minute"),
}

FAILED_AUTHENTICATIONS = parse("20/minute")
"""Requests to an authenticated endpoint without a valid token, per client address."""

RETRY_SHARED_SECONDS = 10.0
"""How long a process counts alone after the shared storage failed, before trying it again."""

_STORAGE_TIMEOUT_SECONDS = 0.5
T = TypeVar("T")


class RateLimiter:
    """The moving-window limiter the app shares between its requests.

    Off when built with no storage. A shared storage that fails is replaced by this
    process's memory until it answers again, so an outage never turns into errors.
    """

    def __init__(self, storage_uri: str | None) -> None:
        self.enabled = storage_uri is not None
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._shared: MovingWindowRateLimiter | None = None
        self._scheme = ""
        if storage_uri is not None and not storage_uri.startswith("memory://"):
            self._scheme = storage_uri.split(":", 1)[0]
            options = {
                "socket_timeout": _STORAGE_TIMEOUT_SECONDS,
                "socket_connect_timeout": _STORAGE_TIMEOUT_SECONDS,
            }
            storage = storage_from_string(
                storage_uri,
                wrap_exceptions=True,
                **(options if self._scheme.startswith("redis") else {}),
            )
            self._shared = MovingWindowRateLimiter(storage)
        self._lock = threading.Lock()
        self._shared_down_until: float | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        """Off with `PREDICTU_RATE_LIMITS=0`; else on the configured storage."""
        return cls(settings.rate_limit_storage if settings.rate_limits else None)

    @property
    def state(self) -> str:
        """Where counts are kept right now, for `/healthz`."""
        if not self.enabled:
            return "off"
        if self._shared is None:
            return "memory"
        if self._shared_down_until is not None:
            return f"memory ({self._scheme} unreachable)"
        return self._scheme

    async def check(self, request: Request, response: Response, caller: str) -> None:
        """`enforce`, on a thread when the counts live in another process (Redis)."""
        if self._shared is None:
            self.enforce(request, response, caller)
        else:
            await anyio.to_thread.run_sync(self.enforce, request, response, caller)

    def enforce(self, request: Request, response: Response, caller: str) -> None:
        """Count this request against its endpoint's limit, or raise RateLimited."""
        template = getattr(request.scope.get("route"), "path_format", "")
        endpoint = (request.method, template.removeprefix(API_PREFIX))
        headers = self.count(endpoint, caller, list(request.path_params.values()))
        if headers:
            response.headers.update(headers)
            # A request refused after this point still counted: its error response says so.
            request.state.rate_limit_headers = headers

    def count(self, endpoint: tuple[str, str], caller: str, resource: list[str]) -> dict[str, str]:
        """Count a request to `endpoint` (method, path template) by `caller` on `resource`
        (the path's parameters): its `RateLimit-*` headers, none when it is not limited.
        Raises RateLimited."""
        item = LIMITS.get(endpoint)
        if not self.enabled or item is None:
            return {}
        allowed, headers = self._count(item, [*endpoint, caller, *resource])
        if not allowed:
            raise RateLimited(
                f"Rate limit of {item} for {endpoint[0]} {endpoint[1]} reached; "
                f"retry in {headers['Retry-After']} s",
                headers=headers,
            )
        return headers

    def refuse_failed_authentication(self, client: str) -> RateLimited | None:
        """The 429 for a client address that failed to authenticate too often, if it has."""
        if not self.enabled:
            return None
        keys = _failed_authentication_keys(client)
        if self._using(lambda limiter: limiter.test(FAILED_AUTHENTICATIONS, *keys)):
            return None
        headers = self._headers(FAILED_AUTHENTICATIONS, keys, refused=True)
        return RateLimited(
            f"Too many failed authentications from this address ({FAILED_AUTHENTICATIONS}); "
            f"retry in {headers['Retry-After']} s",
            headers=headers,
        )

    def count_failed_authentication(self, client: str) -> None:
        """One more failed authentication from this client address."""
        if self.enabled:
            keys = _failed_authentication_keys(client)
            self._using(lambda limiter: limiter.hit(FAILED_AUTHENTICATIONS, *keys))

    def _count(self, item: RateLimitItem, keys: list[str]) -> tuple[bool, dict[str, str]]:
        allowed = self._using(lambda limiter: limiter.hit(item, *keys))
        return allowed, self._headers(item, keys, refused=not allowed)

    def _headers(self, item: RateLimitItem, keys: list[str], *, refused: bool) -> dict[str, str]:
        stats = self._using(lambda limiter: limiter.get_window_stats(item, *keys))
        reset = str(max(1, math.ceil(stats.reset_time - time.time())))
        headers = {
            "RateLimit-Limit": str(item.amount),
            "RateLimit-Remaining": str(stats.remaining),
            "RateLimit-Reset": reset,
        }
        return {**headers, "Retry-After": reset} if refused else headers

    def _using(self, operation: Callable[[MovingWindowRateLimiter], T]) -> T:
        """Run `operation` on the shared storage, or on this process's while it is down."""
        if self._shared is None or not self._shared_worth_trying():
            return operation(self._local)
        try:
            result = operation(self._shared)
        except StorageError as error:
            self._shared_failed(error)
            return operation(self._local)
        if self._shared_down_until is not None:
            with self._lock:
                self._shared_down_until = None
            log.warning("rate limits: %s answers again; counting there again", self._scheme)
        return result

    def _shared_worth_trying(self) -> bool:
        down_until = self._shared_down_until
        return down_until is None or time.monotonic() >= down_until

    def _shared_failed(self, error: StorageError) -> None:
        with self._lock:
            first = self._shared_down_until is None
            self._shared_down_until = time.monotonic() + RETRY_SHARED_SECONDS
        if first:
            log.error(
                "rate limits: %s is unreachable (%s); each process counts on its own "
                "until it answers again",
                self._scheme,
                error.storage_error,
            )


def _failed_authentication_keys(client: str) -> list[str]:
    return ["failed-authentication", client]
