"""The console's gateway into core: built only for God Mode, the way the console opens."""

from __future__ import annotations

import pytest

from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.crypto import SecretBox
from predictu_console.core.errors import Forbidden
from predictu_console.core.models import Actor
from predictu_console.tui.backend import Backend
from scripts.screens import DEMO_MASTER_KEY


def test_a_backend_cannot_be_built_for_an_operator_admin(session_factory):
    actor = Actor(admin_id="adm_ops", email="ops@casino.com", role="operator_admin")

    with pytest.raises(Forbidden, match="The console is restricted to God Mode admins"):
        Backend(
            factory=session_factory,
            actor=actor,
            box=SecretBox(DEMO_MASTER_KEY),
            sender=CallbackSender(),
        )
