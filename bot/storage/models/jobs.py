"""Scheduled jobs (timers that survive restarts) and small named values the bot keeps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain import utcnow
from bot.storage.base import JOB_STATUSES, Base, CreatedMixin, IdMixin, one_of


class ScheduledJob(IdMixin, CreatedMixin, Base):
    """Something to do at ``due_at`` (an SLA check, a CSAT question, closing a poll...).

    ``key`` names the job uniquely (e.g. ``sla:first:12`` for case 12): scheduling the same
    key again moves it instead of adding a second one.
    """

    __tablename__ = "scheduled_jobs"
    __table_args__ = (
        CheckConstraint(one_of("status", JOB_STATUSES), name="status"),
        Index("ix_scheduled_jobs_due", "status", "due_at"),
    )

    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    due_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class BotState(Base):
    """A small named value (the button-signing secret, the last weekly report...)."""

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
