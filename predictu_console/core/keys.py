"""API key pairs (spec §5–§6): generated, rotated with a grace period, secrets sealed at rest.

A key is *active* while it is the operator's current one (`expires_at` unset), *expiring*
once a newer pair replaced it and its grace period runs, and *expired* after that: status is
computed from the clock, so nothing has to run when a grace period ends.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field, StrictInt
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from predictu_console.core import audit, derived_keys, ids, onboarding
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.crypto import SecretBox
from predictu_console.core.errors import NoActiveKey, PredictuError
from predictu_console.core.fields import Label, Timestamp, format_timestamp
from predictu_console.core.ids import new_id
from predictu_console.core.lookup import load_operator
from predictu_console.core.models import Actor, ApiKeyOut, InputModel
from predictu_console.db.tables import ApiKey, Operator

log = logging.getLogger(__name__)

KEY_CHARACTERS = 43
"""43 base62 characters carry 256 bits, above the 192 DESIGN §4 asks for."""

KeyStatus = Literal["active", "expiring", "expired"]
SECRET_PREFIX, PUBLIC_PREFIX = "sk_live_", "pk_live_"


class KeyCreate(InputModel):
    """Body of `POST /operators/{id}/keys`."""

    label: Label = "API Key"
    grace_period_hours: StrictInt = Field(default=24, ge=1, le=72)


class KeyPair(BaseModel):
    """The new pair; `secret_key` exists in plaintext only in this one response."""

    key_id: str
    public_key: str
    secret_key: str
    label: str
    status: KeyStatus
    created_at: Timestamp


class PreviousKey(BaseModel):
    """The pair the new one replaced, now in its grace period."""

    key_id: str
    status: KeyStatus
    expires_at: Timestamp


class KeysGenerated(BaseModel):
    """Response of `POST /operators/{id}/keys` (spec §5)."""

    success: Literal[True] = True
    key_pair: KeyPair
    previous_keys: PreviousKey | None


class PublicKeyOut(BaseModel):
    """Response of `GET /operators/{id}/public-key` (spec §6)."""

    operator_id: str
    public_key: str
    key_id: str
    status: KeyStatus
    created_at: Timestamp


def _random(prefix: str) -> str:
    return prefix + ids.random_base62(KEY_CHARACTERS)


def secret_lookup(session: Session, secret: str) -> str:
    """The keyed hash a secret key is found by: without the master key it reveals nothing,
    and no plaintext or decryption is needed to find a key."""
    return hmac.new(
        derived_keys.session_key(session, derived_keys.API_KEY_LOOKUP),
        secret.encode(),
        hashlib.sha256,
    ).hexdigest()


def find_by_secret(session: Session, secret: str) -> ApiKey | None:
    """The key pair whose secret is `secret`, found by its lookup hash, or None."""
    lookup = secret_lookup(session, secret)
    key = session.scalar(select(ApiKey).where(ApiKey.secret_lookup == lookup))
    # The index found it by equality; the constant-time check is what vouches for it.
    if key is None or key.secret_lookup is None:
        return None
    return key if hmac.compare_digest(key.secret_lookup, lookup) else None


def unhashed_keys_remain(session: Session, now: datetime) -> bool:
    """Whether a usable key generated before lookup hashes existed still lacks one."""
    return session.scalar(_unhashed(now).exists().select()) is True


def _unhashed(now: datetime) -> Select[ApiKey]:
    return select(ApiKey).where(
        ApiKey.secret_lookup.is_(None), (ApiKey.expires_at.is_(None)) | (ApiKey.expires_at > now)
    )


def hash_unhashed_keys(session: Session, *, box: SecretBox, now: datetime) -> int:
    """Give keys generated before lookup hashes existed theirs, opening only those few
    secrets, once; expired keys never authenticate, so they are left alone. Returns how
    many were hashed."""
    hashed = 0
    for key in session.scalars(_unhashed(now).with_for_update()).all():
        try:
            secret = box.open(key.id, key.sealed_secret)
        except PredictuError as error:
            log.error("API key %s cannot be opened to hash it: %s", key.id, error.message)
            continue
        key.secret_lookup = secret_lookup(session, secret)
        hashed += 1
    return hashed


def key_status(key: ApiKey, now: datetime) -> KeyStatus:
    """Active, expiring or expired at `now`."""
    if key.expires_at is None:
        return "active"
    return "expiring" if now < key.expires_at else "expired"


def list_keys(session: Session, *, operator_id: str, now: datetime) -> list[ApiKeyOut]:
    """Every pair of the operator without secrets: the current one, then latest expiry first."""
    rows = session.scalars(_OPERATORS_KEYS, {"operator_id": operator_id})
    return [
        ApiKeyOut(
            key_id=row.id,
            label=row.label,
            public_key=row.public_key,
            status=key_status(row, now),
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=row.expires_at,
        )
        for row in rows
    ]


def new_key_pair(
    session: Session, *, box: SecretBox, operator_id: str, label: str, created_at: datetime
) -> tuple[ApiKey, str]:
    """A current key pair's row, not yet added, and its plaintext secret: the secret sealed
    under the master key and found by its lookup hash, as every key is. The demo's bulk
    seeding makes its generated operators' keys with it too, so they work like any other."""
    secret = _random(SECRET_PREFIX)
    key_id = new_id("key")
    key = ApiKey(
        id=key_id,
        operator_id=operator_id,
        label=label,
        public_key=_random(PUBLIC_PREFIX),
        sealed_secret=box.seal(key_id, secret),
        secret_lookup=secret_lookup(session, secret),
        created_at=created_at,
        last_used_at=None,
        expires_at=None,
    )
    return key, secret


