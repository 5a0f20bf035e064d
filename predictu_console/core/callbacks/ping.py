"""The signed test PING (spec §7): `test_callback` is the one sequence every front end calls.

It runs three steps so that no transaction waits on the network: `prepare_ping` reads the
URL and the signing secrets in one short transaction; `send_ping` talks to the operator with
no transaction open; `record_ping` writes the outcome (callback health, onboarding step 5, the
audit row) in another. Only a PING to the configured URL counts toward health and onboarding:
testing a new URL before saving it changes nothing but the audit log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import MISSING, BaseModel, Field, StrictInt
from sqlalchemy.orm import Session

from predictu_console.core import audit, onboarding
from predictu_console.core.callbacks import health
from predictu_console.core.callbacks.event_types import EventType
from predictu_console.core.callbacks.outbox import open_secrets, signing_target
from predictu_console.core.callbacks.samples import sample_event, test_body
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.callbacks.signing import signed_headers
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.crypto import SecretBox
from predictu_console.core.database import transaction
from predictu_console.core.errors import NotFound, PingWithoutKey
from predictu_console.core.fields import CallbackTestUrl, format_timestamp, is_id
from predictu_console.core.ids import new_id
from predictu_console.core.lookup import load_operator
from predictu_console.core.models import Actor, InputModel
from predictu_console.core.validation import invalid
from predictu_console.db.session import SessionFactory

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


class PingRequest(InputModel):
    """Body of `POST /operators/{id}/test`."""

    event: EventType = "PING"
    """Any other type sends a realistic sample of that event, marked `"test": true`."""
    callback_url: CallbackTestUrl | MISSING = Field(default=MISSING)
    timeout_ms: StrictInt = Field(default=10_000, ge=1, le=30_000)


class TestResult(BaseModel):
    """What the test did: the response on success, the classified error otherwise (the spec's
    shape for every event type)."""

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
    event: EventType
    url: str
    to_configured_url: bool
    body: bytes
    headers: dict[str, str]
    timeout_ms: int


def test_callback(
    *,
    factory: SessionFactory,
    actor: Actor,
    operator_id: str,
    data: PingRequest,
    box: SecretBox,
    sender: CallbackSender,
    clock: Clock = SYSTEM_CLOCK,
) -> PingResult:
    """Send a signed PING and record what it did; blocks for up to the request's timeout.

    Raises NotFound, PingWithoutKey, ValidationFailed, DatabaseError, and the errors of
    opening a secret (MasterKeyError, SecretUnreadable).
    """
    with transaction(factory, write=False) as session:
        prepared = prepare_ping(
            session=session, operator_id=operator_id, data=data, box=box, clock=clock
        )
    result = send_ping(prepared, sender)
    with transaction(factory) as session:
        record_ping(session=session, actor=actor, prepared=prepared, result=result, clock=clock)
    return result


def prepare_ping(
    *,
    session: Session,
    operator_id: str,
    data: PingRequest,
    box: SecretBox,
    clock: Clock = SYSTEM_CLOCK,
) -> PreparedPing:
    """Build the signed request. Raises NotFound, PingWithoutKey, ValidationFailed."""
    now = clock.now()
    target = signing_target(session, operator_id, now=now) if is_id(operator_id, "op") else None
    if target is None:
        raise NotFound(f"No operator found with id {operator_id!r}")
    url = target.callback_url if data.callback_url is MISSING else data.callback_url.strip()
    if not url:
        raise invalid({"callback_url": "no callback URL is configured; send one to test it"})
    if not target.keys:
        raise PingWithoutKey(
            f"{target.name} has no active API key to sign test callbacks with; generate keys first"
        )
    delivery_id = new_id("dlv_test")
    body = test_body(
        sample_event(data.event, operator_id=operator_id, at=now), delivery_id=delivery_id
    )
    headers = signed_headers(
        secrets=open_secrets(target, box),
        body=body,
        event=data.event,
        delivery_id=delivery_id,
        now=now,
    )
    return PreparedPing(
        operator_id, data.event, url, url == target.callback_url, body, headers, data.timeout_ms
    )


def _valid_reply(body: bytes, event: str) -> Any:
    try:
        reply = json.loads(body)
    except ValueError:
        return None
    ok = isinstance(reply, dict) and reply.get("status") == "ok"
    return reply if ok and reply.get("received_event") == event else None


def send_ping(prepared: PreparedPing, sender: CallbackSender) -> PingResult:
    """Send it and judge the reply; never raises: every failure is the result's error."""
    signature = prepared.headers["X-Predictu-Signature"]
    result = TestResult(callback_url=prepared.url, latency_ms=0, signature_sent=signature)
    sent = sender.exchange(
        prepared.url, prepared.body, prepared.headers, timeout_ms=prepared.timeout_ms, fresh=True
    )
    result.latency_ms = sent.latency_ms
    if sent.response is None:
        assert sent.failure is not None
        return _failed(result, sent.failure.code, sent.failure.message, ip=sent.failure.ip)
    response = sent.response
    result.http_status, result.tls_version = response.status, response.tls_version
    result.ip_resolved = response.ip
    if response.status != 200:
        return _failed(
            result, "HTTP_ERROR", f"Server returned HTTP {response.status}", ip=response.ip
        )
    reply = _valid_reply(response.body, prepared.event)
    if reply is None:
        message = f'Expected JSON {{"status": "ok", "received_event": "{prepared.event}"}}'
        return _failed(result, "INVALID_RESPONSE", message, ip=response.ip)
    result.response_body = reply
    return PingResult(success=True, test_result=result)


def _failed(result: TestResult, code: str, message: str, *, ip: str | None) -> PingResult:
    result.error, result.error_message, result.suggestion = code, message, SUGGESTIONS[code]
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
    """The test's audit row; callback health and onboarding step 5 for a PING to the
    configured URL only.

    A test to any other URL (one being tried before it is saved, or one replaced meanwhile),
    or of another event type, is audited with the URL, the event and the outcome, and
    changes nothing else.
    """
    operator = load_operator(session, prepared.operator_id, for_update=True)
    now = clock.now()
    to_configured_url = prepared.to_configured_url and operator.callback_url == prepared.url
    if not to_configured_url or prepared.event != "PING":
        outcome = "success" if result.success else result.test_result.error
        audit.record(
            session,
            actor=actor,
            action="callback.event_tested" if to_configured_url else "callback.url_tested",
            at=now,
            operator_id=operator.id,
            changes={
                "test_callback.url": {"from": None, "to": prepared.url},
                "test_callback.event": {"from": None, "to": prepared.event},
                "test_callback.outcome": {"from": None, "to": outcome},
            },
        )
        return
    changes = health.record_outcome(session, operator, success=result.success, at=now)
    if result.success and onboarding.complete(operator, "test_ping", now):
        changes["onboarding.test_ping"] = {"from": None, "to": format_timestamp(now)}
    # Not a version: health and onboarding bookkeeping is no edit of the operator, and must not
    # make a form opened before the PING (the wizard's own, typically) look stale.
    operator.updated_at = now
    action: Literal["callback.ping_succeeded", "callback.ping_failed"] = (
        "callback.ping_succeeded" if result.success else "callback.ping_failed"
    )
    audit.record(
        session, actor=actor, action=action, at=now, operator_id=operator.id, changes=changes
    )
