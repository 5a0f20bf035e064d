"""The spec's rate limits ("Rate limits"), counted by `limits` with a moving window.

Counted per caller (the admin; the client address for the public-key endpoint), per
endpoint, and per operator for `{id}` endpoints. In memory by default;
`PREDICTU_RATE_LIMIT_STORAGE=redis://…` shares the counts between server processes, so
several of them together allow exactly the limit. `PREDICTU_RATE_LIMITS=0` turns it off.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from fastapi import Request, Response
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from predictu_console.api.paths import API_PREFIX
from predictu_console.core.errors import PredictuError
from predictu_console.settings import Settings

SPEC_LIMITS: dict[tuple[str, str], RateLimitItem] = {
    ("GET", "/operators"): parse("60/minute"),
    ("POST", "/operators"): parse("10/minute"),
    ("GET", "/operators/{operator_id}"): parse("60/minute"),
    ("PATCH", "/operators/{operator_id}"): parse("30/minute"),
    ("POST", "/operators/{operator_id}/keys"): parse("5/hour"),
    ("GET", "/operators/{operator_id}/public-key"): parse("120/minute"),
    ("POST", "/operators/{operator_id}/test"): parse("10/minute"),
}


class RateLimited(PredictuError):
    """Over an endpoint's limit: 429 with `Retry-After`."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, *, headers: dict[str, str]) -> None:
        super().__init__(message)
        self.headers = headers


@dataclass(frozen=True)
class RateLimiter:
    """The moving-window limiter the app shares between its requests."""

    limiter: MovingWindowRateLimiter | None

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        """Off with `PREDICTU_RATE_LIMITS=0`; else on the configured storage."""
        if not settings.rate_limits:
            return cls(None)
        return cls(MovingWindowRateLimiter(storage_from_string(settings.rate_limit_storage)))

    def enforce(self, request: Request, response: Response, caller: str) -> None:
        """Count this request against its endpoint's limit, or raise RateLimited."""
        template = getattr(request.scope.get("route"), "path_format", "")
        endpoint = (request.method, template.removeprefix(API_PREFIX))
        item = SPEC_LIMITS.get(endpoint)
        if self.limiter is None or item is None:
            return
        keys = [*endpoint, caller, request.path_params.get("operator_id", "")]
        allowed = self.limiter.hit(item, *keys)
        stats = self.limiter.get_window_stats(item, *keys)
        reset = max(1, math.ceil(stats.reset_time - time.time()))
        headers = {
            "RateLimit-Limit": str(item.amount),
            "RateLimit-Remaining": str(stats.remaining),
            "RateLimit-Reset": str(reset),
        }
        if not allowed:
            raise RateLimited(
                f"Rate limit of {item} for {endpoint[0]} {endpoint[1]} reached; retry in {reset} s",
                headers={**headers, "Retry-After": str(reset)},
            )
        response.headers.update(headers)
