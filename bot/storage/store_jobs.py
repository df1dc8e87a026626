"""Scheduled jobs (timers that survive restarts) and small named values the bot keeps.

A job is a ``kind`` (which handler runs it), a unique ``key`` and a ``payload``, due at a
time. Scheduling an existing key moves it (new time, new payload, pending again), so a
feature can re-arm a timer without creating a second one. The runtime takes due jobs in
order of ``due_at`` and saves what they produced together with their new status
(:meth:`JobStore.save_job_results`), so a job runs to completion once, or again after a crash.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert, select, update

from bot.domain import utcnow
from bot.storage import models as m
from bot.storage.store_outbound import OutboundRecord, OutboundStore, outbound_row

JOBS: Table = m.ScheduledJob.__table__  # type: ignore[assignment]
STATE: Table = m.BotState.__table__  # type: ignore[assignment]
OUTBOUND: Table = m.OutboundMessage.__table__  # type: ignore[assignment]
EVENTS: Table = m.Event.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    key: str
    due_at: datetime
    payload: dict[str, Any]
    status: str = "pending"
    attempts: int = 0
    error: str | None = None


@dataclass
class JobResult:
    """What running one job produced; saved with the job's new ``status``."""

    job_id: int
    status: str = "done"  # done, failed, or pending (to run again at ``due_at``)
    error: str | None = None
    due_at: datetime | None = None
    outbound: list[OutboundRecord] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


class JobStore(OutboundStore):
    async def schedule_job(
        self, kind: str, key: str, due_at: datetime, payload: dict[str, Any] | None = None
    ) -> None:
        """Run ``kind`` at ``due_at``; an existing ``key`` is moved (and made pending again)."""
        values = {
            "kind": kind,
            "due_at": due_at,
            "payload": payload or {},
            "status": "pending",
            "attempts": 0,
            "error": None,
        }
        async with self.db.session(f"scheduling job {key}") as session:
            await self._upsert_job(session, key, values)

    async def _upsert_job(self, session: Any, key: str, values: dict[str, Any]) -> None:
        now = utcnow()
        stmt = self._insert(JOBS).values(key=key, created_at=now, updated_at=now, **values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key"], set_={**values, "updated_at": now}
        )
        await session.execute(stmt)

    async def cancel_jobs(self, *keys: str, prefix: str | None = None) -> int:
        """Cancel the pending jobs with these keys (or whose key starts with ``prefix``)."""
        stmt = update(JOBS).where(JOBS.c.status == "pending")
        if prefix is not None:
            stmt = stmt.where(JOBS.c.key.startswith(prefix, autoescape=True))
        else:
            stmt = stmt.where(JOBS.c.key.in_(list(keys)))
        async with self.db.session("cancelling jobs") as session:
            result = await session.execute(stmt.values(status="cancelled", updated_at=utcnow()))
            return int(getattr(result, "rowcount", 0) or 0)

    async def due_jobs(self, now: datetime, limit: int = 100) -> list[Job]:
        """Pending jobs due at or before ``now``, oldest first."""
        query = (
            select(JOBS)
            .where(JOBS.c.status == "pending", JOBS.c.due_at <= now)
            .order_by(JOBS.c.due_at, JOBS.c.id)
            .limit(limit)
        )
        async with self.db.session("reading due jobs") as session:
            return [_job(row) for row in (await session.execute(query)).mappings()]

    async def jobs(
        self, *, kind: str | None = None, status: str | None = "pending", key: str | None = None
    ) -> list[Job]:
        """Jobs by kind, status and/or key, by due time."""
        query = select(JOBS).order_by(JOBS.c.due_at, JOBS.c.id)
        if kind is not None:
            query = query.where(JOBS.c.kind == kind)
        if status is not None:
            query = query.where(JOBS.c.status == status)
        if key is not None:
            query = query.where(JOBS.c.key == key)
        async with self.db.session("reading jobs") as session:
            return [_job(row) for row in (await session.execute(query)).mappings()]

    async def save_job_results(self, results: Sequence[JobResult]) -> list[list[int]]:
        """Store each job's calls and events and set its status, in one transaction; return
        the outgoing call ids per result."""
        if not results:
            return []

        def work(session: Connection) -> list[int]:
            calls = [c for r in results for c in r.outbound]
            call_ids: list[int] = []
            if calls:
                rows = [outbound_row(None, c) for c in calls]
                stmt = insert(OUTBOUND).returning(OUTBOUND.c.id, sort_by_parameter_order=True)
                call_ids = [int(i) for i in session.execute(stmt, rows).scalars()]
            events = [{"kind": k, "payload": p} for r in results for k, p in r.events]
            if events:
                session.execute(insert(EVENTS), events)
            session.execute(
                update(JOBS)
                .where(JOBS.c.id == bindparam("job_id"))
                .values(
                    status=bindparam("new_status"),
                    error=bindparam("new_error"),
                    attempts=JOBS.c.attempts + 1,
                    updated_at=utcnow(),
                ),
                [
                    {"job_id": r.job_id, "new_status": r.status, "new_error": r.error}
                    for r in results
                ],
            )
            for r in (r for r in results if r.status == "pending" and r.due_at is not None):
                stmt2 = update(JOBS).where(JOBS.c.id == r.job_id).values(due_at=r.due_at)
                session.execute(stmt2)
            return call_ids

        call_ids = await self.db.run_write(
            work, f"saving {len(results)} job results", rows=4 * len(results)
        )
        it = iter(call_ids)
        return [[next(it) for _ in r.outbound] for r in results]

    # -- small named values --------------------------------------------------------------

    async def get_state(self, key: str) -> str | None:
        async with self.db.session(f"reading bot state {key}") as session:
            return await session.scalar(select(STATE.c.value).where(STATE.c.key == key))

    async def set_state(self, key: str, value: str) -> None:
        now = utcnow()
        stmt = self._insert(STATE).values(key=key, value=value, updated_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key"], set_={"value": value, "updated_at": now}
        )
        async with self.db.session(f"writing bot state {key}") as session:
            await session.execute(stmt)

    async def secret(self, key: str = "button_secret") -> bytes:
        """A random secret made once per database and kept (signs button data)."""
        value = await self.get_state(key)
        if value is None:
            stmt = (
                self._insert(STATE)
                .values(key=key, value=secrets.token_hex(32), updated_at=utcnow())
                .on_conflict_do_nothing(index_elements=["key"])
            )
            async with self.db.session("making the button secret") as session:
                await session.execute(stmt)
            value = await self.get_state(key)
        assert value is not None
        return bytes.fromhex(value)


def _job(row: Any) -> Job:
    return Job(
        id=int(row["id"]),
        kind=row["kind"],
        key=row["key"],
        due_at=row["due_at"],
        payload=dict(row["payload"] or {}),
        status=row["status"],
        attempts=int(row["attempts"]),
        error=row["error"],
    )
