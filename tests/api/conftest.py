"""An API client on the test database, and a God Mode token for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from predictu_console.api.app import create_app
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.callbacks.worker import DeliveryWorker, WorkerConfig
from tests.factories import BOX, token_for


@pytest.fixture
def app(settings, session_factory, clock):
    return create_app(settings, session_factory=session_factory, clock=clock)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def auth(session_factory, clock, god) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(session_factory, clock, god.email)}"}


@pytest.fixture
def limited(settings, session_factory, clock) -> Iterator[TestClient]:
    """A client of the app with rate limits on, counted in memory."""
    app = create_app(
        settings.model_copy(update={"rate_limits": True}),
        session_factory=session_factory,
        clock=clock,
    )
    with TestClient(app) as limited_client:
        yield limited_client


@pytest.fixture
def delivering(settings, session_factory, clock, receiver) -> Iterator[TestClient]:
    """A client of the app as `serve` runs it: its own worker delivers callbacks, and PINGs
    and deliveries reach the HTTPS receiver (tests/receivers.py), trusting its CA."""
    settings = settings.model_copy(
        update={"callback_ca_bundle": receiver.ca_file, "callback_allow_private": True}
    )
    sender = CallbackSender(ca_bundle=receiver.ca_file, allow_private=True)
    worker = DeliveryWorker(
        factory=session_factory,
        box=BOX,
        sender=sender,
        clock=clock,
        config=WorkerConfig(poll_seconds=0.05, timeout_ms=2000),
    )
    app = create_app(settings, session_factory=session_factory, clock=clock, worker=worker)
    with TestClient(app) as delivering_client:
        yield delivering_client
