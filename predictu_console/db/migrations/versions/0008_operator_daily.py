"""operator_daily: volume and new players per operator and UTC day, filled from the raw rows

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 14:30:00.000000
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from alembic import op

from predictu_console.db.base import Money, UTCDateTime
from predictu_console.db.rollups import utc_day

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_trades = sa.table(
    "trades",
    sa.column("operator_id", sa.String),
    sa.column("amount", Money),
    sa.column("created_at", UTCDateTime),
)
_players = sa.table(
    "players", sa.column("operator_id", sa.String), sa.column("created_at", UTCDateTime)
)


def upgrade() -> None:
    daily = op.create_table(
        "operator_daily",
        sa.Column("operator_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("volume", Money(precision=18, scale=2), nullable=False),
        sa.Column("new_players", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_operator_daily_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("operator_id", "day", name=op.f("pk_operator_daily")),
    )
    assert daily is not None
    connection = op.get_bind()
    buckets: dict[tuple[str, str], dict[str, object]] = {}
    for table, counter, total in (
        (_trades, "volume", sa.func.sum(_trades.c.amount)),
        (_players, "new_players", sa.func.count()),
    ):
        day = utc_day(table.c.created_at)
        grouped = sa.select(table.c.operator_id, day, total).group_by(table.c.operator_id, day)
        for operator_id, on_day, value in connection.execute(grouped):
            row = buckets.setdefault(
                (operator_id, on_day),
                {"operator_id": operator_id, "day": on_day, "volume": Decimal(0), "new_players": 0},
            )
            row[counter] = value
    if buckets:
        op.bulk_insert(daily, list(buckets.values()))


def downgrade() -> None:
    op.drop_table("operator_daily")
