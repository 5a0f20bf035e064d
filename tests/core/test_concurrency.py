"""Concurrent writers: unique indexes settle races, and no update is lost."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from predictu_console.core import audit, operators
from predictu_console.core.errors import PredictuError
from predictu_console.core.models import OperatorListQuery
from predictu_console.db.session import session_scope
from tests.factories import make_operator, update

THREADS = 16


def _race(fn, count=THREADS):
    """Run `fn(i)` in `count` threads released at once; return results or error codes."""
    barrier = Barrier(count)

    def attempt(i):
        barrier.wait()
        try:
            fn(i)
            return "ok"
        except PredictuError as error:
            return error.code

    with ThreadPoolExecutor(count) as pool:
        return sorted(pool.map(attempt, range(count)))


def _count(session_factory):
    with session_scope(session_factory, write=False) as session:
        return operators.list_operators(session=session, query=OperatorListQuery()).total


def test_sixteen_creates_of_one_name_give_one_operator(session_factory, god, clock):
    outcomes = _race(
        lambda i: make_operator(
            session_factory, god, clock, name="Race Casino", domain=f"race{i}.example.com"
        )
    )
    assert outcomes == ["NAME_EXISTS"] * (THREADS - 1) + ["ok"]
    assert _count(session_factory) == 1


def test_sixteen_creates_of_one_domain_give_one_operator(session_factory, god, clock):
    outcomes = _race(
        lambda i: make_operator(
            session_factory, god, clock, name=f"Race {i}", domain="race.example.com"
        )
    )
    assert outcomes == ["DOMAIN_EXISTS"] * (THREADS - 1) + ["ok"]
    assert _count(session_factory) == 1


def test_concurrent_renames_to_one_name_give_one_success(session_factory, god, clock):
    ids = [make_operator(session_factory, god, clock).id for _ in range(8)]
    outcomes = _race(
        lambda i: update(session_factory, god, clock, ids[i], name="Wanted Name"), count=8
    )
    assert outcomes == ["NAME_EXISTS"] * 7 + ["ok"]


def test_concurrent_config_patches_to_different_keys_all_survive(session_factory, god, clock):
    made = make_operator(session_factory, god, clock)
    keys = [
        ("auto_promote_days", 11),
        ("auto_promote_trades", 12),
        ("can_promote_vip", True),
        ("daily_loss_limit_enabled", True),
    ]
    outcomes = _race(
        lambda i: update(session_factory, god, clock, made.id, config=dict([keys[i]])),
        count=len(keys),
    )
    assert outcomes == ["ok"] * len(keys)
    with session_scope(session_factory, write=False) as session:
        config = operators.get_operator(session=session, operator_id=made.id).config
        chain = audit.verify_chain(session)
    assert {key: getattr(config, key) for key, _ in keys} == dict(keys)
    assert chain.ok and chain.checked == 2 + len(keys)
