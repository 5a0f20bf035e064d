"""The signed test PING (spec §7), in three steps so no transaction waits on the network.

`prepare_ping` reads (operator, URL, signing secret) in one short transaction; `send_ping`
talks to the operator with no transaction open; `record_ping` writes the outcome (callback
health, onboarding step 5) in another. Only a PING to the configured URL counts toward
either: testing a new URL before saving it changes nothing.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import MISSING, BaseModel, Field, StrictInt
from sqlalchemy.orm import Session

from predictu_console.core import audit, onboarding
from predictu_console.core.callbacks import health
from predictu_console.core.callbacks.events import PING_MESSAGE
from predictu_console.core.callbacks.outbox import CALLBACK_TARGET
from predictu_console.core.callbacks.sender import CallbackSender, failure_of
from predictu_console.core.callbacks.signing import encode_body, signed_headers
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.crypto import SecretBox
from predictu_console.core.errors import Conflict
from predictu_console.core.fields import CallbackTestUrl, format_timestamp
from predictu_console.core.ids import new_id
from predictu_console.core.lookup import load_operator, load_row
from predictu_console.core.models import Actor, InputModel
from predictu_console.core.validation import invalid

SUGGESTIONS = {
    "TIMEOUT": "Ensure the callback URL is accessible and the server responds within the "
    "timeout period. Check firewall rules and DNS resolution.",
    "CONNECTION_REFUSED": "Verify the server is running and the port is correct.",
    "DNS_RESOLUTION_FAILED": "Check the domain name in the callback URL.",
    "TLS_ERROR": "Ensure a valid SSL certificate (self-signed certificates are not accepted).",
    "HTTP_ERROR": "Check the server logs for the callback handler.",
    "INVALID_RESPONSE": 'Ensure the response is JSON with status "ok" and received_event.',
    "NOT_HTTPS": "HTTPS is required for all callback URLs.",
    "BLOCKED_ADDRESS": "Callbacks only go to public internet addresses; use a public host.",
    "INVALID_URL": "Check the callback URL: its host name, port and characters.",
    "SEND_FAILED": "Try again; if it keeps failing, report it to Predictu with the time of "
    "the test.",
}


class PingWithoutKey(Conflict):
    """Raised when pinging an operator that has no active key to sign with."""

    code = "NO_ACTIVE_KEY"


class PingRequest(InputModel):
    """Body of `POST /operators/{id}/test`."""

    callback_url: CallbackTestUrl | MISSING = Field(default=MISSING)
    timeout_ms: StrictInt = Field(default=10_000, ge=1, le=30_000)


class TestResult(BaseModel):
    """What the PING did: the response on success, the classified error otherwise."""

    callback_url: str
    http_status: int | None = None
    response_body: Any = None
    latency_ms: int
    signature_sent: str | None = None
    tls_version: str | None = None
    ip_resolved: str | None = None
    error: str | None = None
    error_message: str | None = None
    suggestion: str | None = None


class PingResult(BaseModel):
    """Response of `POST /operators/{id}/test`: 200 either way, the outcome in the body."""

    success: bool
    test_result: TestResult


@dataclass(frozen=True)
class PreparedPing:
    """Everything the send needs, read before any network traffic."""

    operator_id: str
    url: str
    to_configured_url: bool
    body: bytes
    headers: dict[str, str]
    timeout_ms: int


def prepare_ping(
    *,
    session: Session,
    operator_id: str,
    data: PingRequest,
    box: SecretBox,
    clock: Clock = SYSTEM_CLOCK,
) -> PreparedPing:
    """Build the signed request. Raises NotFound, PingWithoutKey, ValidationFailed."""
    operator = load_row(session, operator_id, CALLBACK_TARGET)
    url = operator.callback_url if data.callback_url is MISSING else data.callback_url.strip()
    if not url:
        raise invalid({"callback_url": "no callback URL is configured; send one to test it"})
    if operator.key_id is None:
        raise PingWithoutKey(
            f"{operator.name} has no active API key to sign the PING with; generate keys first"
        )
    secret = box.open(operator.key_id, operator.sealed_secret)
    now = clock.now()
    body = encode_body(
        {
            "event": "PING",
            "operator_id": operator_id,
            "timestamp": format_timestamp(now),
            "test": True,
            "payload": {"message": PING_MESSAGE},
        }
    )
    headers = signed_headers(
        secret=secret, body=body, event="PING", delivery_id=new_id("dlv_test"), now=now
    )
    return PreparedPing(
        operator_id, url, url == operator.callback_url, body, headers, data.timeout_ms
    )


def _valid_reply(body: bytes) -> Any:
    try:
        reply = json.loads(body)
    except ValueError:
        return None
    ok = isinstance(reply, dict) and reply.get("status") == "ok"
    return reply if ok and reply.get("received_event") == "PING" else None


def send_ping(prepared: PreparedPing, sender: CallbackSender) -> PingResult:
    """Send it and judge the reply; never raises: every failure is the result's error."""
    started = time.monotonic()
    signature = prepared.headers["X-Predictu-Signature"]
    result = TestResult(callback_url=prepared.url, latency_ms=0, signature_sent=signature)
    try:
        response = sender.post(
            prepared.url,
            prepared.body,
            prepared.headers,
            timeout_ms=prepared.timeout_ms,
            fresh=True,
        )
    except Exception as error:
        failure = failure_of(error, prepared.url)
        return _failed(result, failure.code, failure.message, started, ip=failure.ip)
    result.http_status, result.tls_version = response.status, response.tls_version
    result.ip_resolved = response.ip
    if response.status != 200:
        message = f"Server returned HTTP {response.status}"
        return _failed(result, "HTTP_ERROR", message, started, ip=response.ip)
    reply = _valid_reply(response.body)
    if reply is None:
        message = 'Expected JSON {"status": "ok", "received_event": "PING"}'
        return _failed(result, "INVALID_RESPONSE", message, started, ip=response.ip)
    result.response_body = reply
    result.latency_ms = round((time.monotonic() - started) * 1000)
    return PingResult(success=True, test_result=result)


