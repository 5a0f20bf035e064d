"""The tables. Rows never cross the core boundary: core turns them into pydantic models."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from predictu_console.db.base import Base, Percent


class Admin(Base):
    """A Predictu staff member who uses the console or the API."""

    __tablename__ = "admins"
    __table_args__ = (CheckConstraint("role IN ('god_mode', 'operator_admin')", name="role"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]


class SessionToken(Base):
    """An opaque bearer token; only a SHA-256 of its secret half is kept."""

    __tablename__ = "session_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    admin_id: Mapped[str] = mapped_column(ForeignKey("admins.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]

    admin: Mapped[Admin] = relationship(lazy="joined")


class Operator(Base):
    """A casino operator: one B2B customer of the platform."""

    __tablename__ = "operators"
    __table_args__ = (
        # The list pages through these orders; an index per order reads one page, not all.
        Index("ix_operators_created_id", "created_at", "id"),
        # Counting a filtered or searched list reads this narrow index, not the wide rows.
        Index("ix_operators_status_search", "status", "name_key", "domain"),
        CheckConstraint("status IN ('onboarding', 'active', 'inactive')", name="status"),
        CheckConstraint(
            "revenue_share_predictu >= 1 AND revenue_share_predictu <= 99", name="revenue_share"
        ),
        CheckConstraint(
            "callback_status IN ('unknown', 'healthy', 'degraded', 'failing')",
            name="callback_status",
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(400), unique=True)
    """The case-folded name: uniqueness and sorting ignore case."""
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    contact_email: Mapped[str] = mapped_column(String(254))
    billing_email: Mapped[str] = mapped_column(String(254))
    callback_url: Mapped[str | None] = mapped_column(Text)
    callback_status: Mapped[str] = mapped_column(String(20), default="unknown")
    callback_last_success: Mapped[datetime | None]
    callback_failure_count: Mapped[int] = mapped_column(default=0)
    revenue_share_predictu: Mapped[Decimal] = mapped_column(Percent)
    allowed_categories: Mapped[list[str]]
    allowed_origins: Mapped[list[str]]
    branding: Mapped[dict[str, Any]]
    config: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)
    """Bumped by every committed change: the basis of optimistic concurrency checks."""

    steps: Mapped[list[OnboardingStep]] = relationship(
        order_by="OnboardingStep.position", cascade="all, delete-orphan"
    )
    stats: Mapped[OperatorStats] = relationship(cascade="all, delete-orphan")


class OnboardingStep(Base):
    """One of the eight checklist steps of an operator; created with the operator."""

    __tablename__ = "operator_onboarding"

    operator_id: Mapped[str] = mapped_column(ForeignKey("operators.id"), primary_key=True)
    step: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int]
    completed_at: Mapped[datetime | None]


class OperatorStats(Base):
    """Per-operator rollups kept in step with platform activity, so lists never scan trades."""

    __tablename__ = "operator_stats"
    __table_args__ = (
        Index("ix_operator_stats_users_id", "user_count", "operator_id"),
        Index("ix_operator_stats_volume_id", "total_volume", "operator_id"),
    )

    operator_id: Mapped[str] = mapped_column(ForeignKey("operators.id"), primary_key=True)
    user_count: Mapped[int] = mapped_column(default=0)
    total_volume: Mapped[Decimal] = mapped_column(default=Decimal("0"))


class AuditEntry(Base):
    """One link of the tamper-evident audit chain; `hash` covers the row and `prev_hash`."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor_id: Mapped[str | None] = mapped_column(String(32))
    actor_email: Mapped[str | None] = mapped_column(String(254))
    os_user: Mapped[str | None] = mapped_column(String(64))
    operator_id: Mapped[str | None] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(60))
    changes: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """The audit chain's seal, one row: where keyed rows begin and how far the chain verified.

    `key_check` identifies the audit key without revealing it; `mac` covers the other fields,
    so moving the boundary or the checkpoint needs the key (see `core/audit.py`).
    """

    __tablename__ = "audit_checkpoint"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    keyed_from: Mapped[int]
    verified_seq: Mapped[int]
    verified_hash: Mapped[str] = mapped_column(String(64))
    key_check: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


