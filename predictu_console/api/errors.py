"""The one place where errors become HTTP responses, all in DESIGN §4's envelope.

Routes never raise HTTPException for domain failures: core raises a `PredictuError` and the
handler below maps its code to a status. FastAPI's 422 is turned into 400, and anything
unexpected into a logged 500 with no detail for the client.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from predictu_console.core.errors import Conflict, PredictuError
from predictu_console.core.validation import fields_from_errors, invalid

log = logging.getLogger(__name__)

STATUS_BY_CODE = {
    "VALIDATION_ERROR": 400,
    "UNAUTHORIZED": 401,
    "KEY_EXPIRED": 401,
    "FORBIDDEN": 403,
    "ACTION_FORBIDDEN": 403,
    "OPERATOR_INACTIVE": 403,
    "OPERATOR_ONBOARDING": 403,
    "CATEGORY_NOT_ALLOWED": 403,
    "PLAYER_RESTRICTED": 403,
    "NOT_FOUND": 404,
    "NO_ACTIVE_KEY": 404,
    "METHOD_NOT_ALLOWED": 405,
    "CONFLICT": 409,
    "NAME_EXISTS": 409,
    "DOMAIN_EXISTS": 409,
    "ADMIN_EXISTS": 409,
    "ONBOARDING_INCOMPLETE": 409,
    "PLAYER_EXISTS": 409,
    "TRADE_REFUSED": 409,
    "MARKET_CLOSED": 409,
    "INSUFFICIENT_BALANCE": 409,
    "REQUEST_TIMEOUT": 408,
    "PRECONDITION_FAILED": 412,
    "PAYLOAD_TOO_LARGE": 413,
    "RATE_LIMITED": 429,
    "INTERNAL_ERROR": 500,
    "MASTER_KEY_ERROR": 500,
    "SECRET_UNREADABLE": 500,
    "CONFIG_ERROR": 500,
    "DATABASE_ERROR": 500,
    "DATABASE_UNAVAILABLE": 503,
    "SERVICE_UNAVAILABLE": 503,
}

SERVER_SIDE_MESSAGES = {
    "MASTER_KEY_ERROR": "The server cannot open stored secrets; the reason is in the server log",
    "CONFIG_ERROR": "The server is misconfigured; the reason is in the server log",
    "DATABASE_ERROR": "The database failed this request; the reason is in the server log",
    "DATABASE_UNAVAILABLE": "The database is unavailable right now; try again shortly",
}
"""Failures of the server, not of the request: where a key file lives or what the database
driver said is for the administrator, so API callers get these sentences and the log the
detail."""


class ErrorDetail(BaseModel):
    """What went wrong: a stable code, a message for people, and per-field messages."""

    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorEnvelope(BaseModel):
    """Every error response's body."""

    success: bool = False
    error: ErrorDetail


def error_response(
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    *,
    status: int | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The envelope for `code`, with its status; `fields` only when there are any."""
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    status = status or STATUS_BY_CODE.get(code, 500)
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return JSONResponse({"success": False, "error": error}, status_code=status, headers=headers)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the error statuses a route can return."""
    return {status: {"model": ErrorEnvelope, "description": "Error"} for status in statuses}


def domain_error_response(
    error: PredictuError, *, headers: dict[str, str] | None = None
) -> JSONResponse:
    """A domain error in the envelope; a failure of the server itself is logged, and its
    caller gets a neutral sentence."""
    # A conflict is a 409 whatever its code: NO_ACTIVE_KEY is 404 when reading the public
    # key, but a 409 when the operator exists and simply cannot be pinged yet.
    status = 409 if isinstance(error, Conflict) else None
    # RATE_LIMITED carries Retry-After and RateLimit-*: its own win over `headers`.
    headers = {**(headers or {}), **(getattr(error, "headers", None) or {})}
    message = SERVER_SIDE_MESSAGES.get(error.code, error.message)
    if message != error.message:
        log.error("%s: %s", error.code, f"{error.message} ({error.detail})".removesuffix(" ()"))
    return error_response(
        error.code, message, error.fields or None, status=status, headers=headers or None
    )


def _counted(request: Request) -> dict[str, str] | None:
    """The `RateLimit-*` headers of a request the rate limiter counted before it failed."""
    headers: dict[str, str] | None = getattr(request.state, "rate_limit_headers", None)
    return headers


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PredictuError)
    return domain_error_response(exc, headers=_counted(request))


def _is_json(request: Request) -> bool:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media_type in ("", "application/json") or media_type.endswith("+json")


async def _request_invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = fields_from_errors(exc.errors(), skip=1)
    if "body" in fields and not _is_json(request):
        fields["body"] = "must be JSON sent with Content-Type: application/json"
    failure = invalid(fields)
    return error_response(failure.code, failure.message, failure.fields, headers=_counted(request))


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return error_response("NOT_FOUND", "No such endpoint")
    if exc.status_code == 405:
        return error_response("METHOD_NOT_ALLOWED", "Method not allowed on this endpoint")
    if exc.status_code == 400:
        return error_response("VALIDATION_ERROR", str(exc.detail))
    log.warning("unmapped HTTP error %s: %s", exc.status_code, exc.detail)
    return error_response("INTERNAL_ERROR", "Internal error")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    request_id = getattr(request.state, "request_id", "-")
    log.exception("unhandled error in request %s", request_id, exc_info=exc)
    return error_response(
        "INTERNAL_ERROR", f"Internal error; it has been logged as request {request_id}"
    )


def install_error_handlers(app: FastAPI) -> None:
    """Route every failure through the envelope."""
    app.add_exception_handler(PredictuError, _domain_error)
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
