"""api keys

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 16:54:07.853770
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import predictu_console.db.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("public_key", sa.String(length=80), nullable=False),
        sa.Column("sealed_secret", sa.Text(), nullable=False),
        sa.Column(
            "created_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_used_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("expires_at", predictu_console.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_api_keys_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("public_key", name=op.f("uq_api_keys_public_key")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(
            "ix_api_keys_operator_created", ["operator_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_api_keys_operator_created")

    op.drop_table("api_keys")
