"""Builders of valid input, unique per call, with keyword overrides."""

from __future__ import annotations

import base64
import itertools
from datetime import timedelta
from typing import Any

from predictu_console.core import admins, keys, onboarding, operators
from predictu_console.core.admins import AdminCreate, actor_for
from predictu_console.core.clock import Clock
from predictu_console.core.crypto import SecretBox
from predictu_console.core.keys import KeyCreate
from predictu_console.core.models import (
    Actor,
    OperatorCreate,
    OperatorOut,
    OperatorUpdate,
    OperatorUpdated,
)
from predictu_console.core.validation import parse
from predictu_console.db.session import SessionFactory, session_scope
from predictu_console.db.tables import Operator
from tests.receivers import Receiver

_counter = itertools.count(1)
BOX = SecretBox(bytes(range(32)))
"""The master key every test seals operator secrets with."""
TEST_MASTER_KEY = base64.b64encode(bytes(range(32))).decode()
"""BOX's master key as `PREDICTU_MASTER_KEY` spells it: the tests' processes and the servers
and workers they start share it, and with it the audit key."""


def actor_for_new_admin(
    factory: SessionFactory, clock: Clock, email: str = "god@predictu.com"
) -> Actor:
    """Create a God Mode admin (god@predictu.com unless told) and act as it."""
    with session_scope(factory) as session:
        admin = admins.create_admin(
            session=session, data=AdminCreate(email=email, name="God"), clock=clock
        )
    return actor_for(admin)


def operator_payload(**overrides: Any) -> dict[str, Any]:
    """A valid `POST /operators` body with a fresh name and domain."""
    n = next(_counter)
    payload: dict[str, Any] = {
        "name": f"Casino {n:04d}",
        "domain": f"casino{n:04d}.example.com",
        "contact_email": f"admin@casino{n:04d}.example.com",
        "revenue_share_predictu": 30,
    }
    payload.update(overrides)
    return payload


def make_operator(
    factory: SessionFactory, actor: Actor, clock: Clock, **overrides: Any
) -> OperatorOut:
    """Create an operator through core and commit it."""
    data = parse(OperatorCreate, operator_payload(**overrides))
    with session_scope(factory) as session:
        return operators.create_operator(session=session, actor=actor, data=data, clock=clock)


def update(
    factory: SessionFactory, actor: Actor, clock: Clock, operator_id: str, **fields: Any
) -> OperatorUpdated:
    """Apply a PATCH body through core and commit it."""
    data = parse(OperatorUpdate, fields)
    with session_scope(factory) as session:
        return operators.update_operator(
            session=session, actor=actor, operator_id=operator_id, data=data, clock=clock
        )


READY_TO_ACTIVATE: dict[str, Any] = {
    "revenue_share_predictu": 30,
    "callback_url": "https://api.example-casino.com/callbacks/predictu",
    "branding": {},
    "allowed_origins": ["https://www.example-casino.com"],
}
"""A PATCH that completes every step an operator PATCH can complete on its own."""


def complete_steps(factory: SessionFactory, clock: Clock, operator_id: str, *steps: str) -> None:
    """Mark steps done the way their own services do (keys and PING arrive in later modules)."""
    with session_scope(factory) as session:
        row = session.get(Operator, operator_id)
        assert row is not None
        for step in steps:
            onboarding.complete(row, step, clock.now())


def active_operator(
    factory: SessionFactory, actor: Actor, clock: Clock, **overrides: Any
) -> OperatorOut:
    """An operator taken through onboarding to `active`."""
    made = make_operator(factory, actor, clock, **overrides)
    confirm = {**READY_TO_ACTIVATE, "revenue_share_predictu": made.revenue_share_predictu}
    update(factory, actor, clock, made.id, **confirm)
    complete_steps(factory, clock, made.id, "generate_keys", "test_ping")
    return update(factory, actor, clock, made.id, status="active").operator


def generate_keys(factory: SessionFactory, actor: Actor, clock: Clock, operator_id: str) -> str:
    """A new key pair for the operator; returns its plaintext secret."""
    with session_scope(factory) as session:
        generated = keys.generate_keys(
            session=session,
            actor=actor,
            operator_id=operator_id,
            data=KeyCreate(),
            box=BOX,
            clock=clock,
        )
    return generated.key_pair.secret_key


def keyed_operator(
    factory: SessionFactory, actor: Actor, clock: Clock, *, callback_url: str
) -> tuple[str, str]:
    """An operator with a callback URL and a key pair: (operator id, secret key)."""
    made = make_operator(factory, actor, clock)
    update(factory, actor, clock, made.id, callback_url=callback_url)
    return made.id, generate_keys(factory, actor, clock, made.id)


def activate_over_http(http: Any, base: str, auth: dict[str, str], receiver: Receiver) -> str:
    """Take a new operator to `active` through the API alone (`http`: an httpx-like client),
    its receiver knowing its secret; returns its id."""
    created = http.post(f"{base}/operators", json=operator_payload(), headers=auth).json()
    url = f"{base}/operators/{created['operator']['id']}"
    receiver.secrets.append(http.post(f"{url}/keys", headers=auth).json()["key_pair"]["secret_key"])
    ready = {**READY_TO_ACTIVATE, "callback_url": f"{receiver.url}/ok"}
    assert http.patch(url, json=ready, headers=auth).status_code == 200
    assert http.post(f"{url}/test", headers=auth).json()["success"]
    assert http.patch(url, json={"status": "active"}, headers=auth).status_code == 200
    return str(created["operator"]["id"])


def token_for(session_factory: SessionFactory, clock: Clock, email: str) -> str:
    """A one-day God Mode session token for the admin with `email`."""
    with session_scope(session_factory) as session:
        return admins.issue_token(
            session=session, email=email, ttl=timedelta(days=1), clock=clock
        ).token
