"""The audit chain's lock: writers to one chain take turns, other chains never wait on it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from predictu_console.db.session import (
    SessionFactory,
    engine_of,
    lock_audit_chain,
    make_session_factory,
    session_scope,
)
from tests.databases import BACKENDS, Databases, settings_for


def _take_the_lock(factory: SessionFactory) -> bool:
    with session_scope(factory) as session:
        lock_audit_chain(session)
    return True


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_chain_held_by_one_writer_stops_its_next_writer_and_no_other_chains(
    kind, databases: Databases, tmp_path
):
    """A second schema of one PostgreSQL database (as each of the suite's workers has, or a
    second deployment) holds a chain of its own; so does a second SQLite file."""
    (tmp_path / "other").mkdir()
    urls = databases.empty(kind, tmp_path), databases.unmigrated(kind, tmp_path / "other")
    held, other = (make_session_factory(settings_for(url, tmp_path / "home")) for url in urls)
    try:
        with ThreadPoolExecutor(2) as pool, session_scope(held) as session:
            lock_audit_chain(session)
            assert pool.submit(_take_the_lock, other).result(timeout=10)
            same_chain = pool.submit(_take_the_lock, held)
            with pytest.raises(TimeoutError):
                same_chain.result(timeout=1)  # waits while the lock is held...
        assert same_chain.result(timeout=10)  # ...and takes it once the holder commits
    finally:
        for factory in (held, other):
            engine_of(factory).dispose()
