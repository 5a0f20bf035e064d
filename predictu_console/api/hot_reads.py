"""The two reads scripts poll hardest, `GET /operators` and `GET /operators/{id}`, answered
beside FastAPI: one thread hop and one transaction for the token and the read together.

Through FastAPI a list request hopped to a thread to look up its token (a transaction of its
own), solved the route's dependencies and parameters, then hopped to a thread again for the
read's transaction: this path takes about a third less CPU a request. Here the gate hands
such a request to `answer`, which checks the token, the role and the rate limit and reads
the page or the operator, with the core's functions and models, in one read transaction on
one thread, and answers with the same body and headers the route gives (a test compares the
two on both backends). Anything else falls through to the route, which answers it as before:
a query FastAPI would have to judge (a repeated, empty or invalid parameter), a body, a
detail with a query string.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Response
from pydantic import BaseModel, ValidationError
from starlette.types import Scope

from predictu_console.api.errors import domain_error_response
from predictu_console.api.paths import API_PREFIX
from predictu_console.api.payloads import etag, json_response
from predictu_console.core import operators
from predictu_console.core.admins import require_god_mode
from predictu_console.core.clock import Clock
from predictu_console.core.database import transaction
from predictu_console.core.errors import PredictuError
from predictu_console.core.models import AdminOut, OperatorListQuery

Reader = Callable[[Any, Clock], tuple[BaseModel, dict[str, str]]]
"""Reads the body's model, with the headers of its own (an `ETag`), in the session that
`transaction` opened (front ends name no SQLAlchemy type)."""
Authenticated = Callable[[Any], AdminOut | PredictuError]
"""The admin whose token the request carries, looked up in the given session, or the
refusal the gate would answer with."""

_LIST = f"{API_PREFIX}/operators"
_DETAIL = re.compile(rf"{re.escape(_LIST)}/([^/]+)")


@dataclass(frozen=True)
class HotRead:
    """One request this module answers: its rate-limited endpoint and how to read it."""

    endpoint: tuple[str, str]
    """Method and path template, as the rate limits name them."""
    resource: list[str]
    """The path's parameters."""
    read: Reader


def hot_read(scope: Scope) -> HotRead | None:
    """The read a request asks for, if it is one of the two and needs nothing of FastAPI."""
    if scope["method"] != "GET":
        return None
    path: str = scope["path"]
    query: bytes = scope["query_string"]
    if path == _LIST:
        return _list(query.decode("latin-1"))
    detail = _DETAIL.fullmatch(path)
    if detail is None or query:
        return None
    operator_id = detail.group(1)
    return HotRead(("GET", "/operators/{operator_id}"), [operator_id], _detail(operator_id))


def _list(query_string: str) -> HotRead | None:
    pairs = parse_qsl(query_string, keep_blank_values=True)
    parameters = dict(pairs)
    if len(parameters) < len(pairs) or "" in parameters.values():
        return None
    try:
        query = OperatorListQuery.model_validate(parameters)
    except ValidationError:
        return None

    def read(session: Any, clock: Clock) -> tuple[BaseModel, dict[str, str]]:
        return operators.list_operators(session=session, query=query, clock=clock), {}

    return HotRead(("GET", "/operators"), [], read)


def _detail(operator_id: str) -> Reader:
    def read(session: Any, clock: Clock) -> tuple[BaseModel, dict[str, str]]:
        detail = operators.get_operator(session=session, operator_id=operator_id, clock=clock)
        return detail, {"ETag": etag(detail.version)}

    return read


def answer(request: HotRead, state: Any, authenticated: Authenticated) -> Response:
    """The response to `request`, in the order the route's dependencies check: token, role,
    rate limit, then the read; runs on a worker thread."""
    counted: dict[str, str] = {}
    try:
        with transaction(state.session_factory, write=False) as session:
            admin = authenticated(session)
            if isinstance(admin, PredictuError):
                return domain_error_response(admin)
            require_god_mode(admin)
            counted = state.rate_limiter.count(request.endpoint, admin.id, request.resource)
            model, headers = request.read(session, state.clock)
    except PredictuError as error:
        return domain_error_response(error, headers=counted or None)
    return json_response(model, {**counted, **headers})
