"""Moderation memory: spam strikes per user per chat, member joins.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "moderation_strikes",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("inbound_id", ID, nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_moderation_strikes"),
        sa.ForeignKeyConstraint(
            ["inbound_id"],
            ["inbound_messages.id"],
            name="fk_moderation_strikes_inbound_id_inbound_messages",
            ondelete="SET NULL",
        ),
    )
    op.create_index(
        "ix_moderation_strikes_user",
        "moderation_strikes",
        ["platform", "chat_id", "user_id", "created_at"],
    )
    op.create_index("ix_moderation_strikes_inbound_id", "moderation_strikes", ["inbound_id"])
    op.create_index("ix_moderation_strikes_created_at", "moderation_strikes", ["created_at"])

    op.create_table(
        "member_joins",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("joined_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_member_joins"),
        sa.UniqueConstraint(
            "platform", "chat_id", "user_id", name="uq_member_joins_platform_chat_id_user_id"
        ),
    )
    op.create_index("ix_member_joins_joined_at", "member_joins", ["joined_at"])
    op.create_index("ix_member_joins_created_at", "member_joins", ["created_at"])


def downgrade() -> None:
    op.drop_table("member_joins")
    op.drop_table("moderation_strikes")
