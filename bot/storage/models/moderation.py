"""Moderation memory: spam strikes per user per chat, and when members joined a chat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, BigId, CreatedMixin, IdMixin


class Strike(IdMixin, CreatedMixin, Base):
    """One spam strike against a user in a chat; thresholds count them over a time window.

    ``dry_run`` strikes were only reported, not acted on; they count all the same, so that a
    dry run tells staff exactly what a live run would have done.
    """

    __tablename__ = "moderation_strikes"
    __table_args__ = (
        Index("ix_moderation_strikes_user", "platform", "chat_id", "user_id", "created_at"),
    )

    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    inbound_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("inbound_messages.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64))  # e.g. "delete+warn", "delete+ban"
    dry_run: Mapped[bool] = mapped_column(default=False)


class MemberJoin(IdMixin, CreatedMixin, Base):
    """The last time a user joined a chat (for the new-member spam signal)."""

    __tablename__ = "member_joins"
    __table_args__ = (UniqueConstraint("platform", "chat_id", "user_id"),)

    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    joined_at: Mapped[datetime] = mapped_column(index=True)
