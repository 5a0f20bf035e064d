"""Admins and session tokens: hashed at rest, expiring, role-checked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from predictu_console.core import admins, audit
from predictu_console.core.admins import AdminCreate
from predictu_console.core.errors import AdminExists, Forbidden, NotFound, Unauthorized
from predictu_console.db.session import session_scope
from predictu_console.db.tables import AuditEntry, SessionToken

TTL = timedelta(days=30)


def _issue(session_factory, clock, email="god@predictu.com"):
    with session_scope(session_factory) as session:
        return admins.issue_token(session=session, email=email, ttl=TTL, clock=clock)


def _authenticate(session_factory, clock, token):
    with session_scope(session_factory, write=False) as session:
        return admins.authenticate(session=session, token=token, clock=clock)


def test_a_token_identifies_its_admin_until_it_expires(session_factory, god, clock):
    issued = _issue(session_factory, clock)

    assert _authenticate(session_factory, clock, issued.token).email == "god@predictu.com"
    assert issued.expires_at == clock.now() + TTL
    clock.advance(TTL)
    with pytest.raises(Unauthorized, match="expired"):
        _authenticate(session_factory, clock, issued.token)


def test_only_a_hash_of_the_token_is_stored(session_factory, god, clock):
    issued = _issue(session_factory, clock)
    secret = issued.token.split(".", 1)[1]

    with session_scope(session_factory, write=False) as session:
        stored = session.scalars(select(SessionToken)).one()
    assert secret not in (stored.secret_hash, stored.id)
    assert len(stored.secret_hash) == 64


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.split(".")[0],
        lambda token: "tok_unknown." + token.split(".")[1],
        lambda token: "",
        lambda token: "." * 3,
        lambda token: token + "\x00",
        lambda token: token.replace("tok_", "tok_\x00"),
        lambda token: token.split(".")[0] + ".é",
    ],
)
def test_wrong_or_malformed_tokens_are_unauthorized(session_factory, god, clock, mangle):
    issued = _issue(session_factory, clock)
    with pytest.raises(Unauthorized) as raised:
        _authenticate(session_factory, clock, mangle(issued.token))
    assert raised.value.code == "UNAUTHORIZED"


def test_emails_are_unique_ignoring_case(session_factory, god, clock):
    with session_scope(session_factory) as session, pytest.raises(AdminExists):
        admins.create_admin(session=session, data=AdminCreate(email="GOD@predictu.com"))


def test_tokens_for_unknown_admins_are_refused(session_factory, god, clock):
    with pytest.raises(NotFound):
        _issue(session_factory, clock, email="nobody@predictu.com")


def test_operator_admins_are_forbidden_god_mode_actions(session_factory, clock):
    with session_scope(session_factory) as session:
        admin = admins.create_admin(
            session=session, data=AdminCreate(email="ops@casino.com", role="operator_admin")
        )
    with pytest.raises(Forbidden):
        admins.require_god_mode(admin)


def test_name_defaults_to_the_email_local_part(session_factory):
    with session_scope(session_factory) as session:
        admin = admins.create_admin(
            session=session, data=AdminCreate(email="Ana.Lopez@predictu.com")
        )
    assert (admin.name, admin.email) == ("Ana.Lopez", "ana.lopez@predictu.com")


def test_the_console_acts_as_the_os_users_god_mode_admin_created_once(session_factory, clock):
    with session_scope(session_factory) as session:
        first = admins.console_admin(session=session, email=None, os_user="ana", clock=clock)
    with session_scope(session_factory) as session:
        again = admins.console_admin(session=session, email=None, os_user="ana", clock=clock)

    assert first == again
    assert (first.email, first.role, first.os_user) == (
        "ana@console.predictu.com",
        "god_mode",
        "ana",
    )


def test_the_console_can_act_as_a_named_admin_but_not_an_unknown_one(session_factory, god, clock):
    with session_scope(session_factory) as session:
        actor = admins.console_admin(session=session, email="GOD@predictu.com", os_user="bob")
        assert (actor.admin_id, actor.os_user) == (god.admin_id, "bob")
        with pytest.raises(NotFound):
            admins.console_admin(session=session, email="ghost@predictu.com", os_user="bob")


def _operator_admin(session_factory, email="ops@casino.com"):
    with session_scope(session_factory) as session:
        return admins.create_admin(
            session=session, data=AdminCreate(email=email, role="operator_admin")
        )


def test_the_console_refuses_an_operator_admin_as_the_api_does(session_factory, clock):
    _operator_admin(session_factory)

    with session_scope(session_factory) as session, pytest.raises(Forbidden) as raised:
        admins.console_admin(session=session, email="ops@casino.com", os_user="bob")
    assert raised.value.code == "FORBIDDEN"
    assert raised.value.message.startswith("The console is restricted to God Mode admins")
    assert "ops@casino.com" in raised.value.message


def _revoke(session_factory, clock, email):
    with session_scope(session_factory) as session:
        return admins.revoke_tokens(session=session, email=email, clock=clock)


def test_revoking_stops_every_token_of_that_admin_and_no_one_elses(session_factory, god, clock):
    _operator_admin(session_factory)
    first, second = _issue(session_factory, clock), _issue(session_factory, clock)
    other = _issue(session_factory, clock, email="ops@casino.com")

    revoked = _revoke(session_factory, clock, "GOD@predictu.com")

    assert (revoked.count, revoked.admin.email) == (2, "god@predictu.com")
    for token in (first.token, second.token):
        with pytest.raises(Unauthorized, match="revoked"):
            _authenticate(session_factory, clock, token)
    assert _authenticate(session_factory, clock, other.token).email == "ops@casino.com"
    assert _authenticate(session_factory, clock, _issue(session_factory, clock).token)


def test_revoking_is_audited_with_the_tokens_it_revoked(session_factory, god, clock):
    issued = _issue(session_factory, clock)

    _revoke(session_factory, clock, "god@predictu.com")

    with session_scope(session_factory, write=False) as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "admin.tokens_revoked")
        ).one()
        assert audit.verify_chain(session).ok
    assert entry.actor_email == "god@predictu.com"
    assert entry.changes == {"token_ids": {"from": [issued.token.split(".")[0]], "to": []}}


def test_revoking_the_tokens_of_an_unknown_admin_is_not_found(session_factory, god, clock):
    with pytest.raises(NotFound):
        _revoke(session_factory, clock, "nobody@predictu.com")


def test_issuing_a_token_purges_tokens_expired_for_over_a_day(session_factory, god, clock):
    def issue(ttl):
        with session_scope(session_factory) as session:
            token = admins.issue_token(session=session, email=god.email, ttl=ttl, clock=clock)
        return token.token.split(".")[0]

    long_expired = issue(timedelta(days=1))
    just_expired = issue(timedelta(days=2))
    valid = issue(TTL)
    clock.advance(timedelta(days=2, minutes=1))

    fresh = issue(TTL)

    with session_scope(session_factory, write=False) as session:
        kept = set(session.scalars(select(SessionToken.id)))
    assert kept == {just_expired, valid, fresh}
    assert long_expired not in kept


def test_issuing_a_token_purges_long_expired_tokens_of_every_admin(session_factory, god, clock):
    _operator_admin(session_factory)
    _issue(session_factory, clock)
    clock.advance(TTL + admins.PURGE_AFTER + timedelta(seconds=1))

    fresh = _issue(session_factory, clock, email="ops@casino.com")

    with session_scope(session_factory, write=False) as session:
        assert list(session.scalars(select(SessionToken.id))) == [fresh.token.split(".")[0]]
