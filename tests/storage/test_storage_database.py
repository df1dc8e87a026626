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
