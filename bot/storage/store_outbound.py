"""Outgoing calls (``outbound_messages``) as the outbox sees them, and the runtime's write turn."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, bindparam, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import utcnow
from bot.storage import models as m
from bot.storage.store_people import PeopleStore

OUTBOUND: Table = m.OutboundMessage.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class OutboundRecord:
    """An outgoing call to store: ``detail`` holds what the outbox needs to make it."""

    chat_id: str | None
    kind: str
    text: str
    detail: dict[str, Any]
    status: str = "queued"
    attempts: int = 0  # 1 for a call stored as ``sending``: it is made right after the commit


@dataclass(frozen=True)
class OutboundRow:
    id: int
    chat_id: str | None
    kind: str
    text: str
    status: str
    attempts: int
    detail: dict[str, Any]
    inbound_id: int | None = None


@dataclass(frozen=True)
class OutboundChange:
    """A new status for outgoing call ``id`` (``attempts``/``error``/``message_id`` if known;
    ``result``: what the call answered that features need, kept as ``detail["result"]``)."""

    id: int
    status: str
    attempts: int | None = None
    error: str | None = None
    message_id: str | None = None
    result: dict[str, Any] | None = None


class OutboundStore(PeopleStore):
    @asynccontextmanager
    async def _writing(self, doing: str) -> AsyncIterator[AsyncSession]:
        """A write transaction. On SQLite, the runtime's writers (intake, processing, outbox)
        take turns in this process instead of waiting on SQLite's file lock."""
        if self.db.backend != "sqlite":
            async with self.db.session(doing) as session:
                yield session
            return
        async with self.db.write_lock, self.db.session(doing) as session:
            yield session

    async def outbound_rows(
        self,
        statuses: Sequence[str] = ("queued",),
        ids: Sequence[int] | None = None,
        inbound_id: int | None = None,
    ) -> list[OutboundRow]:
        """Outgoing calls in ``statuses`` (and with ``ids``, or for ``inbound_id``), oldest
        first."""
        query = select(m.OutboundMessage).order_by(m.OutboundMessage.id)
        query = query.where(m.OutboundMessage.status.in_(list(statuses)))
        if ids is not None:
            query = query.where(m.OutboundMessage.id.in_(list(ids)))
        if inbound_id is not None:
            query = query.where(m.OutboundMessage.inbound_id == inbound_id)
        async with self.db.session("reading outgoing calls") as session:
            rows = (await session.scalars(query)).all()
            return [
                OutboundRow(
                    r.id,
                    r.platform_chat_id,
                    r.kind,
                    r.text,
                    r.status,
                    r.attempts,
                    dict(r.detail),
                    r.inbound_id,
                )
                for r in rows
            ]

    async def set_outbound(self, changes: Sequence[OutboundChange]) -> None:
        """Apply status changes to outgoing calls: one statement, one transaction."""
        if not changes:
            return
        now = utcnow()
        t = OUTBOUND
        rows = [
            {
                "row_id": c.id,
                "new_status": c.status,
                "new_attempts": c.attempts,
                "new_error": c.error,
                "new_message_id": c.message_id,
                "now": now,
            }
            for c in changes
        ]

        def work(connection: Connection) -> None:
            connection.execute(_STATUS_CHANGE, rows)
            for change in (c for c in changes if c.result):
                detail = connection.scalar(select(t.c.detail).where(t.c.id == change.id))
                merged = {**dict(detail or {}), "result": change.result}
                connection.execute(update(t).where(t.c.id == change.id).values(detail=merged))

        await self.db.run_write(work, f"updating {len(changes)} outgoing calls", rows=len(changes))


# One statement for every status change (built once: building it costs more than running it).
_NOW = bindparam("now", type_=OUTBOUND.c.updated_at.type)
_STATUS_CHANGE = (
    update(OUTBOUND)
    .where(OUTBOUND.c.id == bindparam("row_id"))
    .values(
        status=bindparam("new_status"),
        attempts=func.coalesce(bindparam("new_attempts"), OUTBOUND.c.attempts),
        error=func.coalesce(bindparam("new_error"), OUTBOUND.c.error),
        platform_message_id=func.coalesce(
            bindparam("new_message_id"), OUTBOUND.c.platform_message_id
        ),
        sent_at=case((bindparam("new_status") == "sent", _NOW), else_=OUTBOUND.c.sent_at),
        updated_at=_NOW,
    )
)


def outbound_row(inbound_id: int | None, record: OutboundRecord) -> dict[str, Any]:
    """The ``outbound_messages`` row of a call to store (Core insert values)."""
    now = utcnow()
    return {
        "inbound_id": inbound_id,
        "platform_chat_id": record.chat_id,
        "kind": record.kind,
        "text": record.text,
        "status": record.status,
        "detail": record.detail,
        "attempts": record.attempts,
        "created_at": now,
        "updated_at": now,
    }
