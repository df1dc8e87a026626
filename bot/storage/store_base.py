"""What every part of the :class:`~bot.storage.Store` shares: the database and upserts."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import Table, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import utcnow
from bot.storage.database import Database


class StoreBase:
    """Holds the :class:`Database`; subclasses add the methods of one concern each."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._insert = postgresql.insert if db.backend == "postgresql" else sqlite.insert
        self._statements: dict[Hashable, Any] = {}

    def _built_once(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The statement ``build()`` makes, built on first use and kept: building one (and its
        cache key) costs more than running it on a few rows. Per store, because an upsert is
        written in the database's own dialect."""
        statement = self._statements.get(key)
        if statement is None:
            statement = self._statements[key] = build()
        return statement

    async def _upsert(
        self,
        session: AsyncSession,
        table: Table,
        keys: dict[str, str],
        values: dict[str, Any],
        *,
        timestamps: bool = True,
    ) -> int:
        """Insert or update the row with ``keys``; ``None`` in ``values`` keeps what is stored.

        Uses the native ``INSERT ... ON CONFLICT ... DO UPDATE`` of SQLite and PostgreSQL, so
        two writers racing on the same key get the same row.
        """
        now = utcnow()
        stamps = {"created_at": now, "updated_at": now} if timestamps else {}
        stmt = self._insert(table).values(**keys, **values, **stamps)
        changes: dict[str, Any] = {k: func.coalesce(stmt.excluded[k], table.c[k]) for k in values}
        if timestamps:
            changes["updated_at"] = now
        upsert = stmt.on_conflict_do_update(index_elements=list(keys), set_=changes)
        result = await session.execute(upsert.returning(table.c.id))
        return int(result.scalar_one())
