"""Callbacks during a key rotation (operator-side spec §3): both secrets verify, by the spec's
`X-Predictu-Signature[-Previous]` and by a Standard Webhooks library, and nothing signed can be
replayed with other headers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import time
from datetime import UTC, datetime, timedelta

import pytest
import standardwebhooks

from predictu_console.core import keys
from predictu_console.core.callbacks import ping
from predictu_console.core.callbacks.ping import PingRequest
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.callbacks.worker import DeliveryWorker, WorkerConfig
from predictu_console.core.clock import FrozenClock
from predictu_console.core.keys import KeyCreate
from predictu_console.db.session import session_scope
from tests.docs import python_recipe
from tests.factories import BOX, READY_TO_ACTIVATE, complete_steps, keyed_operator, update

GRACE = timedelta(hours=2)


@pytest.fixture
def clock() -> FrozenClock:
    # Standard Webhooks libraries refuse timestamps more than 5 minutes from their own clock.
    return FrozenClock(datetime.now(UTC))


@pytest.fixture
def sender(receiver):
    return CallbackSender(ca_bundle=receiver.ca_file, allow_private=True)


@pytest.fixture
def rotated(session_factory, god, clock, receiver):
    """An operator whose keys were rotated a minute ago with a 2-hour grace period:
    (operator id, old secret, new secret)."""
    operator_id, old = keyed_operator(
        session_factory, god, clock, callback_url=f"{receiver.url}/ok"
    )
    clock.advance(timedelta(minutes=1))
    with session_scope(session_factory) as session:
        new = keys.generate_keys(
            session=session,
            actor=god,
            operator_id=operator_id,
            data=KeyCreate(label="v2", grace_period_hours=2),
            box=BOX,
            clock=clock,
        ).key_pair.secret_key
    return operator_id, old, new


def _spec_check(secret: str, body: bytes, signature: str) -> bool:
    """The spec's recipe: timing-safe compare of sha256=<hex HMAC of the raw body>."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _standard(secret: str) -> standardwebhooks.Webhook:
    return standardwebhooks.Webhook("whsec_" + base64.b64encode(secret.encode()).decode())


def _ping(session_factory, god, clock, sender, operator_id):
    return ping.test_callback(
        factory=session_factory,
        actor=god,
        operator_id=operator_id,
        data=PingRequest(),
        box=BOX,
        sender=sender,
        clock=clock,
    )


def _last_request(receiver) -> tuple[bytes, dict[str, str]]:
    request = receiver.requests[-1]
    return request["body"], request["headers"]


def test_during_the_grace_period_a_ping_verifies_with_the_old_secret_and_the_new(
    session_factory, god, clock, sender, receiver, rotated
):
    operator_id, old, new = rotated

    assert _ping(session_factory, god, clock, sender, operator_id).success
    body, headers = _last_request(receiver)

    assert _spec_check(new, body, headers["X-Predictu-Signature"])
    assert _spec_check(old, body, headers["X-Predictu-Signature-Previous"])
    assert not _spec_check(old, body, headers["X-Predictu-Signature"])
    for secret in (new, old):
        assert _standard(secret).verify(body, headers) == json.loads(body)
    assert headers["webhook-id"] == headers["X-Predictu-Delivery"]
    assert len(headers["webhook-signature"].split(" ")) == 2


