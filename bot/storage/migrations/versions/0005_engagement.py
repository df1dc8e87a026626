"""Polls, quizzes and contests: item state, one record per person, sent polls and answers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("engagement_items", sa.Column("target_chat", sa.String(64), nullable=True))
    op.add_column("engagement_items", sa.Column("state", sa.JSON(), nullable=True))
    op.add_column("engagement_items", sa.Column("created_by", sa.String(64), nullable=True))
    op.add_column("engagement_records", sa.Column("user_id", sa.String(64), nullable=True))
    op.add_column("engagement_records", sa.Column("ref", sa.String(64), nullable=True))
    op.create_index(
        "ix_engagement_records_one_each",
        "engagement_records",
        ["item_id", "kind", "user_id", "ref"],
        unique=True,
    )
    op.create_table(
        "engagement_polls",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("item_id", ID, nullable=False),
        sa.Column("question", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.String(128), nullable=True),
        sa.Column("chat_id", sa.String(64), nullable=True),
        sa.Column("message_id", sa.String(64), nullable=True),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_engagement_polls"),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["engagement_items.id"],
            name="fk_engagement_polls_item_id_engagement_items",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("item_id", "question", name="uq_engagement_polls_item_id_question"),
        sa.UniqueConstraint("poll_id", name="uq_engagement_polls_poll_id"),
    )
    op.create_index("ix_engagement_polls_created_at", "engagement_polls", ["created_at"])
    op.create_table(
        "engagement_answers",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("poll_id", sa.String(128), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("option_ids", sa.JSON(), nullable=False),
        sa.Column("answered_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_engagement_answers"),
        sa.UniqueConstraint("poll_id", "user_id", name="uq_engagement_answers_poll_id_user_id"),
    )
    op.create_index("ix_engagement_answers_created_at", "engagement_answers", ["created_at"])


def downgrade() -> None:
    op.drop_table("engagement_answers")
    op.drop_table("engagement_polls")
    op.drop_index("ix_engagement_records_one_each", table_name="engagement_records")
    with op.batch_alter_table("engagement_records") as batch:
        batch.drop_column("ref")
        batch.drop_column("user_id")
    with op.batch_alter_table("engagement_items") as batch:
        batch.drop_column("created_by")
        batch.drop_column("state")
        batch.drop_column("target_chat")
