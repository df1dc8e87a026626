"""Polls, quizzes and contests, and who took part."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain import utcnow
from bot.storage.base import (
    ENGAGEMENT_KINDS,
    ENGAGEMENT_STATUSES,
    Base,
    BigId,
    CreatedMixin,
    IdMixin,
    one_of,
)
from bot.storage.types import CleanString


class EngagementItem(IdMixin, CreatedMixin, Base):
    """A poll, quiz or contest: its definition (questions, rules, disclosure) and schedule."""

    __tablename__ = "engagement_items"
    __table_args__ = (
        CheckConstraint(one_of("kind", ENGAGEMENT_KINDS), name="kind"),
        CheckConstraint(one_of("status", ENGAGEMENT_STATUSES), name="status"),
    )

    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(CleanString(300))
    definition: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    chat_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("chats.id", ondelete="SET NULL"), index=True
    )
    # The platform's id for what was posted (e.g. a Telegram poll id, to route poll_answer).
    external_id: Mapped[str | None] = mapped_column(String(128), index=True)
    scheduled_at: Mapped[datetime | None] = mapped_column(index=True)
    closes_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class EngagementRecord(IdMixin, CreatedMixin, Base):
    """One vote, quiz answer or contest entry by one user."""

    __tablename__ = "engagement_records"
    __table_args__ = (Index("ix_engagement_records_item_contact", "item_id", "contact_id"),)

    item_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("engagement_items.id", ondelete="CASCADE")
    )
    contact_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # vote, answer, entry
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
