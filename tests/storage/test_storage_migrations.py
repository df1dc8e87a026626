"""Alembic migrations on a fresh database, re-run, downgrade, and models == migrations."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.storage import Database, Store
from bot.storage.models import Base

TABLES = {
    "contacts",
    "chats",
    "raw_updates",
    "inbound_messages",
    "verdicts",
    "outbound_messages",
    "cases",
    "case_events",
    "leads",
    "engagement_items",
    "engagement_records",
    "engagement_polls",
    "engagement_answers",
    "corrections",
    "event_log",
    "moderation_strikes",
    "member_joins",
    "scheduled_jobs",
    "bot_state",
}


async def _tables(db: Database) -> set[str]:
    async with db.engine.connect() as connection:
        names = await connection.run_sync(lambda c: inspect(c).get_table_names())
    return set(names) - {"alembic_version"}


async def test_fresh_database_has_no_revision(fresh_database: Database) -> None:
    assert await fresh_database.current_revision() is None
    assert await fresh_database.is_current() is False


async def test_upgrade_creates_every_table_and_is_idempotent(fresh_database: Database) -> None:
    await fresh_database.upgrade()
    assert await fresh_database.current_revision() == Database.head_revision()
    assert await _tables(fresh_database) == TABLES

    store = Store(fresh_database)
    inbound_id = await store.record_inbound(_message("kept across re-runs"))
    await fresh_database.upgrade()
    await fresh_database.upgrade()
    assert await fresh_database.is_current()
    assert (await store.inbound_message(inbound_id)) is not None


async def test_concurrent_upgrades_do_not_collide(database_url: str) -> None:
    first, second = Database(database_url), Database(database_url)
    try:
        await asyncio.gather(first.upgrade(), second.upgrade())
        assert await first.current_revision() == Database.head_revision()
    finally:
        await first.dispose()
        await second.dispose()


async def test_downgrade_to_base_then_upgrade(database: Database) -> None:
    await Store(database).record_event("before", {"n": 1})
    await database.downgrade("base")
    assert await database.current_revision() is None
    assert await _tables(database) == set()
    await database.upgrade()
    assert await _tables(database) == TABLES
    store = Store(database)
    assert await store.record_event("after", {"n": 2}) == 1  # a truly fresh schema


async def test_models_match_the_migrations(database: Database) -> None:
    def diff(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with database.engine.connect() as connection:
        differences = await connection.run_sync(diff)
    assert differences == []


def _message(text: str) -> Any:
    from bot.domain import InboundMessage

    return InboundMessage(text=text, user_id="42", chat_id="-100")
