"""deliveries

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 18:09:36.196567
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import predictu_console.db.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("operator_id", sa.String(length=32), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("attempt_count", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "next_attempt_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "last_attempt_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "delivered_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("lease_token", sa.String(length=40), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'failed', 'skipped')",
            name=op.f("ck_deliveries_status"),
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_deliveries_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_deliveries_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            "ix_deliveries_operator_created", ["operator_id", "created_at", "id"], unique=False
        )

    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("delivery_id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "started_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("worker", sa.String(length=80), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=40), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("ip_resolved", sa.String(length=45), nullable=True),
        sa.Column("tls_version", sa.String(length=20), nullable=True),
        sa.Column("signature", sa.String(length=80), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_delivery_attempts_delivery_id_deliveries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_attempts")),
        sa.UniqueConstraint(
            "delivery_id", "number", name=op.f("uq_delivery_attempts_delivery_id_number")
        ),
    )
    # ### end Alembic commands ###


def downgrade() -> None:
    op.drop_table("delivery_attempts")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_operator_created")
        batch_op.drop_index("ix_deliveries_due")

    op.drop_table("deliveries")
    # ### end Alembic commands ###
