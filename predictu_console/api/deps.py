"""Dependencies with short `Annotated` aliases, so route signatures stay readable."""

from __future__ import annotations

from typing import Annotated

from anyio import CapacityLimiter
from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from predictu_console.api.gate import NO_TOKEN
from predictu_console.api.rate_limits import RateLimiter
from predictu_console.core.admins import actor_for, require_god_mode
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.clock import Clock
from predictu_console.core.crypto import SecretBox
from predictu_console.core.errors import Unauthorized
from predictu_console.core.models import Actor, AdminOut
from predictu_console.core.operator_api import NO_KEY, OperatorCaller
from predictu_console.db.session import SessionFactory

_bearer = HTTPBearer(auto_error=False, scheme_name="bearerAuth")
_operator_key = HTTPBearer(
    auto_error=False,
    scheme_name="operatorKey",
    description="The operator's secret key, `sk_live_…`",
)

# Dependencies that only read app state are `async`: FastAPI runs a plain `def` dependency
# on the thread pool, and three such hops cost a list request more than its query.


async def _session_factory(request: Request) -> SessionFactory:
    factory: SessionFactory = request.app.state.session_factory
    return factory


async def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


Db = Annotated[SessionFactory, Depends(_session_factory)]
"""Open a transaction with `core.database.transaction(db)`; it commits before the route returns."""

ClockDep = Annotated[Clock, Depends(_clock)]


async def _secret_box(request: Request) -> SecretBox:
    box: SecretBox = request.app.state.secret_box
    return box


SecretBoxDep = Annotated[SecretBox, Depends(_secret_box)]


async def _callback_sender(request: Request) -> CallbackSender:
    sender: CallbackSender = request.app.state.callback_sender
    return sender


SenderDep = Annotated[CallbackSender, Depends(_callback_sender)]


async def _callback_threads(request: Request) -> CapacityLimiter:
    threads: CapacityLimiter = request.app.state.callback_threads
    return threads


CallbackThreads = Annotated[CapacityLimiter, Depends(_callback_threads)]
"""The threads outbound callbacks are sent on, apart from those serving requests."""


def _rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


async def _god_mode_actor(
    request: Request,
    response: Response,
    # Read by the gate before the body arrives; declared here for the OpenAPI document.
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    admin: AdminOut | None = getattr(request.state, "admin", None)
    if admin is None:
        raise Unauthorized(NO_TOKEN)  # only if the gate was left out of the app
    require_god_mode(admin)
    await _rate_limiter(request).check(request, response, caller=admin.id)
    return actor_for(admin)


GodMode = Annotated[Actor, Depends(_god_mode_actor)]
"""The calling admin (authenticated by the gate), checked for the god_mode role, rate limited."""


async def _operator_caller(
    request: Request,
    response: Response,
    # Read by the gate before the body arrives; declared here for the OpenAPI document.
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_operator_key)],
) -> OperatorCaller:
    caller: OperatorCaller | None = getattr(request.state, "operator", None)
    if caller is None:
        raise Unauthorized(NO_KEY)  # only if the gate was left out of the app
    await _rate_limiter(request).check(request, response, caller=f"key:{caller.key_id}")
    return caller


OperatorKey = Annotated[OperatorCaller, Depends(_operator_caller)]
"""The operator whose secret key the gate authenticated, rate limited per key."""


async def limit_by_client(request: Request, response: Response) -> None:
    """Rate limiting for endpoints without a token: counted per client address."""
    client = request.client.host if request.client else "unknown"
    await _rate_limiter(request).check(request, response, caller=f"ip:{client}")
