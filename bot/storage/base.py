"""The declarative base shared by every table, and the status vocabularies.

Constraint names follow a fixed convention so that migrations (and SQLite's batch mode, which
rebuilds tables) can refer to them by name on every backend.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.domain import utcnow
from bot.storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Primary keys are BIGINT on PostgreSQL and INTEGER on SQLite (where only "INTEGER PRIMARY KEY"
# is an alias of the rowid and auto-increments).
BigId = BigInteger().with_variant(Integer(), "sqlite")

UPDATE_STATUSES = ("received", "processing", "done", "failed")
CASE_STATUSES = ("new", "waiting_customer", "waiting_staff", "resolved", "closed")
LEAD_STATUSES = ("new", "contacted", "qualified", "won", "lost")
ENGAGEMENT_KINDS = ("poll", "quiz", "contest")
ENGAGEMENT_STATUSES = ("draft", "scheduled", "open", "closed", "cancelled")
JOB_STATUSES = ("pending", "done", "failed", "cancelled")
OUTBOUND_STATUSES = ("drafted", "queued", "sending", "sent", "failed", "cancelled")


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK constraint limiting ``column`` to ``values``."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {  # noqa: RUF012 (SQLAlchemy reads it at class creation)
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class IdMixin:
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True, sort_order=-1)


class CreatedMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