# Built once: an operator's detail reads it every time.
_OPERATORS_KEYS = (
    select(ApiKey)
    .where(ApiKey.operator_id == bindparam("operator_id"))
    .order_by(
        ApiKey.expires_at.is_(None).desc(),
        ApiKey.expires_at.desc(),
        ApiKey.created_at.desc(),
        ApiKey.id,
    )
)


def generate_keys(
    *,
    session: Session,
    actor: Actor,
    operator_id: str,
    data: KeyCreate,
    box: SecretBox,
    clock: Clock = SYSTEM_CLOCK,
) -> KeysGenerated:
    """A new pair, active at once; the current one starts its grace period. Raises NotFound."""
    operator = load_operator(session, operator_id, for_update=True)
    now = clock.now()
    current = session.scalars(
        select(ApiKey).where(ApiKey.operator_id == operator_id, ApiKey.expires_at.is_(None))
    ).all()
    for key in current:
        key.expires_at = now + timedelta(hours=data.grace_period_hours)
    key, secret = new_key_pair(
        session, box=box, operator_id=operator_id, label=data.label, created_at=now
    )
    session.add(key)
    operator.version += 1
    operator.updated_at = now
    session.flush()
    previous = current[-1] if current else None
    _audit(session, actor, operator, key, previous, now)
    return KeysGenerated(
        key_pair=KeyPair(
            key_id=key.id,
            public_key=key.public_key,
            secret_key=secret,
            label=key.label,
            status="active",
            created_at=now,
        ),
        previous_keys=None
        if previous is None or previous.expires_at is None
        else PreviousKey(
            key_id=previous.id, status=key_status(previous, now), expires_at=previous.expires_at
        ),
    )


def _audit(
    session: Session,
    actor: Actor,
    operator: Operator,
    key: ApiKey,
    previous: ApiKey | None,
    now: datetime,
) -> None:
    changes = {"api_keys.current": {"from": previous.id if previous else None, "to": key.id}}
    if previous is not None and previous.expires_at is not None:
        changes[f"api_keys.{previous.id}.expires_at"] = {
            "from": None,
            "to": format_timestamp(previous.expires_at),
        }
    audit.record(
        session,
        actor=actor,
        action="KEY_ROTATED",
        at=now,
        operator_id=operator.id,
        changes=changes,
    )
    if onboarding.complete(operator, "generate_keys", now):
        onboarding.record_completion(
            session, actor=actor, operator_id=operator.id, step="generate_keys", at=now
        )


IS_CURRENT = ApiKey.expires_at.is_(None)
"""An operator's current key has no expiry: rotation gives the key before it one. Should
two ever lack one, the newest (`NEWEST_FIRST`) signs."""
NEWEST_FIRST = ApiKey.created_at.desc()


def _current_key(session: Session, operator_id: str) -> ApiKey:
    key = session.scalar(
        select(ApiKey)
        .where(ApiKey.operator_id == operator_id, IS_CURRENT)
        .order_by(NEWEST_FIRST)
        .limit(1)
    )
    if key is None:
        raise NoActiveKey(f"Operator {operator_id} has no active API key")
    return key


def public_key(*, session: Session, operator_id: str, clock: Clock = SYSTEM_CLOCK) -> PublicKeyOut:
    """The operator's current public key. Raises NotFound, NoActiveKey."""
    load_operator(session, operator_id)
    key = _current_key(session, operator_id)
    return PublicKeyOut(
        operator_id=operator_id,
        public_key=key.public_key,
        key_id=key.id,
        status=key_status(key, clock.now()),
        created_at=key.created_at,
    )
