"""How :meth:`Database.run_write` runs a hot transaction on a SQLite file: short ones in the
event loop, long ones in the writer thread, and a short one whose lock is taken by another
connection in the writer thread too (never blocking the loop)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from bot.storage import Database
from bot.storage.database import INLINE_ROWS


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'hot.db'}")

    def create(connection: Connection) -> None:
        connection.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)"))

    await db.run_write(create, "creating a table")
    yield db  # type: ignore[misc]
    await db.dispose()


def insert(name: str, where: list[str]) -> object:
    def work(connection: Connection) -> int:
        where.append(threading.current_thread().name)
        connection.execute(text("INSERT INTO item (name) VALUES (:n)"), {"n": name})
        return int(connection.execute(text("SELECT count(*) FROM item")).scalar_one())

    return work


async def names(db: Database) -> list[str]:
    def work(connection: Connection) -> list[str]:
        return list(connection.execute(text("SELECT name FROM item ORDER BY id")).scalars())

    return await db.run_read(work, "reading")


async def test_short_transactions_run_in_the_loop_long_ones_in_the_writer_thread(
    sqlite_db: Database,
) -> None:
    where: list[str] = []
    assert await sqlite_db.run_write(insert("a", where), "short", rows=1) == 1
    assert await sqlite_db.run_write(insert("b", where), "long", rows=INLINE_ROWS + 1) == 2
    assert where == [threading.current_thread().name, "cmbot-sqlite_0"]
    assert await names(sqlite_db) == ["a", "b"]


async def test_a_short_transaction_waits_in_the_thread_while_another_connection_writes(
    sqlite_db: Database, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "hot.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # holds SQLite's write lock
    other.execute("INSERT INTO item (name) VALUES ('other')")
    where: list[str] = []
    write = asyncio.create_task(sqlite_db.run_write(insert("mine", where), "short", rows=1))
    ticks = 0
    while ticks < 20:  # the loop keeps running while the write waits for the lock
        await asyncio.sleep(0.01)
        ticks += 1
    assert not write.done()
    other.execute("COMMIT")
    other.close()
    assert await write == 2
    assert where == ["cmbot-sqlite_0"]  # tried in the loop, found the lock taken, not run there
    assert await names(sqlite_db) == ["other", "mine"]


async def test_a_transaction_that_raises_in_the_loop_leaves_nothing(sqlite_db: Database) -> None:
    def failing(connection: Connection) -> None:
        connection.execute(text("INSERT INTO item (name) VALUES ('half')"))
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await sqlite_db.run_write(failing, "failing", rows=1)
    assert await names(sqlite_db) == []


async def test_wal_checkpoints_run_in_their_own_thread_not_in_the_loops_commits(
    sqlite_db: Database, tmp_path: Path
) -> None:
    def pages(connection: Connection) -> int:
        return int(connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())

    assert await sqlite_db.run_read(pages, "reading") == 4000  # the commits' fallback
    checkpointer = sqlite_db._checkpoints
    assert checkpointer is not None
    for i in range(50):
        await sqlite_db.run_write(insert(f"n{i}", []), "short")
    for _ in range(200):
        if checkpointer.checkpoints:
            break
        await asyncio.sleep(0.01)
    assert checkpointer.checkpoints >= 1
    thread = next(t for t in threading.enumerate() if t.name == "cmbot-sqlite-checkpoints")
    await sqlite_db.dispose()
    assert not thread.is_alive()
    assert len(await names(sqlite_db)) == 50  # still usable: the thread starts again


async def test_without_the_thread_commits_checkpoint_as_sqlite_does(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'plain.db'}", checkpoint_thread=False)
    try:

        def pages(connection: Connection) -> int:
            return int(connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())

        assert await db.run_read(pages, "reading") == 1000
        assert db._checkpoints is None
    finally:
        await db.dispose()
