"""Learning and audit: staff corrections and the event log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, CreatedMixin, IdMixin
from bot.storage.types import CleanText


class Correction(IdMixin, CreatedMixin, Base):
    """A labelled example given by staff or the CLI; the classifier learns from these."""

    __tablename__ = "corrections"

    text: Mapped[str] = mapped_column(CleanText())
    label: Mapped[str] = mapped_column(String(64), index=True)
    language: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(32), default="staff")  # staff, cli, ...


class Event(IdMixin, CreatedMixin, Base):
    """An entry of the append-only event log that reports are built from."""

    __tablename__ = "event_log"

    kind: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
