"""The console's door into the service core: one transaction per call, as the acting admin.

Every method blocks on the database, so screens call them only from thread workers. Each
call opens its own session: sessions are not shared between threads. A backend is only
built for a God Mode admin, as the console opens for no one else. The core modules that only
other screens use are imported by their methods, after the first page (issue 21).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from predictu_console.core import admins, change_marker, operators
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.database import rolled_back, transaction

if TYPE_CHECKING:
    from predictu_console.core.audit import AuditRecord
    from predictu_console.core.callbacks.delivery_log import (
        DeliveryDetail,
        DeliveryListQuery,
        DeliveryOut,
    )
    from predictu_console.core.callbacks.ping import PingRequest, PingResult
    from predictu_console.core.callbacks.sender import CallbackSender
    from predictu_console.core.change_marker import ChangeMarker
    from predictu_console.core.crypto import SecretBox
    from predictu_console.core.keys import KeyCreate, KeysGenerated
    from predictu_console.core.models import (
        Actor,
        OperatorCreate,
        OperatorDetail,
        OperatorListQuery,
        OperatorOut,
        OperatorPage,
        OperatorUpdate,
        OperatorUpdated,
    )
    from predictu_console.core.operator_view import OperatorView
    from predictu_console.db.session import SessionFactory


@dataclass(frozen=True)
class Backend:
    """The acting admin's view of the service."""

    factory: SessionFactory
    actor: Actor
    box: SecretBox
    sender: CallbackSender
    clock: Clock = SYSTEM_CLOCK

    def __post_init__(self) -> None:
        admins.require_god_mode(self.actor, where="The console")

    def list_operators(self, query: OperatorListQuery) -> OperatorPage:
        """One page of the operator list."""
        with transaction(self.factory, write=False) as session:
            return operators.list_operators(session=session, query=query, clock=self.clock)

    def change_marker(self) -> ChangeMarker:
        """Cheap to read, and different whenever any operator was created or changed."""
        with transaction(self.factory, write=False) as session:
            return change_marker.read(session=session)

    def get_operator(self, operator_id: str) -> OperatorDetail:
        """The full detail."""
        with transaction(self.factory, write=False) as session:
            return operators.get_operator(
                session=session, operator_id=operator_id, clock=self.clock
            )

    def generate_keys(self, operator_id: str, data: KeyCreate) -> KeysGenerated:
        """A new key pair; its secret is in the result and nowhere else."""
        from predictu_console.core import keys

        with transaction(self.factory) as session:
            return keys.generate_keys(
                session=session,
                actor=self.actor,
                operator_id=operator_id,
                data=data,
                box=self.box,
                clock=self.clock,
            )

    def test_callback(self, operator_id: str, data: PingRequest) -> PingResult:
        """Send a signed PING and record it; no transaction is open while it is in flight."""
        from predictu_console.core.callbacks import ping

        return ping.test_callback(
            factory=self.factory,
            actor=self.actor,
            operator_id=operator_id,
            data=data,
            box=self.box,
            sender=self.sender,
            clock=self.clock,
        )

    def operator_view(self, operator_id: str, deliveries: DeliveryListQuery) -> OperatorView:
        """The detail, its audit trail and a page of its deliveries, in one transaction."""
        from predictu_console.core import operator_view

        with transaction(self.factory, write=False) as session:
            return operator_view.read_view(
                session=session, operator_id=operator_id, deliveries=deliveries, clock=self.clock
            )

    def get_delivery(self, delivery_id: str) -> DeliveryDetail:
        """One delivery with its request body and every response."""
        from predictu_console.core.callbacks import delivery_log

        with transaction(self.factory, write=False) as session:
            return delivery_log.get_delivery(session=session, delivery_id=delivery_id)

    def redeliver(self, delivery_id: str) -> DeliveryOut:
        """Queue the delivery again now; audited as the acting admin."""
        from predictu_console.core.callbacks import delivery_log

        with transaction(self.factory) as session:
            return delivery_log.redeliver(
                session=session, actor=self.actor, delivery_id=delivery_id, now=self.clock.now()
            )

    def history(self, operator_id: str) -> list[AuditRecord]:
        """The operator's audit rows, newest first."""
        from predictu_console.core import audit

        with transaction(self.factory, write=False) as session:
            return audit.history(session, operator_id=operator_id)

    def create_operator(self, data: OperatorCreate) -> OperatorOut:
        """Create and commit."""
        with transaction(self.factory) as session:
            return operators.create_operator(
                session=session, actor=self.actor, data=data, clock=self.clock
            )

    def _update(
        self, operator_id: str, data: OperatorUpdate, expected_version: int, *, commit: bool
    ) -> OperatorUpdated:
        scope = transaction(self.factory) if commit else rolled_back(self.factory)
        with scope as session:
            return operators.update_operator(
                session=session,
                actor=self.actor,
                operator_id=operator_id,
                data=data,
                expected_version=expected_version,
                clock=self.clock,
            )

    def preview_update(
        self, operator_id: str, data: OperatorUpdate, expected_version: int
    ) -> OperatorUpdated:
        """What `update_operator` would change, computed by core and rolled back."""
        return self._update(operator_id, data, expected_version, commit=False)

    def update_operator(
        self, operator_id: str, data: OperatorUpdate, expected_version: int
    ) -> OperatorUpdated:
        """Apply and commit, unless someone changed the operator since `expected_version`."""
        return self._update(operator_id, data, expected_version, commit=True)