class Notification(Base):
    """A message to one God Mode admin about a sensitive change."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_admin_unread", "admin_id", "read_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    admin_id: Mapped[str] = mapped_column(ForeignKey("admins.id"))
    created_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(60))
    operator_id: Mapped[str | None] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict[str, Any]]
    read_at: Mapped[datetime | None]


class Player(Base):
    """A casino player who reached Predictu through an operator's embed."""

    __tablename__ = "players"
    __table_args__ = (
        UniqueConstraint("operator_id", "external_player_id"),
        Index("ix_players_operator_active", "operator_id", "last_active_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    operator_id: Mapped[str] = mapped_column(ForeignKey("operators.id"))
    external_player_id: Mapped[str] = mapped_column(String(100))
    balance: Mapped[Decimal]
    created_at: Mapped[datetime]
    last_active_at: Mapped[datetime]
    restricted: Mapped[bool] = mapped_column(default=False)
    restriction_score: Mapped[Decimal | None] = mapped_column(Percent)
    classification: Mapped[str | None] = mapped_column(String(40))
    restricted_reason: Mapped[str | None] = mapped_column(String(200))
    """Why the player was restricted: an admin's words, or the scoring rule's."""
    restricted_at: Mapped[datetime | None]


class Market(Base):
    """A prediction market, shared by every operator whose categories include it."""

    __tablename__ = "markets"
    __table_args__ = (
        CheckConstraint(
            "category IN ('politics', 'sports', 'crypto', 'entertainment')", name="category"
        ),
        CheckConstraint("status IN ('open', 'resolved')", name="status"),
        CheckConstraint("outcome IS NULL OR outcome IN ('yes', 'no')", name="outcome"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="open")
    outcome: Mapped[str | None] = mapped_column(String(3))
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class Trade(Base):
    """One purchase of shares; carries the month and revenue share in force when placed."""

    __tablename__ = "trades"
    __table_args__ = (
        CheckConstraint("side IN ('yes', 'no')", name="side"),
        CheckConstraint("amount > 0", name="amount"),
        Index("ix_trades_operator_month", "operator_id", "month"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    operator_id: Mapped[str] = mapped_column(ForeignKey("operators.id"))
    player_id: Mapped[str] = mapped_column(ForeignKey("players.id"), index=True)
    market_id: Mapped[str] = mapped_column(ForeignKey("markets.id"), index=True)
    side: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal]
    price: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    fee: Mapped[Decimal]
    """The platform's revenue from this trade."""
    share_predictu: Mapped[Decimal] = mapped_column(Percent)
    month: Mapped[str] = mapped_column(String(7))
    """`YYYY-MM` in UTC: the invoice period the fee belongs to."""
    created_at: Mapped[datetime]


class Position(Base):
    """A player's holding on one side of one market; settled when the market resolves."""

    __tablename__ = "positions"
    __table_args__ = (
        UniqueConstraint("player_id", "market_id", "side"),
        CheckConstraint("status IN ('open', 'settled')", name="status"),
        Index("ix_positions_market_status", "market_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    operator_id: Mapped[str] = mapped_column(ForeignKey("operators.id"))
    player_id: Mapped[str] = mapped_column(ForeignKey("players.id"))
    market_id: Mapped[str] = mapped_column(ForeignKey("markets.id"))
    side: Mapped[str] = mapped_column(String(3))
    stake: Mapped[Decimal]
    shares: Mapped[Decimal] = mapped_column(Numeric(20, 6))
    status: Mapped[str] = mapped_column(String(10), default="open")
    payout: Mapped[Decimal | None]
    settled_at: Mapped[datetime | None]


class OperatorRevenue(Base):
    """Platform revenue per operator, month and revenue share in force: invoices read this."""

    __tablename__ = "operator_revenue"

    operator_id: Mapped[str] = mapped_column(ForeignKey("operators.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    share_predictu: Mapped[Decimal] = mapped_column(Percent, primary_key=True)
    revenue: Mapped[Decimal]
    trade_count: Mapped[int]


class OperatorDaily(Base):
    """Volume traded and players registered per operator and UTC day: the charts read this."""

    __tablename__ = "operator_daily"

    operator_id: Mapped[str] = mapped_column(ForeignKey("operators.id"), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    """`YYYY-MM-DD` in UTC, as `trades.month` is the month: sortable and the same everywhere."""
    volume: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    new_players: Mapped[int] = mapped_column(default=0)


class Invoice(Base):
    """One operator's revenue split for one closed month."""

    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("operator_id", "period"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    operator_id: Mapped[str] = mapped_column(ForeignKey("operators.id"))
    period: Mapped[str] = mapped_column(String(7))
    gross_revenue: Mapped[Decimal]
    predictu_share: Mapped[Decimal]
    operator_share: Mapped[Decimal]
    created_at: Mapped[datetime]
    due_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]


class ApiKey(Base):
    """An operator's API key pair; the secret is stored only encrypted (core/crypto.py)."""

    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_operator_created", "operator_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    operator_id: Mapped[str] = mapped_column(ForeignKey("operators.id"))
    label: Mapped[str] = mapped_column(String(100))
    public_key: Mapped[str] = mapped_column(String(80), unique=True)
    sealed_secret: Mapped[str] = mapped_column(Text)
    secret_lookup: Mapped[str | None] = mapped_column(String(64), unique=True)
    """A keyed hash of the secret (HMAC under a key derived from the master key): how the
    operator API finds the key a request authenticates with, without plaintext or decryption."""
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    """None while the key is the current one; set when a rotation starts its grace period."""


class Delivery(Base):
    """One callback event for one operator: the transactional outbox row and its state.

    Written in the transaction of the change that caused it. `body` holds the exact bytes
    every attempt sends, so retries are byte-identical and receivers can de-duplicate on
    the id. Claiming a row sets `lease_token` and pushes `next_attempt_at` to the lease's
    end, so a worker that dies mid-delivery leaves a row that falls due again when its
    lease expires.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        # Workers claim through this index: due, pending rows in the order they fall due.
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_operator_created", "operator_id", "created_at", "id"),
        CheckConstraint("status IN ('pending', 'delivered', 'failed', 'skipped')", name="status"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    operator_id: Mapped[str] = mapped_column(ForeignKey("operators.id"))
    event: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    status_reason: Mapped[str | None] = mapped_column(Text)
    attempt_count: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)
    """Consecutive failed attempts since the delivery was (re)queued: the retry step."""
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    lease_token: Mapped[str | None] = mapped_column(String(40))


class DeliveryAttempt(Base):
    """One try at sending a delivery, whatever its outcome."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (UniqueConstraint("delivery_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("deliveries.id"))
    number: Mapped[int]
    started_at: Mapped[datetime]
    url: Mapped[str] = mapped_column(Text)
    worker: Mapped[str] = mapped_column(String(80))
    http_status: Mapped[int | None]
    latency_ms: Mapped[int]
    error: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(Text)
    ip_resolved: Mapped[str | None] = mapped_column(String(45))
    tls_version: Mapped[str | None] = mapped_column(String(20))
    signature: Mapped[str | None] = mapped_column(String(80))
    response_body: Mapped[str | None] = mapped_column(Text)
