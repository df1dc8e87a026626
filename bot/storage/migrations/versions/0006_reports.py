"""Leads and reporting: where a lead came from, its contact details, and report indexes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22

Plain ``ADD COLUMN`` and ``CREATE INDEX`` only (no table rebuild on SQLite): one lead per
message is a unique index, not a constraint.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("platform", sa.String(32), False, "telegram"),
    ("platform_chat_id", sa.String(64), True, None),
    ("message_id", sa.String(64), True, None),
    ("thread_id", sa.String(64), True, None),
    ("chat_title", sa.String(255), True, None),
    ("campaign", sa.String(128), True, None),
    ("phone", sa.String(64), True, None),
    ("contact_name", sa.String(255), True, None),
    ("status_by", sa.String(64), True, None),
)


def upgrade() -> None:
    for name, type_, nullable, default in COLUMNS:
        op.add_column(
            "leads", sa.Column(name, type_, nullable=nullable, server_default=default)
        )
    op.create_index(
        "ix_leads_message", "leads", ["platform", "platform_chat_id", "message_id"], unique=True
    )
    op.create_index("ix_leads_chat_created", "leads", ["platform_chat_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_leads_chat_created", table_name="leads")
    op.drop_index("ix_leads_message", table_name="leads")
    with op.batch_alter_table("leads") as batch:
        for name, *_ in reversed(COLUMNS):
            batch.drop_column(name)
