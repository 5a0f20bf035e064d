"""the operator's side: a lookup hash for secret keys, and why players were restricted

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 12:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from predictu_console.db.base import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secret_lookup", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_api_keys_secret_lookup", ["secret_lookup"])
    with op.batch_alter_table("players", schema=None) as batch_op:
        batch_op.add_column(sa.Column("restricted_reason", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("restricted_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("players", schema=None) as batch_op:
        batch_op.drop_column("restricted_at")
        batch_op.drop_column("restricted_reason")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_constraint("uq_api_keys_secret_lookup", type_="unique")
        batch_op.drop_column("secret_lookup")
