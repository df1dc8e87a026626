"""Cases, the staff desk and the resolution ladder.

Adds to ``cases`` where a case came from (the platform's chat and message, its idempotency
key), the customer's platform id and private chat, language, topic (for spike alerts), text,
the pending draft, details (extracted variables, the verdict), the take-over flag and the CSAT
score; adds an idempotency key to ``case_events`` and an index to find the call that made a
message (an agent's reply to a case card finds its case).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CASE_COLUMNS = (
    ("key", sa.String(200)),
    ("platform", sa.String(32)),
    ("platform_chat_id", sa.String(64)),
    ("platform_message_id", sa.String(64)),
    ("platform_user_id", sa.String(64)),
    ("private_chat_id", sa.String(64)),
    ("language", sa.String(16)),
    ("topic", sa.String(128)),
    ("text", sa.Text()),
    ("draft", sa.Text()),
    ("csat", sa.Integer()),
)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for name, type_ in CASE_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
        batch.add_column(sa.Column("details", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(
            sa.Column("taken_over", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_unique_constraint("uq_cases_key", ["key"])
        batch.create_index("ix_cases_platform_user_id", ["platform_user_id"])
        batch.create_index("ix_cases_topic", ["topic"])
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("details", server_default=None)
        batch.alter_column("taken_over", server_default=None)
    with op.batch_alter_table("case_events") as batch:
        batch.add_column(sa.Column("key", sa.String(200), nullable=True))
        batch.create_unique_constraint("uq_case_events_key", ["key"])
    op.create_index(
        "ix_outbound_messages_platform_message",
        "outbound_messages",
        ["platform_chat_id", "platform_message_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_outbound_messages_platform_message", table_name="outbound_messages")
    with op.batch_alter_table("case_events") as batch:
        batch.drop_constraint("uq_case_events_key", type_="unique")
        batch.drop_column("key")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_topic")
        batch.drop_index("ix_cases_platform_user_id")
        batch.drop_constraint("uq_cases_key", type_="unique")
        for name in ("taken_over", "details", *(n for n, _ in reversed(CASE_COLUMNS))):
            batch.drop_column(name)
