"""Polls, quizzes and contests, and who took part."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
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
    # Added by 0005: the platform chat it runs in, its runtime state (seed, winners, current
    # question...), and who launched it.
    target_chat: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[dict[str, Any] | None]
    created_by: Mapped[str | None] = mapped_column(String(64))


class EngagementRecord(IdMixin, CreatedMixin, Base):
    """One vote, quiz answer or contest entry by one user."""

    __tablename__ = "engagement_records"
    __table_args__ = (
        Index("ix_engagement_records_item_contact", "item_id", "contact_id"),
        Index("ix_engagement_records_one_each", "item_id", "kind", "user_id", "ref", unique=True),
    )

    item_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("engagement_items.id", ondelete="CASCADE")
    )
    contact_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # vote, answer, entry
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Added by 0005: the platform user and what the record is about (one record per
    # item, kind, user and ref: one entry per person).
    user_id: Mapped[str | None] = mapped_column(String(64))
    ref: Mapped[str | None] = mapped_column(String(64))


class EngagementPoll(IdMixin, CreatedMixin, Base):
    """One native poll cmbot sent for an item (question ``question`` of a quiz, 0 for a poll);
    ``poll_id`` is Telegram's, learnt from the sendPoll result."""

    __tablename__ = "engagement_polls"
    __table_args__ = (UniqueConstraint("item_id", "question"), UniqueConstraint("poll_id"))

    item_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("engagement_items.id", ondelete="CASCADE")
    )
    question: Mapped[int] = mapped_column(default=0)
    poll_id: Mapped[str | None] = mapped_column(String(128))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class EngagementAnswer(IdMixin, CreatedMixin, Base):
    """A ``poll_answer``: the options ``user_id`` chose in poll ``poll_id`` (empty: retracted)."""

    __tablename__ = "engagement_answers"
    __table_args__ = (UniqueConstraint("poll_id", "user_id"),)

    poll_id: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(CleanString(255))
    option_ids: Mapped[list[Any]]
    answered_at: Mapped[datetime]
