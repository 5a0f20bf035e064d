"""Finding an operator's key by its secret: a keyed hash, never plaintext or mass decryption."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from predictu_console.core import derived_keys, operator_api
from predictu_console.core.crypto import SecretBox
from predictu_console.core.errors import KeyExpired, Unauthorized
from predictu_console.db.session import session_scope
from predictu_console.db.tables import ApiKey
from tests.factories import BOX, TEST_MASTER_KEY, generate_keys, make_operator


class _SealedShut(SecretBox):
    """A box that proves a secret was never opened: opening one fails the test."""

    def __init__(self) -> None:
        super().__init__(bytes(32))

    def open(self, key_id: str, sealed: str) -> str:
        raise AssertionError(f"the secret of {key_id} was decrypted")


def _one_off(secret: str) -> str:
    """The secret with its last character changed."""
    return secret[:-1] + ("1" if secret.endswith("0") else "0")


@pytest.fixture
def secret(session_factory, god, clock) -> str:
    operator = make_operator(session_factory, god, clock)
    return generate_keys(session_factory, god, clock, operator.id)


def _rows(session_factory) -> list[ApiKey]:
    with session_scope(session_factory, write=False) as session:
        return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at)))


def _forget_lookups(session_factory) -> None:
    """What keys generated before lookup hashes existed look like."""
    with session_scope(session_factory) as session:
        session.execute(update(ApiKey).values(secret_lookup=None))


def test_a_generated_key_stores_an_hmac_of_its_secret_under_the_lookup_label(
    session_factory, secret, settings
):
    [row] = _rows(session_factory)

    lookup_key = derived_keys.derived_key(settings, b"predictu api key lookup v1")
    expected = hmac.new(lookup_key, secret.encode(), hashlib.sha256).hexdigest()
    assert row.secret_lookup == expected
    assert row.secret_lookup != hashlib.sha256(secret.encode()).hexdigest()
    assert lookup_key != derived_keys.derived_key(settings, derived_keys.AUDIT_CHAIN)
    assert secret not in (row.sealed_secret, row.public_key)


def test_authentication_finds_the_key_without_opening_any_secret(session_factory, secret, clock):
    caller = operator_api.authenticate(
        factory=session_factory, secret=secret, box=_SealedShut(), clock=clock
    )

    [row] = _rows(session_factory)
    assert (caller.key_id, caller.operator_id) == (row.id, row.operator_id)
    with pytest.raises(Unauthorized) as raised:
        operator_api.authenticate(
            factory=session_factory, secret=_one_off(secret), box=_SealedShut(), clock=clock
        )
    assert raised.value.code == "UNAUTHORIZED"


def test_keys_from_before_lookup_hashes_authenticate_and_get_theirs_once(
    session_factory, secret, clock, god
):
    _forget_lookups(session_factory)

    operator_api.authenticate(factory=session_factory, secret=secret, box=BOX, clock=clock)

    [row] = _rows(session_factory)
    assert row.secret_lookup is not None
    # Hashed now: the next authentication opens nothing.
    operator_api.authenticate(
        factory=session_factory, secret=secret, box=_SealedShut(), clock=clock
    )


def test_an_expired_key_without_a_lookup_hash_is_left_alone(session_factory, secret, clock, god):
    [old] = _rows(session_factory)
    current = generate_keys(session_factory, god, clock, old.operator_id)
    _forget_lookups(session_factory)
    clock.advance(timedelta(hours=25))

    operator_api.authenticate(factory=session_factory, secret=current, box=BOX, clock=clock)

    lookups = {row.id: row.secret_lookup for row in _rows(session_factory)}
    assert lookups[old.id] is None
    with pytest.raises(Unauthorized) as raised:
        operator_api.authenticate(factory=session_factory, secret=secret, box=BOX, clock=clock)
    assert not isinstance(raised.value, KeyExpired)  # never hashed, so never recognised


def test_a_key_that_cannot_be_opened_does_not_stop_the_others(
    session_factory, secret, clock, god, caplog
):
    [first] = _rows(session_factory)
    other = make_operator(session_factory, god, clock)
    second = generate_keys(session_factory, god, clock, other.id)
    _forget_lookups(session_factory)
    with session_scope(session_factory) as session:
        session.get(ApiKey, first.id).sealed_secret = BOX.seal("another-id", "x")

    caller = operator_api.authenticate(factory=session_factory, secret=second, box=BOX, clock=clock)

    assert caller.operator_id == other.id
    assert first.id in caplog.text
    assert TEST_MASTER_KEY not in caplog.text


def test_a_public_key_or_anything_else_is_refused_before_the_database(session_factory, clock):
    for wrong, says in (("pk_live_abc", "public key"), ("Zm9vOmJhcg==", "sk_live_")):
        with pytest.raises(Unauthorized) as raised:
            operator_api.authenticate(
                factory=session_factory, secret=wrong, box=_SealedShut(), clock=clock
            )
        assert says in raised.value.message
