"""The console's gateway into core: built only for God Mode, the way the console opens."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from predictu_console.core.callbacks.delivery_log import DeliveryListQuery
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.crypto import SecretBox
from predictu_console.core.errors import Forbidden
from predictu_console.core.models import Actor
from predictu_console.core.players import PlayerListQuery
from predictu_console.db.session import engine_of
from predictu_console.tui.gateway import Gateway
from tests.factories import active_operator
from tests.tui.screens import DEMO_MASTER_KEY


def test_a_backend_cannot_be_built_for_an_operator_admin(session_factory):
    actor = Actor(admin_id="adm_ops", email="ops@casino.com", role="operator_admin")

    with pytest.raises(Forbidden, match="The console is restricted to God Mode admins"):
        Gateway(
            factory=session_factory,
            actor=actor,
            box=SecretBox(DEMO_MASTER_KEY),
            sender=CallbackSender(),
        )


def test_the_operator_screen_refreshes_in_one_transaction(session_factory, god, clock):
    operator_id = active_operator(session_factory, god, clock).id
    gateway = Gateway(
        factory=session_factory,
        actor=god,
        box=SecretBox(DEMO_MASTER_KEY),
        sender=CallbackSender(),
        clock=clock,
    )
    begun: list[object] = []
    event.listen(engine_of(session_factory), "begin", begun.append)

    view = gateway.operator_view(
        operator_id, DeliveryListQuery(limit=10), PlayerListQuery(limit=10)
    )

    assert len(begun) == 1
    assert (view.detail.id, view.detail.status) == (operator_id, "active")
