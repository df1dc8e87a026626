"""The human side: cases with their events, and leads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain import utcnow
from bot.storage.base import (
    CASE_STATUSES,
    LEAD_STATUSES,
    Base,
    BigId,
    CreatedMixin,
    IdMixin,
    one_of,
)
from bot.storage.types import CleanString, CleanText


class Case(IdMixin, CreatedMixin, Base):
    """A conversation that needs a human, with its SLA clock."""

    __tablename__ = "cases"
    __table_args__ = (CheckConstraint(one_of("status", CASE_STATUSES), name="status"),)

    status: Mapped[str] = mapped_column(String(24), default="new", index=True)
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    category: Mapped[str | None] = mapped_column(String(64), index=True)
    assignee: Mapped[str | None] = mapped_column(String(64), index=True)  # staff user id
    contact_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    chat_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("chats.id", ondelete="SET NULL"), index=True
    )
    first_message_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("inbound_messages.id", ondelete="SET NULL"), index=True
    )
    first_response_due_at: Mapped[datetime | None] = mapped_column(index=True)
    resolution_due_at: Mapped[datetime | None] = mapped_column(index=True)
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Added by migration 0004 (the staff desk): where the case came from, who the customer is
    # on the platform, what is drafted for them, and whether a human took the conversation.
    key: Mapped[str | None] = mapped_column(String(200), unique=True)  # platform:chat:message
    platform: Mapped[str | None] = mapped_column(String(32))
    platform_chat_id: Mapped[str | None] = mapped_column(String(64))
    platform_message_id: Mapped[str | None] = mapped_column(String(64))
    platform_user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    private_chat_id: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))
    topic: Mapped[str | None] = mapped_column(String(128), index=True)
    text: Mapped[str | None] = mapped_column(CleanText())
    draft: Mapped[str | None] = mapped_column(CleanText())
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    taken_over: Mapped[bool] = mapped_column(default=False)
    csat: Mapped[int | None]


class CaseEvent(IdMixin, CreatedMixin, Base):
    """One step in a case's history (opened, claimed, replied, status changed...)."""

    __tablename__ = "case_events"

    case_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor: Mapped[str | None] = mapped_column(String(64))  # staff user id, "bot", "system"
    # Makes a step recorded while processing an update idempotent (added by migration 0004).
    key: Mapped[str | None] = mapped_column(String(200), unique=True)


class Lead(IdMixin, CreatedMixin, Base):
    """A potential customer, with their consent to be contacted.

    One lead per message: ``(platform, platform_chat_id, message_id)`` is a unique index, so a
    message processed again after a crash does not make a second lead. ``thread_id`` is the channel
    post (or forum topic) the comment was under; ``campaign`` the UTM campaign of the link.
    """

    __tablename__ = "leads"
    __table_args__ = (
        CheckConstraint(one_of("status", LEAD_STATUSES), name="status"),
        Index("ix_leads_message", "platform", "platform_chat_id", "message_id", unique=True),
        Index("ix_leads_chat_created", "platform_chat_id", "created_at"),
    )

    contact_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    inbound_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("inbound_messages.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str] = mapped_column(String(32))  # comment, dm, contest, ...
    language: Mapped[str | None] = mapped_column(String(16))
    product: Mapped[str | None] = mapped_column(CleanString(255))
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    consent: Mapped[bool] = mapped_column(default=False)
    consent_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    platform: Mapped[str] = mapped_column(String(32), default="telegram")
    platform_chat_id: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64))
    thread_id: Mapped[str | None] = mapped_column(String(64))
    chat_title: Mapped[str | None] = mapped_column(CleanString(255))
    campaign: Mapped[str | None] = mapped_column(String(128))
    # Shared through Telegram's contact button, after the consent text; erased with the contact.
    phone: Mapped[str | None] = mapped_column(CleanString(64))
    contact_name: Mapped[str | None] = mapped_column(CleanString(255))
    status_by: Mapped[str | None] = mapped_column(String(64))  # staff user id of the last change
