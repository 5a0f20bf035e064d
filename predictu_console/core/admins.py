"""Admins and their session tokens.

A token is `tok_<id>.<secret>`: the id finds the row, and only a SHA-256 of the secret is
stored, compared in constant time, so a database leak yields no usable token. Revoking an
admin's tokens deletes their rows; issuing a token purges every token that expired more
than `PURGE_AFTER` ago, so the table holds live tokens and recently expired ones only.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Literal, Protocol

from pydantic import BaseModel
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from predictu_console.core import audit
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.console_email import console_email
from predictu_console.core.errors import AdminExists, Forbidden, NotFound, Unauthorized
from predictu_console.core.fields import Email, Timestamp, is_id
from predictu_console.core.ids import new_id, random_base62
from predictu_console.core.models import Actor, AdminOut
from predictu_console.core.validation import parse
from predictu_console.db.tables import Admin, SessionToken

Role = Literal["god_mode", "operator_admin"]


class AdminCreate(BaseModel):
    """Input of `create_admin`; the name defaults to the email's local part."""

    email: Email
    name: str | None = None
    role: Role = "god_mode"


class TokensRevoked(BaseModel):
    """The outcome of `revoke_tokens`: whose tokens, and how many stopped working."""

    admin: AdminOut
    count: int


class IssuedToken(BaseModel):
    """A freshly issued session token: the only time its plaintext exists."""

    token: str
    expires_at: Timestamp
    admin: AdminOut


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _normalised_email(email: str) -> str:
    return parse(AdminCreate, {"email": email}).email.lower()


def _find(session: Session, email: str) -> Admin:
    admin = session.scalar(select(Admin).where(Admin.email == _normalised_email(email)))
    if admin is None:
        raise NotFound(f"No admin with email {email!r}")
    return admin


def actor_for(admin: AdminOut, *, os_user: str | None = None) -> Actor:
    """The audit identity of `admin`, optionally with the OS account they work from."""
    return Actor(admin_id=admin.id, email=admin.email, role=admin.role, os_user=os_user)


def create_admin(
    *, session: Session, data: AdminCreate, actor: Actor | None = None, clock: Clock = SYSTEM_CLOCK
) -> AdminOut:
    """Create an admin. Raises AdminExists when the email is taken (any case)."""
    email = data.email.lower()
    if session.scalar(select(func.count()).where(Admin.email == email)):
        raise AdminExists(f"An admin with email {email} already exists")
    now = clock.now()
    admin = Admin(
        id=new_id("adm"),
        email=email,
        name=((data.name or "").strip() or data.email.split("@", 1)[0])[:100],
        role=data.role,
        created_at=now,
    )
    session.add(admin)
    try:
        session.flush()
    except IntegrityError:
        raise AdminExists(f"An admin with email {email} already exists") from None
    changes = {"email": {"from": None, "to": email}, "role": {"from": None, "to": data.role}}
    audit.record(session, actor=actor, action="admin.created", at=now, changes=changes)
    return AdminOut.model_validate(admin, from_attributes=True)


PURGE_AFTER = timedelta(days=1)
"""How long an expired token's row is kept: for that day its holder hears "expired", which
says what to do, rather than "unknown"."""


def purge_expired_tokens(*, session: Session, clock: Clock = SYSTEM_CLOCK) -> int:
    """Delete every admin's tokens that expired more than `PURGE_AFTER` ago; returns how many."""
    expired = select(SessionToken.id).where(SessionToken.expires_at < clock.now() - PURGE_AFTER)
    return _delete_tokens(session, list(session.scalars(expired)))


def _delete_tokens(session: Session, token_ids: list[str]) -> int:
    if token_ids:
        session.execute(delete(SessionToken).where(SessionToken.id.in_(token_ids)))
    return len(token_ids)


