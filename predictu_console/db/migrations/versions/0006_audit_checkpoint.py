"""audit checkpoint

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 11:40:00.000000

The table starts empty: the key that seals the chain is derived from the master key, which a
migration never sees. The first write or audit page after the upgrade seals it, marking the
rows already there as written before the chain was keyed. A downgrade leaves keyed rows that
the older version, which knows only plain SHA-256, reports as edited.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("keyed_from", sa.Integer(), nullable=False),
        sa.Column("verified_seq", sa.Integer(), nullable=False),
        sa.Column("verified_hash", sa.String(length=64), nullable=False),
        sa.Column("key_check", sa.String(length=64), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_checkpoint_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
    )


def downgrade() -> None:
    op.drop_table("audit_checkpoint")
