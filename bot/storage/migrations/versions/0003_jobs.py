"""Scheduled jobs and bot state (timers that survive restarts).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "scheduled_jobs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scheduled_jobs"),
        sa.UniqueConstraint("key", name="uq_scheduled_jobs_key"),
        sa.CheckConstraint(
            "status IN ('pending', 'done', 'failed', 'cancelled')", name="ck_scheduled_jobs_status"
        ),
    )
    op.create_index("ix_scheduled_jobs_due", "scheduled_jobs", ["status", "due_at"])
    op.create_index("ix_scheduled_jobs_kind", "scheduled_jobs", ["kind"])
    op.create_index("ix_scheduled_jobs_created_at", "scheduled_jobs", ["created_at"])
    op.create_table(
        "bot_state",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_bot_state"),
    )


def downgrade() -> None:
    op.drop_table("bot_state")
    op.drop_table("scheduled_jobs")
