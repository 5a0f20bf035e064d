"""list order indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 16:48:46.183461
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("operator_stats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operator_stats_total_volume"))
        batch_op.drop_index(batch_op.f("ix_operator_stats_user_count"))
        batch_op.create_index(
            "ix_operator_stats_users_id", ["user_count", "operator_id"], unique=False
        )
        batch_op.create_index(
            "ix_operator_stats_volume_id", ["total_volume", "operator_id"], unique=False
        )

    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operators_created_at"))
        batch_op.create_index("ix_operators_created_id", ["created_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.drop_index("ix_operators_created_id")
        batch_op.create_index(batch_op.f("ix_operators_created_at"), ["created_at"], unique=False)

    with op.batch_alter_table("operator_stats", schema=None) as batch_op:
        batch_op.drop_index("ix_operator_stats_volume_id")
        batch_op.drop_index("ix_operator_stats_users_id")
        batch_op.create_index(
            batch_op.f("ix_operator_stats_user_count"), ["user_count"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_operator_stats_total_volume"), ["total_volume"], unique=False
        )
