"""operator search index

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 23:40:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.create_index(
            "ix_operators_status_search", ["status", "name_key", "domain"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.drop_index("ix_operators_status_search")