def issue_token(
    *, session: Session, email: str, ttl: timedelta, clock: Clock = SYSTEM_CLOCK
) -> IssuedToken:
    """A new session token for an existing admin; purges long-expired tokens on the way.

    Raises NotFound for an unknown email.
    """
    admin = _find(session, email)
    now = clock.now()
    purge_expired_tokens(session=session, clock=clock)
    token = SessionToken(
        id=new_id("tok"),
        admin_id=admin.id,
        created_at=now,
        expires_at=now + ttl,
    )
    secret = random_base62(43)
    token.secret_hash = _secret_hash(secret)
    session.add(token)
    admin_out = AdminOut.model_validate(admin, from_attributes=True)
    audit.record(
        session,
        actor=actor_for(admin_out),
        action="admin.token_issued",
        at=now,
        changes={"token_id": {"from": None, "to": token.id}},
    )
    return IssuedToken(token=f"{token.id}.{secret}", expires_at=token.expires_at, admin=admin_out)


def revoke_tokens(*, session: Session, email: str, clock: Clock = SYSTEM_CLOCK) -> TokensRevoked:
    """Make every session token of an admin stop working at once, audited.

    Raises NotFound for an unknown email.
    """
    admin = _find(session, email)
    admin_out = AdminOut.model_validate(admin, from_attributes=True)
    token_ids = sorted(
        session.scalars(select(SessionToken.id).where(SessionToken.admin_id == admin.id))
    )
    count = _delete_tokens(session, token_ids)
    audit.record(
        session,
        actor=actor_for(admin_out),
        action="admin.tokens_revoked",
        at=clock.now(),
        changes={"token_ids": {"from": token_ids, "to": []}},
    )
    return TokensRevoked(admin=admin_out, count=count)


# The token and its admin in one statement: every API request runs it.
_TOKEN_HOLDER = (
    select(
        SessionToken.secret_hash,
        SessionToken.expires_at,
        *(getattr(Admin, field) for field in AdminOut.model_fields),
    )
    .join(Admin, Admin.id == SessionToken.admin_id)
    .where(SessionToken.id == bindparam("token_id"))
)


def authenticate(*, session: Session, token: str, clock: Clock = SYSTEM_CLOCK) -> AdminOut:
    """The admin a bearer token belongs to. Raises Unauthorized if unknown or expired."""
    token_id, _, secret = token.partition(".")
    well_formed = is_id(token_id, "tok") and secret.isalnum() and secret.isascii()
    row = (
        session.execute(_TOKEN_HOLDER, {"token_id": token_id}).one_or_none()
        if well_formed
        else None
    )
    if row is None or not hmac.compare_digest(row.secret_hash, _secret_hash(secret)):
        raise Unauthorized("Unknown or revoked session token")
    if row.expires_at <= clock.now():
        raise Unauthorized("Session token expired; issue a new one with `admin token`")
    return AdminOut.model_validate({field: getattr(row, field) for field in AdminOut.model_fields})


class _Holder(Protocol):
    """What a role check reads: an `AdminOut` or an `Actor` both have it."""

    @property
    def email(self) -> str: ...
    @property
    def role(self) -> Role: ...


def require_god_mode(admin: _Holder, *, where: str = "This API") -> None:
    """Raises Forbidden unless the admin (or actor) has the god_mode role.

    `where` names what is refused, so the console and the API say it in their own words.
    """
    if admin.role != "god_mode":
        raise Forbidden(
            f"{where} is restricted to God Mode admins; {admin.email} is an operator admin"
        )


def console_admin(
    *, session: Session, email: str | None, os_user: str, clock: Clock = SYSTEM_CLOCK
) -> Actor:
    """Who the console acts as: `email`'s admin, or the God Mode admin named after the OS user.

    The OS user's admin is created on first use. Raises NotFound for an unknown `email`, and
    Forbidden for an admin without the god_mode role: the console opens only for God Mode.
    """
    if email is not None:
        admin = AdminOut.model_validate(_find(session, email), from_attributes=True)
        require_god_mode(admin, where="The console")
        return actor_for(admin, os_user=os_user)
    own_email = console_email(os_user)
    existing = session.scalar(select(Admin).where(Admin.email == own_email))
    if existing is not None:
        return actor_for(AdminOut.model_validate(existing, from_attributes=True), os_user=os_user)
    data = AdminCreate(email=own_email, name=os_user)
    return actor_for(create_admin(session=session, data=data, clock=clock), os_user=os_user)
