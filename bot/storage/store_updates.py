"""Raw platform updates: stored before they are acknowledged, processed exactly once.

The life of an update: :meth:`~UpdateStore.record_update` (``received``; a duplicate delivery
is recognised by ``(platform, update_id)``) → ``processing`` → ``done`` or ``failed``. After a
crash, :meth:`~UpdateStore.unfinished_updates` lists what was ``received`` or left
``processing``, oldest first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select

from bot.domain import utcnow
from bot.storage import models as m
from bot.storage.base import UPDATE_STATUSES
from bot.storage.store_base import StoreBase

RAW_UPDATES: Table = m.RawUpdate.__table__  # type: ignore[assignment]


class UpdateStore(StoreBase):
    async def record_update(
        self, platform: str, update_id: str | int, payload: dict[str, Any]
    ) -> tuple[int, bool]:
        """Store a raw update; return ``(row id, is_new)``. A duplicate is not stored again."""
        keys = {"platform": platform, "update_id": str(update_id)}
        async with self.db.session(f"recording update {update_id}") as session:
            stmt = self._insert(RAW_UPDATES).values(
                **keys, payload=payload, status="received", attempts=0, created_at=utcnow()
            )
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
            new_id = (await session.execute(stmt.returning(RAW_UPDATES.c.id))).scalar()
            if new_id is not None:
                return int(new_id), True
            old_id = await session.scalar(select(m.RawUpdate.id).filter_by(**keys))
            return int(old_id or 0), False

    async def set_update_status(self, row_id: int, status: str, error: str | None = None) -> None:
        """Move update ``row_id`` to ``status`` (``processing`` counts an attempt)."""
        if status not in UPDATE_STATUSES:
            raise ValueError(f"unknown update status {status!r}; use one of {UPDATE_STATUSES}")
        async with self.db.session(f"setting the status of update row {row_id}") as session:
            row = await session.get_one(m.RawUpdate, row_id)
            row.status, row.error = status, error
            if status == "processing":
                row.attempts += 1
            if status in ("done", "failed"):
                row.processed_at = utcnow()

    async def unfinished_updates(
        self, platform: str | None = None, limit: int = 1000
    ) -> list[tuple[int, dict[str, Any]]]:
        """``(row id, payload)`` of updates ``received`` or left ``processing``, oldest first."""
        query = (
            select(m.RawUpdate.id, m.RawUpdate.payload)
            .where(m.RawUpdate.status.in_(("received", "processing")))
            .order_by(m.RawUpdate.id)
            .limit(limit)
        )
        if platform is not None:
            query = query.where(m.RawUpdate.platform == platform)
        async with self.db.session("listing unfinished updates") as session:
            return [(int(i), dict(p)) for i, p in (await session.execute(query)).all()]
