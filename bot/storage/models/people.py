"""Who writes and where: contacts (platform users) and chats."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain import utcnow
from bot.storage.base import Base, CreatedMixin, IdMixin
from bot.storage.types import CleanString


class Contact(IdMixin, CreatedMixin, Base):
    """One user of one platform. Never deleted: erasure clears the personal fields instead."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)

    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(64))  # the platform's user id, as text
    username: Mapped[str | None] = mapped_column(CleanString(255))
    first_name: Mapped[str | None] = mapped_column(CleanString(255))
    language: Mapped[str | None] = mapped_column(String(16))
    # The user blocked the bot (the platform answered 403): stop writing to them.
    blocked: Mapped[bool] = mapped_column(default=False)
    blocked_at: Mapped[datetime | None]
    # The user asked to be forgotten: personal fields are cleared and stay empty.
    erased: Mapped[bool] = mapped_column(default=False)
    erased_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Chat(IdMixin, CreatedMixin, Base):
    """A group, channel discussion group or private chat on one platform."""

    __tablename__ = "chats"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)

    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(64))  # the platform's chat id, as text
    title: Mapped[str | None] = mapped_column(CleanString(255))
    kind: Mapped[str | None] = mapped_column(String(32))  # private, group, supergroup, channel
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
