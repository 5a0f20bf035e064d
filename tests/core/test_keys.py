"""API keys: rotation with a grace period, secrets sealed at rest, the public key."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from sqlalchemy import select

from predictu_console.core import audit, keys, operators
from predictu_console.core.crypto import MasterKeyError, SecretBox, master_key
from predictu_console.core.errors import NoActiveKey, NotFound
from predictu_console.core.keys import KeyCreate
from predictu_console.db.session import session_scope
from predictu_console.db.tables import ApiKey
from tests.factories import BOX, make_operator


def _generate(session_factory, god, clock, operator_id, **body):
    with session_scope(session_factory) as session:
        return keys.generate_keys(
            session=session,
            actor=god,
            operator_id=operator_id,
            data=KeyCreate(**body),
            box=BOX,
            clock=clock,
        )


def _detail_keys(session_factory, clock, operator_id):
    with session_scope(session_factory, write=False) as session:
        return operators.get_operator(
            session=session, operator_id=operator_id, clock=clock
        ).api_keys


@pytest.fixture
def operator(session_factory, god, clock):
    return make_operator(session_factory, god, clock)


def test_a_new_pair_has_long_random_keys_and_completes_onboarding(
    session_factory, god, clock, operator
):
    created = _generate(session_factory, god, clock, operator.id, label="Production keys v2")

    pair = created.key_pair
    assert pair.public_key.startswith("pk_live_") and pair.secret_key.startswith("sk_live_")
    assert len(pair.secret_key) - len("sk_live_") == 43  # 43 base62 characters ≈ 256 bits
    assert (pair.label, pair.status, created.previous_keys) == (
        "Production keys v2",
        "active",
        None,
    )
    with session_scope(session_factory, write=False) as session:
        detail = operators.get_operator(session=session, operator_id=operator.id, clock=clock)
        rows = audit.history(session, operator_id=operator.id)
    assert detail.onboarding_checklist["generate_keys"].complete
    assert [key.key_id for key in detail.api_keys] == [pair.key_id]
    rotated = next(row for row in rows if row.action == "KEY_ROTATED")
    assert pair.secret_key not in str(rotated.changes)


def test_rotation_starts_the_grace_period_then_the_old_key_expires(
    session_factory, god, clock, operator
):
    first = _generate(session_factory, god, clock, operator.id).key_pair
    clock.advance(timedelta(hours=2))
    second = _generate(session_factory, god, clock, operator.id, grace_period_hours=1)

    assert second.previous_keys.key_id == first.key_id
    assert second.previous_keys.status == "expiring"
    assert second.previous_keys.expires_at == clock.now() + timedelta(hours=1)
    statuses = {k.key_id: k.status for k in _detail_keys(session_factory, clock, operator.id)}
    assert statuses == {second.key_pair.key_id: "active", first.key_id: "expiring"}

    clock.advance(timedelta(hours=1))
    statuses = {k.key_id: k.status for k in _detail_keys(session_factory, clock, operator.id)}
    assert statuses == {second.key_pair.key_id: "active", first.key_id: "expired"}


@pytest.mark.parametrize("hours", [0, 73, True, 1.5])
def test_grace_period_is_a_whole_number_of_hours_from_1_to_72(hours):
    with pytest.raises(ValueError):
        KeyCreate(grace_period_hours=hours)


def test_secrets_are_sealed_and_bound_to_their_key_id(session_factory, god, clock, operator):
    pair = _generate(session_factory, god, clock, operator.id).key_pair
    other = _generate(session_factory, god, clock, operator.id).key_pair

    with session_scope(session_factory) as session:
        stored = session.get(ApiKey, pair.key_id)
        assert pair.secret_key not in stored.sealed_secret
        assert BOX.open(pair.key_id, stored.sealed_secret) == pair.secret_key
        with pytest.raises(MasterKeyError):  # another row's ciphertext does not open here
            BOX.open(other.key_id, stored.sealed_secret)
        with pytest.raises(MasterKeyError, match="PREDICTU_MASTER_KEY"):
            SecretBox(bytes(32)).open(pair.key_id, stored.sealed_secret)


def test_no_file_under_the_data_directory_holds_a_plaintext_secret(tmp_path, clock):
    from predictu_console.core.crypto import secret_box
    from predictu_console.db.migrate import upgrade
    from predictu_console.db.session import engine_of, make_session_factory
    from predictu_console.settings import Settings
    from tests.factories import actor_for_new_admin

    settings = Settings(home=tmp_path / "home")
    factory = make_session_factory(settings)
    upgrade(engine_of(factory))
    actor = actor_for_new_admin(factory, clock)
    made = make_operator(factory, actor, clock)
    secrets_shown = []
    for _ in range(3):
        with session_scope(factory) as session:
            secrets_shown.append(
                keys.generate_keys(
                    session=session,
                    actor=actor,
                    operator_id=made.id,
                    data=KeyCreate(),
                    box=secret_box(settings),
                    clock=clock,
                ).key_pair.secret_key
            )
    engine_of(factory).dispose()

    files = [path for path in (tmp_path / "home").rglob("*") if path.is_file()]
    assert {path.name for path in files} >= {"predictu.db", "master.key"}
    assert oct((tmp_path / "home" / "master.key").stat().st_mode & 0o777) == "0o600"
    for path in files:
        content = path.read_bytes()
        for secret in secrets_shown:
            assert secret.encode() not in content, path


@pytest.mark.parametrize("configured", ["short", base64.b64encode(b"x" * 31).decode(), "!!!"])
def test_a_malformed_master_key_names_the_variable(tmp_path, configured):
    with pytest.raises(MasterKeyError, match="PREDICTU_MASTER_KEY"):
        master_key(configured, tmp_path / "master.key")


def test_the_public_key_is_the_current_one(session_factory, god, clock, operator):
    with session_scope(session_factory, write=False) as session, pytest.raises(NoActiveKey):
        keys.public_key(session=session, operator_id=operator.id, clock=clock)
    _generate(session_factory, god, clock, operator.id)
    latest = _generate(session_factory, god, clock, operator.id).key_pair

    with session_scope(session_factory, write=False) as session:
        shown = keys.public_key(session=session, operator_id=operator.id, clock=clock)
        with pytest.raises(NotFound) as missing:
            keys.public_key(session=session, operator_id="op_nobody", clock=clock)
    assert (shown.key_id, shown.public_key, shown.status) == (
        latest.key_id,
        latest.public_key,
        "active",
    )
    assert missing.value.code == "NOT_FOUND"


def test_keys_for_an_unknown_operator_are_not_found(session_factory, god, clock):
    with pytest.raises(NotFound):
        _generate(session_factory, god, clock, "op_missing")
    with session_scope(session_factory, write=False) as session:
        assert session.scalar(select(ApiKey.id)) is None