def _failed(
    result: TestResult, code: str, message: str, started: float, *, ip: str | None
) -> PingResult:
    result.error, result.error_message, result.suggestion = code, message, SUGGESTIONS[code]
    result.latency_ms = round((time.monotonic() - started) * 1000)
    result.ip_resolved = ip
    return PingResult(success=False, test_result=result)


def record_ping(
    *,
    session: Session,
    actor: Actor,
    prepared: PreparedPing,
    result: PingResult,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """The PING's audit row; callback health and onboarding step 5 for the configured URL only.

    A PING to any other URL (one being tried before it is saved, or one replaced meanwhile)
    is audited with the URL and the outcome, and changes nothing else.
    """
    operator = load_operator(session, prepared.operator_id, for_update=True)
    now = clock.now()
    if not prepared.to_configured_url or operator.callback_url != prepared.url:
        outcome = "success" if result.success else result.test_result.error
        audit.record(
            session,
            actor=actor,
            action="callback.url_tested",
            at=now,
            operator_id=operator.id,
            changes={
                "test_ping.url": {"from": None, "to": prepared.url},
                "test_ping.outcome": {"from": None, "to": outcome},
            },
        )
        return
    changes = health.record_outcome(session, operator, success=result.success, at=now)
    if result.success and onboarding.complete(operator, "test_ping", now):
        changes["onboarding.test_ping"] = {"from": None, "to": format_timestamp(now)}
    operator.version += 1
    operator.updated_at = now
    action: Literal["callback.ping_succeeded", "callback.ping_failed"] = (
        "callback.ping_succeeded" if result.success else "callback.ping_failed"
    )
    audit.record(
        session, actor=actor, action=action, at=now, operator_id=operator.id, changes=changes
    )
