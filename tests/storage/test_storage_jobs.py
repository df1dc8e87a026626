"""Scheduled jobs and bot state on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.storage import Database, Store
from bot.storage.store_jobs import JobResult
from tests.storage.conftest import backend, database, database_url  # noqa: F401  fixtures


async def test_the_button_secret_is_made_once_and_state_is_kept(database: Database) -> None:
    store = Store(database)
    secret = await store.secret()
    assert len(secret) == 32 and await Store(database).secret() == secret
    assert await store.get_state("weekly") is None
    await store.set_state("weekly", "2026-11-16")
    await store.set_state("weekly", "2026-11-23")
    assert await store.get_state("weekly") == "2026-11-23"


async def test_a_failing_job_is_retried_later_then_set_aside(database: Database) -> None:
    store = Store(database)
    due = datetime(2026, 1, 1, tzinfo=UTC)
    await store.schedule_job("x", "x:1", due, {"a": 1})
    await store.schedule_job("x", "x:1", due + timedelta(minutes=5), {"a": 2})  # moved
    await store.schedule_job("x", "x:2", due, {})
    assert await store.cancel_jobs("x:2") == 1
    assert await store.due_jobs(due) == []
    (job,) = await store.due_jobs(due + timedelta(minutes=5))
    assert job.payload == {"a": 2}
    later = due + timedelta(hours=1)
    await store.save_job_results([JobResult(job.id, "pending", "boom", due_at=later)])
    assert await store.due_jobs(due + timedelta(minutes=30)) == []
    (again,) = await store.due_jobs(later)
    assert (again.attempts, again.error) == (1, "boom")
    await store.save_job_results([JobResult(job.id, "failed", "boom twice")])
    assert await store.due_jobs(later + timedelta(days=9)) == []
    assert [j.status for j in await store.jobs(status=None)] == ["cancelled", "failed"]
