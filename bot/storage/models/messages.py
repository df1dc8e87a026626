"""What comes in and goes out: raw updates, inbound messages, verdicts, outbound messages.

Deleting a contact, a chat, a raw update or a case never deletes a customer's message: those
foreign keys are ``ON DELETE SET NULL``. Only data derived from a message (its verdicts) goes
with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain import utcnow
from bot.storage.base import (
    OUTBOUND_STATUSES,
    UPDATE_STATUSES,
    Base,
    BigId,
    CreatedMixin,
    IdMixin,
    one_of,
)
from bot.storage.types import CleanString, CleanText


class RawUpdate(IdMixin, CreatedMixin, Base):
    """An update exactly as the platform sent it, stored before it is acknowledged.

    ``(platform, update_id)`` is unique, which makes processing idempotent; ``status`` lets a
    restarted bot resume what was ``received`` or left ``processing``.
    """

    __tablename__ = "raw_updates"
    __table_args__ = (
        UniqueConstraint("platform", "update_id"),
        CheckConstraint(one_of("status", UPDATE_STATUSES), name="status"),
    )

    platform: Mapped[str] = mapped_column(String(32))
    update_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="received", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(CleanText())
    processed_at: Mapped[datetime | None]


class InboundMessage(IdMixin, CreatedMixin, Base):
    """Every field of :class:`bot.domain.InboundMessage`, plus links to contact, chat, update.

    ``text`` is the clean text; ``text_exact`` holds the original bytes only when the original
    had NUL or lone surrogates (see :mod:`bot.storage.types`).
    """

    __tablename__ = "inbound_messages"
    __table_args__ = (
        Index("ix_inbound_messages_platform_message", "platform", "platform_chat_id", "message_id"),
    )

    raw_update_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("raw_updates.id", ondelete="SET NULL"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    chat_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("chats.id", ondelete="SET NULL"), index=True
    )
    platform: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(CleanText())
    text_exact: Mapped[bytes | None] = mapped_column(LargeBinary())
    platform_chat_id: Mapped[str | None] = mapped_column(String(64))
    chat_title: Mapped[str | None] = mapped_column(CleanString(255))
    message_id: Mapped[str | None] = mapped_column(String(64))
    thread_id: Mapped[str | None] = mapped_column(String(64))
    platform_user_id: Mapped[str | None] = mapped_column(String(64))
    username: Mapped[str | None] = mapped_column(CleanString(255))
    first_name: Mapped[str | None] = mapped_column(CleanString(255))
    lang_hint: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(index=True)
    is_new_member: Mapped[bool] = mapped_column(default=False)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Verdict(IdMixin, CreatedMixin, Base):
    """A triage verdict for one inbound message (a message may be re-triaged)."""

    __tablename__ = "verdicts"

    inbound_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("inbound_messages.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(64), index=True)
    labels: Mapped[list[Any]]
    language: Mapped[str] = mapped_column(String(16))
    sentiment: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float]
    checks: Mapped[list[Any]]
    scores: Mapped[dict[str, Any]]
    variables: Mapped[dict[str, Any]] = mapped_column(default=dict)
    faq_id: Mapped[str | None] = mapped_column(String(128))


class OutboundMessage(IdMixin, CreatedMixin, Base):
    """An effect for the platform: a reply, a deletion, a restriction, a staff card...

    It goes ``drafted`` → ``queued`` → ``sending`` → ``sent`` (or ``failed``/``cancelled``);
    ``attempts`` and ``error`` record the outbox's tries.
    """

    __tablename__ = "outbound_messages"
    __table_args__ = (
        CheckConstraint(one_of("status", OUTBOUND_STATUSES), name="status"),
        # Which call made message N of a chat (a staff reply to a case card finds its case).
        Index("ix_outbound_messages_platform_message", "platform_chat_id", "platform_message_id"),
    )

    inbound_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("inbound_messages.id", ondelete="SET NULL"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )
    platform_chat_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32), index=True)  # reply, delete, restrict, ...
    text: Mapped[str] = mapped_column(CleanText())
    status: Mapped[str] = mapped_column(String(16), default="drafted", index=True)
    error: Mapped[str | None] = mapped_column(CleanText())
    attempts: Mapped[int] = mapped_column(default=0)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    platform_message_id: Mapped[str | None] = mapped_column(String(64))  # once sent
    sent_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