def test_during_the_grace_period_a_delivered_status_change_verifies_with_both_secrets(
    session_factory, god, clock, sender, receiver
):
    operator_id, old = keyed_operator(
        session_factory, god, clock, callback_url=f"{receiver.url}/ok"
    )
    ready = {**READY_TO_ACTIVATE, "callback_url": f"{receiver.url}/ok"}
    update(session_factory, god, clock, operator_id, **ready)
    complete_steps(session_factory, clock, operator_id, "test_ping")
    with session_scope(session_factory) as session:
        new = keys.generate_keys(
            session=session,
            actor=god,
            operator_id=operator_id,
            data=KeyCreate(grace_period_hours=2),
            box=BOX,
            clock=clock,
        ).key_pair.secret_key
    update(session_factory, god, clock, operator_id, status="active")
    worker = DeliveryWorker(
        factory=session_factory,
        box=BOX,
        sender=sender,
        clock=clock,
        config=WorkerConfig(concurrency=2, timeout_ms=2000),
        rng=random.Random(1),
    )

    [outcome] = worker.run_once()

    assert outcome.success
    body, headers = _last_request(receiver)
    assert headers["X-Predictu-Event"] == "OPERATOR_STATUS_CHANGED"
    assert _spec_check(new, body, headers["X-Predictu-Signature"])
    assert _spec_check(old, body, headers["X-Predictu-Signature-Previous"])
    for secret in (new, old):
        assert _standard(secret).verify(body, headers)["payload"]["status"] == "active"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, headers: (body, {**headers, "webhook-id": "dlv_replayed"}),
        lambda body, headers: (
            body,
            {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) + 60)},
        ),
        lambda body, headers: (body.replace(b'"PING"', b'"PONG"'), headers),
        lambda body, headers: (body + b" ", headers),
    ],
    ids=["id", "timestamp", "body", "one-byte-more"],
)
def test_changing_a_signed_header_or_a_byte_of_the_body_fails_verification(
    session_factory, god, clock, sender, receiver, rotated, tamper
):
    operator_id, old, new = rotated
    _ping(session_factory, god, clock, sender, operator_id)
    body, headers = tamper(*_last_request(receiver))

    for secret in (new, old):
        with pytest.raises(standardwebhooks.WebhookVerificationError):
            _standard(secret).verify(body, headers)


def test_once_the_grace_period_ends_the_old_key_signs_nothing(
    session_factory, god, clock, sender, receiver, rotated
):
    operator_id, old, new = rotated
    clock.advance(GRACE)

    assert _ping(session_factory, god, clock, sender, operator_id).success
    body, headers = _last_request(receiver)

    assert "X-Predictu-Signature-Previous" not in headers
    assert _spec_check(new, body, headers["X-Predictu-Signature"])
    [signature] = headers["webhook-signature"].split(" ")
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    for secret, verifies in ((new, True), (old, False)):
        digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
        assert (signature == "v1," + base64.b64encode(digest).decode()) is verifies


def test_the_docs_standard_webhooks_recipe_accepts_a_real_callback_and_refuses_replays(
    session_factory, god, clock, sender, receiver, rotated
):
    verify_callback = python_recipe("callbacks.md", "standard")["verify_callback"]
    operator_id, old, new = rotated
    _ping(session_factory, god, clock, sender, operator_id)
    body, headers = _last_request(receiver)

    for secret in (new, old):
        assert verify_callback(body, headers, secret, set())["event"] == "PING"
    seen: set[str] = set()
    verify_callback(body, headers, new, seen)
    with pytest.raises(ValueError, match="already processed"):
        verify_callback(body, headers, new, seen)
    fresh = str(int(time.time()))
    for replay in ({"webhook-timestamp": fresh}, {"webhook-id": "dlv_other"}):
        with pytest.raises(standardwebhooks.WebhookVerificationError):
            verify_callback(body, {**headers, **replay}, new, set())
    stale = str(int(headers["webhook-timestamp"]) - 600)
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        verify_callback(body, {**headers, "webhook-timestamp": stale}, new, set())


def test_the_docs_predictu_signature_recipe_accepts_both_secrets_during_a_rotation(
    session_factory, god, clock, sender, receiver, rotated
):
    verify = python_recipe("callbacks.md", "predictu")["verify_predictu_signature"]
    operator_id, old, new = rotated
    _ping(session_factory, god, clock, sender, operator_id)
    body, headers = _last_request(receiver)

    assert verify(body, headers, [old], set())["event"] == "PING"
    assert verify(body, headers, [new], set())["event"] == "PING"
    with pytest.raises(ValueError, match="bad signature"):
        verify(body.replace(b"PING", b"PONG"), headers, [old, new], set())
    seen: set[str] = set()
    verify(body, headers, [new], seen)
    with pytest.raises(ValueError, match="already processed"):
        verify(body, headers, [new], seen)
