"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 16:11:24.935250
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import predictu_console.db.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admins",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column(
            "created_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.CheckConstraint("role IN ('god_mode', 'operator_admin')", name=op.f("ck_admins_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admins")),
        sa.UniqueConstraint("email", name=op.f("uq_admins_email")),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("actor_email", sa.String(length=254), nullable=True),
        sa.Column("os_user", sa.String(length=64), nullable=True),
        sa.Column("operator_id", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_operator_id"), ["operator_id"], unique=False)

    op.create_table(
        "markets",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=3), nullable=True),
        sa.Column(
            "created_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "resolved_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.CheckConstraint(
            "category IN ('politics', 'sports', 'crypto', 'entertainment')",
            name=op.f("ck_markets_category"),
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('yes', 'no')", name=op.f("ck_markets_outcome")
        ),
        sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f("ck_markets_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_markets")),
    )
    op.create_table(
        "operators",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=400), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("billing_email", sa.String(length=254), nullable=False),
        sa.Column("callback_url", sa.Text(), nullable=True),
        sa.Column("callback_status", sa.String(length=20), nullable=False),
        sa.Column(
            "callback_last_success",
            predictu_console.db.base.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column("callback_failure_count", sa.Integer(), nullable=False),
        sa.Column("revenue_share_predictu", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("allowed_categories", sa.JSON(), nullable=False),
        sa.Column("allowed_origins", sa.JSON(), nullable=False),
        sa.Column("branding", sa.JSON(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column(
            "created_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "callback_status IN ('unknown', 'healthy', 'degraded', 'failing')",
            name=op.f("ck_operators_callback_status"),
        ),
        sa.CheckConstraint(
            "status IN ('onboarding', 'active', 'inactive')", name=op.f("ck_operators_status")
        ),
        sa.CheckConstraint(
            "revenue_share_predictu >= 1 AND revenue_share_predictu <= 99",
            name=op.f("ck_operators_revenue_share"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operators")),
        sa.UniqueConstraint("domain", name=op.f("uq_operators_domain")),
        sa.UniqueConstraint("name_key", name=op.f("uq_operators_name_key")),
    )
    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_operators_created_at"), ["created_at"], unique=False)

    op.create_table(
        "invoices",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column(
            "gross_revenue", predictu_console.db.base.Money(precision=18, scale=2), nullable=False
        ),
        sa.Column(
            "predictu_share", predictu_console.db.base.Money(precision=18, scale=2), nullable=False
        ),
        sa.Column(
            "operator_share", predictu_console.db.base.Money(precision=18, scale=2), nullable=False
        ),
        sa.Column(
            "created_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("due_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paid_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_invoices_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("operator_id", "period", name=op.f("uq_invoices_operator_id_period")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("admin_id", sa.String(length=32), nullable=False),
        sa.Column(
            "created_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("operator_id", sa.String(length=32), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("read_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["admin_id"], ["admins.id"], name=op.f("fk_notifications_admin_id_admins")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_admin_unread", ["admin_id", "read_at"], unique=False
        )

    op.create_table(
        "operator_onboarding",
        sa.Column("operator_id", sa.String(length=32), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "completed_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_operator_onboarding_operator_id_operators"),
        ),
        sa.PrimaryKeyConstraint("operator_id", "step", name=op.f("pk_operator_onboarding")),
    )
    op.create_table(
        "operator_revenue",
        sa.Column("operator_id", sa.String(length=32), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("share_predictu", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("revenue", predictu_console.db.base.Money(precision=18, scale=2), nullable=False),
        sa.Column("trade_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_operator_revenue_operator_id_operators"),
        ),
        sa.PrimaryKeyConstraint(
            "operator_id", "month", "share_predictu", name=op.f("pk_operator_revenue")
        ),
    )
    op.create_table(
        "operator_stats",
        sa.Column("operator_id", sa.String(length=32), nullable=False),
        sa.Column("user_count", sa.Integer(), nullable=False),
        sa.Column(
            "total_volume", predictu_console.db.base.Money(precision=18, scale=2), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_operator_stats_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("operator_id", name=op.f("pk_operator_stats")),
    )
    with op.batch_alter_table("operator_stats", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_operator_stats_total_volume"), ["total_volume"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_operator_stats_user_count"), ["user_count"], unique=False
        )

    op.create_table(
        "players",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.String(length=32), nullable=False),
        sa.Column("external_player_id", sa.String(length=100), nullable=False),
        sa.Column("balance", predictu_console.db.base.Money(precision=18, scale=2), nullable=False),
        sa.Column(
            "created_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_active_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("restriction_score", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("classification", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_players_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_players")),
        sa.UniqueConstraint(
            "operator_id",
            "external_player_id",
            name=op.f("uq_players_operator_id_external_player_id"),
        ),
    )
    with op.batch_alter_table("players", schema=None) as batch_op:
        batch_op.create_index(
            "ix_players_operator_active", ["operator_id", "last_active_at"], unique=False
        )

    op.create_table(
        "session_tokens",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("admin_id", sa.String(length=32), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "expires_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["admin_id"], ["admins.id"], name=op.f("fk_session_tokens_admin_id_admins")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_tokens")),
    )
    with op.batch_alter_table("session_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_tokens_admin_id"), ["admin_id"], unique=False)

    op.create_table(
        "positions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.String(length=32), nullable=False),
        sa.Column("player_id", sa.String(length=32), nullable=False),
        sa.Column("market_id", sa.String(length=32), nullable=False),
        sa.Column("side", sa.String(length=3), nullable=False),
        sa.Column("stake", predictu_console.db.base.Money(precision=18, scale=2), nullable=False),
        sa.Column("shares", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("payout", predictu_console.db.base.Money(precision=18, scale=2), nullable=True),
        sa.Column("settled_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'settled')", name=op.f("ck_positions_status")),
        sa.ForeignKeyConstraint(
            ["market_id"], ["markets.id"], name=op.f("fk_positions_market_id_markets")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_positions_operator_id_operators")
        ),
        sa.ForeignKeyConstraint(
            ["player_id"], ["players.id"], name=op.f("fk_positions_player_id_players")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_positions")),
        sa.UniqueConstraint(
            "player_id", "market_id", "side", name=op.f("uq_positions_player_id_market_id_side")
        ),
    )
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.create_index("ix_positions_market_status", ["market_id", "status"], unique=False)

    op.create_table(
        "trades",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.String(length=32), nullable=False),
        sa.Column("player_id", sa.String(length=32), nullable=False),
        sa.Column("market_id", sa.String(length=32), nullable=False),
        sa.Column("side", sa.String(length=3), nullable=False),
        sa.Column("amount", predictu_console.db.base.Money(precision=18, scale=2), nullable=False),
        sa.Column("price", sa.Numeric(precision=6, scale=4), nullable=False),
        sa.Column("fee", predictu_console.db.base.Money(precision=18, scale=2), nullable=False),
        sa.Column("share_predictu", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column(
            "created_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.CheckConstraint("side IN ('yes', 'no')", name=op.f("ck_trades_side")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_trades_amount")),
        sa.ForeignKeyConstraint(
            ["market_id"], ["markets.id"], name=op.f("fk_trades_market_id_markets")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_trades_operator_id_operators")
        ),
        sa.ForeignKeyConstraint(
            ["player_id"], ["players.id"], name=op.f("fk_trades_player_id_players")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trades")),
    )
    with op.batch_alter_table("trades", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trades_market_id"), ["market_id"], unique=False)
        batch_op.create_index("ix_trades_operator_month", ["operator_id", "month"], unique=False)
        batch_op.create_index(batch_op.f("ix_trades_player_id"), ["player_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trades", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trades_player_id"))
        batch_op.drop_index("ix_trades_operator_month")
        batch_op.drop_index(batch_op.f("ix_trades_market_id"))

    op.drop_table("trades")
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_index("ix_positions_market_status")

    op.drop_table("positions")
    with op.batch_alter_table("session_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_tokens_admin_id"))

    op.drop_table("session_tokens")
    with op.batch_alter_table("players", schema=None) as batch_op:
        batch_op.drop_index("ix_players_operator_active")

    op.drop_table("players")
    with op.batch_alter_table("operator_stats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operator_stats_user_count"))
        batch_op.drop_index(batch_op.f("ix_operator_stats_total_volume"))

    op.drop_table("operator_stats")
    op.drop_table("operator_revenue")
    op.drop_table("operator_onboarding")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_admin_unread")

    op.drop_table("notifications")
    op.drop_table("invoices")
    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operators_created_at"))

    op.drop_table("operators")
    op.drop_table("markets")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_operator_id"))

    op.drop_table("audit_log")
    op.drop_table("admins")
