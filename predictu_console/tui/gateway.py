"""The console's gateway to the service core: one transaction per call, as the acting admin.

Every method blocks on the database, so screens call them only from thread workers. Each
call opens its own session: sessions are not shared between threads. A gateway is only
built for a God Mode admin, as the console opens for no one else. The core modules that only
other screens use are imported by their methods, after the first page (issue 21).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from predictu_console.core import admins, change_marker, operators
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.database import transaction

if TYPE_CHECKING:
    from decimal import Decimal

    from predictu_console.core.audit import AuditRecord
    from predictu_console.core.callbacks.backlog import DeliveryBacklog
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
    from predictu_console.core.markets import (
        MarketActivity,
        MarketListQuery,
        MarketOut,
        MarketPage,
        MarketResolve,
        Resolution,
        ResolutionPreview,
    )
    from predictu_console.core.models import (
        Actor,
        FieldChange,
        OperatorCreate,
        OperatorDetail,
        OperatorListQuery,
        OperatorOut,
        OperatorPage,
        OperatorUpdate,
        OperatorUpdated,
    )
    from predictu_console.core.notifications import NotificationOut
    from predictu_console.core.operator_view import OperatorView
    from predictu_console.core.platform import MarketCreate
    from predictu_console.core.players import PlayerListQuery, PlayerOut, PlayerPage, PlayerRestrict
    from predictu_console.db.session import SessionFactory


@dataclass(frozen=True)
class Gateway:
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

    def export_operators(self, query: OperatorListQuery, export_format: str) -> str:
        """Every operator the list's filters select, as CSV or JSON text."""
        from predictu_console.core import operator_export

        with transaction(self.factory, write=False) as session:
            return operator_export.export_operators(
                session=session, query=query, export_format=export_format, clock=self.clock
            )

    def recent_volumes(self, operator_ids: list[str]) -> dict[str, list[Decimal]]:
        """Each operator's daily volume over the last 30 days, for the list's sparklines."""
        from predictu_console.core import trends

        with transaction(self.factory, write=False) as session:
            return trends.recent_volumes(
                session=session, operator_ids=operator_ids, now=self.clock.now()
            )

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

    def operator_view(
        self, operator_id: str, deliveries: DeliveryListQuery, players_shown: PlayerListQuery
    ) -> OperatorView:
        """The detail, its audit trail and pages of its deliveries and players, in one
        transaction."""
        from predictu_console.core import operator_view

        with transaction(self.factory, write=False) as session:
            return operator_view.read_view(
                session=session,
                operator_id=operator_id,
                deliveries=deliveries,
                players_shown=players_shown,
                clock=self.clock,
            )

    def get_delivery(self, delivery_id: str) -> DeliveryDetail:
        """One delivery with its request body and every response."""
        from predictu_console.core.callbacks import delivery_log

        with transaction(self.factory, write=False) as session:
            return delivery_log.get_delivery(session=session, delivery_id=delivery_id)

    def delivery_backlog(self, operator_id: str | None = None) -> DeliveryBacklog:
        """The due deliveries of `operator_id` (of every operator without it), and whether
        a worker is sending them."""
        from predictu_console.core.callbacks import backlog

        with transaction(self.factory, write=False) as session:
            return backlog.read_backlog(session, now=self.clock.now(), operator_id=operator_id)

    def redeliver(self, delivery_id: str) -> DeliveryOut:
        """Queue the delivery again now; audited as the acting admin."""
        from predictu_console.core.callbacks import delivery_log

        with transaction(self.factory) as session:
            return delivery_log.redeliver(
                session=session, actor=self.actor, delivery_id=delivery_id, now=self.clock.now()
            )

    def notifications(self, limit: int) -> list[NotificationOut]:
        """The acting admin's latest notifications, newest first."""
        from predictu_console.core import notifications

        with transaction(self.factory, write=False) as session:
            return notifications.list_notifications(
                session, admin_id=self.actor.admin_id, limit=limit
            )

    def unread_notifications(self) -> int:
        """How many of the acting admin's notifications are unread."""
        from predictu_console.core import notifications

        with transaction(self.factory, write=False) as session:
            return notifications.unread_count(session, admin_id=self.actor.admin_id)

    def mark_notifications_read(self) -> int:
        """Mark every unread notification read, audited as the API's; returns how many."""
        from predictu_console.core import notifications

        with transaction(self.factory) as session:
            return notifications.mark_read(session, actor=self.actor, at=self.clock.now())

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

    def preview_update(
        self, operator_id: str, data: OperatorUpdate, expected_version: int
    ) -> dict[str, FieldChange]:
        """What `update_operator` would change, computed by core in a read transaction."""
        with transaction(self.factory, write=False) as session:
            return operators.preview_update(
                session=session,
                operator_id=operator_id,
                data=data,
                expected_version=expected_version,
            )

    def update_operator(
        self, operator_id: str, data: OperatorUpdate, expected_version: int
    ) -> OperatorUpdated:
        """Apply and commit, unless someone changed the operator since `expected_version`."""
        with transaction(self.factory) as session:
            return operators.update_operator(
                session=session,
                actor=self.actor,
                operator_id=operator_id,
                data=data,
                expected_version=expected_version,
                clock=self.clock,
            )

    def list_players(self, operator_id: str, query: PlayerListQuery) -> PlayerPage:
        """One page of the operator's players, newest first, with their activity."""
        from predictu_console.core import players

        with transaction(self.factory, write=False) as session:
            return players.list_players(session=session, operator_id=operator_id, query=query)

    def restrict_player(
        self, operator_id: str, external_player_id: str, data: PlayerRestrict
    ) -> PlayerOut:
        """Restrict the player; their operator is sent USER_RESTRICTED in the same commit."""
        from predictu_console.core import players

        with transaction(self.factory) as session:
            return players.restrict_player(
                session=session,
                actor=self.actor,
                operator_id=operator_id,
                external_player_id=external_player_id,
                data=data,
                clock=self.clock,
            )

    def list_markets(self, query: MarketListQuery) -> tuple[MarketPage, dict[str, MarketActivity]]:
        """One page of markets and what is riding on each, read together."""
        from predictu_console.core import markets

        with transaction(self.factory, write=False) as session:
            page = markets.list_markets(session=session, query=query)
            ids = [market.id for market in page.markets]
            return page, markets.market_activity(session=session, market_ids=ids)

    def create_market(self, data: MarketCreate) -> MarketOut:
        """Open a market and commit."""
        from predictu_console.core import markets

        with transaction(self.factory) as session:
            return markets.create_market(
                session=session, actor=self.actor, data=data, clock=self.clock
            )

    def preview_resolution(self, market_id: str) -> ResolutionPreview:
        """What resolving the market now would settle."""
        from predictu_console.core import markets

        with transaction(self.factory, write=False) as session:
            return markets.preview_resolution(session=session, market_id=market_id)

    def resolve_market(self, market_id: str, data: MarketResolve) -> Resolution:
        """Resolve, settle and pay out; the events go out with the commit."""
        from predictu_console.core import markets

        with transaction(self.factory) as session:
            return markets.resolve_market(
                session=session,
                actor=self.actor,
                market_id=market_id,
                data=data,
                clock=self.clock,
            )
