"""The neutral values the case store reads and writes (no SQLAlchemy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

OPEN_STATUSES = ("new", "waiting_customer", "waiting_staff")


@dataclass(frozen=True)
class CaseRow:
    id: int
    status: str
    priority: str
    category: str | None
    assignee: str | None
    key: str | None
    platform: str | None
    platform_chat_id: str | None
    platform_message_id: str | None
    platform_user_id: str | None
    private_chat_id: str | None
    language: str | None
    topic: str | None
    text: str | None
    draft: str | None
    details: dict[str, Any]
    taken_over: bool
    csat: int | None
    created_at: datetime
    first_response_due_at: datetime | None = None
    resolution_due_at: datetime | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class NewCase:
    """What opening a case needs; ``key`` makes it idempotent."""

    key: str
    platform: str
    category: str
    priority: str
    platform_chat_id: str | None
    platform_message_id: str | None
    platform_user_id: str | None
    language: str | None
    topic: str | None
    text: str
    status: str = "new"
    private_chat_id: str | None = None
    draft: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    first_response_due_at: datetime | None = None
    resolution_due_at: datetime | None = None


@dataclass(frozen=True)
class CaseEventRow:
    id: int
    case_id: int
    kind: str
    payload: dict[str, Any]
    actor: str | None
    at: datetime
